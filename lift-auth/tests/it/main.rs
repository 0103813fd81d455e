//! Integration tests of lift-auth through its public API.

#![allow(clippy::unwrap_used, reason = "test helpers panic on broken fixtures")]

mod context;
mod jwks;
mod no_panic;
mod permissions;
mod support;
mod vectors;
mod verify;
