//! The gateway mock: its own endpoints, the bearer check of the protected routes, the
//! module route, and one URL for every service mock mounted behind it.

mod call;
mod correlation;
mod gate;
mod local;
mod modules;

use std::ops::Deref;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lift_sdk::{GatewayClient, LiftClient, LiftConfig, ModuleId};
use serde_json::json;
use wiremock::{Mock, ResponseTemplate};

pub use self::call::ModuleCall;
pub use self::correlation::{CORRELATION_ID, WithCorrelationId};
pub use self::modules::MockModule;

use self::gate::{Gate, MissingSlash, Refused};
use self::local::Local;
use self::modules::{ModuleJournal, Modules, UnknownModule};
use super::received::path_matches;
use super::{Expected, MockService};
use crate::openapi::Service;
use crate::tokens::TestTokens;

/// The user of [`MockGateway::client`]'s token (`sub`).
pub const GATEWAY_USER: &str = "u-gateway";

/// The organisation of [`MockGateway::client`]'s token (`org_id`); its memory context is
/// `org_test-org_context`.
pub const GATEWAY_ORG: &str = "test-org";

/// How long [`MockGateway::user_token`] stays valid.
const USER_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Priority of the checks the gateway makes before forwarding: with the request check.
const GATE_PRIORITY: u8 = 1;
/// Priority of the gateway's own 404: after every answer, before each mock's bare one.
const FALLBACK_PRIORITY: u8 = u8::MAX - 1;

/// A mock of the gateway (contract §4), on a [`MockService`] of
/// [`Service::Gateway`] (it dereferences to it: `uri()`, `received()`, `expect_call`,
/// `verify` come from there).
///
/// - `GET /`, `/health`, `/ready` and `/health/detailed` answer as the reference does
///   (captures 01, 02, 09, 10), with every service healthy.
/// - `/memory/…`, `/registry/…`, `/billing/…` and `/modules/…` need a bearer token the
///   mock's verifier accepts; anything else (missing, malformed, expired, wrongly signed,
///   `alg: none`, another audience) gets 401 `{"detail":"Authentication required"}`. A
///   verified token with a missing or mistyped claim, or an unknown role or tier, gets the
///   reference's text/plain 500.
///   `/auth/…` and `/observability/…` need none. The check runs before every service mock
///   mounted [`behind`](MockService::behind) the gateway, so a refused call never reaches
///   them (nor their journals).
/// - A route prefix without its trailing slash (`/memory`, `/modules/{id}`) gets
///   Starlette's 307 to the same path with the slash.
/// - `/modules/{module_id}/{path}` reaches the modules mounted with
///   [`module`](Self::module); any other id gets 404 `{"detail":"Module {id} not found"}`.
///   Calls forwarded to a module are recorded as [`ModuleCall`]s.
/// - Every answer the gateway mock produces carries a fresh `X-Correlation-ID: <uuid4>`
///   ([`CORRELATION_ID`]), and so do the happy paths and 422s of the service mocks
///   [`behind`](MockService::behind) it. A test's own wiremock mocks and scenarios answer
///   as mounted (wiremock cannot post-process an answer): wrap them in
///   [`WithCorrelationId`] when a test needs the header.
///
/// ```
/// use lift_testkit::mocks::MockGateway;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), lift_sdk::Error> {
/// let gateway = MockGateway::start().await;
/// let id = lift_sdk::ModuleId::new("7c840860-4c75-40c1-b743-675f948a4201")?;
/// let reports = gateway.module(&id);
/// reports.json("GET", "/api/v1/ping", serde_json::json!({ "pong": true })).await;
///
/// let pong: serde_json::Value = gateway.client().module(&id).get_json("/api/v1/ping").await?;
///
/// assert_eq!(pong["pong"], true);
/// assert_eq!(reports.calls()[0].user_id(), Some("u-gateway"));
/// # Ok(()) }
/// ```
pub struct MockGateway {
    modules: Arc<Modules>,
    user_token: String,
    service: MockService,
}

impl MockGateway {
    /// Starts a gateway mock that admits the tokens of [`TestTokens::hs256`].
    pub async fn start() -> Self {
        Self::with_tokens(&TestTokens::hs256()).await
    }

    /// Starts a gateway mock that admits the tokens of `tokens` (with its
    /// [`verifier`](TestTokens::verifier)). With RS256 keys the JWKS is fetched now; after a
    /// [`rotate`](TestTokens::rotate), call [`refresh_keys`](Self::refresh_keys).
    ///
    /// # Panics
    ///
    /// When the JWKS of `tokens` cannot be fetched (its server is gone).
    pub async fn with_tokens(tokens: &TestTokens) -> Self {
        let verifier = tokens.verifier();
        if tokens.jwks_url().is_some()
            && let Err(err) = verifier.refresh_jwks().await
        {
            panic!("the gateway mock could not fetch the test tokens' JWKS: {err}");
        }
        let user_token = tokens
            .user(GATEWAY_USER)
            .org(GATEWAY_ORG)
            .expires_in(USER_TOKEN_LIFETIME)
            .issue();
        let service = MockService::start(Service::Gateway).await;
        let modules = Arc::new(Modules::new(Gate::new(verifier)));
        let gateway = Self {
            modules,
            user_token,
            service,
        };
        gateway.mount().await;
        gateway
    }

