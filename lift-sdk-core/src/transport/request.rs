//! Building one request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::Transport;
use crate::Error;
use crate::envelope::ApiResponse;
use crate::response::Response;

/// One request, ready to be configured and sent through a [`Transport`].
///
/// The body is serialised once and replayed byte for byte on every attempt. `GET`, `HEAD`,
/// `PUT`, `DELETE` and `OPTIONS` are idempotent by default and `POST`/`PATCH` are not; mark
/// a read-only `POST` (a search) with [`idempotent(true)`](Self::idempotent) so it can be
/// retried after it may have reached the server.
///
/// ```no_run
/// use lift_sdk_core::Transport;
/// use serde_json::{json, Value};
///
/// # async fn run() -> Result<(), lift_sdk_core::Error> {
/// let memory = Transport::new("http://localhost:8003")?;
/// let found: Value = memory
///     .post("/search")
///     .json(&json!({"query": "campaign lift", "limit": 10}))
///     .idempotent(true)
///     .send_data()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    pub(super) transport: Transport,
    pub(super) method: Method,
    pub(super) url: Result<Url, Error>,
    pub(super) headers: HeaderMap,
    pub(super) body: Option<Bytes>,
    pub(super) idempotent: Option<bool>,
    pub(super) timeout: Option<Duration>,
    pub(super) deadline: Option<Duration>,
    pub(super) request_id: Option<Arc<str>>,
    pub(super) error: Option<Error>,
}

impl RequestBuilder {
    pub(super) fn new(transport: Transport, method: Method, url: Result<Url, Error>) -> Self {
        Self {
            transport,
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            idempotent: None,
            timeout: None,
            deadline: None,
            request_id: None,
            error: None,
        }
    }

    /// Adds a header to this request. It replaces a transport default of the same name
    /// (so `User-Agent` or `Content-Type` is sent once); calling `header` twice with one name
    /// sends both values.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: Into<http::Error>,
        V: TryInto<HeaderValue>,
        V::Error: Into<http::Error>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(err), _) => {
                self.defer(Error::invalid_input("invalid header name").with_source(err.into()))
            }
            (_, Err(err)) => {
                self.defer(Error::invalid_input("invalid header value").with_source(err.into()))
            }
        }
        self
    }

    /// Adds query parameters, serialised with `serde_urlencoded` (`None` fields are skipped).
    pub fn query<T: Serialize + ?Sized>(mut self, query: &T) -> Self {
        let encoded = match serde_urlencoded::to_string(query) {
            Ok(encoded) => encoded,
            Err(err) => {
                self.defer(Error::invalid_input("cannot encode the query").with_source(err));
                return self;
            }
        };
        if let (Ok(url), false) = (&mut self.url, encoded.is_empty()) {
            let joined = match url.query() {
                Some(existing) if !existing.is_empty() => format!("{existing}&{encoded}"),
                _ => encoded,
            };
            url.set_query(Some(&joined));
        }
        self
    }

    /// Sets a JSON body (and `Content-Type: application/json`, replacing any default).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(Bytes::from(bytes));
                self.headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Err(err) => {
                self.defer(Error::invalid_input("cannot encode the body as json").with_source(err))
            }
        }
        self
    }

    /// Sets a raw body; set `Content-Type` with [`header`](Self::header).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Whether the request may be sent again after it may have reached the server.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// The time-out of each attempt of this request (overrides the transport's).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long this whole call may take, credentials, retries and waits included
    /// (overrides the [`RetryPolicy`](crate::RetryPolicy)'s deadline; `Duration::MAX`: none).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The `X-Request-ID` to send (default: the current context's, or a new one).
    pub fn request_id(mut self, request_id: impl Into<Arc<str>>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    fn defer(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// Sends the request and returns the successful (2xx) answer with its body read.
    ///
    /// # Errors
    ///
    /// An error of kind `Status` for a 4xx/5xx answer (with the decoded
    /// [`ApiError`](crate::ApiError)), `Redirect` for a 3xx, `Connect` or `Timeout` when no
    /// answer came, `CircuitOpen` when the circuit breaker refused the call, `Auth` when the
    /// credential provider failed, and `InvalidInput` for a request that could not be built.
    pub async fn send(self) -> Result<Response, Error> {
        super::call::execute(self).await
    }

    /// Sends the request and decodes the body as bare JSON.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send), plus `Decode` when the body is not a `T`.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send().await?.json()
    }

    /// Sends the request and decodes the body as the `APIResponse` envelope.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send), plus `Decode` when the body is not an envelope of `T`.
    pub async fn send_envelope<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        self.send().await?.envelope()
    }

    /// Sends the request and returns the envelope's `data`.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send), plus `Decode` when `data` is not a `T`.
    pub async fn send_data<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send().await?.data()
    }
}

impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("path", &self.url.as_ref().map(Url::path).ok())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .field("idempotent", &self.idempotent)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}
