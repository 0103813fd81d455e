//! `GatewayClient` against a wiremock gateway.

use std::sync::Arc;

use lift_sdk::{GatewayClient, Uptime};
use lift_sdk_core::http::{HeaderMap, HeaderValue};
use lift_sdk_core::{AuthProvider, Error, ErrorKind, RetryPolicy, Transport, async_trait};
use lift_testkit::replay::Replay;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, SETS, capture, module_id};

#[derive(Debug)]
struct Bearer;

#[async_trait]
impl AuthProvider for Bearer {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        headers.insert(
            "authorization",
            HeaderValue::from_static("Bearer user-token"),
        );
        Ok(())
    }
}

fn gateway(server: &MockServer) -> GatewayClient {
    let transport = Transport::builder(server.uri())
        .retry_policy(RetryPolicy::none())
        .auth(Arc::new(Bearer))
        .build()
        .unwrap();
    GatewayClient::new(transport)
}

#[tokio::test]
async fn recorded_health_readiness_and_root_decode() {
    for set in SETS {
        // Arrange
        let replay = Replay::serve(
            [
                "01-gateway-health",
                "02-gateway-ready",
                "09-gateway-health-detailed",
                "10-gateway-root",
            ]
            .map(|id| capture(set, id)),
        )
        .await;
        let gateway = gateway(replay.server());

        // Act
        let health = gateway.health().await.unwrap();
        let ready = gateway.ready().await.unwrap();
        let detailed = gateway.health_detailed().await.unwrap();
        let info = gateway.info().await.unwrap();

        // Assert
        assert!(health.is_healthy(), "{set}");
        assert_eq!(health.service.as_deref(), Some("gateway"));
        assert_eq!(health.uptime, Some(Uptime::Text("running".into())));
        assert!(health.timestamp.is_some());
        assert_eq!(ready.status, "ready");
        assert_eq!(ready.checks["auth_service"].status, "ready");
        assert!(detailed.is_healthy());
        assert_eq!(detailed.version.as_deref(), Some("1.0.0"));
        assert!(matches!(detailed.uptime, Some(Uptime::Seconds(s)) if s > 0.0));
        assert_eq!(detailed.dependencies.len(), 12);
        assert_eq!(detailed.dependencies["memory"], "healthy");
        assert_eq!(detailed.dependencies["billing"], "unhealthy");
        assert_eq!(info.version, "1.0.0");
        assert_eq!(info.services.len(), 12);
        let paths: Vec<_> = replay
            .received()
            .await
            .iter()
            .map(|request| request.url.path().to_owned())
            .collect();
        assert_eq!(paths, ["/health", "/ready", "/health/detailed", "/"]);
        replay.verify().await.unwrap();
    }
}

#[tokio::test]
async fn a_gateway_that_is_not_ready_is_an_error_with_its_detail() {
    let server = MockServer::start().await;
    Mock::given(path("/ready"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"detail": "Service gateway not ready"})),
        )
        .mount(&server)
        .await;

    let err = gateway(&server).ready().await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        err.api_error().unwrap().message(),
        Some("Service gateway not ready")
    );
}

