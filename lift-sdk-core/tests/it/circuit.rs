//! The circuit breaker seen from the outside: fail fast while open, recover after cooldown.

use std::time::Duration;

use lift_sdk_core::{CircuitBreaker, ErrorKind, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, received};

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
