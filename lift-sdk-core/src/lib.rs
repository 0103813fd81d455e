//! The shared client transport of the Lift SDK for Rust: one [`Transport`] per Lift OS Core
//! service, with retries, a circuit breaker, typed errors and tolerant decoding.
//!
//! Every typed client (`lift-memory-client`, `lift-registry-client`, the auth and gateway
//! clients) is built on this crate and returns its [`Error`], and the typed clients share one
//! [`ServiceClientBuilder`] for their gateway and direct routing modes. Use it directly to
//! call a service or route that has no typed client yet.
//!
//! ```no_run
//! use lift_sdk_core::{RetryPolicy, Transport};
//! use serde_json::Value;
//!
//! # async fn run() -> Result<(), lift_sdk_core::Error> {
//! let registry = Transport::builder("http://localhost:8005")
//!     .service("registry")
//!     .retry_policy(RetryPolicy::default().max_attempts(4))
//!     .build()?;
//! let root: Value = registry.get("/").send_data().await?;
//! println!("{} modules registered", root["registered_modules"]);
//! # Ok(()) }
//! ```
//!
//! # What every call gets
//!
//! - URL joining that never produces `//` or a trailing slash, with percent-encoded
//!   segments, and `.`, `..` and control characters refused before sending ([`PathSpec`]);
//! - one `X-Request-ID` across retries, taken from the [`RequestContext`] when a module is
//!   handling a request, a W3C `traceparent`, and a `tracing` span;
//! - retries with full-jitter backoff, `Retry-After`, an overall deadline and a shared
//!   [`RetryBudget`]; non-idempotent requests are never resent once they may have reached
//!   the server ([`RetryPolicy`]); one deadline over the whole call, credentials included;
//! - a [`CircuitBreaker`] per upstream, safe to cancel calls under;
//! - response bodies read with a size limit ([`DEFAULT_MAX_BODY_SIZE`]);
//! - decoding of the `APIResponse` envelope ([`ApiResponse`]) and of bare JSON, and of every
//!   error body shape into [`ApiError`].
//!
//! # Feature flags
//!
//! | flag | default | enables |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls (aws-lc-rs) |
//! | `native-tls` | no | TLS through the platform's library (OpenSSL on Linux) |
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api_error;
mod auth;
mod circuit;
mod context;
mod envelope;
mod error;
mod health;
mod macros;
mod path;
mod response;
mod retry;
mod search_type;
mod secret;
mod service;
mod timestamp;
mod transport;

pub mod decode;

#[doc(hidden)]
pub mod __private;

#[doc(inline)]
pub use api_error::{ApiError, ErrorDetail, LocSegment, ValidationItem};
#[doc(inline)]
pub use auth::AuthProvider;
#[doc(inline)]
pub use circuit::{CircuitBreaker, CircuitState, CircuitStats};
#[doc(inline)]
pub use context::{RequestContext, TraceContext, new_request_id};
#[doc(inline)]
pub use envelope::ApiResponse;
#[doc(inline)]
pub use error::{Error, ErrorKind};
#[doc(inline)]
pub use health::{Readiness, ReadinessCheck, ServiceHealth, Uptime};
#[doc(inline)]
pub use path::{PathSpec, redact_userinfo};
#[doc(inline)]
pub use response::Response;
#[doc(inline)]
pub use retry::{RetryBudget, RetryPolicy};
#[doc(inline)]
pub use search_type::SearchType;
#[doc(inline)]
pub use secret::Secret;
#[doc(inline)]
pub use service::{ServiceClient, ServiceClientBuilder};
#[doc(inline)]
pub use timestamp::Timestamp;
#[doc(inline)]
pub use transport::{
    CallObserver, CallOutcome, DEFAULT_MAX_BODY_SIZE, RequestBuilder, Transport, TransportBuilder,
    USER_AGENT_VALUE, USER_CONTEXT_HEADERS, default_http_client, read_body_limited,
};

/// Re-exported so implementors of [`AuthProvider`] need no direct dependency.
pub use async_trait::async_trait;
/// Re-exported so callers name headers, methods and statuses without a direct dependency.
pub use http;
/// Re-exported: the HTTP client under every transport.
pub use reqwest;
/// Re-exported: URLs as clients take and return them.
pub use url;

/// `Result` with [`Error`] as its default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

// The README's code blocks are compiled and run as doctests, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
