//! Failure scenarios, observed through the SDK's real transport and clients: the error kind,
//! the number of attempts, and exactly what reached the server.

mod raw;
mod services;

use std::time::Duration;

use lift_sdk_core::{
    CircuitBreaker, ErrorKind, RetryBudget, RetryPolicy, Transport, TransportBuilder,
};
use lift_testkit::mocks::envelope;
use lift_testkit::scenario::{Scenario, Step};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

/// A transport with 3 attempts, 1 ms backoff, and no budget or breaker in the way.
pub(super) fn builder(uri: &str) -> TransportBuilder {
    Transport::builder(uri)
        .service("test")
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        )
        .retry_budget(RetryBudget::new(100, 1.0))
        .circuit_breaker(CircuitBreaker::new(100, Duration::from_secs(30)))
}

pub(super) fn transport(uri: &str) -> Transport {
    builder(uri).build().unwrap()
}

/// The method and path of every request the server received.
async fn requests(server: &MockServer) -> Vec<String> {
    let received = server.received_requests().await.unwrap_or_default();
    received
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

fn healthy() -> Value {
    json!({ "status": "healthy", "service": "registry" })
}
#[tokio::test(start_paused = true)]
async fn a_get_through_429_then_503_succeeds_on_attempt_3_after_the_advised_wait() {
    let server = MockServer::start().await;
    let scenario = Scenario::new()
        .then(Step::too_many_requests(Duration::from_secs(1)))
        .then(Step::service_unavailable())
        .then_ok(healthy())
        .mount(&server, "GET", "/health")
        .await;
    // No time-out nor deadline: the paused clock jumps while wiremock's thread answers.
    let t = builder(&server.uri())
        .no_timeout()
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(1))
                .deadline(Duration::MAX),
        )
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();

    let answer = t.get("/health").send().await.unwrap();

    assert_eq!(answer.attempts(), 3);
    assert_eq!(answer.json::<Value>().unwrap(), healthy());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After not honoured"
    );
    assert_eq!(requests(&server).await, ["GET /health"; 3]);
    assert_eq!(scenario.calls(), 3);
    assert!(scenario.is_done());
}

#[tokio::test]
async fn a_post_is_never_resent_after_a_503() {
    let server = MockServer::start().await;
    let scenario = Scenario::new()
        .then(Step::service_unavailable())
        .then_ok(json!({}))
        .mount(&server, "POST", "/modules")
        .await;

    let err = transport(&server.uri())
        .post("/modules")
        .json(&json!({ "name": "llm" }))
        .send()
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        err.api_error().unwrap().message(),
        Some("Service Unavailable")
    );
    assert_eq!(err.attempts(), 1);
    assert_eq!(requests(&server).await, ["POST /modules"]);
    assert_eq!(scenario.calls(), 1);
    assert!(!scenario.is_done());
}

#[tokio::test]
async fn a_status_for_the_next_n_calls_then_the_route_answers_as_mounted() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "status": "happy path" })))
        .mount(&server)
        .await;
    let scenario = Scenario::new()
        .then(Step::status(503).times(4))
        .mount(&server, "GET", "/health")
        .await;
    let t = transport(&server.uri());

    let first = t.get("/health").send().await.unwrap_err();
    let second = t.get("/health").send().await.unwrap();

    assert_eq!(first.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(first.attempts(), 3);
    assert_eq!(second.attempts(), 2, "the 4th call is the scenario's last");
    assert_eq!(
        second.json::<Value>().unwrap(),
        json!({ "status": "happy path" })
    );
    assert_eq!(scenario.calls(), 4);
    assert_eq!(requests(&server).await, ["GET /health"; 5]);
}

#[tokio::test]
async fn concurrent_calls_get_each_step_exactly_its_number_of_times() {
    let server = MockServer::start().await;
    Mock::given(matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let scenario = Scenario::new()
        .then(Step::status(503).times(5))
        .then(Step::status(502).times(3))
        .mount(&server, "GET", "/x")
        .await;
    let client = reqwest::Client::new();
    let url = format!("{}/x", server.uri());

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let call = client.get(&url).send();
        calls.spawn(async move { call.await.unwrap().status().as_u16() });
    }
    let mut statuses = calls.join_all().await;
    statuses.sort_unstable();

    let expected: Vec<u16> = [[200; 12].as_slice(), &[502; 3], &[503; 5]].concat();
    assert_eq!(statuses, expected);
    assert_eq!(scenario.calls(), 8);
}

