//! The binding methods every client shares, the gateway's header stripping, and acting for
//! a caller that has a token, a user context or both.

use std::sync::Arc;

use lift_sdk::auth::StaticToken;
use lift_sdk::core::http::{HeaderMap, HeaderValue, Method};
use lift_sdk::core::{AuthProvider, RetryPolicy, Transport, USER_CONTEXT_HEADERS, async_trait};
use lift_sdk::serde_json::{Value, json};
use lift_sdk::{
    Caller, Error, ErrorKind, GatewayClient, LiftClient, LiftConfig, Token, UserContext,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{SETS, capture, module_id};

/// A provider that sends a bearer token and, wrongly for the gateway, every user-context
/// header there is, in mixed case.
#[derive(Debug)]
struct SpoofingProvider;

#[async_trait]
impl AuthProvider for SpoofingProvider {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        headers.insert("authorization", HeaderValue::from_static("Bearer t"));
        for name in [
            "X-User-ID",
            "X-Org-ID",
            "X-Organization-ID",
            "X-User-Roles",
            "X-User-Permissions",
            "X-Memory-Context",
            "X-Module-ID",
        ] {
            headers.insert(
                lift_sdk::core::http::HeaderName::try_from(name).unwrap(),
                HeaderValue::from_static("spoofed"),
            );
        }
        Ok(())
    }
}

/// Matches requests that carry none of [`USER_CONTEXT_HEADERS`].
struct NoUserContext;

impl wiremock::Match for NoUserContext {
    fn matches(&self, request: &wiremock::Request) -> bool {
        USER_CONTEXT_HEADERS
            .iter()
            .all(|name| !request.headers.contains_key(name.as_str()))
    }
}

#[test]
fn the_stripped_list_names_every_user_context_header() {
    let list = USER_CONTEXT_HEADERS;
    let names: Vec<&str> = list.iter().map(|h| h.as_str()).collect();

    for name in [
        "x-user-id",
        "x-org-id",
        "x-organization-id",
        "x-user-roles",
        "x-user-permissions",
        "x-memory-context",
        "x-module-id",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    // What the auth layer rewrites on the server side is stripped on the client side too.
    for name in lift_sdk::auth::headers::ALL {
        assert!(
            names.contains(&name.as_str()),
            "{name} missing from {names:?}"
        );
    }
}

#[tokio::test]
async fn the_gateway_client_strips_every_user_context_header_including_permissions() {
    // Arrange: a provider, the transport's defaults and the request itself all try to send
    // an identity; `X-User-Permissions` and the `X-Organization-ID` alias too.
    let server = MockServer::start().await;
    Mock::given(path("/modules/m-1/api/v1/ping"))
        .and(header("authorization", "Bearer t"))
        .and(NoUserContext)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pong": true})))
        .expect(2)
        .mount(&server)
        .await;
    let transport = Transport::builder(server.uri())
        .retry_policy(RetryPolicy::none())
        .header("x-user-permissions", "modules:write")
        .header("x-organization-id", "org-m")
        .auth(Arc::new(SpoofingProvider))
        .build()
        .unwrap();
    let gateway = GatewayClient::new(transport);
    let module = gateway.module(&module_id("m-1"));

    // Act
    let typed: Value = module.get_json("/api/v1/ping").await.unwrap();
    let raw = module
        .request(Method::GET, "/api/v1/ping")
        .header("x-user-permissions", "admin:*")
        .send()
        .await
        .unwrap();

    // Assert: both requests matched the mock that refuses every listed header.
    assert_eq!(typed["pong"], true);
    assert_eq!(raw.status().as_u16(), 200);
}

#[tokio::test]
async fn a_gateway_client_acting_for_a_context_only_caller_fails_before_sending() {
    // Arrange: before, the context headers were stripped and the call went out with no
    // identity, to come back 401 from the gateway.
    let server = MockServer::start().await;
    let gateway = GatewayClient::new(Transport::new(&server.uri()).unwrap());
    let context = UserContext::new("user-7", "org-7");

    // Act
    let module_call = gateway
        .for_user(&context)
        .module(&module_id("m-1"))
        .get_json::<Value>("/api/v1/ping")
        .await
        .unwrap_err();
    let health = gateway.for_context(&context).health().await.unwrap_err();

    // Assert
    assert!(server.received_requests().await.unwrap().is_empty());
    for err in [module_call, health] {
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        let message = err.to_string();
        assert!(message.contains("no bearer token"), "{message}");
        assert!(message.contains("gateway"), "{message}");
    }
}

#[tokio::test]
async fn a_caller_with_both_forms_reaches_the_gateway_with_the_token_only() {
    // Arrange: the caller of a request behind the gateway, read back from its headers.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/modules/m-1/api/v1/me"))
        .and(header("authorization", "Bearer caller-token"))
        .and(NoUserContext)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": "user-7"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut incoming = HeaderMap::new();
    incoming.insert(
        "authorization",
        HeaderValue::from_static("Bearer caller-token"),
    );
    incoming.insert("x-user-id", HeaderValue::from_static("user-7"));
    incoming.insert("x-org-id", HeaderValue::from_static("org-7"));
    let caller = Caller::from_headers(&incoming).unwrap();
    let gateway = GatewayClient::new(Transport::new(&server.uri()).unwrap());

    // Act
    let me: Value = gateway
        .for_user(&caller)
        .module(&module_id("m-1"))
        .get_json("/api/v1/me")
        .await
        .unwrap();

    // Assert
    assert_eq!(me["user"], "user-7");
    assert_eq!(caller.context().map(UserContext::user_id), Some("user-7"));
}

#[tokio::test]
async fn every_client_has_the_same_binding_and_health_methods() {
    // Arrange: one gateway serving every service's health, through its prefixes.
    let server = MockServer::start().await;
    for prefix in ["", "/auth", "/memory", "/registry"] {
        Mock::given(method("GET"))
            .and(path(format!("{prefix}/health")))
            .and(header("authorization", "Bearer caller-token"))
            .and(NoUserContext)
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "healthy"})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = LiftClient::new(LiftConfig::new(&server.uri()).unwrap()).unwrap();
    let caller = Caller::from_token(Token::new("caller-token"));

    // Act: the same calls on every client, no trait imported.
    let gateway = client.gateway().for_user(&caller).health().await.unwrap();
    let auth = client.auth().for_user(&caller).health().await.unwrap();
    let memory = client
        .memory()
        .for_token("caller-token")
        .health()
        .await
        .unwrap();
    let registry = client
        .registry()
        .for_provider(Arc::new(StaticToken::new("caller-token")))
        .health()
        .await
        .unwrap();

    // Assert
    for health in [gateway, auth, memory, registry] {
        assert!(health.is_healthy());
    }
    assert!(client.gateway().is_through_gateway() && client.auth().is_through_gateway());
    assert!(client.memory().is_through_gateway() && client.registry().is_through_gateway());
}

