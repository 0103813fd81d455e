//! Typed client for the Lift OS Core memory service.
//!
//! This crate is being built; see the repository's issue tracker.
