//! The module harness: runs a [`LiftModule`] in-process on
//! `127.0.0.1:0` against mocks, and calls its routes as a chosen user.
//!
//! [`ModuleHarness::builder`] takes the module; [`config`](ModuleHarnessBuilder::config)
//! points it at the mocks, [`tokens`](ModuleHarnessBuilder::tokens) makes its auth layer
//! accept [`TestTokens`], and
//! [`start`](ModuleHarnessBuilder::start) returns once the module is registered. Then:
//!
//! - [`get`](ModuleHarness::get) (and `post`, `put`, `patch`, `delete`, `request`) call a
//!   route **relative to the manifest's `api_prefix`**: `harness.get("/reports")` is
//!   `GET /api/v1/reports`; [`url`](ModuleHarness::url) gives that URL, and
//!   [`request_root`](ModuleHarness::request_root) reaches any path as written;
//! - [`as_user`](HarnessRequest::as_user), [`roles`](HarnessRequest::roles) and friends
//!   choose the caller (a token minted for the call), [`bearer`](HarnessRequest::bearer)
//!   sends any token (a bad one too), [`client_as`](ModuleHarness::client_as) sends one
//!   token with every request, and nothing at all sends none;
//! - [`health`](ModuleHarness::health), [`ready`](ModuleHarness::ready) and
//!   [`metrics`](ModuleHarness::metrics) read the runtime's endpoints;
//! - [`running`](ModuleHarness::running) is the runtime's handle (registration state,
//!   module id), [`shutdown`](ModuleHarness::shutdown) stops the module as SIGTERM would:
//!   readiness turns 503, it deregisters, drains and stops.
//!
//! The registration and deregistration show on the registry mock's journal.
//!
//! A complete test of a module: a gateway mock with the registry and memory mocks behind
//! it, tokens of chosen users, and the module run by the harness.
//!
//! ```
//! use lift_sdk::auth::Role;
//! use lift_sdk::auth::layer::{RequireRole, role::Analyst};
//! use lift_sdk::axum::{Router, routing::post};
//! use lift_sdk::runtime::{HttpError, LiftModule, ManifestSource, ModuleContext};
//! use lift_sdk::{LiftConfig, ModuleManifest};
//! use lift_testkit::harness::ModuleHarness;
//! use lift_testkit::mocks::{MockGateway, MockMemory, MockRegistry};
//! use lift_testkit::tokens::TestTokens;
//!
//! /// The module under test: analysts file reports, kept in memory as themselves.
//! struct Reports;
//!
//! impl LiftModule for Reports {
//!     fn manifest(&self) -> ManifestSource {
//!         ModuleManifest::new("reports", "1.0.0").into()
//!     }
//!
//!     fn routes(&self) -> Router {
//!         Router::new()
//!             .route(
//!                 "/reports",
//!                 post(|ctx: ModuleContext, text: String| async move {
//!                     let stored = ctx.memory().store(text).await.map_err(HttpError::from)?;
//!                     Ok::<_, HttpError>(stored.memory_id.to_string())
//!                 }),
//!             )
//!             .route_layer(RequireRole::<Analyst>::layer())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The platform: a gateway mock admitting the tokens' users, with mocks behind it.
//! let tokens = TestTokens::hs256();
//! let gateway = MockGateway::with_tokens(&tokens).await;
//! let registry = MockRegistry::behind(&gateway).await;
//! let memory = MockMemory::behind(&gateway).await;
//! registry.expect_registration("reports").times(1);
//! registry.expect_deregistration("reports").times(1);
//! memory.expect_store().as_user("u-1").times(1);
//!
//! // The module registers through the gateway with a service token signed with the tokens'
//! // secret, and its routes accept the tokens' users.
//! let secret = tokens.secret().unwrap_or_default().to_owned();
//! let config = LiftConfig::new(&gateway.uri())?.jwt_secret(secret);
//! let harness = ModuleHarness::builder(Reports).config(config).tokens(tokens).start().await?;
//! assert_eq!(registry.modules().len(), 1);
//!
//! // POST /api/v1/reports as an analyst, as a plain user, and as nobody.
//! let analyst = harness.post("/reports").as_user("u-1").org("acme").roles([Role::Analyst]);
//! let answer = analyst.body("Q3 is up").send().await?;
//! assert_eq!(answer.status(), 200);
//! assert_eq!(memory.memories("acme")[0].content, "Q3 is up"); // in u-1's organisation
//! assert_eq!(harness.post("/reports").as_user("u-2").body("no").send().await?.status(), 403);
//! assert_eq!(harness.post("/reports").body("no").send().await?.status(), 401);
//!
//! assert_eq!(harness.health().await?["status"], "healthy");
//! assert_eq!(harness.ready().await?.status(), 200);
//! assert!(harness.metrics().await?.contains("lift_module_registered 1"));
//!
//! // Shutdown deregisters; every expectation is verified (and again when the mocks drop).
//! harness.shutdown().await?;
//! assert!(registry.modules().is_empty());
//! registry.verify().await;
//! memory.verify().await;
//! # Ok(()) }
//! ```
//!
//! # Time
//!
//! The module runs on the test's tokio runtime: its server, its registration and the
//! harness's requests share it. Under a paused clock (`start_paused`), tokio jumps to the
//! next timer whenever the runtime waits with nothing to do, real I/O included, and
//! wiremock answers on a thread of its own. So:
//!
//! - calls between the harness and the module (same runtime, loopback) work as usual;
//! - while [`start`](ModuleHarnessBuilder::start) waits for the registration and
//!   [`shutdown`](ModuleHarness::shutdown) for the deregistration and drain, the harness
//!   holds a paused clock still for up to 2 s of real time (tokio does not auto-advance
//!   while a blocking task runs): the module's calls to the registry mock then see no
//!   timer jump, and the registry's journal is exact (one listing, one registration, one
//!   deletion). When that is not enough (a registration that must wait for a retry, a
//!   request held in a handler at shutdown), the clock is released after those 2 s and
//!   the runtime's backoff and deadlines go on, on the paused clock, with inexact
//!   traffic from then on;
//! - the wait of `start` is measured in wall-clock time
//!   ([`start_timeout`](ModuleHarnessBuilder::start_timeout)), so a paused clock neither
//!   stretches nor shortens it;
//! - a handler that calls a mock while the test waits on a request is not held: a timer
//!   of the module's (a call's time-out) may fire before the mock's answer is read. Tests
//!   that assert the exact calls a handler makes run on real time (plain `#[tokio::test]`).
//!
//! On a clock that is not paused none of this applies. Requests have no time-out of their
//! own: a handler that never answers holds its test.
//!
//! # Dropping
//!
//! Dropping a harness starts the module's shutdown and returns at once: the module
//! deregisters and stops in the background while the test's runtime lives, and is
//! dropped with it. [`shutdown`](ModuleHarness::shutdown) waits for the end instead.

