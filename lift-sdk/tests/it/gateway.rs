//! `GatewayClient` against a wiremock gateway.

use std::sync::Arc;

use lift_core::http::{HeaderMap, HeaderValue};
use lift_core::{AuthProvider, Error, ErrorKind, RetryPolicy, Transport, async_trait};
use lift_sdk::{GatewayClient, Uptime};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::recorded;

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

async fn replay(server: &MockServer, id: &str) {
    let (recorded_path, template) = recorded(id);
    let only_path = recorded_path.split('?').next().unwrap().to_owned();
    Mock::given(path(only_path))
        .respond_with(template)
        .mount(server)
        .await;
}

#[tokio::test]
async fn recorded_health_readiness_and_root_decode() {
    let server = MockServer::start().await;
    for id in ["01-gateway-health", "02-gateway-ready", "10-gateway-root"] {
        replay(&server, id).await;
    }
    let gateway = gateway(&server);

    let health = gateway.health().await.unwrap();
    let ready = gateway.ready().await.unwrap();
    let info = gateway.info().await.unwrap();

    assert!(health.is_healthy());
    assert_eq!(health.service.as_deref(), Some("gateway"));
    assert_eq!(health.uptime, Some(Uptime::Text("running".into())));
    assert!(health.timestamp.is_some());
    assert_eq!(ready.status, "ready");
    assert_eq!(ready.checks["auth_service"].status, "ready");
    assert_eq!(info.version, "1.0.0");
    assert_eq!(info.services.len(), 12);
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
    let module = gateway(&server).module("427a04c5");

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

    let root = gateway.module("427a04c5").url("").unwrap();
    let odd = gateway.module("a/b c").url("//api//v1/").unwrap();
    let empty = gateway.module("").url("/x").unwrap_err();

    assert_eq!(root.path(), "/modules/427a04c5/");
    assert_eq!(odd.path(), "/modules/a%2Fb%20c/api/v1");
    assert_eq!(empty.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn recorded_module_proxy_errors_become_typed_errors() {
    for (id, status, kind) in [
        ("75-gateway-module-proxy", 404, ErrorKind::Status),
        ("77-gateway-module-proxy-unknown", 404, ErrorKind::Status),
        ("76-gateway-module-proxy-no-slash", 307, ErrorKind::Redirect),
    ] {
        let server = MockServer::start().await;
        replay(&server, id).await;
        let (recorded_path, _) = recorded(id);
        let mut parts = recorded_path.trim_start_matches("/modules/").splitn(2, '/');
        let module_id = parts.next().unwrap();
        let rest = parts.next().map(|rest| format!("/{rest}"));

        let module = gateway(&server).module(module_id);
        let err = match rest {
            Some(rest) => module.get_json::<Value>(&rest).await.unwrap_err(),
            // 76 asks for `/modules/{id}` with no slash; replay that exact URL.
            None => {
                let url = format!("{}{recorded_path}", server.uri()).parse().unwrap();
                gateway(&server)
                    .transport()
                    .request_url(lift_core::http::Method::GET, url)
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
    }
}
