//! `Runtime`: every setting of a module's runtime, and `serve`.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use lift_auth::JwtAuthLayer;
use tokio::net::TcpListener;

use super::error::ServeError;
use super::health::ReadinessSettings;
use super::http::HttpLimits;
use super::logging;
use super::module::LiftModule;
use super::registration::RegistrationSettings;
use super::running::RunningModule;
use super::start;
use crate::{LiftClient, LiftConfig};

/// How long shutdown waits for the requests in flight before it cuts them.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the module's `on_shutdown` may take before shutdown goes on without it.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) type ShutdownSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Serves `module` with every default: [`LiftConfig::from_env`], the address and public URL
/// of `LIFT_MODULE_*`, callers verified with `JWT_SECRET`, registration with the registry,
/// and shutdown on SIGTERM or Ctrl-C. Returns `Ok` once the module shut down cleanly.
///
/// [`Runtime`] changes any of these.
///
/// # Errors
///
/// A [`ServeError`] when the configuration or the manifest is not usable (naming the
/// variable or field; nothing is registered then), the address cannot be bound, the
/// module's `on_start` fails, or the server fails.
pub async fn serve<M: LiftModule>(module: M) -> Result<(), ServeError> {
    Runtime::new(module).serve().await
}

/// A module's runtime with its settings; [`serve`](Self::serve) runs it.
///
/// A setting given here wins over its `LIFT_MODULE_*` variable (see
/// [`ModuleSettings`](crate::config::ModuleSettings)); a setting given nowhere has its
/// default. [`limits`](Self::limits) and [`registration`](Self::registration) replace the
/// whole group, so the group's variables are then not read.
///
/// ```no_run
/// # use lift_sdk::axum::Router;
/// # use lift_sdk::runtime::{LiftModule, Runtime};
/// # struct Reports;
/// # impl LiftModule for Reports { fn routes(&self) -> Router { Router::new() } }
/// use std::time::Duration;
/// use lift_sdk::auth::JwtAuthLayer;
///
/// # async fn run() -> Result<(), lift_sdk::runtime::ServeError> {
/// Runtime::new(Reports)
///     .bind("0.0.0.0:9200".parse().unwrap())
///     .public_url("http://reports.lift.internal:9200")
///     .auth(JwtAuthLayer::gateway_headers()) // spoofable: private networks only
///     .drain_timeout(Duration::from_secs(20))
///     .serve()
///     .await
/// # }
/// ```
pub struct Runtime<M> {
    pub(crate) module: M,
    pub(crate) config: Option<LiftConfig>,
    pub(crate) client: Option<LiftClient>,
    pub(crate) bind: Option<SocketAddr>,
    pub(crate) listener: Option<TcpListener>,
    pub(crate) public_url: Option<String>,
    pub(crate) auth: Option<JwtAuthLayer>,
    pub(crate) shutdown: Option<ShutdownSignal>,
    pub(crate) register: bool,
    pub(crate) registration: Option<RegistrationSettings>,
    pub(crate) readiness: ReadinessSettings,
    pub(crate) limits: Option<HttpLimits>,
    pub(crate) drain_timeout: Option<Duration>,
    pub(crate) shutdown_delay: Option<Duration>,
    pub(crate) shutdown_timeout: Option<Duration>,
}

impl<M: LiftModule> Runtime<M> {
    /// A runtime for `module` with every default (see [`serve`]).
    #[must_use]
    pub fn new(module: M) -> Self {
        Self {
            module,
            config: None,
            client: None,
            bind: None,
            listener: None,
            public_url: None,
            auth: None,
            shutdown: None,
            register: true,
            registration: None,
            readiness: ReadinessSettings::default(),
            limits: None,
            drain_timeout: None,
            shutdown_delay: None,
            shutdown_timeout: None,
        }
    }

    /// Uses `config` instead of reading [`LiftConfig::from_env`].
    #[must_use]
    pub fn config(mut self, config: LiftConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// Uses `client` for the module's own calls and as the base of the callers' clients,
    /// instead of one built from the configuration. Its calls are not counted in
    /// `/metrics` (`lift_outgoing_calls_total`): the runtime can only observe the clients it
    /// builds.
    #[must_use]
    pub fn client(mut self, client: LiftClient) -> Self {
        self.client = Some(client);
        self
    }

    /// Listens on `addr` instead of `LIFT_MODULE_HOST:LIFT_MODULE_PORT`.
    #[must_use]
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = Some(addr);
        self
    }

    /// Serves on a listener already bound (tests bind `127.0.0.1:0`).
    #[must_use]
    pub fn listener(mut self, listener: TcpListener) -> Self {
        self.listener = Some(listener);
        self
    }

