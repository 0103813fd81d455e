//! Retries: which failures, how often, how long, and never a resent non-idempotent request.

use std::time::Duration;

use lift_sdk_core::{ErrorKind, RetryBudget, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, fast_retries, received, transport};

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"success": true, "message": "Success", "data": {"n": 1}}))
}

fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_json(json!({"detail": "Service memory unavailable"}))
}

#[tokio::test]
async fn a_503_is_retried_with_the_same_body_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(unavailable())
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok())
        .mount(&server)
        .await;

    let response = transport(&server.uri())
        .post("/search")
        .json(&json!({"query": "campaign lift", "limit": 10, "filters": null}))
        .idempotent(true)
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(response.attempts(), 2);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(
        requests[0].body,
        br#"{"filters":null,"limit":10,"query":"campaign lift"}"#
    );
    assert_eq!(
        requests[0].headers["x-request-id"],
        requests[1].headers["x-request-id"]
    );
    assert_eq!(
        response.request_id(),
        requests[1].headers["x-request-id"].to_str().unwrap()
    );
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(unavailable())
        .expect(3)
        .mount(&server)
        .await;

    let err = transport(&server.uri()).get("/x").send().await.unwrap_err();

    assert_eq!(err.attempts(), 3);
    assert!(err.is_retryable());
    assert!(err.to_string().ends_with("after 3 attempts"), "{err}");
}

#[tokio::test]
async fn an_empty_retry_budget_allows_no_further_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(unavailable())
        .mount(&server)
        .await;
    let t = builder(&server.uri())
        .retry_budget(RetryBudget::new(1, 0.0))
        .build()
        .unwrap();

    let first = t.get("/x").send().await.unwrap_err();
    let second = t.get("/x").send().await.unwrap_err();
    // Copies made for other credentials share the same budget.
    let third = t.without_auth().get("/x").send().await.unwrap_err();

    assert_eq!(first.attempts(), 2);
    assert_eq!(second.attempts(), 1);
    assert_eq!(third.attempts(), 1);
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ok())
        .mount(&server)
        .await;
    let started = std::time::Instant::now();

    let response = transport(&server.uri()).get("/x").send().await.unwrap();

    assert_eq!(response.attempts(), 2);
    // The backoff alone is at most 2 ms here; only Retry-After explains a one-second wait.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_is_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;

    let err = transport(&server.uri()).get("/x").send().await.unwrap_err();

    assert_eq!(err.attempts(), 1);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert!(err.to_string().contains("retry after 120s"), "{err}");
}

#[tokio::test]
async fn a_non_idempotent_post_is_never_resent_after_it_reached_the_server() {
    for status in [500, 502, 503, 504, 429] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;

        let err = transport(&server.uri())
            .post("/store")
            .json(&json!({"content": "x"}))
            .send()
            .await
            .unwrap_err();

        assert_eq!(err.attempts(), 1, "{status}");
    }
}

#[tokio::test]
async fn a_timed_out_post_is_not_resent_but_a_get_is() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ok().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let t = builder(&server.uri())
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();

    let post = t.post("/store").send().await.unwrap_err();
    let get = t.get("/x").send().await.unwrap_err();

    assert_eq!((post.kind(), post.attempts()), (ErrorKind::Timeout, 1));
    assert_eq!((get.kind(), get.attempts()), (ErrorKind::Timeout, 3));
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_post() {
    // Nothing listens on this port once the listener is dropped.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = builder(&format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();

    let err = t.post("/store").json(&json!({})).send().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(err.attempts(), 3);
    assert!(err.is_connect() && err.is_retryable());
}

#[tokio::test]
async fn the_deadline_bounds_a_slow_call_and_stops_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok().set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let t = builder(&server.uri())
        .retry_policy(fast_retries(5).deadline(Duration::from_millis(200)))
        .build()
        .unwrap();
    let started = std::time::Instant::now();

    let err = t.get("/x").send().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Later attempts get the ~0 ms left of the deadline and time out at once, or none start.
    assert!(err.attempts() <= 5);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Module not found"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = transport(&server.uri())
        .get("/modules/x")
        .send()
        .await
        .unwrap_err();

    assert!(err.is_not_found() && !err.is_retryable());
}

#[test]
fn default_policy_matches_the_documented_one() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.attempts(), 3);
    assert_eq!(policy.deadline_duration(), Duration::from_secs(30));
}

#[test]
fn the_default_attempt_timeout_can_fire_under_the_default_deadline() {
    let transport = lift_sdk_core::Transport::new("http://127.0.0.1:9").unwrap();

    let attempt = transport.timeout().unwrap();

    assert_eq!(attempt, Duration::from_secs(10));
    assert!(attempt * 2 < transport.retry_policy().deadline_duration());
}
