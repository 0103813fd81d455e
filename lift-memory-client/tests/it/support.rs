//! Helpers shared by the integration tests: the two routing modes, credentials, captures.

use std::sync::Arc;
use std::time::Duration;

use lift_auth::{Role, StaticToken, UserContext, UserContextHeaders};
use lift_memory_client::MemoryClient;
use lift_sdk_core::{AuthProvider, CircuitBreaker, RetryBudget, RetryPolicy, Transport};
use lift_testkit::openapi::{CheckedServer, Service};
use lift_testkit::replay::Capture;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Match, MockBuilder, MockServer, Request, ResponseTemplate};

pub(crate) const TOKEN: &str = "test-token-for-ana";
pub(crate) const USER_ID: &str = "d82f5ff2-d741-476d-9420-37360d8f4edc";
pub(crate) const ORG_ID: &str = "d82f5ff2-d741-476d-9420-37360d8f4edc";
pub(crate) const MEMORY_CONTEXT: &str = "org_d82f5ff2-d741-476d-9420-37360d8f4edc_context";
pub(crate) const ROLES: &str = "user,admin";

/// The user-context headers of contract §7.3, which must never be sent to the gateway.
pub(crate) const CONTEXT_HEADERS: [&str; 4] =
    ["x-user-id", "x-org-id", "x-memory-context", "x-user-roles"];

/// How the client reaches memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `{gateway}/memory` with a bearer token.
    Gateway,
    /// Memory's own URL with the user-context headers.
    Direct,
}

impl Mode {
    pub(crate) const ALL: [Self; 2] = [Self::Gateway, Self::Direct];
}

/// A mock server and a client pointed at it in one routing mode.
pub(crate) struct Harness {
    pub(crate) server: CheckedServer,
    pub(crate) client: MemoryClient,
    pub(crate) mode: Mode,
}

impl Harness {
    pub(crate) async fn start(mode: Mode) -> Self {
        let server = CheckedServer::start(Service::Memory).await;
        let base = match mode {
            Mode::Gateway => format!("{}/memory", server.uri()),
            Mode::Direct => server.uri(),
        };
        let client = match mode {
            Mode::Gateway => MemoryClient::through_gateway(transport(&base)).for_token(TOKEN),
            Mode::Direct => MemoryClient::new(transport(&base)).for_context(&user_context()),
        };
        Self {
            server,
            client,
            mode,
        }
    }

    /// The path the server sees for a memory route.
    pub(crate) fn path(&self, route: &str) -> String {
        match self.mode {
            Mode::Gateway => format!("/memory{route}"),
            Mode::Direct => route.to_owned(),
        }
    }

    /// A mock for `verb route` that also checks the mode's credentials.
    pub(crate) fn given(&self, verb: &str, route: &str) -> MockBuilder {
        let mock = wiremock::Mock::given(method(verb)).and(path(self.path(route)));
        match self.mode {
            Mode::Gateway => mock
                .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
                .and(Absent(&CONTEXT_HEADERS)),
            Mode::Direct => mock
                .and(header("x-user-id", USER_ID))
                .and(header("x-org-id", ORG_ID))
                .and(header("x-memory-context", MEMORY_CONTEXT))
                .and(HeaderIs("x-user-roles", ROLES))
                .and(Absent(&["authorization"])),
        }
    }
}

/// The caller, as a module sees it.
pub(crate) fn user_context() -> UserContext {
    UserContext::new(USER_ID, ORG_ID)
        .with_roles([Role::User, Role::Admin])
        .with_memory_context(MEMORY_CONTEXT)
}

/// The credentials each mode uses, as providers.
pub(crate) fn provider(mode: Mode) -> Arc<dyn AuthProvider> {
    match mode {
        Mode::Gateway => Arc::new(StaticToken::new(TOKEN)),
        Mode::Direct => Arc::new(UserContextHeaders::new(user_context())),
    }
}

/// Matches requests that carry none of the named headers.
pub(crate) struct Absent(pub(crate) &'static [&'static str]);

impl Match for Absent {
    fn matches(&self, request: &Request) -> bool {
        self.0
            .iter()
            .all(|name| !request.headers.contains_key(*name))
    }
}

/// Matches a header's raw value exactly (wiremock's `header` splits values on commas).
pub(crate) struct HeaderIs(pub(crate) &'static str, pub(crate) &'static str);

impl Match for HeaderIs {
    fn matches(&self, request: &Request) -> bool {
        let values: Vec<_> = request.headers.get_all(self.0).iter().collect();
        values.len() == 1 && values[0].as_bytes() == self.1.as_bytes()
    }
}

/// Matches a request whose query string is exactly this (`None`: no query at all).
pub(crate) struct ExactQuery(pub(crate) Option<&'static str>);

impl Match for ExactQuery {
    fn matches(&self, request: &Request) -> bool {
        request.url.query() == self.0
    }
}

/// Matches a request without a body and without a `Content-Type`.
pub(crate) struct NoBody;

impl Match for NoBody {
    fn matches(&self, request: &Request) -> bool {
        request.body.is_empty() && !request.headers.contains_key("content-type")
    }
}

/// A transport with fast, deterministic settings for tests.
pub(crate) fn transport(base: &str) -> Transport {
    Transport::builder(base)
        .service("memory")
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        )
        .retry_budget(RetryBudget::new(100, 1.0))
        .circuit_breaker(CircuitBreaker::new(100, Duration::from_secs(30)))
        .build()
        .unwrap()
}

/// A 200 answer in the `APIResponse` envelope.
pub(crate) fn envelope(data: Value, metadata: Value) -> ResponseTemplate {
    let mut body = json!({"success": true, "message": "Success", "errors": null});
    body["data"] = data;
    body["metadata"] = metadata;
    ResponseTemplate::new(200).set_body_json(body)
}

/// The requests a mock server received.
pub(crate) async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// The capture `NN-…` of a set of `fixtures/liftos-captures` (`""` for as-committed, `"compat"`).
pub(crate) fn capture(set: &str, number: u32) -> Capture {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/liftos-captures");
    Capture::find(std::path::Path::new(dir).join(set), &format!("{number:02}")).unwrap()
}

/// The envelope's `data` as recorded.
pub(crate) fn data(capture: &Capture) -> &Value {
    &capture
        .response()
        .body()
        .unwrap_or_else(|| panic!("{}: no body", capture.name()))["data"]
}
