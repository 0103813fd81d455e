//! [`FakePlatform`]: the four services bound, wrapped and served, and what tests read from
//! them.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use lift_auth::{Claims, Role, TokenIssuer};
use lift_sdk::LiftConfig;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;

use super::auth::{self, AuthState};
use super::builder::FakePlatformBuilder;
use super::gateway::{self, GatewayState, ModuleLookup, ModuleRoute, Upstreams};
use super::memory::{self, MemoryState};
use super::registry::{self, RegistryState};
use super::serve::{self, Bound};
use super::store::{DataDir, Durable, InMemory};
use super::validate::Checks;
use crate::openapi::Service;

/// How long [`FakePlatform::shutdown`] lets in-flight requests finish.
const DRAIN: Duration = Duration::from_secs(5);

/// The whole platform in-process: the gateway, auth, memory and registry services as real
/// HTTP servers on loopback ports, implementing the intended contract, sharing one state.
///
/// - Every service checks requests against the reference's OpenAPI document (404, 405 and
///   FastAPI's 422 `{"detail":[{type, loc, msg, input}]}`), refuses bodies over the size
///   limit (413 JSON), answers 500 JSON if a handler panicked, and logs one `tracing` line
///   per request (target `lift_testkit::platform`).
/// - The gateway checks bearer tokens (HS256, [`secret`](Self::secret)), injects the user
///   context from the token after removing the client's own `X-User-*` headers, forwards
///   `/auth/`, `/memory/`, `/registry/` to the services and `/modules/{id}/…` to the
///   registered module, and puts an `X-Correlation-ID` on every answer.
/// - [`Quirks`](super::Quirks) switch on the reference's traps.
///
/// Dropping the platform stops its servers; [`shutdown`](Self::shutdown) also waits for
/// in-flight requests.
///
/// ```no_run
/// use lift_sdk::LiftClient;
/// use lift_testkit::platform::FakePlatform;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let platform = FakePlatform::start().await?;
/// let client = LiftClient::new(platform.config().token(platform.admin_token()))?;
/// let insights = client.memory().insights().await?;
/// assert_eq!(insights.total_memories, 0);
/// assert!(platform.modules().is_empty());
/// platform.shutdown().await;
/// # Ok(()) }
/// ```
pub struct FakePlatform {
    urls: Urls,
    secret: String,
    issuer: TokenIssuer,
    auth: Arc<AuthState>,
    memory: Arc<MemoryState>,
    registry: Arc<RegistryState>,
    gateway: Arc<GatewayState>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

#[derive(Debug)]
struct Urls {
    gateway: String,
    auth: String,
    memory: String,
    registry: String,
}

impl std::fmt::Debug for FakePlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakePlatform")
            .field("urls", &self.urls)
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl FakePlatform {
    /// Starts a platform with the defaults of [`FakePlatformBuilder`].
    ///
    /// # Errors
    ///
    /// When a listener cannot be bound.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    /// Configures a platform.
    pub fn builder() -> FakePlatformBuilder {
        FakePlatformBuilder::default()
    }

    pub(super) async fn launch(config: FakePlatformBuilder) -> io::Result<Self> {
        let invalid = |what: &str, err: &dyn std::fmt::Display| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {err}"))
        };
        let issuer = TokenIssuer::builder()
            .hs256(&config.secret)
            .allow_weak_secret(true)
            .build()
            .map_err(|err| invalid("secret", &err))?;
        let verifier = lift_auth::TokenVerifier::builder()
            .hs256(&config.secret)
            .allow_weak_secret(true)
            .build()
            .map_err(|err| invalid("secret", &err))?;
        let store: Arc<dyn Durable> = match &config.data_dir {
            Some(dir) => Arc::new(DataDir::open(dir)?),
            None => Arc::new(InMemory),
        };
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(io::Error::other)?;

        let host = config.host;
        let gateway_listener = serve::bind(host, config.gateway_port).await?;
        let auth_listener = serve::bind(host, config.auth_port).await?;
        let memory_listener = serve::bind(host, config.memory_port).await?;
        let registry_listener = serve::bind(host, config.registry_port).await?;

        let seed: Vec<_> = config
            .admin
            .clone()
            .into_iter()
            .chain(config.seed.iter().cloned())
            .collect();
        let auth = {
            let store = Arc::clone(&store);
            let secret = config.secret.clone();
            // Hashing the seed users' passwords blocks.
            tokio::task::spawn_blocking(move || AuthState::open(store, &secret, seed))
                .await
                .map_err(io::Error::other)??
        };
        let auth = Arc::new(auth);
        let memory = Arc::new(MemoryState::open(Arc::clone(&store))?);
        let registry = Arc::new(RegistryState::open(
            Arc::clone(&store),
            config.quirks,
            http.clone(),
        )?);
        let lookup: ModuleLookup = {
            let registry = Arc::clone(&registry);
            Arc::new(move |id: &str| {
                registry
                    .route(id)
                    .map(|(base_url, api_prefix)| ModuleRoute {
                        base_url,
                        api_prefix,
                    })
            })
        };
        let gateway = Arc::new(GatewayState::new(
            verifier,
            config.quirks,
            http,
            Upstreams {
                auth: auth_listener.url.clone(),
                memory: memory_listener.url.clone(),
                registry: registry_listener.url.clone(),
                billing: config.billing_url.clone(),
                observability: config.observability_url.clone(),
            },
            lookup,
            config.rate_limit,
        ));

        let urls = Urls {
            gateway: gateway_listener.url.clone(),
            auth: auth_listener.url.clone(),
            memory: memory_listener.url.clone(),
            registry: registry_listener.url.clone(),
        };
        let (stop, stopped) = watch::channel(false);
        let limit = config.body_limit;
        let spawn = |name: &'static str, bound: Bound, router, service: Option<Service>| {
            let router = serve::harden(name, router, Checks::new(service, limit), limit);
            serve::spawn(bound.listener, router, stopped.clone())
        };
        let tasks = vec![
            spawn(
                "auth",
                auth_listener,
                auth::router(Arc::clone(&auth)),
                Some(Service::Auth),
            ),
            spawn(
                "memory",
                memory_listener,
                memory::router(Arc::clone(&memory)),
                Some(Service::Memory),
            ),
            spawn(
                "registry",
                registry_listener,
                registry::router(Arc::clone(&registry)),
                Some(Service::Registry),
            ),
            spawn(
                "gateway",
                gateway_listener,
                gateway::router(Arc::clone(&gateway)),
                None,
            ),
        ];
        tracing::info!(
            target: "lift_testkit::platform",
            gateway = %urls.gateway,
            auth = %urls.auth,
            memory = %urls.memory,
            registry = %urls.registry,
            "fake platform started"
        );
        Ok(Self {
            urls,
            secret: config.secret,
            issuer,
            auth,
            memory,
            registry,
            gateway,
            stop,
            tasks,
        })
    }

    /// The gateway's base URL (`http://127.0.0.1:PORT`, no trailing slash).
    #[must_use]
    pub fn gateway_url(&self) -> &str {
        &self.urls.gateway
    }

    /// The auth service's own base URL.
    #[must_use]
    pub fn auth_url(&self) -> &str {
        &self.urls.auth
    }

    /// The memory service's own base URL.
    #[must_use]
    pub fn memory_url(&self) -> &str {
        &self.urls.memory
    }

    /// The registry's own base URL.
    #[must_use]
    pub fn registry_url(&self) -> &str {
        &self.urls.registry
    }

    /// The HS256 secret tokens are signed and verified with (`JWT_SECRET`).
    #[must_use]
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// A configuration pointing at this platform: gateway routing, every service URL, the
    /// secret, and no credentials (add them with [`LiftConfig::token`] or
    /// [`LiftConfig::login`]).
    #[must_use]
    pub fn config(&self) -> LiftConfig {
        let mut config = LiftConfig::default().jwt_secret(self.secret.clone());
        let parse = |url: &str| Url::parse(url).ok();
        if let Some(url) = parse(&self.urls.gateway) {
            config.gateway_url = url;
        }
        if let Some(url) = parse(&self.urls.auth) {
            config.auth_url = url;
        }
        if let Some(url) = parse(&self.urls.memory) {
            config.memory_url = url;
        }
        if let Some(url) = parse(&self.urls.registry) {
            config.registry_url = url;
        }
        config
    }

    /// A real HS256 token of the seeded admin (roles `user` and `admin`). When the
    /// platform seeds no admin, a token with those roles for a user auth does not know.
    #[must_use]
    pub fn admin_token(&self) -> String {
        self.auth.admin_token().unwrap_or_else(|| {
            let claims = self
                .issuer
                .claims("admin", "admin", "admin@lift.dev")
                .roles([Role::User, Role::Admin]);
            self.sign(&claims)
        })
    }

    /// A real token of the user with `email`, as auth issues it at login, if that user
    /// exists.
    #[must_use]
    pub fn token_for(&self, email: &str) -> Option<String> {
        self.auth.token_for(email)
    }

    /// `claims` signed with the platform's secret, for tokens auth would not issue (other
    /// roles, an organisation shared by several users, an expired token…).
    #[must_use]
    pub fn sign(&self, claims: &Claims) -> String {
        // Signing HS256 claims that serialise to JSON does not fail.
        self.issuer.issue(claims).unwrap_or_default()
    }

    /// Claims for a user as auth issues them (`org_id`, memory context, tier `free`, a 24 h
    /// lifetime), for [`sign`](Self::sign); add roles with [`Claims::roles`].
    #[must_use]
    pub fn claims(&self, user_id: &str, org_id: &str, email: &str) -> Claims {
        self.issuer.claims(user_id, org_id, email)
    }

    /// The users auth holds, as it answers them (`id`, `email`, `username`, `full_name`,
    /// `is_active`, `is_verified`) plus `org_id` and `roles`; never a password.
    #[must_use]
    pub fn users(&self) -> Vec<Value> {
        self.auth.users()
    }

    /// The registered modules, as `GET /modules` lists them, in registration order.
    #[must_use]
    pub fn modules(&self) -> Vec<Value> {
        self.registry.modules()
    }

    /// The memories of organisation `org_id`, in the order they were stored.
    #[must_use]
    pub fn memories(&self, org_id: &str) -> Vec<Value> {
        self.memory.memories(org_id)
    }

    /// Back to the seeded start: the seed users only, no module, no memory, the gateway's
    /// rate limit forgotten (saved too, with a data directory).
    pub fn reset(&self) {
        self.auth.reset();
        self.registry.reset();
        self.memory.reset();
        self.gateway.reset();
    }

    /// Stops accepting connections and lets in-flight requests finish (up to 5 s).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(DRAIN, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for FakePlatform {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}