#[tokio::test]
async fn malformed_and_truncated_json_are_decode_errors_not_retried() {
    let server = MockServer::start().await;
    let scenario = Scenario::new()
        .then(Step::malformed_json())
        .then(Step::truncated_json(envelope("ok", healthy())))
        .mount(&server, "GET", "/health")
        .await;
    let t = transport(&server.uri());

    let malformed = t.get("/health").send_json::<Value>().await.unwrap_err();
    let truncated = t.get("/health").send_envelope::<Value>().await.unwrap_err();

    assert_eq!(malformed.kind(), ErrorKind::Decode);
    assert_eq!(truncated.kind(), ErrorKind::Decode);
    assert_eq!((malformed.attempts(), truncated.attempts()), (1, 1));
    assert_eq!(scenario.calls(), 2);
    assert_eq!(requests(&server).await, ["GET /health"; 2]);
}

#[tokio::test]
async fn a_text_500_is_a_status_error_with_the_text_and_is_not_retried() {
    let server = MockServer::start().await;
    Scenario::new()
        .then(Step::internal_error_text())
        .mount(&server, "GET", "/modules")
        .await;

    let err = transport(&server.uri())
        .get("/modules")
        .send()
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let api_error = err.api_error().unwrap();
    assert!(api_error.is_text());
    assert_eq!(api_error.message(), Some("Internal Server Error"));
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn the_references_rate_limit_is_a_500_without_retry_after_and_can_block_for_good() {
    let server = MockServer::start().await;
    let scenario = Scenario::new()
        .then(Step::rate_limited_as_500().forever())
        .mount(&server, "GET", "/")
        .await;
    let t = transport(&server.uri());

    for _ in 0..3 {
        let err = t.get("/").send().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
        assert_eq!(
            err.api_error().unwrap().message(),
            Some("Internal Server Error")
        );
        assert_eq!(err.retry_after(), None);
        assert_eq!(err.attempts(), 1);
    }
    assert_eq!(scenario.calls(), 3);
    assert!(!scenario.is_done());
}

#[tokio::test]
async fn a_307_to_an_internal_host_is_not_followed() {
    let server = MockServer::start().await;
    Scenario::new()
        .then(Step::redirect_to_internal_host())
        .mount(&server, "GET", "/registry/modules/")
        .await;

    // The transport never adds a trailing slash itself: the URL is given whole.
    let url = format!("{}/registry/modules/", server.uri())
        .parse()
        .unwrap();
    let err = transport(&server.uri())
        .request_url(http::Method::GET, url)
        .send()
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Redirect);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(err.location(), Some("http://registry:8005/modules"));
    assert_eq!(err.attempts(), 1);
    assert_eq!(requests(&server).await, ["GET /registry/modules/"]);
}

#[tokio::test]
async fn a_duplicated_date_header_is_tolerated() {
    let server = MockServer::start().await;
    Scenario::new()
        .then(Step::ok(envelope("ok", healthy())).duplicate_date_header())
        .mount(&server, "GET", "/health")
        .await;

    let answer = transport(&server.uri())
        .get("/health")
        .send()
        .await
        .unwrap();

    assert_eq!(answer.headers().get_all("date").iter().count(), 2);
    assert_eq!(answer.headers().get_all("server").iter().count(), 2);
    assert_eq!(answer.data::<Value>().unwrap(), healthy());
}

