//! Behaviour of `lift-sdk-core` through its public API, against local HTTP servers.

// Helpers outside `#[test]` functions fail loudly too.
#![allow(clippy::unwrap_used)]

mod calls;
mod captures;
mod circuit;
mod deadline;
mod decode;
mod limits;
mod observer;
mod retry;
mod service;
mod stale;
mod support;
mod timestamps;
