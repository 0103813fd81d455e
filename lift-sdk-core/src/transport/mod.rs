//! The HTTP transport every Lift client is built on.

mod body;
mod builder;
mod call;
mod observer;
mod request;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, Method};
use url::Url;

use crate::Error;
use crate::auth::AuthProvider;
use crate::circuit::CircuitBreaker;
use crate::path::PathSpec;
use crate::retry::{RetryBudget, RetryPolicy};

pub use body::{DEFAULT_MAX_BODY_SIZE, read_body_limited};
pub use builder::{TransportBuilder, USER_AGENT_VALUE, default_http_client};
pub use observer::{CallObserver, CallOutcome};
pub use request::RequestBuilder;

/// The connection to one Lift service: base URL, shared connection pool, time-outs, retries,
/// circuit breaker and credentials.
///
/// Cheap to clone (two reference counts) and `Send + Sync`: create one per service and
/// reuse it. [`with_auth`](Self::with_auth) gives a copy that sends other credentials but
/// shares the pool, the retry budget and the circuit breaker, which is how a module acts on
/// behalf of each caller without a pool per request.
///
/// Every call gets one `X-Request-ID` (kept across retries, taken from the current
/// [`RequestContext`](crate::RequestContext) when there is one), a W3C `traceparent`, and a
/// `tracing` span with the service, method, path, status, attempt and request id. Redirects
/// are never followed: the reference's `307`s point at internal hosts, so they surface as an
/// error of kind [`Redirect`](crate::ErrorKind::Redirect) that names `Location`.
///
/// ```no_run
/// use lift_sdk_core::Transport;
/// use serde_json::Value;
///
/// # async fn run() -> Result<(), lift_sdk_core::Error> {
/// let memory = Transport::builder("http://localhost:8003").service("memory").build()?;
/// let stats: Value = memory.get("/context/stats").send_data().await?;
/// println!("{stats}");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Transport {
    shared: Arc<Shared>,
    auth: Option<Arc<dyn AuthProvider>>,
    through_gateway: bool,
}

/// The user-context headers: what the gateway derives from the bearer token and downstream
/// services believe without checking. The reference gateway forwards a client's own copy
/// *before* the one it injects and FastAPI reads the first (contract §4.2), so a copy from
/// the client would override the token's identity: a transport that talks to the gateway
/// ([`Transport::through_gateway`]) removes every one of them from every request, whatever
/// a credential provider, a default header or the request itself adds. This one list is
/// what the transport and the gateway client strip.
///
/// Lower-case, as `http` spells header names; matching is case-insensitive on the wire.
///
/// ```
/// use lift_sdk_core::USER_CONTEXT_HEADERS;
///
/// assert!(USER_CONTEXT_HEADERS.iter().any(|name| name == "x-user-permissions"));
/// assert!(USER_CONTEXT_HEADERS.iter().any(|name| name == "x-organization-id"));
/// ```
pub const USER_CONTEXT_HEADERS: [HeaderName; 7] = [
    HeaderName::from_static("x-user-id"),
    HeaderName::from_static("x-org-id"),
    // An alias of `X-Org-ID` that the llm module reads.
    HeaderName::from_static("x-organization-id"),
    HeaderName::from_static("x-user-roles"),
    HeaderName::from_static("x-user-permissions"),
    HeaderName::from_static("x-memory-context"),
    HeaderName::from_static("x-module-id"),
];

struct Shared {
    base_url: Url,
    service: String,
    client: reqwest::Client,
    timeout: Option<Duration>,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    budget: Arc<RetryBudget>,
    breaker: Arc<CircuitBreaker>,
    max_body_size: usize,
    observer: Option<Arc<dyn CallObserver>>,
}

