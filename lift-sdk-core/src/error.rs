//! The one error type every Lift client returns.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use http::StatusCode;

use crate::api_error::ApiError;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// An error from a Lift service call, or from building a client.
///
/// The value is one pointer wide. Its [`Display`](fmt::Display) says what failed, with the
/// status and the server's `detail` when there is one, so logging `{err}` is enough to act
/// on; the underlying cause stays reachable through [`source()`](StdError::source).
///
/// ```
/// use lift_sdk_core::{Error, ErrorKind};
///
/// let err = Error::invalid_input("limit must be between 1 and 100, got 0");
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
/// assert!(!err.is_retryable());
/// assert_eq!(err.to_string(), "invalid input: limit must be between 1 and 100, got 0");
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    /// What failed, e.g. `POST /search`, or a free-form message for builder/input errors.
    message: String,
    status: Option<StatusCode>,
    api_error: Option<ApiError>,
    request_id: Option<String>,
    correlation_id: Option<String>,
    retry_after: Option<Duration>,
    location: Option<String>,
    hint: Option<String>,
    attempts: u32,
    source: Option<BoxError>,
}

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A client or configuration could not be built (bad URL, bad header, bad setting).
    Builder,
    /// The connection could not be established.
    Connect,
    /// The call or the connection timed out.
    Timeout,
    /// The server answered with an error status; see [`Error::status`] and
    /// [`Error::api_error`].
    Status,
    /// The server's answer could not be decoded into the expected type, or its body was
    /// larger than the transport's limit
    /// ([`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE) unless configured).
    Decode,
    /// The server answered with a redirect, which the SDK does not follow; see
    /// [`Error::location`].
    Redirect,
    /// The circuit breaker of this upstream is open: the call was not attempted.
    CircuitOpen,
    /// Credentials could not be obtained or attached.
    Auth,
    /// The caller's input was refused before anything was sent.
    InvalidInput,
    /// Any other failure while sending the request or reading the response.
    Request,
}

