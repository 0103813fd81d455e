//! Request limits (body size, time) and the answer to a panicking handler.

use std::any::Any;
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::HttpError;

/// The limits every request to a module is held to.
///
/// A body over [`body_limit`](Self::body_limit) is refused with
/// `413 {"detail":"Request body too large"}` (before it is read when `Content-Length`
/// announces it, while it is read otherwise); a request still running after
/// [`request_timeout`](Self::request_timeout) is answered
/// `504 {"detail":"Request timed out"}` and its handler dropped.
///
/// ```
/// use std::time::Duration;
/// use lift_sdk::runtime::HttpLimits;
///
/// let limits = HttpLimits::default()
///     .body_limit(8 * 1024 * 1024)
///     .request_timeout(Duration::from_secs(10));
/// assert_eq!(limits.body_limit, 8 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpLimits {
    /// The largest request body accepted, in bytes. Default: 2 MiB, axum's own default,
    /// ample for JSON (a memory is text) while bounding what one request may buffer.
    pub body_limit: usize,
    /// How long a request may take, body upload included. Default: 30 s, the reference
    /// gateway's own upstream timeout: past it the gateway has given up on the caller anyway.
    pub request_timeout: Duration,
}

impl HttpLimits {
    /// The default body limit: 2 MiB.
    pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;
    /// The default request timeout: 30 s.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

    /// Sets the largest request body accepted, in bytes.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets how long a request may take.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            body_limit: Self::DEFAULT_BODY_LIMIT,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// The answer to a panicking handler. The panic message is logged, never sent: it may hold
/// anything the handler had in hand.
// The signature is tower-http's `ResponseForPanic` for a plain function.
#[allow(clippy::needless_pass_by_value)]
pub(super) fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    tracing::error!(panic = message, "request handler panicked");
    HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}
