//! The overall deadline covers everything; extreme waits and settings saturate, never panic.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use lift_sdk_core::{
    AuthProvider, CircuitBreaker, Error, ErrorKind, RetryPolicy, Transport, async_trait,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use lift_testkit::scenario::{RawReply, RawServer};

use crate::support::{builder, fast_retries, received};

/// A guard against a hang on the old code: the call under test must end long before this.
const NEVER: Duration = Duration::from_secs(20);

#[tokio::test]
async fn a_huge_retry_after_neither_panics_nor_waits() {
    for huge in [
        "10000000000000000000",
        "1e19",
        "1e300",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", huge))
            .mount(&server)
            .await;
        let t = builder(&server.uri()).build().unwrap();

        let err = t.get("/x").send().await.unwrap_err();

        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{huge}");
        assert_eq!(err.attempts(), 1, "{huge}");
        assert!(
            err.retry_after().unwrap() > Duration::from_secs(1 << 32),
            "{huge}"
        );
        assert!(!err.to_string().is_empty());
    }
}

#[tokio::test]
async fn duration_max_settings_saturate() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let t = Transport::builder(server.uri())
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .retry_policy(
            fast_retries(2)
                .deadline(Duration::MAX)
                .max_delay(Duration::from_millis(1)),
        )
        .circuit_breaker(CircuitBreaker::new(1, Duration::MAX))
        .build()
        .unwrap();

    let first = t.get("/x").deadline(Duration::MAX).send().await;
    let second = t.get("/x").send().await;

    // The 503 opened the circuit for good; the retry returns the answer it got.
    assert_eq!(first.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    let open = second.unwrap_err();
    assert!(open.is_circuit_open());
    assert!(open.retry_after().unwrap() > Duration::from_secs(1 << 40));
    assert!(!open.to_string().is_empty());
}

#[derive(Debug)]
struct Stuck {
    in_authorize: bool,
}

#[async_trait]
impl AuthProvider for Stuck {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        if self.in_authorize {
            std::future::pending::<()>().await;
        }
        headers.insert("authorization", "Bearer t".parse().unwrap());
        Ok(())
    }

    async fn refresh(&self, _refused: &HeaderMap) -> Result<bool, Error> {
        std::future::pending().await
    }
}

#[tokio::test]
async fn the_deadline_covers_getting_credentials() {
    let server = MockServer::start().await;
    let t = builder(&server.uri())
        .auth(Arc::new(Stuck { in_authorize: true }))
        .build()
        .unwrap();

    let call = t.get("/x").deadline(Duration::from_millis(100)).send();
    let err = tokio::time::timeout(NEVER, call)
        .await
        .unwrap()
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("credentials"), "{err}");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn the_deadline_covers_the_refresh_after_a_401() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let t = builder(&server.uri())
        .retry_policy(RetryPolicy::default().deadline(Duration::from_millis(300)))
        .auth(Arc::new(Stuck {
            in_authorize: false,
        }))
        .build()
        .unwrap();

    let err = tokio::time::timeout(NEVER, t.get("/x").send())
        .await
        .unwrap()
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("renewing credentials"), "{err}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_per_request_deadline_bounds_a_hanging_call() {
    let server = RawServer::scripted(|_| RawReply::Hang).await;
    let t = builder(&server.uri()).build().unwrap();

    let call = t.get("/x").deadline(Duration::from_millis(200)).send();
    let err = tokio::time::timeout(NEVER, call)
        .await
        .unwrap()
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), 1);
}
