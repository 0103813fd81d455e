//! Request bodies: what `store`, `search` and `search_batch` send.

use lift_sdk_core::Error;
use serde::Serialize;
use serde_json::{Map, Value};

use lift_sdk_core::SearchType;

/// The most results one search may ask for (the service refuses more with a 422).
pub const MAX_LIMIT: u32 = 100;
/// The number of results asked for when no limit is set (the service default).
pub const DEFAULT_LIMIT: u32 = 10;

/// A search, built with [`SearchRequest::new`] and its setters.
///
/// Serialises to the service's `MemorySearchRequest`:
/// `{"query", "search_type", "limit", "filters", "memory_type"?}`. The limit is checked
/// (1 to [`MAX_LIMIT`]) and the query must not be blank; both are checked before anything is
/// sent. A `&str` or `String` converts into a request with the defaults (hybrid, 10).
///
/// ```
/// use lift_memory_client::{SearchRequest, SearchType};
/// use serde_json::json;
///
/// let request = SearchRequest::new("campaign lift")
///     .search_type(SearchType::Neural)
///     .limit(5)
///     .filters(json!({"memory_type": {"$in": ["insight"]}}));
/// assert_eq!(
///     serde_json::to_value(&request).unwrap(),
///     json!({"query": "campaign lift", "search_type": "neural", "limit": 5,
///            "filters": {"memory_type": {"$in": ["insight"]}}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[must_use]
pub struct SearchRequest {
    query: String,
    search_type: SearchType,
    limit: u32,
    filters: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory_type: Option<String>,
    #[serde(skip)]
    invalid: Option<&'static str>,
}

impl SearchRequest {
    /// A hybrid search for `query` with the default limit of [`DEFAULT_LIMIT`].
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            search_type: SearchType::Hybrid,
            limit: DEFAULT_LIMIT,
            filters: None,
            memory_type: None,
            invalid: None,
        }
    }

    /// How results are ranked (default [`SearchType::Hybrid`]).
    pub fn search_type(mut self, search_type: SearchType) -> Self {
        self.search_type = search_type;
        self
    }

    /// How many results to return, 1 to [`MAX_LIMIT`] (default [`DEFAULT_LIMIT`]).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }

    /// Free-form filters, a JSON object such as `{"field": {"$gte": "…"}}`; `null` clears
    /// them. Anything other than an object or `null` makes the search fail with an
    /// `InvalidInput` error before it is sent.
    pub fn filters(mut self, filters: impl Into<Value>) -> Self {
        match into_object(filters.into()) {
            Ok(filters) => self.filters = filters,
            Err(()) => self.invalid = Some("filters must be a json object"),
        }
        self
    }

    /// The memory type to search. The reference service accepts this field but ignores it.
    pub fn memory_type(mut self, memory_type: impl Into<String>) -> Self {
        self.memory_type = Some(memory_type.into());
        self
    }

    pub(crate) fn with_search_type(mut self, search_type: SearchType) -> Self {
        self.search_type = search_type;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let Some(problem) = self.invalid {
            return Err(Error::invalid_input(problem));
        }
        check_query(&self.query)?;
        check_limit(self.limit)
    }
}

impl From<&str> for SearchRequest {
    fn from(query: &str) -> Self {
        Self::new(query)
    }
}

impl From<String> for SearchRequest {
    fn from(query: String) -> Self {
        Self::new(query)
    }
}

/// A memory to store, built with [`StoreRequest::new`] and its setters.
///
/// Serialises to the service's `MemoryStoreRequest`: `{"content", "metadata", "memory_type"}`.
/// `metadata` is always an object, `{}` when none was set: the reference crashes on `null`.
/// The content must not be empty.
///
/// ```
/// use lift_memory_client::StoreRequest;
/// use serde_json::json;
///
/// let request = StoreRequest::new("Q3 campaign lifted signups 12%");
/// assert_eq!(
///     serde_json::to_value(&request).unwrap(),
///     json!({"content": "Q3 campaign lifted signups 12%", "metadata": {}, "memory_type": "general"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[must_use]
pub struct StoreRequest {
    content: String,
    metadata: Map<String, Value>,
    memory_type: String,
    #[serde(skip)]
    invalid: Option<&'static str>,
}