    /// Registers `url` as the module's base URL instead of `LIFT_MODULE_PUBLIC_URL` or the
    /// bound address; checked when the runtime starts.
    #[must_use]
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// Authenticates the module's routes with `layer` instead of bearer tokens verified
    /// with `JWT_SECRET`. Trusting gateway headers ([`JwtAuthLayer::gateway_headers`]) is
    /// spoofable: only inside a network nothing else can reach.
    #[must_use]
    pub fn auth(mut self, layer: JwtAuthLayer) -> Self {
        self.auth = Some(layer);
        self
    }

    /// Shuts down when `signal` completes, instead of on SIGTERM or Ctrl-C. The runtime then
    /// does not listen for signals at all (so a second signal does not end the process
    /// either).
    #[must_use]
    pub fn shutdown_signal(mut self, signal: impl Future<Output = ()> + Send + 'static) -> Self {
        self.shutdown = Some(Box::pin(signal));
        self
    }

    /// Serves without registering with the registry (readiness does not wait for it).
    #[must_use]
    pub fn without_registration(mut self) -> Self {
        self.register = false;
        self
    }

    /// Sets the registration retries, check interval and deregistration deadline.
    #[must_use]
    pub fn registration(mut self, settings: RegistrationSettings) -> Self {
        self.registration = Some(settings);
        self
    }

    /// Sets how readiness results are cached.
    #[must_use]
    pub fn readiness(mut self, settings: ReadinessSettings) -> Self {
        self.readiness = settings;
        self
    }

    /// Sets the limits of requests (body size, time) and of connections (header-read and
    /// idle timeouts, the connection cap).
    #[must_use]
    pub fn limits(mut self, limits: HttpLimits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Sets how long shutdown waits for the requests in flight (default 10 s). At the
    /// deadline the connections still open are closed and their handlers dropped, before
    /// `on_shutdown` runs.
    #[must_use]
    pub fn drain_timeout(mut self, timeout: Duration) -> Self {
        self.drain_timeout = Some(timeout);
        self
    }

    /// Keeps accepting connections for `delay` after readiness went 503 and the module
    /// deregistered, before the listener closes and the drain starts (default 0).
    ///
    /// For Kubernetes: a pod's endpoint is removed from Services and load balancers a few
    /// seconds *after* the pod is told to stop, and until then new requests keep arriving.
    /// A delay of 5–10 s (below `terminationGracePeriodSeconds` minus the drain timeout)
    /// lets them be served instead of refused, without a `preStop` sleep.
    #[must_use]
    pub fn shutdown_delay(mut self, delay: Duration) -> Self {
        self.shutdown_delay = Some(delay);
        self
    }

    /// Sets how long the module's `on_shutdown` may take (default 10 s); past it the
    /// runtime logs a warning and finishes without it.
    #[must_use]
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = Some(timeout);
        self
    }

    /// Starts the module and returns once it listens, with a handle to watch it and stop
    /// it; registration goes on in the background.
    ///
    /// # Errors
    ///
    /// As [`serve`](Self::serve), for every failure before the module listens.
    pub async fn start(self) -> Result<RunningModule, ServeError> {
        start::start(self).await
    }

    /// Runs the module until it shut down (see [`serve`]).
    ///
    /// When the process has no `tracing` subscriber yet, installs the default one first:
    /// `RUST_LOG` filters (default `info`), `LIFT_LOG_FORMAT` is `text` (default) or `json`
    /// (one object per line, with the id of the request being served). A module that
    /// installed its own keeps it. [`start`](Self::start) installs none.
    ///
    /// # Errors
    ///
    /// As [`serve`]; also [`ServeError::Config`] naming `LIFT_LOG_FORMAT` or `RUST_LOG` when
    /// either is malformed.
    pub async fn serve(self) -> Result<(), ServeError> {
        logging::install_default()?;
        self.start().await?.wait().await
    }
}

impl<M> fmt::Debug for Runtime<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("config", &self.config)
            .field("bind", &self.bind)
            .field(
                "public_url",
                &self
                    .public_url
                    .as_deref()
                    .map(lift_sdk_core::redact_userinfo),
            )
            .field("auth", &self.auth.as_ref().map(JwtAuthLayer::mode))
            .field("register", &self.register)
            .field("registration", &self.registration)
            .field("readiness", &self.readiness)
            .field("limits", &self.limits)
            .field("drain_timeout", &self.drain_timeout)
            .field("shutdown_delay", &self.shutdown_delay)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .finish_non_exhaustive()
    }
}