#[tokio::test]
async fn module_calls_go_to_modules_id_path_with_the_bearer_and_no_user_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/modules/427a04c5/api/v1/ping"))
        .and(query_param("x", "1"))
        .and(header("authorization", "Bearer user-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pong": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/modules/427a04c5/api/v1/reports"))
        .and(body_json(json!({"period": "Q3"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "r-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let module = gateway(&server).module(&module_id("427a04c5"));

    let pong: Value = module.get_json("api/v1/ping?x=1").await.unwrap();
    let created: Value = module
        .post_json("/api/v1/reports", &json!({"period": "Q3"}))
        .await
        .unwrap();

    assert_eq!(pong, json!({"pong": true}));
    assert_eq!(created["id"], "r-1");
    for request in server.received_requests().await.unwrap() {
        let leaked: Vec<_> = request
            .headers
            .keys()
            .filter(|name| name.as_str().starts_with("x-user") || name.as_str() == "x-org-id")
            .collect();
        assert!(
            leaked.is_empty(),
            "user headers sent to the gateway: {leaked:?}"
        );
    }
}

#[tokio::test]
async fn the_module_root_keeps_the_slash_the_gateway_needs_and_ids_are_encoded() {
    let server = MockServer::start().await;
    let gateway = gateway(&server);

    let root = gateway.module(&module_id("427a04c5")).url("").unwrap();
    let odd = gateway.module(&module_id("a b")).url("//api//v1/").unwrap();

    assert_eq!(root.path(), "/modules/427a04c5/");
    assert_eq!(odd.path(), "/modules/a%20b/api/v1");
}

#[tokio::test]
async fn recorded_module_proxy_errors_become_typed_errors() {
    let cases = [
        ("75-gateway-module-proxy", 404, ErrorKind::Status),
        ("77-gateway-module-proxy-unknown", 404, ErrorKind::Status),
        ("76-gateway-module-proxy-no-slash", 307, ErrorKind::Redirect),
    ];
    for (set, (id, status, kind)) in SETS
        .into_iter()
        .flat_map(|set| cases.map(|case| (set, case)))
    {
        let exchange = capture(set, id);
        let recorded_path = exchange.request().path_and_query();
        let replay = Replay::serve([exchange]).await;
        let server = replay.server();
        let mut parts = recorded_path.trim_start_matches("/modules/").splitn(2, '/');
        let module_id = parts.next().unwrap();
        let rest = parts.next().map(|rest| format!("/{rest}"));

        let module = gateway(server).module(&support::module_id(module_id));
        let err = match rest {
            Some(rest) => module.get_json::<Value>(&rest).await.unwrap_err(),
            // 76 asks for `/modules/{id}` with no slash; replay that exact URL.
            None => {
                let url = format!("{}{recorded_path}", server.uri()).parse().unwrap();
                gateway(server)
                    .transport()
                    .request_url(lift_sdk_core::http::Method::GET, url)
                    .send()
                    .await
                    .unwrap_err()
            }
        };

        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{id}");
        assert_eq!(err.kind(), kind, "{id}");
        if status == 404 {
            let message = err.api_error().unwrap().message().unwrap();
            assert!(
                message.starts_with("Module ") && message.ends_with(" not found"),
                "{id}: {message}"
            );
        }
        replay.verify().await.unwrap();
    }
}

/// Matches requests that carry none of the headers the gateway must never receive.
struct NoUserContext;

impl wiremock::Match for NoUserContext {
    fn matches(&self, request: &wiremock::Request) -> bool {
        [
            "x-user-id",
            "x-org-id",
            "x-organization-id",
            "x-memory-context",
            "x-user-roles",
            "x-module-id",
        ]
        .iter()
        .all(|name| !request.headers.contains_key(*name))
    }
}

#[tokio::test]
async fn no_user_context_header_reaches_the_gateway_whatever_the_transport_adds() {
    // Arrange: a plain transport (not marked as a gateway one) whose defaults and provider
    // both try to send an identity.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .and(NoUserContext)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "healthy"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/modules/m-1/api/v1/ping"))
        .and(header("authorization", "Bearer caller-token"))
        .and(NoUserContext)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pong": true})))
        .expect(2)
        .mount(&server)
        .await;
    let spoofed = lift_auth::UserContext::new("mallory", "org-m")
        .with_roles([lift_auth::Role::Admin])
        .with_module_id("m-1");
    let transport = Transport::builder(server.uri())
        .retry_policy(RetryPolicy::none())
        .header("x-user-roles", "admin")
        .auth(Arc::new(lift_auth::UserContextHeaders::new(
            spoofed.clone(),
        )))
        .build()
        .unwrap();
    let gateway = GatewayClient::new(transport);

    // Act
    let health = gateway.health().await.unwrap();
    let as_caller = gateway.for_token("caller-token").module(&module_id("m-1"));
    let first: Value = as_caller.get_json("/api/v1/ping").await.unwrap();
    let second: Value = gateway
        .for_user(&spoofed)
        .for_token("caller-token")
        .module(&module_id("m-1"))
        .get_json("/api/v1/ping")
        .await
        .unwrap();

    // Assert: every request matched a mock that refuses user-context headers.
    assert!(health.is_healthy());
    assert_eq!(
        (first["pong"].clone(), second["pong"].clone()),
        (json!(true), json!(true))
    );
}

#[tokio::test]
async fn for_token_binds_a_copy_to_the_caller_and_leaves_the_shared_client_alone() {
    let server = MockServer::start().await;
    Mock::given(path("/modules/m-1/api/v1/me"))
        .and(header("authorization", "Bearer alice-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": "alice"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/modules/m-1/api/v1/me"))
        .and(header("authorization", "Bearer user-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": "shared"})))
        .expect(1)
        .mount(&server)
        .await;
    let shared = gateway(&server);

    let alice: Value = shared
        .for_token("alice-token")
        .module(&module_id("m-1"))
        .get_json("/api/v1/me")
        .await
        .unwrap();
    let own: Value = shared
        .module(&module_id("m-1"))
        .get_json("/api/v1/me")
        .await
        .unwrap();

    assert_eq!(alice["user"], "alice");
    assert_eq!(own["user"], "shared");
}

#[tokio::test]
async fn put_delete_and_raw_requests_reach_the_module() {
    // Arrange
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/modules/m-1/api/v1/reports/r-1"))
        .and(header("authorization", "Bearer user-token"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"period": "Q4"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "r-1", "period": "Q4"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/modules/m-1/api/v1/reports/r-1"))
        .and(header("authorization", "Bearer user-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": "r-1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/modules/m-1/api/v1/notes"))
        .and(query_param("draft", "true"))
        .and(header("authorization", "Bearer user-token"))
        .and(header("content-type", "text/plain"))
        .and(wiremock::matchers::body_string("remember the milk"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("noted", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    let module = gateway(&server).module(&module_id("m-1"));

    // Act
    let updated: Value = module
        .put_json("/api/v1/reports/r-1", &json!({"period": "Q4"}))
        .await
        .unwrap();
    let deleted: Value = module.delete_json("/api/v1/reports/r-1").await.unwrap();
    let raw = module
        .request(
            lift_sdk_core::http::Method::PATCH,
            "/api/v1/notes?draft=true",
        )
        .header("content-type", "text/plain")
        .body("remember the milk")
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(updated["period"], "Q4");
    assert_eq!(deleted["deleted"], "r-1");
    assert_eq!(raw.status().as_u16(), 200);
    assert_eq!(&raw.bytes()[..], b"noted");
}

#[tokio::test]
async fn a_raw_request_to_a_module_without_id_fails_before_sending() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    // An empty id is refused when it is built or, if it can be built, when the request is
    // sent: either way nothing reaches the gateway.
    if let Ok(empty) = serde_json::from_value::<lift_sdk::ModuleId>(json!("")) {
        let err = gateway(&server)
            .module(&empty)
            .request(lift_sdk_core::http::Method::GET, "/api/v1/ping")
            .send()
            .await
            .unwrap_err();

        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }
}

#[tokio::test]
async fn module_paths_are_literal_text_and_cannot_leave_the_module() {
    let server = MockServer::start().await;
    let module = gateway(&server).module(&module_id("m-1"));

    let spaced = module.url("/api/v1/files/a b?q=x%20y").unwrap();
    let escaping = module.url("/../../registry/modules").unwrap();

    assert_eq!(spaced.path(), "/modules/m-1/api/v1/files/a%20b");
    assert_eq!(spaced.query(), Some("q=x%20y"));
    assert_eq!(escaping.path(), "/modules/m-1/registry/modules");
}
