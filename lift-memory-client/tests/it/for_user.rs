//! Acting on behalf of a caller: copies of one shared client with each caller's credentials.

use std::sync::Arc;

use lift_auth::{Caller, Role, StaticToken, Token, UserContext, UserContextHeaders};
use lift_memory_client::{ErrorKind, MemoryClient};
use lift_sdk_core::Transport;
use lift_testkit::openapi::{CheckedServer, Service};
use serde_json::json;
use wiremock::Mock;
use wiremock::matchers::{header, method, path};

use crate::support::{Absent, CONTEXT_HEADERS, HeaderIs, envelope, received, transport};

#[tokio::test]
async fn for_token_binds_each_copy_to_its_caller_through_the_gateway() {
    // Arrange: one shared client without credentials, as a module holds it.
    let server = CheckedServer::start(Service::Memory).await;
    let stats = envelope(json!({"total_contexts": 1}), json!(null));
    for token in ["alice-token", "bob-token"] {
        Mock::given(method("GET"))
            .and(path("/memory/context/stats"))
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .and(Absent(&CONTEXT_HEADERS))
            .respond_with(stats.clone())
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/memory/context/stats"))
        .and(Absent(&["authorization"]))
        .respond_with(stats)
        .expect(1)
        .mount(&server)
        .await;
    let shared = MemoryClient::through_gateway(transport(&format!("{}/memory", server.uri())));

    // Act: two callers at once, then the shared client itself.
    let alice = shared.for_token("alice-token");
    let bob = shared.for_provider(Arc::new(StaticToken::new("bob-token")));
    let (a, b) = tokio::join!(alice.context_stats(), bob.context_stats());
    shared.context_stats().await.unwrap();

    // Assert
    a.unwrap();
    b.unwrap();
    assert_eq!(received(&server).await.len(), 3);
    assert!(shared.is_through_gateway() && alice.is_through_gateway());
}

#[tokio::test]
async fn through_the_gateway_no_user_context_header_ever_leaves_the_client() {
    // Arrange: a transport whose defaults and provider both try to send X-User-* headers.
    let server = CheckedServer::start(Service::Memory).await;
    Mock::given(method("POST"))
        .and(path("/memory/search"))
        .and(header("authorization", "Bearer caller-token"))
        .and(Absent(&CONTEXT_HEADERS))
        .and(Absent(&["x-module-id"]))
        .respond_with(envelope(json!({"results": []}), json!(null)))
        .expect(2)
        .mount(&server)
        .await;
    let transport = Transport::builder(format!("{}/memory", server.uri()))
        .header("x-user-roles", "admin")
        .auth(Arc::new(UserContextHeaders::new(
            UserContext::new("mallory", "org-m").with_module_id("m-1"),
        )))
        .build()
        .unwrap();
    let memory = MemoryClient::through_gateway(transport);
    let spoofing =
        UserContextHeaders::new(UserContext::new("eve", "org-e").with_roles([Role::Admin]));

    // Act
    memory.for_token("caller-token").search("q").await.unwrap();
    memory
        .for_provider(Arc::new(spoofing))
        .for_token("caller-token")
        .search("q")
        .await
        .unwrap();

    // Assert: the two requests matched the mock, which checked for absent headers.
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn for_context_sends_the_callers_headers_directly() {
    // Arrange
    let server = CheckedServer::start(Service::Memory).await;
    Mock::given(method("POST"))
        .and(path("/store"))
        .and(header("x-user-id", "u-2"))
        .and(header("x-org-id", "org-2"))
        .and(header("x-memory-context", "org_org-2_context"))
        .and(HeaderIs("x-user-roles", "user"))
        .and(Absent(&["authorization"]))
        .respond_with(envelope(
            json!({"memory_id": "memory_org-2_1"}),
            json!(null),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let shared = MemoryClient::new(transport(&server.uri()));
    let caller = UserContext::new("u-2", "org-2").with_roles([Role::User]);

    // Act
    let stored = shared.for_context(&caller).store("noted").await.unwrap();

    // Assert
    assert_eq!(stored.memory_id, "memory_org-2_1");
}

#[tokio::test]
async fn the_builder_sets_up_either_routing_mode() {
    // Arrange
    let server = CheckedServer::start(Service::Memory).await;
    let stats = envelope(json!({"total_contexts": 1}), json!(null));
    Mock::given(method("GET"))
        .and(path("/memory/context/stats"))
        .and(header("authorization", "Bearer t"))
        .and(Absent(&CONTEXT_HEADERS))
        .respond_with(stats.clone())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/context/stats"))
        .and(header("x-user-id", "u"))
        .and(header("x-org-id", "o"))
        .and(Absent(&["authorization"]))
        .respond_with(stats)
        .expect(1)
        .mount(&server)
        .await;
    let gateway = MemoryClient::builder()
        .gateway_url(server.uri())
        .auth(Arc::new(StaticToken::new("t")))
        .build()
        .unwrap();
    let direct = MemoryClient::builder()
        .service_url(server.uri())
        .auth(Arc::new(UserContextHeaders::new(UserContext::new(
            "u", "o",
        ))))
        .build()
        .unwrap();

    // Act
    let via_gateway = gateway.context_stats().await.unwrap();
    let via_direct = direct.context_stats().await.unwrap();

    // Assert
    assert_eq!(via_gateway, via_direct);
}

#[tokio::test]
async fn for_user_takes_a_token_or_a_user_context() {
    // Arrange: direct routing, where the user context travels as headers.
    let server = CheckedServer::start(Service::Memory).await;
    Mock::given(method("GET"))
        .and(path("/context/stats"))
        .and(header("authorization", "Bearer caller-token"))
        .and(Absent(&CONTEXT_HEADERS))
        .respond_with(envelope(json!({"total_contexts": 1}), json!(null)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/context/stats"))
        .and(header("x-user-id", "user-7"))
        .and(header("x-org-id", "org-7"))
        .and(Absent(&["authorization"]))
        .respond_with(envelope(json!({"total_contexts": 2}), json!(null)))
        .expect(1)
        .mount(&server)
        .await;
    let shared = MemoryClient::new(transport(&server.uri()));
    let context = UserContext::new("user-7", "org-7");

    // Act
    let by_token = shared
        .for_user(lift_auth::Token::new("caller-token"))
        .context_stats()
        .await
        .unwrap();
    let by_context = shared.for_user(&context).context_stats().await.unwrap();

    // Assert
    assert_eq!((by_token.total_contexts, by_context.total_contexts), (1, 2));
}

#[tokio::test]
async fn a_caller_with_only_a_user_context_is_refused_through_the_gateway_before_sending() {
    // Arrange: a gateway client, and a caller known only by their user context. Before,
    // the headers were stripped and the call went out with no identity (a 401).
    let server = CheckedServer::start(Service::Memory).await;
    let shared = MemoryClient::through_gateway(transport(&format!("{}/memory", server.uri())));
    let context = UserContext::new("user-7", "org-7");

    // Act
    let by_user = shared.for_user(&context).context_stats().await.unwrap_err();
    let by_context = shared.for_context(&context).search("q").await.unwrap_err();

    // Assert: nothing was sent, and the error says what is missing.
    assert!(received(&server).await.is_empty());
    for err in [by_user, by_context] {
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert!(err.to_string().contains("no bearer token"), "{err}");
        assert!(err.to_string().contains("gateway"), "{err}");
    }
}

#[tokio::test]
async fn a_caller_with_both_forms_sends_the_token_to_the_gateway_and_the_context_directly() {
    // Arrange: one handler's caller, as the gateway delivered them (token and headers).
    let server = CheckedServer::start(Service::Memory).await;
    let stats = envelope(json!({"total_contexts": 1}), json!(null));
    Mock::given(method("GET"))
        .and(path("/memory/context/stats"))
        .and(header("authorization", "Bearer caller-token"))
        .and(Absent(&CONTEXT_HEADERS))
        .respond_with(stats.clone())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/context/stats"))
        .and(header("authorization", "Bearer caller-token"))
        .and(header("x-user-id", "user-7"))
        .and(header("x-org-id", "org-7"))
        .and(HeaderIs("x-user-roles", "admin"))
        .respond_with(stats)
        .expect(1)
        .mount(&server)
        .await;
    let gateway = MemoryClient::through_gateway(transport(&format!("{}/memory", server.uri())));
    let direct = MemoryClient::new(transport(&server.uri()));
    let caller = Caller::new(
        Token::new("caller-token"),
        UserContext::new("user-7", "org-7").with_roles([Role::Admin]),
    );

    // Act
    gateway.for_user(&caller).context_stats().await.unwrap();
    direct.for_user(&caller).context_stats().await.unwrap();

    // Assert: each request matched its mock.
    assert_eq!(received(&server).await.len(), 2);
}
