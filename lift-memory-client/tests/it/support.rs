//! Helpers shared by the integration tests: the two routing modes, credentials, captures.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lift_auth::{Role, StaticToken, UserContext, UserContextHeaders};
use lift_memory_client::MemoryClient;
use lift_sdk_core::{AuthProvider, CircuitBreaker, RetryBudget, RetryPolicy, Transport};
use lift_testkit::openapi::{CheckedServer, Service};
use serde::Deserialize;
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

/// The repository's fixtures.
pub(crate) fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"))
}

/// One recorded exchange of `fixtures/liftos-captures`.
#[derive(Debug, Deserialize)]
pub(crate) struct Capture {
    pub(crate) id: String,
    pub(crate) target: Target,
    pub(crate) request: CapturedRequest,
    pub(crate) response: CapturedResponse,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Target {
    pub(crate) service: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CapturedRequest {
    pub(crate) method: String,
    pub(crate) path: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CapturedResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Value>,
    pub(crate) body_raw: String,
}

impl Capture {
    /// The recorded answer, headers (duplicated `date`/`server` included) and body exactly
    /// as sent; wiremock computes `content-length` itself.
    pub(crate) fn response_template(&self) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(self.response.status);
        let mut content_type = None;
        for (name, value) in &self.response.headers {
            match name.as_str() {
                "content-length" | "transfer-encoding" => {}
                "content-type" => content_type = Some(value.clone()),
                _ => template = template.append_header(name.as_str(), value.as_str()),
            }
        }
        let body = self.response.body_raw.clone().into_bytes();
        match content_type {
            Some(mime) => template.set_body_raw(body, &mime),
            None => template.set_body_bytes(body),
        }
    }

    /// The envelope's `data` as recorded.
    pub(crate) fn data(&self) -> &Value {
        &self.response.body.as_ref().expect(&self.id)["data"]
    }
}

/// The capture `NN-…` of a set (`""` for as-committed, `"compat"`).
pub(crate) fn capture(set: &str, number: u32) -> Capture {
    let dir = fixtures().join("liftos-captures").join(set);
    let prefix = format!("{number:02}-");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".json")
        })
        .unwrap_or_else(|| panic!("no capture {prefix}* in {}", dir.display()));
    let text = std::fs::read_to_string(&file).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", file.display()))
}
