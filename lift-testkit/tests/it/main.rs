//! The OpenAPI checker and the test tokens, through their public API.

#![allow(clippy::unwrap_used, reason = "tests")]

mod mocks;
mod openapi;
mod registry;
mod replay;
mod tokens;
