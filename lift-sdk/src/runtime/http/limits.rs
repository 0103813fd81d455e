//! Request limits (body size, time) and the panic catcher, stacked with the FastAPI error
//! shapes around a module's router.

use std::any::Any;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use super::HttpError;
use super::rejection::{fastapi_fallbacks, json_errors};

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

/// Wraps every route of `router` (call it once all routes are added) in, outermost first:
///
/// 1. the JSON rewrite of text/empty error answers: outermost, so it also sees the 413, 504
///    and 405 the layers below (and axum) produce;
/// 2. the panic catcher: a panicking handler answers `500 {"detail":"Internal Server
///    Error"}` and the connection stays usable; above the timeout and the body limit so a
///    panic anywhere below is caught;
/// 3. the timeout (504): above the body limit so that a slow upload counts against it too;
/// 4. tower-http's body limit: refuses at once when `Content-Length` is too large, and caps
///    streamed bodies as they are read (413 from the extractor that reads them);
/// 5. axum's `DefaultBodyLimit`, set to the same value so axum's built-in 2 MiB cap does not
///    undercut a larger configured limit.
///
/// Unknown paths answer `404 {"detail":"Not Found"}`.
pub(crate) fn harden(router: Router, limits: &HttpLimits) -> Router {
    fastapi_fallbacks(router)
        .layer(DefaultBodyLimit::max(limits.body_limit))
        .layer(RequestBodyLimitLayer::new(limits.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::map_response(json_errors))
}

/// The answer to a panicking handler. The panic message is logged, never sent: it may hold
/// anything the handler had in hand.
// The signature is tower-http's `ResponseForPanic` for a plain function.
#[allow(clippy::needless_pass_by_value)]
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    tracing::error!(panic = message, "request handler panicked");
    HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}
