//! `LiftClient`: one pool, both routing modes, the right headers to the right place.

use lift_sdk::memory::SearchRequest;
use lift_sdk::registry::ListModules;
use lift_sdk::{DirectIdentity, LiftClient, LiftConfig, Routing};
use serde_json::json;
use wiremock::matchers::{header, headers, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn envelope(data: &serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"success": true, "message": "Success", "data": data, "errors": null, "metadata": {"correlation_id": "c-1"}}))
}

fn search_answer() -> ResponseTemplate {
    envelope(&json!({"results": [], "count": 0, "search_type": "hybrid", "duration": 0.01}))
}

fn page_answer() -> ResponseTemplate {
    envelope(
        &json!({"items": [], "total": 0, "page": 1, "size": 10, "pages": 0, "has_next": false, "has_prev": false}),
    )
}

fn has_user_headers(request: &wiremock::Request) -> bool {
    ["x-user-id", "x-org-id", "x-user-roles", "x-memory-context"]
        .iter()
        .any(|name| request.headers.contains_key(*name))
}

#[tokio::test]
async fn gateway_routing_prefixes_paths_and_sends_only_the_bearer() {
    let gateway = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memory/search"))
        .and(header("authorization", "Bearer user-token"))
        .respond_with(search_answer())
        .expect(1)
        .mount(&gateway)
        .await;
    Mock::given(method("GET"))
        .and(path("/registry/modules"))
        .and(header("authorization", "Bearer user-token"))
        .respond_with(page_answer())
        .expect(1)
        .mount(&gateway)
        .await;
    let config = LiftConfig::new(&gateway.uri()).unwrap().token("user-token");
    let client = LiftClient::new(config).unwrap();

    client
        .memory()
        .search(SearchRequest::new("campaign lift"))
        .await
        .unwrap();
    client
        .registry()
        .list(&ListModules::default())
        .await
        .unwrap();
    // Even a client bound to a user context sends no X-User-* through the gateway: without
    // a bearer token the gateway refuses it, as it should.
    Mock::given(path("/memory/search"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"detail": "Authentication required"})),
        )
        .mount(&gateway)
        .await;
    let context = lift_sdk::auth::UserContext::new("u-1", "o-1");
    let refused = client
        .memory()
        .for_context(&context)
        .search(SearchRequest::new("q"))
        .await
        .unwrap_err();
    assert!(refused.is_unauthorized(), "{refused}");

    let requests = gateway.received_requests().await.unwrap();
    assert!(
        requests.iter().all(|r| !has_user_headers(r)),
        "user headers sent to the gateway"
    );
}

#[tokio::test]
async fn direct_routing_sends_the_identity_headers_to_each_service() {
    let memory = MockServer::start().await;
    let registry = MockServer::start().await;
    for server in [&memory, &registry] {
        Mock::given(header("x-user-id", "svc-1"))
            .and(header("x-org-id", "org-1"))
            // wiremock splits header values on commas.
            .and(headers("x-user-roles", vec!["admin", "developer"]))
            .respond_with(search_answer())
            .mount(server)
            .await;
    }
    Mock::given(path("/modules"))
        .respond_with(page_answer())
        .mount(&registry)
        .await;
    let config = LiftConfig::new("http://127.0.0.1:9")
        .unwrap()
        .routing(Routing::Direct)
        .service_url("memory", &memory.uri())
        .unwrap()
        .service_url("registry", &registry.uri())
        .unwrap()
        .direct_identity(DirectIdentity::new("svc-1", "org-1").roles(["admin", "developer"]));
    let client = LiftClient::new(config).unwrap();

    client
        .memory()
        .search(SearchRequest::new("q"))
        .await
        .unwrap();
    client
        .registry()
        .list(&ListModules::default())
        .await
        .unwrap();

    let to_memory = memory.received_requests().await.unwrap();
    let to_registry = registry.received_requests().await.unwrap();
    assert_eq!(to_memory[0].url.path(), "/search");
    assert_eq!(to_registry[0].url.path(), "/modules");
    assert!(!to_memory[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn module_named_resolves_through_the_registry() {
    let gateway = MockServer::start().await;
    Mock::given(path("/registry/modules"))
        .respond_with(envelope(&json!({
            "items": [{"id": "11111111-aaaa", "name": "analytics", "version": "1.0.0", "base_url": "http://a:9100/",
                       "status": "active", "created_at": "2026-11-23T08:09:03.509961"}],
            "total": 1, "page": 1, "size": 100, "pages": 1, "has_next": false, "has_prev": false
        })))
        .mount(&gateway)
        .await;
    Mock::given(path("/modules/11111111-aaaa/api/v1/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pong": true})))
        .expect(1)
        .mount(&gateway)
        .await;
    let client = LiftClient::new(LiftConfig::new(&gateway.uri()).unwrap().token("t")).unwrap();

    let module = client.gateway().module_named("analytics").await.unwrap();
    let pong: serde_json::Value = module.get_json("/api/v1/ping").await.unwrap();
    let missing = client.gateway().module_named("nope").await.unwrap_err();

    assert_eq!(module.module_id(), "11111111-aaaa");
    assert_eq!(pong["pong"], true);
    assert!(missing.is_not_found(), "{missing}");
    assert!(
        missing.to_string().contains("no module named `nope`"),
        "{missing}"
    );
}

#[test]
fn the_client_is_cheap_to_share() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<LiftClient>();
}

#[tokio::test]
async fn login_credentials_log_in_once_then_send_the_token() {
    let gateway = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/login"))
        .and(wiremock::matchers::body_json(json!({"email": "admin@lift.dev", "password": "admin123"})))
        .respond_with(envelope(&json!({
            "access_token": "issued-token", "token_type": "bearer", "expires_in": 86400,
            "user": {"id": "u-1", "email": "admin@lift.dev", "username": "admin", "full_name": null,
                     "is_active": true, "is_verified": true, "last_login": "2026-11-23T07:27:33.139892+00:00"}
        })))
        .expect(1)
        .mount(&gateway)
        .await;
    Mock::given(method("POST"))
        .and(path("/memory/search"))
        .and(header("authorization", "Bearer issued-token"))
        .respond_with(search_answer())
        .expect(2)
        .mount(&gateway)
        .await;
    let config = LiftConfig::new(&gateway.uri())
        .unwrap()
        .login("admin@lift.dev", "admin123");
    let client = LiftClient::new(config).unwrap();

    client
        .memory()
        .search(SearchRequest::new("a"))
        .await
        .unwrap();
    client
        .memory()
        .search(SearchRequest::new("b"))
        .await
        .unwrap();

    let login = &gateway.received_requests().await.unwrap()[0];
    assert!(
        !login.headers.contains_key("authorization"),
        "login is public"
    );
    assert!(!format!("{client:?}").contains("admin123"));
}
