//! The id of the request being handled, as handlers and logs see it.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use http::request::Parts;

/// The id of the request being handled: the incoming `X-Request-ID` when it is usable,
/// otherwise a fresh UUID. It is echoed on the response, recorded on the request's span and
/// sent on every downstream call the handler makes.
///
/// Usable as an extractor in the module's handlers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId(Arc<str>);

impl RequestId {
    /// Wraps an id already checked to be a usable header value.
    pub(crate) fn new(id: impl Into<Arc<str>>) -> Self {
        Self(id.into())
    }

    /// The id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // The runtime's request layer always inserts one; outside it (a router tested on its
        // own), a fresh id keeps the extractor infallible.
        Ok(parts
            .extensions
            .get::<Self>()
            .cloned()
            .unwrap_or_else(|| Self::new(lift_sdk_core::new_request_id())))
    }
}
