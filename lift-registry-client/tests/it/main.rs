//! Behaviour of `lift-registry-client` through its public API, against wiremock servers, in
//! both routing modes (through the gateway, direct to the registry).

// Helpers outside `#[test]` functions fail loudly too.
#![allow(clippy::unwrap_used)]

mod support;

mod binding;
mod captures;
mod errors;
mod foreign;
mod input;
mod manifest;
mod pagination;
mod root;
mod routes;
mod tolerance;
