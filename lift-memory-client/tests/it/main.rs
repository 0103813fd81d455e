//! Behaviour of `lift-memory-client` through its public API, against wiremock servers, in
//! both routing modes (through the gateway, direct to memory).

// Helpers outside `#[test]` functions fail loudly too.
#![allow(clippy::unwrap_used)]

mod captures;
mod for_user;
mod marketing;
mod routes;
mod support;
mod tolerance;
mod validation;
mod workflows;
