//! Behaviour of `lift-sdk` through its public API, against local HTTP servers.

// Helpers outside `#[test]` functions fail loudly too.
#![allow(clippy::unwrap_used)]

mod binding;
mod client;
mod coverage;
mod facade;
mod gateway;
mod passthrough;
mod runtime;
mod support;