mod builder;
mod client;
mod deadline;
mod error;
mod request;
mod response;

use std::fmt;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use http::Method;
use lift_sdk::registry::ModuleId;
use lift_sdk::runtime::{LiftModule, RegistrationState, RunningModule};
use serde_json::Value;

pub use builder::{DEFAULT_START_TIMEOUT, ModuleHarnessBuilder, test_registration};
pub use client::HarnessClient;
pub use error::HarnessError;
pub use request::HarnessRequest;
pub use response::HarnessResponse;

use self::deadline::WallClock;
use crate::tokens::TestTokens;

/// How long, at most, the harness holds a paused tokio clock still while the module
/// registers or shuts down (real time; no effect on a clock that is not paused).
const CLOCK_HOLD: Duration = Duration::from_secs(2);

/// A module running in-process on `127.0.0.1:0`, and an HTTP client that calls it; see the
/// [module documentation](self).
pub struct ModuleHarness {
    /// `None` only once [`shutdown`](Self::shutdown) or drop took it.
    running: Option<RunningModule>,
    base_url: String,
    api_prefix: String,
    pub(crate) http: reqwest::Client,
    pub(crate) tokens: Option<TestTokens>,
}

impl ModuleHarness {
    /// A harness for `module`; [`start`](ModuleHarnessBuilder::start) runs it.
    pub fn builder<M: LiftModule>(module: M) -> ModuleHarnessBuilder<M> {
        ModuleHarnessBuilder::new(module)
    }