impl StoreRequest {
    /// A memory of type `general` with empty metadata.
    pub fn new(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            metadata: Map::new(),
            memory_type: "general".to_owned(),
            invalid: None,
        }
    }

    /// Metadata stored with the memory: a JSON object (`null` means none, sent as `{}`).
    /// Anything other than an object or `null` makes the store fail with an `InvalidInput`
    /// error before it is sent.
    pub fn metadata(mut self, metadata: impl Into<Value>) -> Self {
        match into_object(metadata.into()) {
            Ok(metadata) => self.metadata = metadata.unwrap_or_default(),
            Err(()) => self.invalid = Some("metadata must be a json object"),
        }
        self
    }

    /// The memory type, such as `general` (the default) or `insight`.
    pub fn memory_type(mut self, memory_type: impl Into<String>) -> Self {
        self.memory_type = memory_type.into();
        self
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let Some(problem) = self.invalid {
            return Err(Error::invalid_input(problem));
        }
        if self.content.is_empty() {
            return Err(Error::invalid_input("content must not be empty"));
        }
        if self.memory_type.trim().is_empty() {
            return Err(Error::invalid_input("memory type must not be empty"));
        }
        Ok(())
    }
}

impl From<&str> for StoreRequest {
    fn from(content: &str) -> Self {
        Self::new(content)
    }
}

impl From<String> for StoreRequest {
    fn from(content: String) -> Self {
        Self::new(content)
    }
}

/// Several searches run as one workflow, built with [`BatchSearchRequest::new`].
///
/// The body is a bare JSON array of the query strings; the search type and the limit travel
/// as query parameters (`?search_type=hybrid&limit=10`). At least one query is needed, no
/// query may be blank, and the limit is checked like a single search's.
///
/// ```
/// use lift_memory_client::{BatchSearchRequest, SearchType};
///
/// let batch = BatchSearchRequest::new(["campaign lift", "churn"])
///     .search_type(SearchType::Knowledge)
///     .limit(3);
/// # drop(batch);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct BatchSearchRequest {
    pub(crate) queries: Vec<String>,
    pub(crate) params: BatchParams,
}

/// The query parameters of a batch search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct BatchParams {
    search_type: SearchType,
    limit: u32,
}

impl BatchSearchRequest {
    /// A hybrid batch search of `queries` with the default limit.
    pub fn new<I, Q>(queries: I) -> Self
    where
        I: IntoIterator<Item = Q>,
        Q: Into<String>,
    {
        Self {
            queries: queries.into_iter().map(Into::into).collect(),
            params: BatchParams {
                search_type: SearchType::Hybrid,
                limit: DEFAULT_LIMIT,
            },
        }
    }

    /// How results are ranked (default [`SearchType::Hybrid`]).
    pub fn search_type(mut self, search_type: SearchType) -> Self {
        self.params.search_type = search_type;
        self
    }

    /// How many results per query, 1 to [`MAX_LIMIT`] (default [`DEFAULT_LIMIT`]).
    pub fn limit(mut self, limit: u32) -> Self {
        self.params.limit = limit;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if self.queries.is_empty() {
            return Err(Error::invalid_input(
                "a batch search needs at least one query",
            ));
        }
        for query in &self.queries {
            check_query(query)?;
        }
        check_limit(self.params.limit)
    }
}

fn check_query(query: &str) -> Result<(), Error> {
    if query.trim().is_empty() {
        return Err(Error::invalid_input("query must not be empty"));
    }
    Ok(())
}

fn check_limit(limit: u32) -> Result<(), Error> {
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid_input(format!(
            "limit must be between 1 and {MAX_LIMIT}, got {limit}"
        )));
    }
    Ok(())
}

/// `Ok(None)` for `null`, `Ok(Some)` for an object, `Err` for anything else.
fn into_object(value: Value) -> Result<Option<Map<String, Value>>, ()> {
    match value {
        Value::Null => Ok(None),
        Value::Object(map) => Ok(Some(map)),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn search_body_matches_the_contract() {
        let body = serde_json::to_value(SearchRequest::new("campaign lift")).unwrap();
        assert_eq!(
            body,
            json!({"query": "campaign lift", "search_type": "hybrid", "limit": 10, "filters": null})
        );
    }

    #[test]
    fn limits_outside_1_to_100_are_refused() {
        for (limit, ok) in [(0, false), (1, true), (100, true), (101, false)] {
            let result = SearchRequest::new("q").limit(limit).validate();
            assert_eq!(result.is_ok(), ok, "{limit}");
        }
    }

    #[test]
    fn blank_query_is_refused() {
        assert!(SearchRequest::new("  ").validate().is_err());
        assert!(BatchSearchRequest::new(["ok", ""]).validate().is_err());
        assert!(
            BatchSearchRequest::new(Vec::<String>::new())
                .validate()
                .is_err()
        );
    }

    #[test]
    fn non_object_metadata_and_filters_are_refused() {
        let err = StoreRequest::new("x")
            .metadata(json!([1]))
            .validate()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: metadata must be a json object"
        );
        assert!(
            SearchRequest::new("q")
                .filters(json!("x"))
                .validate()
                .is_err()
        );
    }

    #[test]
    fn null_metadata_is_sent_as_an_empty_object() {
        let body = serde_json::to_value(StoreRequest::new("x").metadata(Value::Null)).unwrap();
        assert_eq!(body["metadata"], json!({}));
    }
}
