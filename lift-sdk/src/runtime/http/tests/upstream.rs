//! A failed downstream call answered with `?`: the statuses `HttpError` chooses, and no
//! upstream text beyond a FastAPI `detail` message reaches the caller.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use http::StatusCode;
use lift_memory_client::MemoryClient;
use lift_sdk_core::{Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{Server, json_of};
use crate::runtime::http::{HttpError, Json};

fn routes(memory_url: String) -> Router {
    let client = MemoryClient::builder()
        .service_url(memory_url)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    Router::new().route(
        "/api/v1/report",
        get(move || async move {
            let health = client.health().await?;
            Ok::<_, HttpError>(Json(json!({"memory": health.status})))
        }),
    )
}

/// The module's answer when memory answers `upstream`.
async fn answer_for(upstream: ResponseTemplate) -> (u16, Value) {
    let memory = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(upstream)
        .mount(&memory)
        .await;
    let server = Server::start(routes(memory.uri())).await;
    let (status, _, body) = json_of(server.get("/api/v1/report").send().await.unwrap()).await;
    (status, body)
}

#[tokio::test]
async fn caller_facing_upstream_refusals_pass_with_their_detail() {
    for status in [400, 403, 404, 409] {
        let upstream =
            ResponseTemplate::new(status).set_body_json(json!({"detail": "Memory not found"}));

        assert_eq!(
            answer_for(upstream).await,
            (status, json!({"detail": "Memory not found"})),
            "{status}"
        );
    }
    let validation = ResponseTemplate::new(422)
        .set_body_json(json!({"detail": [{"type": "missing", "loc": ["body", "q"], "msg": "Field required", "input": null}]}));
    assert_eq!(
        answer_for(validation).await,
        (422, json!({"detail": "Unprocessable Entity"}))
    );
}

#[tokio::test]
async fn upstream_failures_become_gateway_errors_without_upstream_text() {
    let cases = [
        (
            ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid token"})),
            (502, "Upstream service refused the credentials"),
        ),
        (
            ResponseTemplate::new(500).set_body_string("Internal Server Error: password=hunter2"),
            (502, "Upstream service error"),
        ),
        (
            ResponseTemplate::new(429).set_body_string("Too Many Requests"),
            (503, "Upstream service unavailable"),
        ),
        (
            ResponseTemplate::new(200).set_body_string("not json, token=abc"),
            (502, "Upstream service error"),
        ),
        (
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "healthy"}))
                .set_delay(Duration::from_secs(1)),
            (504, "Upstream service timed out"),
        ),
    ];
    for (upstream, (status, detail)) in cases {
        assert_eq!(
            answer_for(upstream).await,
            (status, json!({ "detail": detail }))
        );
    }
}

#[tokio::test]
async fn an_unreachable_upstream_is_503() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let server = Server::start(routes(url)).await;

    let answer = json_of(server.get("/api/v1/report").send().await.unwrap()).await;

    assert_eq!(
        (answer.0, answer.2),
        (503, json!({"detail": "Upstream service unavailable"}))
    );
}

#[test]
fn sdk_side_failures_map_without_a_call() {
    let refused = HttpError::from(Error::invalid_input(
        "limit must be between 1 and 100, got 0",
    ));
    let misconfigured = HttpError::from(Error::builder("bad url"));

    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.detail(),
        &json!("invalid input: limit must be between 1 and 100, got 0")
    );
    assert!(std::error::Error::source(&refused).is_some());
    assert_eq!(
        (misconfigured.status(), misconfigured.detail()),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            &json!("Internal Server Error")
        )
    );
}
