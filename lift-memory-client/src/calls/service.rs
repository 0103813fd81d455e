//! Contexts, conceptual spaces and the service's own figures (`health` and `ready` are
//! the shared ones of `lift_auth::impl_service_client!`).

use http::Method;
use lift_sdk_core::{Error, http};

use super::send_data_with_metadata;
use crate::client::MemoryClient;
use crate::model::context::{ContextDeleted, ContextStats, MemoryContext};
use crate::model::info::ServiceInfo;
use crate::model::metrics::PerformanceMetrics;
use crate::model::spaces::{ConceptualSpace, ConceptualSpaces};

impl MemoryClient {
    /// The service's self-description (`GET /`).
    ///
    /// Sent with a trailing slash (`{gateway}/memory/`): without it the gateway answers a
    /// `307` to an internal URL.
    ///
    /// # Errors
    ///
    /// The transport's errors, and `Decode` for a malformed answer.
    pub async fn info(&self) -> Result<ServiceInfo, Error> {
        let mut url = self.transport.url("")?;
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        self.transport
            .request_url(Method::GET, url)
            .send_data()
            .await
    }

    /// Initialises the caller's organisation's memory context for `domain`
    /// (`POST /context/initialize?domain=…`, no body).
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a blank domain; otherwise the
    /// transport's errors and `Decode` for a malformed answer.
    pub async fn context_initialize(
        &self,
        domain: impl Into<String>,
    ) -> Result<MemoryContext, Error> {
        let domain = domain.into();
        if domain.trim().is_empty() {
            return Err(Error::invalid_input("domain must not be empty"));
        }
        let call = self
            .transport
            .post("/context/initialize")
            .query(&[("domain", &domain)]);
        call.send_data().await
    }

    /// Context counts for the whole service (`GET /context/stats`).
    ///
    /// # Errors
    ///
    /// The transport's errors, and `Decode` for a malformed answer.
    pub async fn context_stats(&self) -> Result<ContextStats, Error> {
        self.transport.get("/context/stats").send_data().await
    }

    /// Deactivates an organisation's memory context (`DELETE /context/{org_id}`); nothing is
    /// deleted. Allowed for the caller's own organisation, or any with the `admin` role.
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a blank `org_id`; `Status` 403
    /// (`Access denied to organization context`) for another organisation without `admin`;
    /// otherwise the transport's errors and `Decode` for a malformed answer.
    pub async fn delete_context(&self, org_id: &str) -> Result<ContextDeleted, Error> {
        if org_id.trim().is_empty() {
            return Err(Error::invalid_input("org id must not be empty"));
        }
        let call = self.transport.delete(["context", org_id]);
        call.send_data().await
    }

    /// Creates a conceptual space (`POST /conceptual-spaces/create?name=…`, the body a bare
    /// JSON array of the dimensions).
    ///
    /// ```no_run
    /// # async fn run(memory: lift_memory_client::MemoryClient) -> Result<(), lift_memory_client::Error> {
    /// let space = memory
    ///     .create_conceptual_space("marketing", ["channel", "audience", "season"])
    ///     .await?;
    /// println!("created {}", space.space_id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a blank name; otherwise the transport's
    /// errors and `Decode` when the answer has no `space_id`.
    pub async fn create_conceptual_space<I, D>(
        &self,
        name: impl Into<String>,
        dimensions: I,
    ) -> Result<ConceptualSpace, Error>
    where
        I: IntoIterator<Item = D>,
        D: Into<String>,
    {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(Error::invalid_input(
                "conceptual space name must not be empty",
            ));
        }
        let dimensions: Vec<String> = dimensions.into_iter().map(Into::into).collect();
        let call = self
            .transport
            .post("/conceptual-spaces/create")
            .query(&[("name", &name)])
            .json(&dimensions);
        send_data_with_metadata(call).await
    }

    /// Every conceptual space the service holds (`GET /conceptual-spaces`); the reference
    /// does not filter them by organisation.
    ///
    /// # Errors
    ///
    /// The transport's errors, and `Decode` for a malformed answer.
    pub async fn conceptual_spaces(&self) -> Result<ConceptualSpaces, Error> {
        let call = self.transport.get("/conceptual-spaces");
        call.send_data().await
    }

    /// The service's performance figures (`GET /performance/metrics`).
    ///
    /// # Errors
    ///
    /// The transport's errors, and `Decode` for a malformed answer.
    pub async fn performance_metrics(&self) -> Result<PerformanceMetrics, Error> {
        let call = self.transport.get("/performance/metrics");
        call.send_data().await
    }
}
