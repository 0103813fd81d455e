//! Setting up a harness: `ModuleHarnessBuilder`.

use std::fmt;
use std::time::Duration;

use lift_sdk::LiftConfig;
use lift_sdk::auth::JwtAuthLayer;
use lift_sdk::registry::ModuleManifest;
use lift_sdk::runtime::{LiftModule, ManifestSource, RegistrationSettings, Runtime};
use tokio::net::TcpListener;

use super::ModuleHarness;
use super::error::HarnessError;
use crate::tokens::TestTokens;

/// How long [`start`](ModuleHarnessBuilder::start) waits for the registration by default.
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(10);

/// How long shutdown waits for requests in flight in a harness (the runtime's default is
/// 10 s: too long for a test that left a request hanging).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// The registration pace of a harness: quick retries and checks, so a test never waits
/// long for the module to register or to notice that the registry lost it.
///
/// | setting | value |
/// |---|---|
/// | `retry_initial` | 10 ms |
/// | `retry_max` | 200 ms |
/// | `check_interval` | 1 s |
/// | `deregister_timeout` | 2 s |
#[must_use]
pub fn test_registration() -> RegistrationSettings {
    RegistrationSettings::default()
        .retry_initial(Duration::from_millis(10))
        .retry_max(Duration::from_millis(200))
        .check_interval(Duration::from_secs(1))
        .deregister_timeout(Duration::from_secs(2))
}

/// Sets up a [`ModuleHarness`]; from [`ModuleHarness::builder`].
///
/// Defaults: the module listens on `127.0.0.1:0` and registers its bound address, with the
/// [`test_registration`] pace and a 2 s drain deadline; it shuts down only when the
/// harness says so (never on a signal); [`start`](Self::start) waits up to
/// [`DEFAULT_START_TIMEOUT`] for the registration. Callers are verified as the
/// configuration says (`JWT_SECRET`), or with the verifier of the [`tokens`](Self::tokens)
/// given.
#[must_use = "a harness builder does nothing until `start` is awaited"]
pub struct ModuleHarnessBuilder<M> {
    runtime: Runtime<M>,
    manifest: ManifestSource,
    config: Option<LiftConfig>,
    tokens: Option<TestTokens>,
    auth: Option<JwtAuthLayer>,
    start_timeout: Duration,
}

impl<M: LiftModule> ModuleHarnessBuilder<M> {
    pub(crate) fn new(module: M) -> Self {
        let manifest = module.manifest();
        Self {
            runtime: Runtime::new(module)
                .registration(test_registration())
                .drain_timeout(DRAIN_TIMEOUT),
            manifest,
            config: None,
            tokens: None,
            auth: None,
            start_timeout: DEFAULT_START_TIMEOUT,
        }
    }

    /// The module's configuration: point its URLs at the mocks (a gateway mock's URI with
    /// `LiftConfig::new`, or each service's with `service_url`) and give it credentials to
    /// register with (`jwt_secret`, a token, or a direct identity). Required.
    pub fn config(mut self, config: LiftConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// Verifies callers with `tokens`' verifier (HS256 secret, or RS256 keys from the JWKS
    /// mock), and mints the tokens of [`as_user`](super::HarnessRequest::as_user) with them.
    ///
    /// The harness keeps the tokens (and so the JWKS mock) for its whole life;
    /// [`ModuleHarness::tokens`] lends them back for the bad kinds.
    pub fn tokens(mut self, tokens: TestTokens) -> Self {
        self.tokens = Some(tokens);
        self
    }

    /// Authenticates the module's routes with `layer`, whatever [`tokens`](Self::tokens)
    /// were given (they still mint the `as_user` tokens).
    pub fn auth(mut self, layer: JwtAuthLayer) -> Self {
        self.auth = Some(layer);
        self
    }

    /// Paces registration with `settings` instead of [`test_registration`].
    pub fn registration(mut self, settings: RegistrationSettings) -> Self {
        self.runtime = self.runtime.registration(settings);
        self
    }

    /// Runs the module without registering it: [`start`](Self::start) returns once it
    /// listens.
    pub fn without_registration(mut self) -> Self {
        self.runtime = self.runtime.without_registration();
        self
    }

    /// How long [`start`](Self::start) waits for the registration, in wall-clock time
    /// (so a paused tokio clock does not make it expire early). Default 10 s.
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = timeout;
        self
    }

    /// Changes any other runtime setting (readiness, limits, drain deadline, a client of
    /// the test's own, a public URL). The harness sets the listener and the shutdown signal
    /// itself when it starts, over whatever `change` sets.
    pub fn runtime(mut self, change: impl FnOnce(Runtime<M>) -> Runtime<M>) -> Self {
        self.runtime = change(self.runtime);
        self
    }

    /// Starts the module on `127.0.0.1:0` and waits until it is registered (or only until it
    /// listens, when registration is off).
    ///
    /// # Errors
    ///
    /// - [`HarnessError::NoConfig`] without [`config`](Self::config);
    /// - [`HarnessError::Bind`] when no loopback port is free;
    /// - [`HarnessError::Start`] with the runtime's [`ServeError`](lift_sdk::runtime::ServeError)
    ///   when the configuration, the manifest or `on_start` is refused (nothing registered);
    /// - [`HarnessError::NotRegistered`] when the module is not registered within the
    ///   [`start_timeout`](Self::start_timeout), with where registration stood (the module
    ///   is told to shut down).
    pub async fn start(self) -> Result<ModuleHarness, HarnessError> {
        let config = self.config.ok_or(HarnessError::NoConfig)?;
        let http = ModuleHarness::http_client()?;
        let api_prefix = api_prefix(self.manifest, &config);
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(HarnessError::Bind)?;
        let mut runtime = self
            .runtime
            .config(config)
            .listener(listener)
            .shutdown_signal(std::future::pending());
        if let Some(layer) = self.auth {
            runtime = runtime.auth(layer);
        } else if let Some(tokens) = &self.tokens {
            runtime = runtime.auth(JwtAuthLayer::new(tokens.verifier()));
        }
        let running = runtime.start().await.map_err(HarnessError::Start)?;
        let harness = ModuleHarness::new(running, api_prefix, self.tokens, http);
        harness.wait_registered(self.start_timeout).await?;
        Ok(harness)
    }
}

/// The prefix the runtime mounts the routes under, without trailing `/`; the manifest
/// default when it cannot be read (the runtime then refuses to start and says why).
fn api_prefix(source: ManifestSource, config: &LiftConfig) -> String {
    let manifest = match source {
        ManifestSource::Manifest(manifest) => Some(*manifest),
        ManifestSource::Path(path) => ModuleManifest::from_path(path).ok(),
        _ => ModuleManifest::from_path(&config.module.manifest).ok(),
    };
    let manifest = manifest.unwrap_or_else(|| ModuleManifest::new("module", "0.0.0"));
    manifest.api_prefix().trim_end_matches('/').to_owned()
}

impl<M> fmt::Debug for ModuleHarnessBuilder<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModuleHarnessBuilder")
            .field("runtime", &self.runtime)
            .field("tokens", &self.tokens)
            .field("auth", &self.auth.as_ref().map(JwtAuthLayer::mode))
            .field("start_timeout", &self.start_timeout)
            .finish_non_exhaustive()
    }
}