    fn new(
        running: RunningModule,
        api_prefix: String,
        tokens: Option<TestTokens>,
        http: reqwest::Client,
    ) -> Self {
        Self {
            base_url: format!("http://{}", running.local_addr()),
            running: Some(running),
            api_prefix,
            http,
            tokens,
        }
    }

    /// The harness's HTTP client: never through a proxy from the environment, the module
    /// is on loopback.
    fn http_client() -> Result<reqwest::Client, HarnessError> {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|source| HarnessError::Request {
                request: "building the harness's HTTP client".to_owned(),
                source,
            })
    }

    /// Waits until the module is registered, or registration is off; tells it to shut down
    /// and says why when it is not registered within `timeout` (wall-clock time) or stopped
    /// first.
    ///
    /// A paused clock is held still for the first [`CLOCK_HOLD`] of the wait (see the
    /// module docs), then released so that retries with backoff can go on.
    async fn wait_registered(&self, timeout: Duration) -> Result<(), HarnessError> {
        let running = self.running();
        if running.registration() == RegistrationState::Disabled {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let mut deadline = WallClock::after(timeout);
        let mut held = WallClock::holding(CLOCK_HOLD.min(timeout));
        let mut registered = pin!(running.registered());
        let outcome = tokio::select! {
            id = &mut registered => Some(id.is_some()),
            () = held.expired() => None,
        };
        drop(held);
        let registered = match outcome {
            Some(registered) => registered,
            None => tokio::select! {
                id = registered => id.is_some(),
                () = deadline.expired() => false,
            },
        };
        if registered {
            return Ok(());
        }
        running.shutdown();
        Err(HarnessError::NotRegistered {
            waited: started.elapsed(),
            state: running.registration(),
        })
    }

    /// The runtime's handle on the module: registration state, module id, address.
    #[must_use]
    pub fn running(&self) -> &RunningModule {
        match &self.running {
            Some(running) => running,
            // Only `shutdown` and drop take it, and both consume the harness.
            None => unreachable!("the harness's module is taken only when the harness goes"),
        }
    }

    /// The registry's id for the module, while it is registered.
    #[must_use]
    pub fn module_id(&self) -> Option<ModuleId> {
        self.running().registration().module_id().cloned()
    }

    /// The address the module listens on.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.running().local_addr()
    }

    /// The module's base URL, `http://127.0.0.1:PORT` (no trailing `/`).
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The manifest's `api_prefix` the routes are served under, without trailing `/`
    /// (`/api/v1` by default; empty when the routes sit at the root).
    #[must_use]
    pub fn api_prefix(&self) -> &str {
        &self.api_prefix
    }

    /// The URL of route `path` (relative to the `api_prefix`): `url("/notes")` is
    /// `http://127.0.0.1:PORT/api/v1/notes`. A missing leading `/` is added.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, self.route_path(path))
    }

    /// The tokens given to the builder, for bad kinds and tokens of other shapes.
    #[must_use]
    pub fn tokens(&self) -> Option<&TestTokens> {
        self.tokens.as_ref()
    }

    /// A request for route `path`, relative to the `api_prefix`.
    pub fn request(&self, method: Method, path: &str) -> HarnessRequest<'_> {
        let path = self.route_path(path);
        let url = format!("{}{path}", self.base_url);
        HarnessRequest::new(self, method, path, url)
    }

    /// A request for `path` as written, from the server's root (the runtime's own
    /// endpoints, or a path the prefix does not cover).
    pub fn request_root(&self, method: Method, path: &str) -> HarnessRequest<'_> {
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        let url = format!("{}{path}", self.base_url);
        HarnessRequest::new(self, method, path, url)
    }

    /// Requests that all carry `token` as their bearer (a good one, or any bad kind).
    pub fn client_as(&self, token: impl Into<String>) -> HarnessClient<'_> {
        HarnessClient::new(self, token.into())
    }

    /// `GET` route `path`, relative to the `api_prefix`.
    pub fn get(&self, path: &str) -> HarnessRequest<'_> {
        self.request(Method::GET, path)
    }

    /// `POST` route `path`, relative to the `api_prefix`.
    pub fn post(&self, path: &str) -> HarnessRequest<'_> {
        self.request(Method::POST, path)
    }

    /// `PUT` route `path`, relative to the `api_prefix`.
    pub fn put(&self, path: &str) -> HarnessRequest<'_> {
        self.request(Method::PUT, path)
    }

    /// `PATCH` route `path`, relative to the `api_prefix`.
    pub fn patch(&self, path: &str) -> HarnessRequest<'_> {
        self.request(Method::PATCH, path)
    }

    /// `DELETE` route `path`, relative to the `api_prefix`.
    pub fn delete(&self, path: &str) -> HarnessRequest<'_> {
        self.request(Method::DELETE, path)
    }

    /// The module's `/health` body (liveness).
    ///
    /// # Errors
    ///
    /// [`HarnessError::Request`] without an answer, [`HarnessError::Status`] for an answer
    /// other than 200, [`HarnessError::Decode`] when the body is not JSON.
    pub async fn health(&self) -> Result<Value, HarnessError> {
        self.request_root(Method::GET, "/health")
            .send()
            .await?
            .expect_status(200)?
            .json()
    }

    /// The module's `/ready` answer: 200 when ready, 503 with each check's result when not
    /// (both are answers, not errors).
    ///
    /// # Errors
    ///
    /// [`HarnessError::Request`] without an answer.
    pub async fn ready(&self) -> Result<HarnessResponse, HarnessError> {
        self.request_root(Method::GET, "/ready").send().await
    }

    /// The module's `/metrics`, in Prometheus text format.
    ///
    /// # Errors
    ///
    /// [`HarnessError::Request`] without an answer, [`HarnessError::Status`] for an answer
    /// other than 200.
    pub async fn metrics(&self) -> Result<String, HarnessError> {
        let answer = self
            .request_root(Method::GET, "/metrics")
            .send()
            .await?
            .expect_status(200)?;
        Ok(answer.text())
    }

    /// Shuts the module down as SIGTERM would (readiness 503, deregistration, drain,
    /// `on_shutdown`) and waits until it stopped.
    ///
    /// # Errors
    ///
    /// [`HarnessError::Shutdown`] when the module's server failed.
    pub async fn shutdown(mut self) -> Result<(), HarnessError> {
        let Some(running) = self.running.take() else {
            return Ok(());
        };
        running.shutdown();
        // A paused clock is held still while the module deregisters and drains, then
        // released so that the runtime's own deadlines can end a shutdown that hangs.
        let mut stopped = pin!(running.wait());
        let mut held = WallClock::holding(CLOCK_HOLD);
        let result = tokio::select! {
            result = &mut stopped => result,
            () = held.expired() => {
                drop(held);
                stopped.await
            }
        };
        result.map_err(HarnessError::Shutdown)
    }

    fn route_path(&self, path: &str) -> String {
        let slash = if path.starts_with('/') || path.is_empty() {
            ""
        } else {
            "/"
        };
        format!("{}{slash}{path}", self.api_prefix)
    }
}

impl Drop for ModuleHarness {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown();
        }
    }
}

impl fmt::Debug for ModuleHarness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModuleHarness")
            .field("base_url", &self.base_url)
            .field("api_prefix", &self.api_prefix)
            .field(
                "registration",
                &self.running.as_ref().map(RunningModule::registration),
            )
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}
