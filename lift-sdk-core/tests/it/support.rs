//! Helpers shared by the integration tests.

use std::time::Duration;

use lift_sdk_core::{CircuitBreaker, RetryBudget, RetryPolicy, Transport, TransportBuilder};
use lift_testkit::replay::Capture;

/// Every capture of one set of `fixtures/liftos-captures` (`""` for as-committed, `"compat"`).
pub(crate) fn captures(set: &str) -> Vec<Capture> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/liftos-captures");
    Capture::load_all(std::path::Path::new(dir).join(set)).unwrap()
}

/// A transport builder with fast, deterministic retry settings for tests.
pub(crate) fn builder(uri: &str) -> TransportBuilder {
    Transport::builder(uri)
        .service("test")
        .retry_policy(fast_retries(3))
        .retry_budget(RetryBudget::new(100, 1.0))
        .circuit_breaker(CircuitBreaker::new(100, Duration::from_secs(30)))
}

/// Retries with a 1 ms backoff cap, so tests do not wait.
pub(crate) fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
}

/// A transport with test settings.
pub(crate) fn transport(uri: &str) -> Transport {
    builder(uri).build().unwrap()
}

/// The requests a mock server received.
pub(crate) async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}