    async fn mount(&self) {
        let server = self.service.server();
        Mock::given(MissingSlash)
            .respond_with(WithCorrelationId(MissingSlash))
            .with_priority(GATE_PRIORITY)
            .named("gateway: route prefix without its slash (307)")
            .mount(server)
            .await;
        let gate = self.modules.gate().clone();
        Mock::given(Refused(gate.clone()))
            .respond_with(WithCorrelationId(Refused(gate)))
            .with_priority(GATE_PRIORITY)
            .named("gateway: bearer check (401)")
            .mount(server)
            .await;
        Mock::given(UnknownModule(Arc::clone(&self.modules)))
            .respond_with(WithCorrelationId(UnknownModule(Arc::clone(&self.modules))))
            .with_priority(GATE_PRIORITY)
            .named("gateway: unknown module (404)")
            .mount(server)
            .await;
        Mock::given(ModuleJournal(Arc::clone(&self.modules)))
            .respond_with(ResponseTemplate::new(500))
            .with_priority(GATE_PRIORITY)
            .named("gateway: module calls")
            .mount(server)
            .await;
        for (path, local) in Local::all(Instant::now()) {
            self.service
                .answer_by_default("GET", path, WithCorrelationId(local))
                .await;
        }
        let not_found = ResponseTemplate::new(404).set_body_json(json!({ "detail": "Not Found" }));
        Mock::given(|_: &wiremock::Request| true)
            .respond_with(WithCorrelationId(not_found))
            .with_priority(FALLBACK_PRIORITY)
            .named("gateway: no route (404)")
            .mount(server)
            .await;
    }

    /// Fetches the JWKS of the tokens again, after a [`rotate`](TestTokens::rotate), so
    /// tokens under the new `kid` are admitted. Does nothing with HS256.
    ///
    /// # Panics
    ///
    /// When the JWKS cannot be fetched.
    pub async fn refresh_keys(&self) {
        if let Err(err) = self.modules.gate().verifier().refresh_jwks().await {
            panic!("the gateway mock could not fetch the test tokens' JWKS: {err}");
        }
    }

    /// A valid token (24 hours) of the gateway's fixed test user: `sub` [`GATEWAY_USER`],
    /// `org_id` [`GATEWAY_ORG`], roles `[user]`, free tier.
    #[must_use]
    pub fn user_token(&self) -> &str {
        &self.user_token
    }

    /// The SDK's gateway client pointed at this mock, acting as the fixed test user (its
    /// [`user_token`](Self::user_token)).
    ///
    /// # Panics
    ///
    /// Never in practice: the mock's URL is a valid loopback URL.
    #[must_use]
    pub fn client(&self) -> GatewayClient {
        match GatewayClient::builder().gateway_url(self.uri()).build() {
            Ok(client) => client.for_token(self.user_token.clone()),
            Err(err) => panic!("no gateway client for the gateway mock: {err}"),
        }
    }

    /// The SDK's platform client in gateway routing mode, pointed at this mock and acting
    /// as the holder of `token`: its memory and registry calls reach the mocks mounted
    /// [`behind`](MockService::behind) this gateway, at this one URL.
    ///
    /// # Panics
    ///
    /// Never in practice: the mock's URL is a valid loopback URL.
    #[must_use]
    pub fn lift_client(&self, token: impl Into<String>) -> LiftClient {
        let client =
            LiftConfig::new(&self.uri()).and_then(|config| LiftClient::new(config.token(token)));
        match client {
            Ok(client) => client,
            Err(err) => panic!("no lift client for the gateway mock: {err}"),
        }
    }

    /// A module reachable at `/modules/{module_id}/…` from now on, to mount its answers.
    /// Calling it again with the same id gives another handle to the same module.
    #[allow(
        clippy::must_use_candidate,
        reason = "the module exists already: a path without an answer gets the module's 404"
    )]
    pub fn module(&self, module_id: &ModuleId) -> MockModule<'_> {
        self.modules.add(module_id.as_str());
        MockModule::new(self, module_id.clone())
    }

    /// Every call forwarded to a module so far, in arrival order.
    #[must_use]
    pub fn module_calls(&self) -> Vec<ModuleCall> {
        self.modules.calls()
    }

    /// Expects calls forwarded to `method` `path` of module `module_id` (the module's own
    /// path, `{name}` matching one segment; `/` for the module's root): calls with a bearer
    /// the gateway admits, to a module mounted with [`module`](Self::module). At least one
    /// unless refined on the returned [`Expected`] (`.as_user(…)` counts calls by the
    /// token's `sub`).
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_module_call(&self, module_id: &ModuleId, method: &str, path: &str) -> Expected {
        let modules = Arc::clone(&self.modules);
        let module_id = module_id.as_str().to_owned();
        let (method, path) = (method.to_owned(), path.to_owned());
        self.service.expect(
            format!("module {module_id} {method} {path}"),
            move |received| {
                received.method.as_str().eq_ignore_ascii_case(&method)
                    && modules::module_path(&received.path)
                        .is_some_and(|(id, own)| id == module_id && path_matches(&path, own))
                    && modules.forwards(&received.path, &received.headers)
            },
        )
    }
}

impl Deref for MockGateway {
    type Target = MockService;

    fn deref(&self) -> &MockService {
        &self.service
    }
}

impl std::fmt::Debug for MockGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockGateway")
            .field("service", &self.service)
            .field("module_calls", &self.modules.calls().len())
            .finish_non_exhaustive()
    }
}