#[tokio::test]
async fn the_auth_client_reads_its_recorded_health_and_readiness() {
    for set in SETS {
        // Arrange: auth's recorded /health (200) and /ready (503 at the reference).
        let server = MockServer::start().await;
        for id in ["03-auth-health", "04-auth-ready"] {
            // Recorded on auth itself: served where the gateway routes auth.
            let exchange = capture(set, id);
            Mock::given(path(format!("/auth{}", exchange.request().path())))
                .respond_with(exchange.response_template())
                .expect(1)
                .mount(&server)
                .await;
        }
        let client = LiftClient::builder(LiftConfig::new(&server.uri()).unwrap())
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();

        // Act
        let health = client.auth().health().await.unwrap();
        let ready = client.auth().ready().await.unwrap_err();

        // Assert
        assert!(health.is_healthy(), "{set}");
        assert_eq!(health.service.as_deref(), Some("auth"));
        assert_eq!(ready.status().map(|s| s.as_u16()), Some(503), "{set}");
        assert_eq!(
            ready.api_error().and_then(|api| api.message()),
            Some("Service auth not ready")
        );
    }
}

#[tokio::test]
async fn the_gateway_client_can_be_built_like_the_others() {
    // Arrange
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .and(header("authorization", "Bearer t"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "healthy"})))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let gateway = GatewayClient::builder()
        .gateway_url(server.uri())
        .auth(Arc::new(StaticToken::new("t")))
        .build()
        .unwrap();
    let health = gateway.health().await.unwrap();

    // Assert
    assert!(health.is_healthy());
    assert!(gateway.is_through_gateway());
    assert_eq!(
        gateway
            .transport()
            .base_url()
            .as_str()
            .trim_end_matches('/'),
        server.uri()
    );
}

#[tokio::test]
async fn a_client_for_a_caller_sends_their_token_and_the_original_keeps_its_own() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/memory/health"))
        .respond_with(capture("", "05-memory-health").response_template())
        .mount(&server)
        .await;
    let client = LiftClient::new(
        LiftConfig::new(&server.uri())
            .unwrap()
            .token("module-token"),
    )
    .unwrap();

    let as_user = client.for_caller(Caller::from_token(Token::new("user-token")));
    as_user.memory().health().await.unwrap();
    client.memory().health().await.unwrap();

    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["Bearer user-token", "Bearer module-token"]);
}
