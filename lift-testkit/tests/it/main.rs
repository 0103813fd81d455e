//! The OpenAPI checker, through its public API.

#![allow(clippy::unwrap_used, reason = "tests")]

mod openapi;
mod replay;
