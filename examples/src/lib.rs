//! Examples for the Lift SDK for Rust; run them with `cargo run --example <name>`.
//!
//! This package also compiles the code blocks of the repository's README and of every guide
//! in `docs/` as doctests, so the documentation cannot drift from the API.

/// The repository's README.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}

/// The guides under `docs/`.
#[cfg(doctest)]
mod guides {
    #[doc = include_str!("../../docs/README.md")]
    mod index {}
    #[doc = include_str!("../../docs/transport.md")]
    mod transport {}
    #[doc = include_str!("../../docs/auth.md")]
    mod auth {}
    #[doc = include_str!("../../docs/memory.md")]
    mod memory {}
    #[doc = include_str!("../../docs/registry.md")]
    mod registry {}
    #[doc = include_str!("../../docs/sdk.md")]
    mod sdk {}
    #[doc = include_str!("../../docs/modules.md")]
    mod modules {}
    #[doc = include_str!("../../docs/testing.md")]
    mod testing {}
    #[doc = include_str!("../../docs/deploying.md")]
    mod deploying {}
    #[doc = include_str!("../../docs/performance.md")]
    mod performance {}
    #[doc = include_str!("../../docs/getting-started.md")]
    mod getting_started {}
    #[doc = include_str!("../../docs/configuration.md")]
    mod configuration {}
    #[doc = include_str!("../../docs/resilience.md")]
    mod resilience {}
    #[doc = include_str!("../../docs/compatibility.md")]
    mod compatibility {}
}

pub mod memory_roundtrip;
pub mod module_server;
pub mod protected_routes;
pub mod quickstart;
pub mod registry_discovery;
mod target;