impl ErrorKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Builder => "invalid configuration",
            Self::Connect => "connection failed",
            Self::Timeout => "timed out",
            Self::Status => "http status",
            Self::Decode => "failed to decode response",
            Self::Redirect => "redirect not followed",
            Self::CircuitOpen => "circuit open",
            Self::Auth => "authentication failed",
            Self::InvalidInput => "invalid input",
            Self::Request => "request failed",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                status: None,
                api_error: None,
                request_id: None,
                correlation_id: None,
                retry_after: None,
                location: None,
                hint: None,
                attempts: 0,
                source: None,
            }),
        }
    }

    /// An error for input the caller gave that is refused before any request is sent.
    #[must_use]
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// An error for a client or configuration that cannot be built.
    #[must_use]
    pub fn builder(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Builder, message)
    }

    /// An error for credentials that cannot be obtained or attached (used by
    /// [`AuthProvider`](crate::AuthProvider) implementations).
    #[must_use]
    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Auth, message)
    }

    /// An error for a response body that does not have the expected shape, for decoders
    /// outside this crate. Prefer [`Response::json`](crate::Response::json), which also
    /// names the JSON path that failed.
    #[must_use]
    pub fn decode(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Decode, message)
    }

    /// An error for work the caller bounded with its own time limit (for example a
    /// sequence of calls under one `tokio::time::timeout`) that did not finish in time;
    /// [`is_timeout`](Self::is_timeout) and [`is_retryable`](Self::is_retryable) are true.
    ///
    /// ```
    /// let err = lift_sdk_core::Error::timeout("deregistration took longer than 5s");
    /// assert!(err.is_timeout());
    /// ```
    #[must_use]
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Timeout, message)
    }

    /// A 404-like error for something looked up on the client side and not found (for
    /// example a module looked up by name); [`is_not_found`](Self::is_not_found) is true.
    ///
    /// ```
    /// let err = lift_sdk_core::Error::not_found("no module named `analytics` is registered");
    /// assert!(err.is_not_found());
    /// ```
    #[must_use]
    pub fn not_found(message: impl Into<String>) -> Self {
        let api_error = ApiError::from_parts(StatusCode::NOT_FOUND, message.into());
        Self::new(ErrorKind::Status, String::new())
            .with_status(StatusCode::NOT_FOUND, Some(api_error))
    }

    /// Attaches the underlying cause, reachable through [`source()`](StdError::source).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Wraps `cause`, the error of a call this one depended on (a login behind a request, a
    /// key fetch behind a verification), so that what the user sees still answers "what did
    /// the server say": the cause's [`status`](Self::status), [`api_error`](Self::api_error),
    /// [`request_id`](Self::request_id), [`correlation_id`](Self::correlation_id),
    /// [`retry_after`](Self::retry_after) and [`location`](Self::location) are copied onto
    /// this error (where it has none of its own), and `cause` becomes its
    /// [`source()`](StdError::source). Kind, message and attempts stay this error's own.
    ///
    /// `cause` is an [`Error`], or an `Arc<Error>` when one failure is handed to several
    /// waiting callers.
    ///
    /// ```
    /// use lift_sdk_core::{Error, ErrorKind};
    ///
    /// # fn login() -> Result<(), Error> { Err(Error::not_found("no such user")) }
    /// let err = login().map_err(|err| Error::auth("login").with_cause(err)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Auth);
    /// assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
    /// assert_eq!(err.api_error().and_then(|e| e.message()), Some("no such user"));
    /// assert!(std::error::Error::source(&err).is_some());
    /// ```
    #[must_use]
    pub fn with_cause<E>(mut self, cause: E) -> Self
    where
        E: std::borrow::Borrow<Self> + Into<BoxError>,
    {
        {
            let from = &*cause.borrow().inner;
            let to = &mut *self.inner;
            if to.status.is_none() {
                to.status = from.status;
                to.api_error.clone_from(&from.api_error);
            }
            if to.request_id.is_none() {
                to.request_id.clone_from(&from.request_id);
            }
            if to.correlation_id.is_none() {
                to.correlation_id.clone_from(&from.correlation_id);
            }
            if to.location.is_none() {
                to.location.clone_from(&from.location);
            }
            to.retry_after = to.retry_after.or(from.retry_after);
        }
        self.inner.source = Some(cause.into());
        self
    }

    /// Adds a hint on what to do, shown at the end of the message, e.g. which role a 403
    /// needs. Clients use it to turn a bare status into an actionable message.
    ///
    /// ```
    /// let err = lift_sdk_core::Error::invalid_input("no base_url").with_hint("set MODULE_BASE_URL");
    /// assert_eq!(err.to_string(), "invalid input: no base_url (set MODULE_BASE_URL)");
    /// ```
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.inner.hint = Some(hint.into());
        self
    }

    /// The hint added with [`with_hint`](Self::with_hint).
    #[must_use]
    pub fn hint(&self) -> Option<&str> {
        self.inner.hint.as_deref()
    }

    pub(crate) fn with_status(mut self, status: StatusCode, api_error: Option<ApiError>) -> Self {
        self.inner.status = Some(status);
        self.inner.api_error = api_error;
        self
    }

    pub(crate) fn with_ids(
        mut self,
        request_id: Option<&str>,
        correlation_id: Option<&str>,
    ) -> Self {
        self.inner.request_id = request_id.map(str::to_owned);
        self.inner.correlation_id = correlation_id.map(str::to_owned);
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.inner.retry_after = retry_after;
        self
    }

    pub(crate) fn with_location(mut self, location: Option<String>) -> Self {
        self.inner.location = location;
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// What kind of failure this is.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status the server answered with, if it answered.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The server's decoded error body (`{"detail": …}`, a validation list, or raw text).
    #[must_use]
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api_error.as_ref()
    }

    /// The `X-Request-ID` this call was sent with (the same on every attempt).
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The gateway's `X-Correlation-ID` response header, when the call went through the
    /// gateway.
    #[must_use]
    pub fn correlation_id(&self) -> Option<&str> {
        self.inner.correlation_id.as_deref()
    }

    /// How long the server asked the client to wait (`Retry-After`), if it did.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The `Location` of a redirect that was not followed.
    #[must_use]
    pub fn location(&self) -> Option<&str> {
        self.inner.location.as_deref()
    }

    /// How many times the request was sent (0 when it never left the client).
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Whether trying the same call again later may succeed: connection failures, time-outs,
    /// and the statuses 429, 502, 503 and 504.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Connect | ErrorKind::Timeout => true,
            ErrorKind::Status => self.inner.status.is_some_and(is_retryable_status),
            _ => false,
        }
    }

    /// Whether the server answered 404.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.inner.status == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the server answered 401.
    #[must_use]
    pub fn is_unauthorized(&self) -> bool {
        self.inner.status == Some(StatusCode::UNAUTHORIZED)
    }

    /// Whether the server answered 403.
    #[must_use]
    pub fn is_forbidden(&self) -> bool {
        self.inner.status == Some(StatusCode::FORBIDDEN)
    }

    /// Whether the call timed out.
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// Whether the connection could not be established.
    #[must_use]
    pub fn is_connect(&self) -> bool {
        self.inner.kind == ErrorKind::Connect
    }

    /// Whether the server answered with an error status.
    #[must_use]
    pub fn is_status(&self) -> bool {
        self.inner.kind == ErrorKind::Status
    }

    /// Whether the call failed fast because the circuit breaker is open.
    #[must_use]
    pub fn is_circuit_open(&self) -> bool {
        self.inner.kind == ErrorKind::CircuitOpen
    }
}

