//! The Lift OS Core SDK for Rust modules: configuration, one client for every service, and the
//! module runtime.
//!
//! This crate is being built; see the repository's issue tracker.
