//! Test kit for Lift OS Core: wiremock mocks of every service, an in-process fake platform,
//! test tokens and a module harness.
//!
//! This crate is being built; see the repository's issue tracker.