/// The statuses a retry may cure: 429, 502, 503 and 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502..=504)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.write_str(inner.kind.as_str())?;
        if let Some(status) = inner.status {
            write!(f, " {status}")?;
        }
        if !inner.message.is_empty() {
            let joiner = if inner.status.is_some() {
                " from "
            } else {
                ": "
            };
            write!(f, "{joiner}{}", inner.message)?;
        }
        if let Some(api_error) = &inner.api_error {
            write!(f, ": {}", api_error.detail())?;
        }
        if let Some(location) = &inner.location {
            write!(f, " (location: {location})")?;
        }
        if let Some(hint) = &inner.hint {
            write!(f, " ({hint})")?;
        }
        if let Some(retry_after) = inner.retry_after {
            write!(f, " (retry after {}s)", retry_after.as_secs_f64())?;
        }
        if inner.attempts > 1 {
            write!(f, " after {} attempts", inner.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut d = f.debug_struct("lift_sdk_core::Error");
        d.field("kind", &inner.kind)
            .field("message", &inner.message);
        if let Some(status) = inner.status {
            d.field("status", &status);
        }
        if let Some(api_error) = &inner.api_error {
            d.field("api_error", api_error);
        }
        if let Some(request_id) = &inner.request_id {
            d.field("request_id", request_id);
        }
        if let Some(correlation_id) = &inner.correlation_id {
            d.field("correlation_id", correlation_id);
        }
        if let Some(location) = &inner.location {
            d.field("location", location);
        }
        if inner.attempts > 0 {
            d.field("attempts", &inner.attempts);
        }
        if let Some(source) = &inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|source| &**source as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_one_pointer_wide_and_thread_safe() {
        fn assert_send_sync_static<T: Send + Sync + 'static>() {}
        assert_send_sync_static::<Error>();
        assert_eq!(size_of::<Error>(), size_of::<usize>());
    }

    #[test]
    fn display_does_not_repeat_the_source() {
        let source = std::io::Error::other("socket closed by peer");
        let err = Error::new(ErrorKind::Connect, "GET /health").with_source(source);
        assert_eq!(err.to_string(), "connection failed: GET /health");
        assert_eq!(
            err.source().map(ToString::to_string).as_deref(),
            Some("socket closed by peer")
        );
    }

    #[test]
    fn retryable_statuses() {
        for (code, retryable) in [
            (429, true),
            (500, false),
            (502, true),
            (503, true),
            (504, true),
        ] {
            let status = StatusCode::from_u16(code).unwrap();
            let err = Error::new(ErrorKind::Status, "GET /x").with_status(status, None);
            assert_eq!(err.is_retryable(), retryable, "{code}");
        }
    }
}
