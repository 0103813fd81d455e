//! A handler's downstream calls act as the caller and carry the request's id and trace.

use reqwest::StatusCode;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use super::{Notes, Platform, json_of, start, token};

#[tokio::test]
async fn a_handlers_memory_call_carries_the_callers_token_and_the_request_id() {
    let platform = Platform::new().await;
    Mock::given(method("POST"))
        .and(path("/memory/store"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true, "message": "Memory stored", "data": { "memory_id": "mem-42" }
        })))
        .expect(1)
        .mount(platform.gateway.server())
        .await;
    let (running, base) = start(&platform, Notes::default()).await;

    let caller = token("u-1", &["user"]);
    let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/notes"))
        .header("authorization", format!("Bearer {caller}"))
        .header("x-request-id", "req-from-gateway-1")
        .header("traceparent", trace)
        .json(&json!({ "text": "Q3 lifted signups" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-request-id"], "req-from-gateway-1");
    assert_eq!(json_of(response).await, json!({ "memory_id": "mem-42" }));

    let requests = platform.gateway.server().received_requests().await.unwrap();
    let store = requests
        .iter()
        .find(|r| r.url.path() == "/memory/store")
        .unwrap();
    assert_eq!(
        store.headers["authorization"],
        format!("Bearer {caller}").as_str()
    );
    assert_eq!(store.headers["x-request-id"], "req-from-gateway-1");
    let sent_trace = store.headers["traceparent"].to_str().unwrap();
    assert!(
        sent_trace.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
        "{sent_trace}"
    );
    let body: serde_json::Value = serde_json::from_slice(&store.body).unwrap();
    assert_eq!(body["content"], "Q3 lifted signups");

    // The call, and the registration before it, are counted as outgoing calls.
    let metrics = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for service in ["memory", "registry"] {
        let counted = metrics.lines().any(|line| {
            line.starts_with("lift_outgoing_calls_total")
                && line.contains(&format!("service=\"{service}\""))
                && line.contains("outcome=\"success\"")
        });
        assert!(counted, "{service}: {metrics}");
    }
    running.shutdown();
    running.wait().await.unwrap();
}
