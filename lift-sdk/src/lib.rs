//! The Lift OS Core SDK for Rust modules: the module [`runtime`] ([`serve`] a
//! [`LiftModule`](runtime::LiftModule) with health, readiness, metrics, automatic
//! registration and graceful shutdown), configuration, one client for every service, and
//! the gateway client.
//!
//! A module is a value implementing [`runtime::LiftModule`]; `lift_sdk::serve(module).await`
//! does the rest (guide: `docs/modules.md`). Outside a module, the clients work on their own:
//!
//! ```no_run
//! use lift_sdk::memory::StoreRequest;
//! use lift_sdk::{LiftClient, LiftConfig};
//!
//! # async fn run() -> lift_sdk::Result<()> {
//! let client = LiftClient::new(LiftConfig::from_env()?)?;
//! println!("gateway is {}", client.gateway().health().await?.status);
//! let stored = client.memory().store(StoreRequest::new("Q3 campaign lifted signups 12%")).await?;
//! println!("stored as {}", stored.memory_id);
//! # Ok(()) }
//! ```
//!
//! A module needs no other Lift crate: the names its code uses every day are here
//! ([`Error`], [`Result`], [`Caller`], [`UserContext`], [`Token`], the clients, the manifest
//! and record types), and the member crates are re-exported as modules for the rest:
//! [`auth`], [`core`], [`memory`], [`registry`]. Guides: `docs/sdk.md` in the repository.
//!
//! # Feature flags
//!
//! | flag | default | enables |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls |
//! | `native-tls` | no | TLS through the platform's library |
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod config;
mod gateway;
pub mod runtime;

pub use lift_auth as auth;
pub use lift_memory_client as memory;
pub use lift_registry_client as registry;
pub use lift_sdk_core as core;

#[doc(inline)]
pub use client::{LiftClient, LiftClientBuilder};
#[doc(inline)]
pub use config::{
    Credentials, DirectIdentity, LiftConfig, ModuleSettings, PublicUrl, PublicUrlSource, Routing,
};
#[doc(inline)]
pub use gateway::{
    GatewayClient, GatewayInfo, ModuleHandle, Passthrough, Readiness, ReadinessCheck,
    ServiceHealth, Uptime,
};
#[doc(inline)]
pub use lift_auth::{AuthClient, Caller, Role, Token, UserContext};
#[doc(inline)]
pub use lift_memory_client::{MemoryClient, MemoryId, SearchRequest, StoreRequest};
#[doc(inline)]
pub use lift_registry_client::{
    ModuleId, ModuleManifest, ModuleRecord, Registration, RegistryClient,
};
#[doc(inline)]
pub use lift_sdk_core::{Error, ErrorKind};
#[doc(inline)]
pub use runtime::serve;

/// Re-exported: module calls, manifests and records carry [`serde_json::Value`]s.
pub use serde_json;

/// Re-exported: a module's request and answer types derive [`serde::Deserialize`] and
/// [`serde::Serialize`] (with `#[serde(crate = "lift_sdk::serde")]`, no dependency of its own).
pub use serde;

/// Re-exported: a module's routes are an [`axum::Router`] of this very version.
pub use axum;

/// `Result` with [`Error`] as its default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

// The README's code blocks are compiled and run as doctests, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
