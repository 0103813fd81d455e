//! The request id and trace: echoed, replaced when insane, and carried by the handler's
//! Lift client calls.

use axum::Router;
use axum::routing::get;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::Server;
use crate::runtime::RequestId;
use crate::runtime::http::{HttpError, Json};
use lift_memory_client::MemoryClient;

const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

async fn memory() -> MockServer {
    let memory = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "healthy", "service": "memory", "version": "1.0.0",
            "timestamp": "2026-12-01T04:10:31.123456"
        })))
        .mount(&memory)
        .await;
    memory
}

/// A handler that calls memory and answers with the request id it was given.
fn routes(memory: &MockServer) -> Router {
    let client = MemoryClient::builder()
        .service_url(memory.uri())
        .build()
        .unwrap();
    Router::new().route(
        "/api/v1/report",
        get(move |id: RequestId| async move {
            client.health().await?;
            Ok::<_, HttpError>(Json(json!({"request_id": id.as_str()})))
        }),
    )
}

#[tokio::test]
async fn the_incoming_id_and_trace_reach_memory_and_the_id_is_echoed() {
    let memory = memory().await;
    let server = Server::start(routes(&memory)).await;

    let response = server
        .get("/api/v1/report")
        .header("x-request-id", "gw-req-42")
        .header("traceparent", PARENT)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "gw-req-42");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, json!({"request_id": "gw-req-42"}));
    let sent = memory.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].headers["x-request-id"], "gw-req-42");
    let traceparent = sent[0].headers["traceparent"].to_str().unwrap();
    assert!(
        traceparent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
        "{traceparent}"
    );
    assert_ne!(
        traceparent, PARENT,
        "memory's call is a new span of the trace"
    );
}

#[tokio::test]
async fn without_incoming_ids_one_is_made_and_used_everywhere() {
    let memory = memory().await;
    let server = Server::start(routes(&memory)).await;

    let response = server.get("/api/v1/report").send().await.unwrap();

    let echoed = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    let sent = memory.received_requests().await.unwrap();
    assert_eq!(echoed.len(), 36);
    assert_eq!(body["request_id"], echoed.as_str());
    assert_eq!(sent[0].headers["x-request-id"], echoed.as_str());
}

#[tokio::test]
async fn an_insane_incoming_id_is_replaced() {
    let memory = memory().await;
    let server = Server::start(routes(&memory)).await;
    let too_long = "a".repeat(129);

    for insane in [too_long.as_str(), "bad\tid", "two words"] {
        let response = server
            .get("/api/v1/report")
            .header("x-request-id", insane)
            .send()
            .await
            .unwrap();

        let echoed = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(echoed.len(), 36, "{insane:?} replaced by {echoed}");
        assert_ne!(echoed, insane);
    }
    for request in memory.received_requests().await.unwrap() {
        assert_eq!(request.headers["x-request-id"].len(), 36);
    }
}

#[tokio::test]
async fn error_answers_carry_the_request_id_too() {
    let memory = memory().await;
    let server = Server::start(routes(&memory)).await;

    let response = server
        .get("/api/v1/nothing")
        .header("x-request-id", "gw-404")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-request-id"], "gw-404");
}
