//! `ServiceClientBuilder`: the two routing modes of a typed client.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderValue};
use lift_sdk_core::{
    AuthProvider, CircuitBreaker, Error, ErrorKind, RetryBudget, ServiceClient,
    ServiceClientBuilder, Transport, async_trait,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{fast_retries, received};

/// A typed client as the client crates write one.
#[derive(Debug)]
struct NotesClient {
    transport: Transport,
}

impl ServiceClient for NotesClient {
    const SERVICE: &'static str = "notes";
    const GATEWAY_PREFIX: &'static str = "notes";

    fn from_transport(transport: Transport) -> Self {
        Self { transport }
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }
}

fn builder() -> ServiceClientBuilder<NotesClient> {
    ServiceClientBuilder::new().retry_policy(fast_retries(1))
}

/// A provider that sends a token and, wrongly for the gateway, a user context.
#[derive(Debug)]
struct TokenAndContext;

#[async_trait]
impl AuthProvider for TokenAndContext {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        headers.insert("authorization", HeaderValue::from_static("Bearer t"));
        headers.insert("x-user-id", HeaderValue::from_static("spoofed"));
        headers.insert("x-org-id", HeaderValue::from_static("org"));
        headers.insert("x-user-roles", HeaderValue::from_static("admin"));
        headers.insert("x-module-id", HeaderValue::from_static("m"));
        Ok(())
    }
}

#[test]
fn the_gateway_url_gets_the_prefix_without_a_double_slash() {
    for gateway in ["http://gw:8000", "http://gw:8000/"] {
        let client = builder().gateway_url(gateway).build().unwrap();

        assert_eq!(client.transport.base_url().as_str(), "http://gw:8000/notes");
        assert_eq!(client.transport.service(), "notes");
        assert!(client.transport.is_through_gateway());
    }
}

#[test]
fn the_service_url_is_used_as_is() {
    let client = builder().service_url("http://notes:8010/").build().unwrap();

    assert_eq!(client.transport.base_url().as_str(), "http://notes:8010/");
    assert_eq!(client.transport.service(), "notes");
    assert!(!client.transport.is_through_gateway());
}

#[test]
fn exactly_one_url_is_required_and_the_error_names_the_settings() {
    let neither = builder().build().unwrap_err();
    let both = builder()
        .gateway_url("http://gw:8000")
        .service_url("http://notes:8010")
        .build()
        .unwrap_err();
    let bad_url = builder().service_url("notes:8010").build().unwrap_err();

    for err in [&neither, &both, &bad_url] {
        assert_eq!(err.kind(), ErrorKind::Builder, "{err}");
    }
    for err in [&neither, &both] {
        let message = err.to_string();
        assert!(
            message.contains("gateway_url") && message.contains("service_url"),
            "{message}"
        );
    }
    assert!(neither.to_string().contains("notes"), "{neither}");
}

#[tokio::test]
async fn through_the_gateway_user_context_headers_are_stripped() {
    // Arrange
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let gateway = builder()
        .gateway_url(server.uri())
        .auth(Arc::new(TokenAndContext))
        .build()
        .unwrap();
    let direct = builder()
        .service_url(server.uri())
        .auth(Arc::new(TokenAndContext))
        .build()
        .unwrap();

    // Act
    gateway.transport.get("/a").send().await.unwrap();
    direct.transport.get("/b").send().await.unwrap();

    // Assert
    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/notes/a");
    assert_eq!(requests[0].headers["authorization"], "Bearer t");
    for name in ["x-user-id", "x-org-id", "x-user-roles", "x-module-id"] {
        assert!(!requests[0].headers.contains_key(name), "{name} leaked");
    }
    assert_eq!(requests[1].url.path(), "/b");
    assert_eq!(requests[1].headers["x-user-id"], "spoofed");
}

#[tokio::test]
async fn the_settings_reach_the_transport() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/notes/x"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let http = lift_sdk_core::default_http_client().unwrap();
    let client = builder()
        .gateway_url(server.uri())
        .http_client(http)
        .timeout(std::time::Duration::from_secs(3))
        .retry_policy(fast_retries(2))
        .build()
        .unwrap();

    client.transport.get("/x").send().await.unwrap();

    assert_eq!(client.transport.retry_policy(), &fast_retries(2));
    assert!(client.transport.auth().is_none());
}

#[test]
fn the_breaker_and_the_budget_can_be_tuned_shared_or_turned_off() {
    let breaker = Arc::new(CircuitBreaker::new(7, Duration::from_secs(9)));
    let budget = Arc::new(RetryBudget::new(3, 0.5));
    let build = || {
        builder()
            .service_url("http://notes:8009")
            .circuit_breaker(breaker.clone())
            .retry_budget(budget.clone())
            .max_body_size(1 << 20)
            .build()
            .unwrap()
    };

    let (a, b) = (build(), build());
    let off = builder()
        .service_url("http://notes:8009")
        .circuit_breaker(CircuitBreaker::disabled())
        .retry_budget(RetryBudget::unlimited())
        .build()
        .unwrap();

    assert!(Arc::ptr_eq(
        a.transport.circuit_breaker(),
        b.transport.circuit_breaker()
    ));
    assert!(Arc::ptr_eq(a.transport.retry_budget(), &budget));
    assert_eq!(a.transport.circuit_breaker().failure_threshold(), 7);
    assert_eq!(
        a.transport.circuit_breaker().cooldown(),
        Duration::from_secs(9)
    );
    assert_eq!(a.transport.max_body_size(), 1 << 20);
    assert!(!off.transport.circuit_breaker().is_enabled());
    assert!((0..1000).all(|_| off.transport.retry_budget().try_withdraw()));
}
