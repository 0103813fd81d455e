//! The raw routes: `/billing` and `/observability` through `Passthrough`, and
//! `ModuleHandle::patch_json`.

use lift_sdk::{GatewayClient, ModuleId};
use lift_sdk_core::Transport;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn gateway(server: &MockServer) -> GatewayClient {
    GatewayClient::new(Transport::new(&server.uri()).unwrap()).for_token("user-token")
}

fn bearer() -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", "Bearer user-token")
}

fn answer(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn billing_calls_go_under_the_billing_prefix_with_the_bearer() {
    // Arrange
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/billing/usage"))
        .and(query_param("period", "current"))
        .and(bearer())
        .respond_with(answer(json!({"calls": 42})))
        .expect(1)
        .mount(&server)
        .await;
    for verb in ["POST", "PUT", "PATCH"] {
        Mock::given(method(verb))
            .and(path("/billing/subscriptions/s-1"))
            .and(bearer())
            .and(header("content-type", "application/json"))
            .and(body_json(json!({"plan": "pro"})))
            .respond_with(answer(json!({"verb": verb})))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path("/billing/subscriptions/s-1"))
        .and(bearer())
        .respond_with(answer(json!({"deleted": true})))
        .expect(1)
        .mount(&server)
        .await;
    let billing = gateway(&server).billing();
    let plan = json!({"plan": "pro"});

    // Act
    let usage: Value = billing.get_json("/usage?period=current").await.unwrap();
    let posted: Value = billing.post_json("subscriptions/s-1", &plan).await.unwrap();
    let put: Value = billing.put_json("/subscriptions/s-1", &plan).await.unwrap();
    let patched: Value = billing
        .patch_json("/subscriptions/s-1", &plan)
        .await
        .unwrap();
    let deleted: Value = billing.delete_json("/subscriptions/s-1").await.unwrap();

    // Assert
    assert_eq!(billing.prefix(), "billing");
    assert_eq!(usage["calls"], 42);
    assert_eq!(
        [&posted["verb"], &put["verb"], &patched["verb"]],
        ["POST", "PUT", "PATCH"]
    );
    assert_eq!(deleted["deleted"], true);
}

#[tokio::test]
async fn observability_calls_stay_under_their_prefix_and_send_no_user_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/observability/metrics"))
        .respond_with(answer(json!({"series": []})))
        .expect(1)
        .mount(&server)
        .await;
    let observability = gateway(&server).observability();

    let metrics: Value = observability.get_json("/../../metrics").await.unwrap();

    assert_eq!(metrics["series"], json!([]));
    assert_eq!(
        observability.url("").unwrap().path(),
        "/observability/",
        "the root keeps the slash the gateway needs"
    );
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(!sent.headers.contains_key("x-user-id"));
}

#[tokio::test]
async fn patch_json_reaches_the_module() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/modules/m-1/api/v1/reports/r-1"))
        .and(header("authorization", "Bearer user-token"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"title": "Q4"})))
        .respond_with(answer(json!({"id": "r-1", "title": "Q4"})))
        .expect(1)
        .mount(&server)
        .await;

    let patched: Value = gateway(&server)
        .module(&ModuleId::new("m-1").unwrap())
        .patch_json("/api/v1/reports/r-1", &json!({"title": "Q4"}))
        .await
        .unwrap();

    assert_eq!(patched["title"], "Q4");
}

#[test]
fn dot_dot_pieces_never_leave_the_module() {
    let gateway = GatewayClient::new(Transport::new("http://gw:8000").unwrap());
    let url = gateway
        .module(&ModuleId::new("m-1").unwrap())
        .url("/../../registry/modules")
        .unwrap();
    assert_eq!(url.path(), "/modules/m-1/registry/modules");
}
