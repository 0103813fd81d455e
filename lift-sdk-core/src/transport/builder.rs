//! Configuring a [`Transport`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};

use super::body::DEFAULT_MAX_BODY_SIZE;
use super::{CallObserver, Shared, Transport};
use crate::Error;
use crate::auth::AuthProvider;
use crate::circuit::CircuitBreaker;
use crate::path::{parse_base_url, redact_userinfo};
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
    budget: Option<Arc<RetryBudget>>,
    breaker: Option<Arc<CircuitBreaker>>,
    max_body_size: usize,
    auth: Option<Arc<dyn AuthProvider>>,
    through_gateway: bool,
    observer: Option<Arc<dyn CallObserver>>,
    error: Option<Error>,
}

impl TransportBuilder {
    pub(super) fn new(base_url: String) -> Self {
        Self {
            base_url,
            service: None,
            http_client: None,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: Duration::from_secs(5),
            default_headers: HeaderMap::new(),
            retry: RetryPolicy::default(),
            budget: None,
            breaker: None,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            auth: None,
            through_gateway: false,
            observer: None,
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

    /// The time-out of one attempt, from sending to the end of the body (default 10 s, below
    /// the [`RetryPolicy`]'s 30 s deadline so a hung attempt is cut and retried).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Removes the per-attempt time-out (the [`RetryPolicy`]'s deadline still bounds the
    /// whole call).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The time-out for establishing a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// A header sent on every request; a request's own header of the same name replaces it
    /// (one value is sent, not two).
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

    /// The bucket that limits retries across all calls of this transport (default
    /// [`RetryBudget::default`]). Pass an `Arc<RetryBudget>` to share one bucket between
    /// transports, or [`RetryBudget::unlimited()`] to turn the budget off.
    pub fn retry_budget(mut self, budget: impl Into<Arc<RetryBudget>>) -> Self {
        self.budget = Some(budget.into());
        self
    }

    /// The circuit breaker guarding this service (default [`CircuitBreaker::default`]).
    /// Pass an `Arc<CircuitBreaker>` to share one breaker between transports that call the
    /// same upstream, or [`CircuitBreaker::disabled()`] to turn it off.
    pub fn circuit_breaker(mut self, breaker: impl Into<Arc<CircuitBreaker>>) -> Self {
        self.breaker = Some(breaker.into());
        self
    }

    /// The largest response body read, in bytes (default [`DEFAULT_MAX_BODY_SIZE`],
    /// 16 MiB); a larger body fails the call with an error of kind
    /// [`Decode`](crate::ErrorKind::Decode) that names the limit.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
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

    /// An observer told about every logical call once it has finished, after its retries
    /// (service, method, status or error kind, time taken, attempts): how the module
    /// runtime counts outgoing calls for `/metrics`. Unset, calls pay nothing for it.
    pub fn observer(mut self, observer: Arc<dyn CallObserver>) -> Self {
        self.observer = Some(observer);
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
        let base = parse_base_url(&self.base_url)?;
        let base_url = base.url;
        // Userinfo is sent the way a browser or curl would, and kept out of the URL so it is
        // never printed; a provider's or a request's own `Authorization` replaces it.
        if let Some((user, password)) = base.userinfo
            && !self.default_headers.contains_key(AUTHORIZATION)
        {
            self.default_headers
                .insert(AUTHORIZATION, basic_auth(&user, password.as_deref())?);
        }
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
                max_body_size: self.max_body_size,
                observer: self.observer,
            }),
            auth: self.auth,
            through_gateway: self.through_gateway,
        })
    }
}

/// The default time-out of one attempt.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

fn basic_auth(user: &str, password: Option<&str>) -> Result<HeaderValue, Error> {
    use base64::Engine as _;
    let credentials = format!("{user}:{}", password.unwrap_or_default());
    let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
    let mut value = HeaderValue::try_from(format!("Basic {encoded}"))
        .map_err(|_| Error::builder("the base url's userinfo cannot be sent as a header"))?;
    value.set_sensitive(true);
    Ok(value)
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
            .field("base_url", &redact_userinfo(&self.base_url))
            .field("service", &self.service)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_body_size", &self.max_body_size)
            .field("auth", &self.auth)
            .field("observer", &self.observer)
            .finish_non_exhaustive()
    }
}
