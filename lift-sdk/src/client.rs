//! One client for the whole platform: `LiftClient`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use lift_auth::{AuthClient, LoginSession, Role, StaticToken, UserContext, UserContextHeaders};
use lift_memory_client::MemoryClient;
use lift_registry_client::RegistryClient;
use lift_sdk_core::{
    AuthProvider, CallObserver, Error, RetryPolicy, ServiceClient, ServiceClientBuilder, Transport,
};
use lift_sdk_core::{CircuitBreaker, RetryBudget};
use url::Url;

use crate::config::{Credentials, LiftConfig, Routing};
use crate::gateway::GatewayClient;

/// Every Lift client, sharing one connection pool and one credential provider.
///
/// Built from a [`LiftConfig`]: with [`Routing::Gateway`] the memory and registry clients go
/// through `{gateway}/memory` and `{gateway}/registry` with the configured credentials as a
/// bearer token; with [`Routing::Direct`] they call each service's own URL with the
/// configured [`DirectIdentity`](crate::DirectIdentity) as user-context headers. The gateway
/// client always uses the bearer token.
///
/// Cheap to clone: create one per process and hand out clones. Inside a request handler,
/// act for the caller with `client.memory().for_user(&caller)`, where the
/// [`Caller`](crate::Caller) holds the request's bearer token and user context: each client
/// sends the form its routing needs, on this pool.
///
/// ```no_run
/// use lift_sdk::{LiftClient, LiftConfig, SearchRequest};
///
/// # async fn run() -> lift_sdk::Result<()> {
/// let client = LiftClient::new(LiftConfig::new("http://localhost:8000")?.token("eyJ…"))?;
/// let found = client.memory().search(SearchRequest::new("campaign lift")).await?;
/// println!("{} hits", found.count);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct LiftClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: LiftConfig,
    credentials: Option<Arc<dyn AuthProvider>>,
    auth: AuthClient,
    gateway: GatewayClient,
    memory: MemoryClient,
    registry: RegistryClient,
}

impl LiftClient {
    /// A client for the platform described by `config`.
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](lift_sdk_core::ErrorKind::Builder) when a URL or the HTTP
    /// client cannot be set up.
    pub fn new(config: LiftConfig) -> Result<Self, Error> {
        Self::builder(config).build()
    }

    /// A client configured from the environment ([`LiftConfig::from_env`]).
    ///
    /// # Errors
    ///
    /// An error naming the first malformed variable.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(LiftConfig::from_env()?)
    }

    /// Starts a client with more settings than the configuration holds.
    pub fn builder(config: LiftConfig) -> LiftClientBuilder {
        LiftClientBuilder {
            config,
            http_client: None,
            retry_policy: None,
            breakers: None,
            retry_budget: None,
            credentials: None,
            observer: None,
        }
    }

    /// The configuration the client was built from.
    #[must_use]
    pub fn config(&self) -> &LiftConfig {
        &self.inner.config
    }

    /// The default credential provider, if any.
    #[must_use]
    pub fn credentials(&self) -> Option<&Arc<dyn AuthProvider>> {
        self.inner.credentials.as_ref()
    }

    /// The gateway client.
    #[must_use]
    pub fn gateway(&self) -> &GatewayClient {
        &self.inner.gateway
    }

    /// The memory client, with the default credentials.
    #[must_use]
    pub fn memory(&self) -> &MemoryClient {
        &self.inner.memory
    }

    /// The registry client, with the default credentials.
    #[must_use]
    pub fn registry(&self) -> &RegistryClient {
        &self.inner.registry
    }

    /// The auth-service client (`{gateway}/auth` or the auth service's own URL), with no
    /// default credentials: register and login are public.
    #[must_use]
    pub fn auth(&self) -> &AuthClient {
        &self.inner.auth
    }

    /// A copy whose gateway, memory and registry clients act for `caller` (their token
    /// through the gateway, their user context directly), on the same connection pool.
    ///
    /// Inside a module's handler, [`ModuleContext`](crate::runtime::ModuleContext) already
    /// gives each client bound to the caller; this is for code that holds a `Caller` of its
    /// own.
    ///
    /// ```no_run
    /// use lift_sdk::{Caller, LiftClient, LiftConfig, SearchRequest, Token};
    ///
    /// # async fn run(client: LiftClient) -> lift_sdk::Result<()> {
    /// let as_user = client.for_caller(Caller::from_token(Token::new("eyJ…")));
    /// let found = as_user.memory().search(SearchRequest::new("campaign lift")).await?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn for_caller(&self, caller: impl Into<lift_auth::Caller>) -> Self {
        let caller = caller.into();
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                config: inner.config.clone(),
                credentials: inner.credentials.clone(),
                auth: inner.auth.clone(),
                gateway: inner.gateway.for_user(&caller),
                memory: inner.memory.for_user(&caller),
                registry: inner.registry.for_user(&caller),
            }),
        }
    }
}

