//! How a replay recognises a recorded request, and what it does with the others.

use std::sync::{Arc, Mutex, PoisonError};

use http::Method;
use wiremock::{Match, Request, Respond, ResponseTemplate};

use super::error::describe;

/// Matches the recorded method, path and query exactly: a query in another order or a
/// missing trailing slash is a different request, as it was for the reference.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Exactly {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Query,
}

/// What a recorded request's query must be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Query {
    /// Exactly this (`None`: no query at all).
    Exactly(Option<String>),
    /// Anything, or nothing.
    Any,
}

impl Match for Exactly {
    fn matches(&self, request: &Request) -> bool {
        request.method == self.method
            && request.url.path() == self.path
            && match &self.query {
                Query::Exactly(query) => request.url.query() == query.as_deref(),
                Query::Any => true,
            }
    }
}

/// Answers every request no recording matched with a 404 naming it, and keeps it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Unrecorded {
    pub(crate) requests: Arc<Mutex<Vec<Request>>>,
}

impl Unrecorded {
    pub(crate) fn take_copy(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Respond for Unrecorded {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let line = describe(request);
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request.clone());
        ResponseTemplate::new(404).set_body_raw(
            format!("lift-testkit replay: no recorded exchange for {line}"),
            "text/plain",
        )
    }
}
