//! The OpenAPI checker and the test tokens, through their public API.

#![allow(clippy::unwrap_used, reason = "tests")]

mod auth;
mod fake_flows;
mod fake_gateway;
mod fake_gateway_hint;
mod fake_memory;
mod fake_platform;
mod fake_robustness;
mod fake_shapes;
mod fake_support;
mod gateway;
mod harness;
mod lift_dev;
mod memory;
mod mocks;
mod openapi;
mod registry;
mod replay;
mod scenario;
mod tokens;