impl fmt::Debug for LiftClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiftClient")
            .field("config", &self.inner.config)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// Builds a [`LiftClient`] with settings beyond [`LiftConfig`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct LiftClientBuilder {
    config: LiftConfig,
    http_client: Option<reqwest::Client>,
    retry_policy: Option<RetryPolicy>,
    breakers: Option<Breakers>,
    retry_budget: Option<Arc<RetryBudget>>,
    credentials: Option<Arc<dyn AuthProvider>>,
    observer: Option<Arc<dyn CallObserver>>,
}

/// Which circuit breaker each service client gets.
#[derive(Debug, Clone)]
enum Breakers {
    /// One breaker per service, with these settings.
    PerService { threshold: u32, cooldown: Duration },
    /// One breaker for every service (through the gateway, every call has one upstream).
    Shared(Arc<CircuitBreaker>),
}

impl Breakers {
    fn breaker(&self) -> Arc<CircuitBreaker> {
        match self {
            Self::PerService {
                threshold,
                cooldown,
            } => Arc::new(CircuitBreaker::new(*threshold, *cooldown)),
            Self::Shared(breaker) => breaker.clone(),
        }
    }
}

impl LiftClientBuilder {
    /// Gives each service client its own circuit breaker that opens after
    /// `failure_threshold` consecutive failures and half-opens after `cooldown` (default 5
    /// and 30 s), so a failing memory service does not stop registry calls.
    pub fn circuit_breaker(mut self, failure_threshold: u32, cooldown: Duration) -> Self {
        self.breakers = Some(Breakers::PerService {
            threshold: failure_threshold,
            cooldown,
        });
        self
    }

    /// One circuit breaker for every service client: with [`Routing::Gateway`] every call
    /// goes to the same upstream. Pass the same `Arc` to other clients to share it further,
    /// or [`CircuitBreaker::disabled()`] to turn breaking off.
    pub fn shared_circuit_breaker(mut self, breaker: impl Into<Arc<CircuitBreaker>>) -> Self {
        self.breakers = Some(Breakers::Shared(breaker.into()));
        self
    }

    /// One retry budget for every service client (default: one per service); pass
    /// [`RetryBudget::unlimited()`] to turn it off.
    pub fn retry_budget(mut self, budget: impl Into<Arc<RetryBudget>>) -> Self {
        self.retry_budget = Some(budget.into());
        self
    }

    /// How long each whole call may take, credentials, retries and waits included (the
    /// [`RetryPolicy`] deadline, default 30 s). For one call, wrap it in
    /// `tokio::time::timeout`: a cancelled call gives its circuit-breaker trial back.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        let policy = self.retry_policy.take().unwrap_or_default();
        self.retry_policy = Some(policy.deadline(deadline));
        self
    }

    /// Uses an existing `reqwest` client (build it with
    /// [`lift_sdk_core::default_http_client`] or with redirects disabled).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The retry policy of every service call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// A credential provider of your own, used instead of the configured credentials by
    /// every client but auth: with [`Routing::Direct`] it also replaces the configured
    /// [`DirectIdentity`](crate::DirectIdentity), so give it one that sends user-context
    /// headers (the gateway client strips them, and sends only what else it adds).
    pub fn credentials(mut self, provider: Arc<dyn AuthProvider>) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// An observer told about every call of every client this builds (auth, gateway,
    /// memory, registry), once per call after its retries (see
    /// [`CallObserver`]); the module runtime passes one that feeds `/metrics`.
    pub fn call_observer(mut self, observer: Arc<dyn CallObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](lift_sdk_core::ErrorKind::Builder) when a URL or the HTTP
    /// client cannot be set up.
    pub fn build(self) -> Result<LiftClient, Error> {
        let Self {
            config,
            http_client,
            retry_policy,
            breakers,
            retry_budget,
            credentials,
            observer,
        } = self;
        let http = match http_client {
            Some(client) => client,
            None => lift_sdk_core::default_http_client()?,
        };
        let routes = Routes {
            config: &config,
            http: &http,
            retry_policy: retry_policy.as_ref(),
            breakers: breakers.as_ref(),
            retry_budget: retry_budget.as_ref(),
            observer: observer.as_ref(),
        };
        // Register and login are public: the auth client carries no credentials.
        let auth: AuthClient = routes.client(&config.auth_url, None)?;
        let explicit = credentials.clone();
        let credentials = match credentials {
            Some(provider) => Some(provider),
            None => default_credentials(&config.credentials, &auth),
        };
        let service_auth = match config.routing {
            Routing::Gateway => credentials.clone(),
            // A provider given to the builder is used as given; otherwise the configured
            // identity travels as user-context headers.
            Routing::Direct => explicit.or_else(|| {
                config.direct_identity.as_ref().map(|identity| {
                    let context = UserContext::new(&identity.user_id, &identity.org_id)
                        .with_roles(identity.roles.iter().map(|role| Role::from(role.as_str())));
                    Arc::new(UserContextHeaders::new(context)) as Arc<dyn AuthProvider>
                })
            }),
        };
        let registry: RegistryClient = routes.client(&config.registry_url, service_auth.clone())?;
        let memory: MemoryClient = routes.client(&config.memory_url, service_auth)?;
        let gateway = GatewayClient::new(routes.gateway_transport(credentials.clone())?)
            .with_registry(registry.clone());
        Ok(LiftClient {
            inner: Arc::new(Inner {
                config,
                credentials,
                auth,
                gateway,
                memory,
                registry,
            }),
        })
    }
}

