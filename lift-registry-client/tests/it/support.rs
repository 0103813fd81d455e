//! Helpers shared by the integration tests: fixtures, recorded exchanges, test credential
//! providers and the two routing modes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lift_auth::{Role, StaticToken, UserContext, UserContextHeaders};
use lift_registry_client::{ModuleManifest, RegistryClient};
use lift_sdk_core::http::HeaderMap;
use lift_sdk_core::{AuthProvider, Error, RetryPolicy, async_trait};
use lift_testkit::openapi::{CheckedServer, Service};
use lift_testkit::replay::Capture;
use serde_json::Value;
use wiremock::matchers::{any, header, method, path};
use wiremock::{Match, Mock, MockBuilder, Request};

/// The bearer token the gateway-mode client sends.
pub(crate) const TOKEN: &str = "admin-token";
/// The user the direct-mode client acts as.
pub(crate) const USER: &str = "217aa41a-0fc5-46a9-85b9-7bf461ac58f7";
/// Its org (the same id: every user is their own org).
pub(crate) const ORG: &str = USER;
/// Its roles, as the `X-User-Roles` header carries them.
pub(crate) const ROLES: &str = "user,admin";

/// The headers that must never reach the gateway.
pub(crate) const USER_CONTEXT_HEADERS: [&str; 5] = [
    "x-user-id",
    "x-org-id",
    "x-organization-id",
    "x-user-roles",
    "x-memory-context",
];

/// The repository's fixtures.
pub(crate) fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"))
}

/// One of the seven reference `module.json` files, e.g. `"llm"`.
pub(crate) fn manifest_path(name: &str) -> PathBuf {
    fixtures()
        .join("module-manifests")
        .join(format!("{name}.json"))
}

/// The names of the reference manifests.
pub(crate) const MANIFESTS: [&str; 7] = [
    "_template",
    "agentic",
    "causal",
    "lift-causal",
    "lift-eval",
    "llm",
    "surfacing",
];

/// The compat capture whose file name starts with `number` (e.g. `"58"`).
pub(crate) fn capture(number: &str) -> Capture {
    Capture::find(fixtures().join("liftos-captures").join("compat"), number).unwrap()
}

/// A registry mock, checked against the registry's OpenAPI document, that answers one
/// request, whatever it is, with the recorded answer (the calls under test differ from the
/// recorded ones in their query or body, so a `Replay` would not match them).
pub(crate) async fn serve(exchange: &Capture) -> CheckedServer {
    let server = CheckedServer::start(Service::Registry).await;
    Mock::given(any())
        .respond_with(exchange.response_template())
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// The recorded `detail` of an error body, if it was a JSON string.
pub(crate) fn detail(capture: &Capture) -> Option<&str> {
    capture.response().body()?.get("detail")?.as_str()
}

/// The recorded request body without the keys the client never sends.
pub(crate) fn registration_body(capture: &Capture) -> Value {
    let mut body = capture.request().body().unwrap().clone();
    body.as_object_mut().unwrap().remove("module_id");
    body
}

/// The manifest the recorded registration was made from.
pub(crate) fn manifest(capture: &Capture) -> ModuleManifest {
    serde_json::from_value(capture.request().body().unwrap().clone()).unwrap()
}

/// A careless provider that adds both a bearer token and user-context headers.
#[derive(Debug)]
pub(crate) struct TokenAndContext;

#[async_trait]
impl AuthProvider for TokenAndContext {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        StaticToken::new(TOKEN).authorize(headers).await?;
        UserContextHeaders::new(user_context())
            .authorize(headers)
            .await
    }
}

/// The caller of direct-mode calls: [`USER`] in [`ORG`] with the roles [`ROLES`].
pub(crate) fn user_context() -> UserContext {
    UserContext::new(USER, ORG).with_roles([Role::User, Role::Admin])
}

/// Matches requests that carry none of the user-context headers.
#[derive(Debug)]
pub(crate) struct NoUserContext;

impl Match for NoUserContext {
    fn matches(&self, request: &Request) -> bool {
        USER_CONTEXT_HEADERS
            .iter()
            .all(|name| !request.headers.contains_key(*name))
    }
}

/// Matches a header whose raw value is exactly `value` (wiremock's `header` matcher splits
/// values on commas, which would hide a `user, admin` with a blank).
#[derive(Debug)]
pub(crate) struct RawHeader(pub(crate) &'static str, pub(crate) &'static str);

impl Match for RawHeader {
    fn matches(&self, request: &Request) -> bool {
        let values: Vec<_> = request.headers.get_all(self.0).iter().collect();
        values.len() == 1 && values[0].as_bytes() == self.1.as_bytes()
    }
}

/// Matches requests without an `Authorization` header.
#[derive(Debug)]
pub(crate) struct NoAuthorization;

impl Match for NoAuthorization {
    fn matches(&self, request: &Request) -> bool {
        !request.headers.contains_key("authorization")
    }
}

/// Retries that never wait long, so tests stay fast and deterministic.
pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(2)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
}

/// The two ways to reach the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `{gateway}/registry` with a bearer token.
    Gateway,
    /// The registry itself with the user-context headers.
    Direct,
}

impl Mode {
    /// A client for this mode against `uri`.
    pub(crate) fn client(self, uri: &str) -> RegistryClient {
        let builder = RegistryClient::builder().retry_policy(fast_retries());
        match self {
            Self::Gateway => builder
                .gateway_url(uri)
                .auth(Arc::new(StaticToken::new(TOKEN)))
                .build()
                .unwrap(),
            Self::Direct => builder
                .service_url(uri)
                .auth(Arc::new(UserContextHeaders::new(user_context())))
                .build()
                .unwrap(),
        }
    }

    /// The path the server sees for a registry path such as `/modules`.
    pub(crate) fn path(self, registry_path: &str) -> String {
        match self {
            Self::Gateway => format!("/registry{registry_path}"),
            Self::Direct => registry_path.to_owned(),
        }
    }

    /// A mock for `verb` on `registry_path` that matches only when the credentials of this
    /// mode are there, and, towards the gateway, no user-context header is.
    pub(crate) fn mock(self, verb: &str, registry_path: &str) -> MockBuilder {
        let builder = wiremock::Mock::given(method(verb)).and(path(self.path(registry_path)));
        match self {
            Self::Gateway => builder
                .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
                .and(NoUserContext),
            Self::Direct => builder
                .and(RawHeader("x-user-id", USER))
                .and(RawHeader("x-org-id", ORG))
                .and(RawHeader("x-user-roles", ROLES))
                .and(NoAuthorization),
        }
    }
}

/// Runs a test body once per routing mode.
macro_rules! both_modes {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                use crate::support::Mode;

                #[tokio::test]
                async fn through_gateway() {
                    super::$name(Mode::Gateway).await;
                }

                #[tokio::test]
                async fn direct() {
                    super::$name(Mode::Direct).await;
                }
            }
        )+
    };
}

pub(crate) use both_modes;