#[tokio::test]
async fn latency_past_the_attempt_time_out_is_a_timeout_a_get_retries_and_a_post_does_not() {
    let server = MockServer::start().await;
    let scenario = Scenario::new()
        .then(Step::ok(json!({ "late": true })).latency(Duration::from_secs(2)))
        .then_ok(json!({ "late": false }))
        .mount(&server, "GET", "/x")
        .await;
    let slow_post = Scenario::new()
        .then(Step::ok(json!({})).latency(Duration::from_secs(2)))
        .mount(&server, "POST", "/x")
        .await;
    let t = builder(&server.uri())
        .timeout(Duration::from_millis(250))
        .build()
        .unwrap();

    let answer = t.get("/x").send().await.unwrap();
    let late_post = t.post("/x").json(&json!({})).send().await.unwrap_err();

    assert_eq!(answer.attempts(), 2);
    assert_eq!(answer.json::<Value>().unwrap(), json!({ "late": false }));
    assert_eq!(scenario.calls(), 2);
    assert_eq!(
        (late_post.kind(), late_post.attempts()),
        (ErrorKind::Timeout, 1)
    );
    assert_eq!(slow_post.calls(), 1);
    assert_eq!(requests(&server).await, ["GET /x", "GET /x", "POST /x"]);
}

#[tokio::test]
async fn a_post_gets_the_429_with_its_retry_after_and_is_not_resent() {
    let server = MockServer::start().await;
    Scenario::new()
        .then(Step::too_many_requests(Duration::from_millis(1500)))
        .mount(&server, "POST", "/store")
        .await;

    let err = transport(&server.uri())
        .post("/store")
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(
        err.retry_after(),
        Some(Duration::from_secs(2)),
        "rounded up"
    );
    assert_eq!(
        err.api_error().unwrap().message(),
        Some("Too Many Requests")
    );
    assert_eq!(err.attempts(), 1);
    assert_eq!(requests(&server).await, ["POST /store"]);
}

#[tokio::test]
async fn the_internal_redirect_names_the_service_of_the_prefix_and_keeps_the_query() {
    let server = MockServer::start().await;
    let redirect = || Scenario::new().then(Step::redirect_to_internal_host());
    redirect().mount(&server, "GET", "/memory/search/").await;
    redirect().mount(&server, "GET", "/auth/").await;
    redirect().mount(&server, "GET", "/modules/").await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let location = |path: &'static str| {
        let request = client.get(format!("{}{path}", server.uri())).send();
        async move {
            let answer = request.await.unwrap();
            assert_eq!(answer.status(), 307);
            assert_eq!(answer.headers().get_all("date").iter().count(), 2);
            answer.headers()["location"].to_str().unwrap().to_owned()
        }
    };

    assert_eq!(
        location("/memory/search/?q=1").await,
        "http://memory:8003/search?q=1"
    );
    assert_eq!(location("/auth/").await, "http://auth:8001/");
    assert_eq!(location("/modules/").await, "http://memory:8003/modules");
}

#[tokio::test]
async fn truncated_json_is_framed_correctly_and_cut_in_half() {
    let server = MockServer::start().await;
    Scenario::new()
        .then(Step::truncated_json(json!({ "status": "healthy" })))
        .then(Step::truncated_json(json!({})))
        .mount(&server, "GET", "/health")
        .await;
    let url = format!("{}/health", server.uri());

    let first = reqwest::get(&url).await.unwrap();
    assert_eq!(first.headers()["content-type"], "application/json");
    assert_eq!(first.text().await.unwrap(), r#"{"status":"#);
    assert_eq!(reqwest::get(&url).await.unwrap().text().await.unwrap(), "{");
}

#[test]
fn a_scenario_prints_as_it_reads() {
    let scenario = Scenario::new()
        .then(Step::too_many_requests(Duration::from_secs(1)))
        .then(Step::status(503).times(3))
        .then(Step::malformed_json().latency(Duration::from_millis(5)))
        .then(Step::rate_limited_as_500().forever());

    assert_eq!(
        scenario.to_string(),
        "429 (Retry-After: 1) → 503 ×3 → 200 malformed JSON → 500 rate limited forever"
    );
    assert_eq!(scenario.handle().calls(), 0);
}

#[test]
#[should_panic(expected = "Step::status(1000): not an HTTP status")]
fn a_status_that_is_not_one_fails_the_test_naming_it() {
    let _ = Step::status(1000);
}
