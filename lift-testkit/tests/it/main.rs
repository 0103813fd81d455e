//! The OpenAPI checker and the test tokens, through their public API.

#![allow(clippy::unwrap_used, reason = "tests")]

mod harness;
mod mocks;
mod openapi;
mod replay;
mod tokens;