impl Transport {
    /// A transport with default settings for the service at `base_url`.
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](crate::ErrorKind::Builder) when `base_url` is not an
    /// absolute http(s) URL.
    pub fn new(base_url: &str) -> Result<Self, Error> {
        Self::builder(base_url).build()
    }

    /// Starts configuring a transport for the service at `base_url`.
    pub fn builder(base_url: impl Into<String>) -> TransportBuilder {
        TransportBuilder::new(base_url.into())
    }

    /// The service's base URL (normalised: no trailing slash, no `//`, and no userinfo: a
    /// `user:password@` given to the builder is sent as `Authorization: Basic`, never shown).
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.shared.base_url
    }

    /// The service name used in spans and errors.
    #[must_use]
    pub fn service(&self) -> &str {
        &self.shared.service
    }

    /// The underlying `reqwest` client (and its connection pool).
    #[must_use]
    pub fn http_client(&self) -> &reqwest::Client {
        &self.shared.client
    }

    /// The time-out of each attempt (`None`: only the deadline bounds it).
    #[must_use]
    pub fn timeout(&self) -> Option<Duration> {
        self.shared.timeout
    }

    /// The retry policy.
    #[must_use]
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    /// The circuit breaker guarding this service (pass a clone of the `Arc` to another
    /// builder to share it).
    #[must_use]
    pub fn circuit_breaker(&self) -> &Arc<CircuitBreaker> {
        &self.shared.breaker
    }

    /// The retry budget of this service's calls.
    #[must_use]
    pub fn retry_budget(&self) -> &Arc<RetryBudget> {
        &self.shared.budget
    }

    /// The largest response body read (see [`DEFAULT_MAX_BODY_SIZE`]).
    #[must_use]
    pub fn max_body_size(&self) -> usize {
        self.shared.max_body_size
    }

    /// The observer told about every finished call, if any.
    #[must_use]
    pub fn observer(&self) -> Option<&Arc<dyn CallObserver>> {
        self.shared.observer.as_ref()
    }

    /// The credential provider, if any.
    #[must_use]
    pub fn auth(&self) -> Option<&Arc<dyn AuthProvider>> {
        self.auth.as_ref()
    }

    /// A copy that attaches credentials from `provider`, sharing everything else.
    #[must_use]
    pub fn with_auth(&self, provider: Arc<dyn AuthProvider>) -> Self {
        Self {
            auth: Some(provider),
            ..self.clone()
        }
    }

    /// A copy that sends no credentials, sharing everything else.
    #[must_use]
    pub fn without_auth(&self) -> Self {
        Self {
            auth: None,
            ..self.clone()
        }
    }

    /// A copy that talks to the gateway: it never sends the user-context headers
    /// ([`USER_CONTEXT_HEADERS`]: `X-User-ID`, `X-Org-ID`, `X-Organization-ID`,
    /// `X-User-Roles`, `X-User-Permissions`, `X-Memory-Context`, `X-Module-ID`), whatever a
    /// provider or a request adds, because the gateway would forward the client's copy and
    /// downstream services would believe it (contract §4.2).
    #[must_use]
    pub fn through_gateway(&self) -> Self {
        Self {
            through_gateway: true,
            ..self.clone()
        }
    }

    /// Whether this transport strips the user-context headers (see
    /// [`through_gateway`](Self::through_gateway)).
    #[must_use]
    pub fn is_through_gateway(&self) -> bool {
        self.through_gateway
    }

    /// Joins `path` onto the base URL (see [`PathSpec`] for the two forms).
    ///
    /// # Errors
    ///
    /// An error of kind [`InvalidInput`](crate::ErrorKind::InvalidInput) for a segment that
    /// is empty, `.` or `..`, or holds a control character (see [`PathSpec`]).
    pub fn url(&self, path: impl PathSpec) -> Result<Url, Error> {
        path.join_onto(&self.shared.base_url)
    }

    /// Starts a request to `path` under the base URL.
    pub fn request(&self, method: Method, path: impl PathSpec) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, self.url(path))
    }

    /// Starts a request to an already joined URL (for example one built with
    /// [`url`](Self::url) and then given an explicit trailing slash).
    pub fn request_url(&self, method: Method, url: Url) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, Ok(url))
    }

    /// Starts a `GET` request.
    pub fn get(&self, path: impl PathSpec) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// Starts a `POST` request (not idempotent unless marked so).
    pub fn post(&self, path: impl PathSpec) -> RequestBuilder {
        self.request(Method::POST, path)
    }

    /// Starts a `PUT` request.
    pub fn put(&self, path: impl PathSpec) -> RequestBuilder {
        self.request(Method::PUT, path)
    }

    /// Starts a `DELETE` request.
    pub fn delete(&self, path: impl PathSpec) -> RequestBuilder {
        self.request(Method::DELETE, path)
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &*self.shared;
        f.debug_struct("Transport")
            .field("service", &shared.service)
            .field("base_url", &shared.base_url.as_str())
            .field("timeout", &shared.timeout)
            .field("retry", &shared.retry)
            .field(
                "default_headers",
                &shared.default_headers.keys().collect::<Vec<_>>(),
            )
            .field("auth", &self.auth)
            .field("through_gateway", &self.through_gateway)
            .field("observer", &shared.observer)
            .finish_non_exhaustive()
    }
}
