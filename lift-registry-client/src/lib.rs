//! A typed client for the Lift OS Core module registry, and the `module.json` manifest
//! modules register with.
//!
//! [`ModuleManifest`] reads, builds and validates `module.json` in all its reference
//! variants. [`RegistryClient`] registers a module, lists and finds modules (by name too:
//! the registry assigns a new id at every registration), updates and unregisters them, and
//! reads their health, either through the gateway with a bearer token or directly with the
//! user-context headers.
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use lift_auth::StaticToken;
//! use lift_registry_client::{ModuleManifest, RegistryClient};
//!
//! # async fn run(admin_token: String) -> Result<(), Box<dyn std::error::Error>> {
//! // Through the gateway, with the token of a user who has the admin or developer role.
//! let registry = RegistryClient::builder()
//!     .gateway_url("http://localhost:8000")
//!     .auth(Arc::new(StaticToken::new(admin_token)))
//!     .build()?;
//!
//! let mut manifest = ModuleManifest::from_path("module.json")?;
//! manifest.base_url.get_or_insert_with(|| "http://analytics:9100".to_owned());
//! let registered = registry.register(&manifest).await?;
//! println!("{} is {}", registered.module_id, registered.health.status);
//!
//! // Later, or from another process: ids change at every registration, names do not.
//! if let Some(module) = registry.find_by_name(&manifest.name).await? {
//!     println!("{} lives at {}", module.id, module.base_url_trimmed());
//! }
//! # Ok(()) }
//! ```
//!
//! Errors are [`lift_sdk_core::Error`], re-exported as [`Error`]; a manifest that fails
//! validation is refused with kind [`InvalidInput`](lift_sdk_core::ErrorKind::InvalidInput)
//! before anything is sent.
//!
//! # Feature flags
//!
//! | flag | default | enables |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls (aws-lc-rs), forwarded to `lift-sdk-core` |
//! | `native-tls` | no | TLS through the platform's library (OpenSSL on Linux), forwarded to `lift-sdk-core` |
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod health;
mod id;
mod manifest;
mod page;
mod record;
mod status;
mod update;

#[doc(inline)]
pub use client::{RegistryClient, RegistryClientBuilder, RegistryInfo};
#[doc(inline)]
pub use health::{HealthProbe, HealthSummary, ModuleHealthEntry, ModuleHealthReport};
#[doc(inline)]
pub use id::ModuleId;
/// The memory search types a module declares: [`lift_sdk_core::SearchType`], the same type
/// the memory client sends.
pub use lift_sdk_core::SearchType;
#[doc(inline)]
pub use manifest::{
    DEFAULT_API_PREFIX, DEFAULT_HEALTH_ENDPOINT, ManifestError, ManifestErrorKind,
    ManifestMetadata, MemoryRequirements, ModuleManifest, ModuleManifestBuilder, UiComponent,
    UiComponentKind,
};
#[doc(inline)]
pub use page::{ListModules, MAX_PAGE_SIZE, Page, SortOrder};
#[doc(inline)]
pub use record::{ModuleRecord, Registration, Unregistered, UpdatedModule};
#[doc(inline)]
pub use status::{ModuleHealth, ModuleStatus};
#[doc(inline)]
pub use update::ModuleUpdate;

/// The error every call returns: [`lift_sdk_core::Error`].
pub use lift_sdk_core::Error;

/// `Result` with [`Error`] as its default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

// The README's code blocks are compiled and run as doctests, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
