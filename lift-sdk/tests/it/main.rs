//! Behaviour of `lift-sdk` through its public API, against local HTTP servers.

// Helpers outside `#[test]` functions fail loudly too.
#![allow(clippy::unwrap_used)]

mod client;
mod coverage;
mod gateway;
mod passthrough;
mod support;
