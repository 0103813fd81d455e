//! Test kit for Lift OS Core: wiremock mocks of every service, an in-process fake platform,
//! test tokens and a module harness.
//!
//! This crate is being built; see the repository's issue tracker.

// The README's code blocks are compiled and run as doctests, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
