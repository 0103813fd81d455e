//! Failure scenarios: sequences of answers a route gives before it answers normally again,
//! and a raw server for the failures HTTP cannot express.
//!
//! A [`Scenario`] is an ordered list of [`Step`]s, each answering its number of calls:
//! `429 (Retry-After: 1) → 503 → ok`, a status for the next N calls, latency, malformed or
//! truncated JSON, uvicorn's text/plain 500, and the reference's quirks (a 307 to an internal
//! host, a 500 in place of a 429, a duplicated `date` header). After its last step a scenario
//! stops matching, so what else is mounted (a service mock's happy path) answers.
//!
//! [`RawServer`] plays what wiremock cannot: a connection closed before or in the middle of
//! an answer, an answer that never comes; [`refused_uri`] is a port where nothing listens.
//!
//! ```
//! use std::time::Duration;
//! use lift_sdk_core::{RetryPolicy, Transport};
//! use lift_testkit::scenario::{Scenario, Step};
//! use serde_json::json;
//! use wiremock::MockServer;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), lift_sdk_core::Error> {
//! let server = MockServer::start().await;
//! let scenario = Scenario::new()
//!     .then(Step::status(503).times(2))
//!     .then_ok(json!({ "status": "healthy" }))
//!     .mount(&server, "GET", "/health")
//!     .await;
//!
//! let retries = RetryPolicy::default().base_delay(Duration::from_millis(1));
//! let transport = Transport::builder(server.uri()).retry_policy(retries).build()?;
//! let answer = transport.get("/health").send().await?;
//!
//! assert_eq!(answer.attempts(), 3);
//! assert_eq!(scenario.calls(), 3);
//! assert!(scenario.is_done());
//! # Ok(()) }
//! ```

mod raw;
mod sequence;
mod step;

pub use raw::{RawReply, RawRequest, RawServer, refused_uri};
pub use sequence::{SCENARIO_PRIORITY, Scenario, ScenarioHandle};
pub use step::Step;
