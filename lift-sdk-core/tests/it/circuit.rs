//! The circuit breaker seen from the outside: fail fast while open, recover after cooldown.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use lift_sdk_core::{
    AuthProvider, CircuitBreaker, CircuitState, Error, ErrorKind, RetryPolicy, async_trait,
};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use lift_testkit::scenario::{RawReply, RawServer};

use crate::support::{builder, fast_retries, received};

#[tokio::test]
async fn opens_after_n_failures_fails_fast_and_half_opens_after_cooldown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let cooldown = Duration::from_secs(30);
    let t = builder(&server.uri())
        .retry_policy(RetryPolicy::none())
        .circuit_breaker(CircuitBreaker::new(3, cooldown))
        .build()
        .unwrap();

    for _ in 0..3 {
        assert_eq!(
            t.get("/x").send().await.unwrap_err().kind(),
            ErrorKind::Status
        );
    }
    let open = t.get("/x").send().await.unwrap_err();

    assert_eq!(open.kind(), ErrorKind::CircuitOpen);
    assert_eq!(open.attempts(), 0);
    assert!(open.retry_after().is_some_and(|left| left <= cooldown));
    assert_eq!(
        received(&server).await.len(),
        3,
        "an open circuit sends nothing"
    );
    assert!(t.circuit_breaker().is_open());

    // Past the cooldown without waiting: tokio's clock is moved, then let run on again so the
    // probe's real HTTP call is not skipped ahead by a paused clock.
    tokio::time::pause();
    tokio::time::advance(cooldown + Duration::from_millis(1)).await;
    tokio::time::resume();
    let probe = t.get("/x").send().await.unwrap();

    assert_eq!(probe.status(), 200);
    assert!(!t.circuit_breaker().is_open());
    t.get("/x").send().await.unwrap();
    assert_eq!(received(&server).await.len(), 5);
}

#[tokio::test]
async fn client_errors_do_not_open_the_circuit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let t = builder(&server.uri())
        .circuit_breaker(CircuitBreaker::new(2, Duration::from_secs(60)))
        .build()
        .unwrap();

    for _ in 0..5 {
        assert!(t.get("/x").send().await.unwrap_err().is_not_found());
    }

    assert!(!t.circuit_breaker().is_open());
}

/// A half-open trial whose future is dropped (a `timeout`, a `select!`, a client that went
/// away) gives its turn back; before, the breaker refused every later call for good.
#[tokio::test]
async fn a_dropped_half_open_probe_lets_the_next_call_through() {
    let mut server = RawServer::scripted(|n| match n {
        0 => RawReply::Send(
            "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n".to_owned(),
        ),
        1 => RawReply::Hang,
        _ => RawReply::ok(),
    })
    .await;
    // Cooldown zero: half-open as soon as it opens, so no clock needs moving.
    let t = builder(&server.uri())
        .retry_policy(RetryPolicy::none())
        .circuit_breaker(CircuitBreaker::new(1, Duration::ZERO))
        .build()
        .unwrap();
    assert!(t.get("/x").send().await.unwrap_err().is_status());
    server.next_request().await;
    assert_eq!(t.circuit_breaker().state(), CircuitState::HalfOpen);

    // The probe reaches the server, then its future is dropped.
    tokio::select! {
        answer = t.get("/x").send() => panic!("the hanging probe got {answer:?}"),
        _ = server.next_request() => {}
    }
    let next = t.get("/x").send().await;

    assert_eq!(next.unwrap().status(), 200);
    assert_eq!(t.circuit_breaker().state(), CircuitState::Closed);
}

/// A trial that ends without an outcome (its credentials failed) neither closes the circuit
/// nor keeps it: the next call is the trial.
#[tokio::test]
async fn a_probe_given_back_without_outcome_is_not_a_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let breaker = Arc::new(CircuitBreaker::new(1, Duration::ZERO));
    let t = builder(&server.uri())
        .retry_policy(RetryPolicy::none())
        .circuit_breaker(breaker.clone())
        .build()
        .unwrap();
    t.get("/x").send().await.unwrap_err();

    let refused = t.with_auth(Arc::new(NoCredentials)).get("/x").send().await;

    assert_eq!(refused.unwrap_err().kind(), ErrorKind::Auth);
    assert_eq!(breaker.state(), CircuitState::HalfOpen, "not closed");
    assert_eq!(breaker.stats().consecutive_failures, 1);
    // The next call is admitted as the trial, fails, and opens the circuit again.
    assert!(t.get("/x").send().await.unwrap_err().is_status());
    assert_eq!(breaker.stats().times_opened, 2);
}

#[derive(Debug)]
struct NoCredentials;

#[async_trait]
impl AuthProvider for NoCredentials {
    async fn authorize(&self, _: &mut HeaderMap) -> Result<(), Error> {
        Err(Error::auth("no credentials"))
    }
}

/// The retry that finds the circuit open returns the answer the call got, not `CircuitOpen`.
#[tokio::test]
async fn a_call_that_opens_the_circuit_returns_its_real_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"detail": "db down"})))
        .mount(&server)
        .await;
    let t = builder(&server.uri())
        .retry_policy(fast_retries(5))
        .circuit_breaker(CircuitBreaker::new(2, Duration::from_secs(60)))
        .build()
        .unwrap();

    let err = t.get("/x").send().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.api_error().unwrap().detail().to_string(), "db down");
    assert_eq!(err.attempts(), 2);
    assert_eq!(received(&server).await.len(), 2);
    let breaker = t.circuit_breaker();
    assert!(
        matches!(breaker.state(), CircuitState::Open { remaining } if remaining <= Duration::from_secs(60))
    );
    assert_eq!(breaker.stats().times_opened, 1);
    assert_eq!(breaker.stats().consecutive_failures, 2);

    assert!(t.get("/x").send().await.unwrap_err().is_circuit_open());
    assert!(breaker.stats().rejected_calls >= 2);
}

#[tokio::test]
async fn one_breaker_can_guard_two_transports_or_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let shared = Arc::new(CircuitBreaker::new(1, Duration::from_secs(60)));
    let build = |breaker: Arc<CircuitBreaker>| {
        builder(&server.uri())
            .retry_policy(RetryPolicy::none())
            .circuit_breaker(breaker)
            .build()
            .unwrap()
    };
    let (a, b) = (build(shared.clone()), build(shared.clone()));
    let off = build(Arc::new(CircuitBreaker::disabled()));

    a.get("/x").send().await.unwrap_err();
    for _ in 0..5 {
        assert!(off.get("/x").send().await.unwrap_err().is_status());
    }

    assert!(b.get("/x").send().await.unwrap_err().is_circuit_open());
    assert!(Arc::ptr_eq(a.circuit_breaker(), b.circuit_breaker()));
    assert_eq!(off.circuit_breaker().state(), CircuitState::Closed);
}
