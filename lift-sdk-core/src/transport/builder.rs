//! Configuring a [`Transport`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use http::header::{HeaderName, HeaderValue, USER_AGENT};

use super::{Shared, Transport};
use crate::Error;
use crate::auth::AuthProvider;
use crate::circuit::CircuitBreaker;
use crate::path::parse_base_url;
use crate::retry::{RetryBudget, RetryPolicy};

/// The `User-Agent` every Lift client sends unless told otherwise.
pub const USER_AGENT_VALUE: &str = concat!("lift-sdk-rust/", env!("CARGO_PKG_VERSION"));

/// Builds a [`Transport`]; problems in any setting are reported by [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
/// use lift_sdk_core::{RetryPolicy, Transport};
///
/// # fn run() -> Result<(), lift_sdk_core::Error> {
/// let transport = Transport::builder("http://localhost:8005")
///     .service("registry")
///     .timeout(Duration::from_secs(5))
///     .retry_policy(RetryPolicy::default().max_attempts(5))
///     .header("x-client", "reports-module")
///     .build()?;
/// assert_eq!(transport.service(), "registry");
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct TransportBuilder {
    base_url: String,
    service: Option<String>,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    budget: Option<RetryBudget>,
    breaker: Option<CircuitBreaker>,
    auth: Option<Arc<dyn AuthProvider>>,
    through_gateway: bool,
    error: Option<Error>,
}

impl TransportBuilder {
    pub(super) fn new(base_url: String) -> Self {
        Self {
            base_url,
            service: None,
            http_client: None,
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Duration::from_secs(5),
            default_headers: HeaderMap::new(),
            retry: RetryPolicy::default(),
            budget: None,
            breaker: None,
            auth: None,
            through_gateway: false,
            error: None,
        }
    }

    /// Replaces the base URL given to [`Transport::builder`], for builders that learn it
    /// late (see [`ServiceClientBuilder`](crate::ServiceClientBuilder)).
    pub(crate) fn base_url(mut self, base_url: String) -> Self {
        self.base_url = base_url;
        self
    }

    /// The service name used in spans and errors (default: the base URL's host).
    pub fn service(mut self, name: impl Into<String>) -> Self {
        self.service = Some(name.into());
        self
    }

    /// Uses an existing `reqwest` client, so several transports share one connection pool.
    ///
    /// Build it with [`default_http_client`] or with `redirect(Policy::none())`: a client
    /// that follows redirects would follow the reference's 307s to internal hosts. The
    /// connect time-out is then the client's own.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The time-out of one attempt, from sending to the end of the body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Removes the per-attempt time-out (the retry deadline still bounds waits between
    /// attempts).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The time-out for establishing a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// A header sent on every request (a request's own header of the same name wins).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: Into<http::Error>,
        V: TryInto<HeaderValue>,
        V::Error: Into<http::Error>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.default_headers.insert(name, value);
            }
            (Err(err), _) => {
                self.defer(Error::builder("invalid default header name").with_source(err.into()))
            }
            (_, Err(err)) => {
                self.defer(Error::builder("invalid default header value").with_source(err.into()))
            }
        }
        self
    }

    /// The `User-Agent` (default `lift-sdk-rust/<version>`).
    pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
        self.header(USER_AGENT, user_agent.into())
    }

    /// How failed calls are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The bucket that limits retries across all calls of this transport.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The circuit breaker guarding this service.
    pub fn circuit_breaker(mut self, breaker: CircuitBreaker) -> Self {
        self.breaker = Some(breaker);
        self
    }

    /// The credential provider attached to every request.
    pub fn auth(mut self, provider: Arc<dyn AuthProvider>) -> Self {
        self.auth = Some(provider);
        self
    }

    /// Marks the base URL as a gateway route: the user-context headers are never sent (see
    /// [`Transport::through_gateway`]).
    pub fn through_gateway(mut self) -> Self {
        self.through_gateway = true;
        self
    }

    fn defer(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// Builds the transport.
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](crate::ErrorKind::Builder) for a base URL that is not an
    /// absolute http(s) URL, an invalid header, or a client that cannot be built.
    pub fn build(mut self) -> Result<Transport, Error> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let base_url = parse_base_url(&self.base_url)?;
        let client = match self.http_client.take() {
            Some(client) => client,
            None => default_http_client_with(self.connect_timeout)?,
        };
        if !self.default_headers.contains_key(USER_AGENT) {
            self.default_headers
                .insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        }
        let service = self
            .service
            .unwrap_or_else(|| base_url.host_str().unwrap_or("service").to_owned());
        Ok(Transport {
            shared: Arc::new(Shared {
                base_url,
                service,
                client,
                timeout: self.timeout,
                default_headers: self.default_headers,
                retry: self.retry,
                budget: self.budget.unwrap_or_default(),
                breaker: self.breaker.unwrap_or_default(),
            }),
            auth: self.auth,
            through_gateway: self.through_gateway,
        })
    }
}

/// A `reqwest` client configured the way Lift transports need it: redirects never
/// followed, a 5 s connect time-out, the Lift `User-Agent`.
///
/// # Errors
///
/// An error of kind [`Builder`](crate::ErrorKind::Builder) when the TLS backend cannot be
/// initialised.
pub fn default_http_client() -> Result<reqwest::Client, Error> {
    default_http_client_with(Duration::from_secs(5))
}

fn default_http_client_with(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .user_agent(USER_AGENT_VALUE)
        .build()
        .map_err(|err| Error::builder("cannot build the http client").with_source(err))
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("base_url", &self.base_url)
            .field("service", &self.service)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}
