//! Request limits (body size, time) and the answer to a panicking handler.

use std::any::Any;
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::HttpError;

/// The limits every request and every connection to a module is held to.
///
/// A body over [`body_limit`](Self::body_limit) is refused with
/// `413 {"detail":"Request body too large"}` (before it is read when `Content-Length`
/// announces it, while it is read otherwise); a request still running after
/// [`request_timeout`](Self::request_timeout) is answered
/// `504 {"detail":"Request timed out"}` and its handler dropped.
///
/// A connection whose request head has not fully arrived within
/// [`header_read_timeout`](Self::header_read_timeout) (from its first byte, or from the
/// connection's start) is closed, as is a keep-alive connection idle for
/// [`idle_timeout`](Self::idle_timeout). Past [`max_connections`](Self::max_connections)
/// open connections, new ones wait in the operating system's accept backlog until one
/// closes: they are not accepted and dropped.
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
    /// How long a request head (request line and headers) may take to arrive. Default:
    /// 30 s, hyper's and Go's usual value: ample for any honest client, short enough that
    /// slow clients cannot hold connections for ever.
    pub header_read_timeout: Duration,
    /// How long a keep-alive connection may stay open with no request. Default: 75 s,
    /// longer than the 60 s idle timeout of common load balancers and proxies, so that the
    /// proxy, not the module, closes an idle pooled connection (a module closing first
    /// races the proxy's next request on it).
    pub idle_timeout: Duration,
    /// The most connections open at once. Default: 10 000.
    pub max_connections: usize,
}

impl HttpLimits {
    /// The default body limit: 2 MiB.
    pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;
    /// The default request timeout: 30 s.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default header-read timeout: 30 s.
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default idle keep-alive timeout: 75 s.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(75);
    /// The default connection cap: 10 000.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

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

    /// Sets how long a request head may take to arrive.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets how long a keep-alive connection may stay idle.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets the most connections open at once (`0` counts as 1).
    #[must_use]
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections;
        self
    }
}

impl HttpLimits {
    /// The defaults, with what the environment (`LIFT_MODULE_*`) sets instead.
    pub(crate) fn from_settings(env: &crate::config::ModuleSettings) -> Self {
        let defaults = Self::default();
        Self {
            body_limit: env.body_limit.unwrap_or(defaults.body_limit),
            request_timeout: env.request_timeout.unwrap_or(defaults.request_timeout),
            header_read_timeout: env
                .header_read_timeout
                .unwrap_or(defaults.header_read_timeout),
            idle_timeout: env.idle_timeout.unwrap_or(defaults.idle_timeout),
            max_connections: env.max_connections.unwrap_or(defaults.max_connections),
        }
    }
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            body_limit: Self::DEFAULT_BODY_LIMIT,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// The answer to a panicking handler. The panic message is logged, never sent: it may hold
/// anything the handler had in hand.
// The signature is tower-http's `ResponseForPanic` for a plain function.
#[allow(clippy::needless_pass_by_value)]
pub(super) fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = crate::runtime::shutdown::panic_message(&*panic);
    tracing::error!(panic = %message, "request handler panicked");
    HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}
