//! The Lift OS Core SDK for Rust modules: configuration, one client for every service, and
//! the gateway client.
//!
//! ```no_run
//! use lift_sdk::{LiftClient, LiftConfig};
//! use lift_sdk::memory::StoreRequest;
//!
//! # async fn run() -> Result<(), lift_sdk_core::Error> {
//! let client = LiftClient::new(LiftConfig::from_env()?)?;
//! println!("gateway is {}", client.gateway().health().await?.status);
//! let stored = client.memory().store(StoreRequest::new("Q3 campaign lifted signups 12%")).await?;
//! println!("stored as {}", stored.memory_id);
//! # Ok(()) }
//! ```
//!
//! The member crates are re-exported as modules: [`auth`], [`core`], [`memory`],
//! [`registry`]. Guides: `docs/sdk.md` in the repository.
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

pub use lift_auth as auth;
pub use lift_memory_client as memory;
pub use lift_registry_client as registry;
pub use lift_sdk_core as core;

#[doc(inline)]
pub use client::{LiftClient, LiftClientBuilder};
#[doc(inline)]
pub use config::{Credentials, DirectIdentity, LiftConfig, Routing};
#[doc(inline)]
pub use gateway::{
    GatewayClient, GatewayInfo, ModuleHandle, Passthrough, Readiness, ReadinessCheck,
    ServiceHealth, Uptime,
};

/// `Result` with [`lift_sdk_core::Error`] as its default error.
pub type Result<T, E = lift_sdk_core::Error> = std::result::Result<T, E>;
