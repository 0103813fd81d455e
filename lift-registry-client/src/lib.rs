//! Typed client for the Lift OS Core module registry, and the `module.json` manifest.
//!
//! This crate is being built; see the repository's issue tracker.