impl fmt::Debug for LiftClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiftClientBuilder")
            .field("config", &self.config)
            .field("retry_policy", &self.retry_policy)
            .field("breakers", &self.breakers)
            .field("retry_budget", &self.retry_budget)
            .field("call_observer", &self.observer)
            .finish_non_exhaustive()
    }
}

fn default_credentials(
    credentials: &Credentials,
    auth: &AuthClient,
) -> Option<Arc<dyn AuthProvider>> {
    match credentials {
        Credentials::None => None,
        Credentials::Token(token) => Some(Arc::new(StaticToken::new(token.expose()))),
        // Logs in on first use, and again before the token expires.
        Credentials::Login { email, password } => Some(Arc::new(LoginSession::new(
            auth.clone(),
            email.as_str(),
            password.expose(),
        ))),
    }
}

/// What every client of one `LiftClient` shares: routing, pool, time-out, retries.
struct Routes<'a> {
    config: &'a LiftConfig,
    http: &'a reqwest::Client,
    retry_policy: Option<&'a RetryPolicy>,
    breakers: Option<&'a Breakers>,
    retry_budget: Option<&'a Arc<RetryBudget>>,
    observer: Option<&'a Arc<dyn CallObserver>>,
}

impl Routes<'_> {
    /// A service client, through the gateway or at `direct_url` as the routing says.
    fn client<C: ServiceClient>(
        &self,
        direct_url: &Url,
        auth: Option<Arc<dyn AuthProvider>>,
    ) -> Result<C, Error> {
        let builder = ServiceClientBuilder::<C>::new()
            .http_client(self.http.clone())
            .timeout(self.config.timeout);
        let mut builder = match self.config.routing {
            Routing::Gateway => builder.gateway_url(self.config.gateway_url.as_str()),
            Routing::Direct => builder.service_url(direct_url.as_str()),
        };
        if let Some(policy) = self.retry_policy {
            builder = builder.retry_policy(policy.clone());
        }
        if let Some(breakers) = self.breakers {
            builder = builder.circuit_breaker(breakers.breaker());
        }
        if let Some(budget) = self.retry_budget {
            builder = builder.retry_budget(budget.clone());
        }
        if let Some(observer) = self.observer {
            builder = builder.observer(observer.clone());
        }
        if let Some(auth) = auth {
            builder = builder.auth(auth);
        }
        builder.build()
    }

    /// The gateway's own transport, whatever the routing: it always takes the bearer token.
    fn gateway_transport(&self, auth: Option<Arc<dyn AuthProvider>>) -> Result<Transport, Error> {
        let mut builder = Transport::builder(self.config.gateway_url.as_str())
            .service("gateway")
            .http_client(self.http.clone())
            .timeout(self.config.timeout)
            .through_gateway();
        if let Some(policy) = self.retry_policy {
            builder = builder.retry_policy(policy.clone());
        }
        if let Some(breakers) = self.breakers {
            builder = builder.circuit_breaker(breakers.breaker());
        }
        if let Some(budget) = self.retry_budget {
            builder = builder.retry_budget(budget.clone());
        }
        if let Some(observer) = self.observer {
            builder = builder.observer(observer.clone());
        }
        if let Some(auth) = auth {
            builder = builder.auth(auth);
        }
        builder.build()
    }
}
