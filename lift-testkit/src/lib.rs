//! Test kit for Lift OS Core: what module and service authors test with.
//!
//! [`mocks`]: wiremock mocks of the auth, memory, registry and gateway services. Each starts
//! in one line, answers the contract's happy paths from its own state, answers what FastAPI
//! would to a request the reference would refuse (422), records what it received as typed
//! values, and verifies domain-named expectations (`expect_registration("reports")`,
//! `expect_search("q").as_user("u-1")`) on `verify().await` and on drop.
//!
//! [`openapi`]: the reference services' own OpenAPI documents, to check that every request
//! a client sends is one the service accepts.
//!
//! [`tokens`]: test tokens, good and bad of every kind, with the verifier that matches them.
//!
//! [`replay`]: serves exchanges recorded from the reference services as they were recorded,
//! and reports any request it has no recording for.
//!
//! [`scenario`]: failure scenarios (`429 → 503 → ok`, a status N times, latency, malformed
//! bodies, the reference's quirks) mounted on a route, and a raw server for dropped and
//! refused connections.
//!
//! [`harness`]: runs a module in-process against the mocks and calls its routes as a chosen
//! user; its documentation holds a complete test of a module with the harness, mocks and
//! tokens.
//!
//! [`platform`]: the whole platform in-process ([`platform::FakePlatform`]): real auth,
//! memory, registry and gateway services implementing the intended contract.
//!
//! ```
//! use lift_testkit::openapi::{OpenApi, Service};
//!
//! let memory = OpenApi::new(Service::Memory);
//! // A search the memory service accepts…
//! let route = memory.check("POST", "/search", "", br#"{"query":"lift","limit":5}"#)?;
//! assert_eq!(route.to_string(), "memory POST /search");
//! // …and one it answers with 422.
//! let refused = memory.check("POST", "/search", "", br#"{"limit":500}"#).unwrap_err();
//! assert!(refused.iter().any(|violation| violation.to_string().contains("/limit")));
//! # Ok::<(), Vec<lift_testkit::openapi::Violation>>(())
//! ```
//!
//! # Feature flags
//!
//! None.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod harness;
pub mod mocks;
pub mod openapi;
pub mod platform;
mod reference;
pub mod replay;
pub mod scenario;
pub mod tokens;

// The README's code blocks are compiled and run as doctests, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
