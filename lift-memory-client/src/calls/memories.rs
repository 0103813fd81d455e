//! Storing, searching and analysing memories.

use lift_sdk_core::Error;

use super::send_data_with_metadata;
use crate::client::MemoryClient;
use crate::model::insights::MemoryInsights;
use crate::model::search::{BatchSearchResult, SearchResponse};
use crate::model::store::StoreResult;
use crate::request::{BatchSearchRequest, SearchRequest, StoreRequest};
use lift_sdk_core::SearchType;

impl MemoryClient {
    /// Stores a memory (`POST /store`) and returns its id.
    ///
    /// A `&str` or `String` stores that text as a `general` memory with empty metadata;
    /// build a [`StoreRequest`] for more. A store is never retried once it may have reached
    /// the service, so it is never stored twice by the SDK.
    ///
    /// ```no_run
    /// # async fn run(memory: lift_memory_client::MemoryClient) -> Result<(), lift_memory_client::Error> {
    /// use lift_memory_client::StoreRequest;
    /// use serde_json::json;
    ///
    /// let stored = memory
    ///     .store(
    ///         StoreRequest::new("Q3 campaign lifted signups 12%")
    ///             .memory_type("insight")
    ///             .metadata(json!({"source": "crm"})),
    ///     )
    ///     .await?;
    /// println!("stored {}", stored.memory_id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for empty content, a blank memory type or
    /// metadata that is not a JSON object; otherwise the transport's errors (`Status` with
    /// the decoded `detail`, `Connect`, `Timeout`, …) and `Decode` when the answer has no
    /// `memory_id`.
    pub async fn store(&self, request: impl Into<StoreRequest>) -> Result<StoreResult, Error> {
        let request = request.into();
        request.validate()?;
        let call = self.transport.post("/store").json(&request);
        send_data_with_metadata(call).await
    }

    /// Searches memories (`POST /search`) with the request's search type.
    ///
    /// A `&str` or `String` is a hybrid search with the default limit of 10. Searches are
    /// read-only, so they are retried like `GET`s.
    ///
    /// ```no_run
    /// # async fn run(memory: lift_memory_client::MemoryClient) -> Result<(), lift_memory_client::Error> {
    /// let found = memory.search("campaign lift").await?;
    /// for hit in &found.results {
    ///     println!("{:.2} {}", hit.score, hit.content);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a blank query, a limit outside 1..=100
    /// or filters that are not a JSON object; otherwise the transport's errors (a 422 from
    /// the service is `Status` with the validation items in
    /// [`api_error`](lift_sdk_core::Error::api_error)) and `Decode` for a malformed answer.
    pub async fn search(&self, request: impl Into<SearchRequest>) -> Result<SearchResponse, Error> {
        self.search_at("/search", request.into()).await
    }

    /// Searches through the dedicated neural route (`POST /search/neural`); the request's
    /// search type is sent as `neural`.
    ///
    /// # Errors
    ///
    /// As [`search`](Self::search).
    pub async fn search_neural(
        &self,
        request: impl Into<SearchRequest>,
    ) -> Result<SearchResponse, Error> {
        let request = request.into().with_search_type(SearchType::Neural);
        self.search_at("/search/neural", request).await
    }

    /// Searches through the dedicated conceptual route (`POST /search/conceptual`); the
    /// request's search type is sent as `conceptual`.
    ///
    /// # Errors
    ///
    /// As [`search`](Self::search).
    pub async fn search_conceptual(
        &self,
        request: impl Into<SearchRequest>,
    ) -> Result<SearchResponse, Error> {
        let request = request.into().with_search_type(SearchType::Conceptual);
        self.search_at("/search/conceptual", request).await
    }

    /// Searches through the dedicated knowledge route (`POST /search/knowledge`); the
    /// request's search type is sent as `knowledge`.
    ///
    /// # Errors
    ///
    /// As [`search`](Self::search).
    pub async fn search_knowledge(
        &self,
        request: impl Into<SearchRequest>,
    ) -> Result<SearchResponse, Error> {
        let request = request.into().with_search_type(SearchType::Knowledge);
        self.search_at("/search/knowledge", request).await
    }

    async fn search_at(&self, path: &str, request: SearchRequest) -> Result<SearchResponse, Error> {
        request.validate()?;
        let call = self.transport.post(path).json(&request).idempotent(true);
        send_data_with_metadata(call).await
    }

    /// Runs several searches as one workflow (`POST /search/batch`): the body is a bare
    /// JSON array of the queries, with `search_type` and `limit` as query parameters.
    ///
    /// ```no_run
    /// # async fn run(memory: lift_memory_client::MemoryClient) -> Result<(), lift_memory_client::Error> {
    /// use lift_memory_client::BatchSearchRequest;
    ///
    /// let batch = memory
    ///     .search_batch(BatchSearchRequest::new(["campaign lift", "churn drivers"]).limit(3))
    ///     .await?;
    /// println!("{} queries in workflow {}", batch.queries_processed, batch.workflow_id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for no queries, a blank query or a limit
    /// outside 1..=100; otherwise as [`search`](Self::search).
    pub async fn search_batch(
        &self,
        request: BatchSearchRequest,
    ) -> Result<BatchSearchResult, Error> {
        request.validate()?;
        let call = self
            .transport
            .post("/search/batch")
            .query(&request.params)
            .json(&request.queries)
            .idempotent(true);
        send_data_with_metadata(call).await
    }

    /// Analytics over the caller's organisation's memories (`GET /insights`).
    ///
    /// # Errors
    ///
    /// The transport's errors, and `Decode` for a malformed answer.
    pub async fn insights(&self) -> Result<MemoryInsights, Error> {
        self.transport.get("/insights").send_data().await
    }
}
