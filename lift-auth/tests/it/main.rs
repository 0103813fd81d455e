//! Integration tests of lift-auth through its public API.

#![allow(clippy::unwrap_used, reason = "test helpers panic on broken fixtures")]

mod cache;
#[cfg(feature = "client")]
mod causal;
mod claims_edges;
#[cfg(feature = "client")]
mod client;
mod context;
mod jwks;
#[cfg(feature = "axum")]
mod layer;
mod no_panic;
mod permissions;
#[cfg(feature = "client")]
mod remote;
#[cfg(feature = "client")]
mod session;
mod support;
mod vectors;
mod verify;
