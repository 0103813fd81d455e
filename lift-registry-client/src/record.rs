//! What the registry stores about a module, and the answers that carry it.

use lift_sdk_core::Timestamp;
use lift_sdk_core::decode::null_as_default;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::health::HealthProbe;
use crate::id::ModuleId;
use crate::manifest::{
    DEFAULT_API_PREFIX, DEFAULT_HEALTH_ENDPOINT, ManifestMetadata, MemoryRequirements, UiComponent,
};
use crate::status::ModuleStatus;

/// A registered module as the registry stores it (`ModuleRecord`).
///
/// A record decodes whatever another client stored (contract §10 H): unknown keys are
/// ignored; every field but `id` has a default, also for `null`; a field sent with another
/// type (`"features": "analytics"`) takes its default and is kept, as sent, in
/// [`mistyped`](Self::mistyped); the nested parts keep their own mistyped keys in their
/// `extra` (`metadata.tags: "analytics"` lands in `metadata.extra["tags"]`). A record
/// without a usable `id` does not decode, and a page skips it
/// ([`Page::skipped`](crate::Page::skipped)).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ModuleRecord {
    /// The id the registry assigned at registration.
    pub id: ModuleId,
    /// The module's name.
    #[serde(default)]
    pub name: String,
    /// The module's version.
    #[serde(default)]
    pub version: String,
    /// Where the module is reachable. The reference registry adds a trailing `/`; see
    /// [`base_url_trimmed`](Self::base_url_trimmed).
    #[serde(default)]
    pub base_url: String,
    /// The path the registry probes.
    #[serde(default = "default_health_endpoint")]
    pub health_endpoint: String,
    /// The prefix of the module's routes.
    #[serde(default = "default_api_prefix")]
    pub api_prefix: String,
    /// The lifecycle status (`active` when absent, the registry's value at registration).
    #[serde(default = "default_status")]
    pub status: ModuleStatus,
    /// Feature names.
    #[serde(default, deserialize_with = "null_as_default")]
    pub features: Vec<String>,
    /// Declared permissions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub permissions: Vec<String>,
    /// Memory requirements (empty when the module declared none).
    #[serde(default)]
    pub memory_requirements: MemoryRequirements,
    /// UI components.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ui_components: Vec<UiComponent>,
    /// Metadata.
    #[serde(default)]
    pub metadata: ManifestMetadata,
    /// When the module was registered.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// When the record was last updated, if ever.
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// The user id (`X-User-ID`) that registered the module.
    #[serde(default)]
    pub registered_by: Option<String>,
    /// The last health probe, when the registry has one.
    #[serde(default)]
    pub health: Option<HealthProbe>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ModuleRecord, mistyped);

impl ModuleRecord {
    /// [`base_url`](Self::base_url) without the trailing `/` the reference registry adds, ready
    /// to have a path joined onto it.
    #[must_use]
    pub fn base_url_trimmed(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

fn default_health_endpoint() -> String {
    DEFAULT_HEALTH_ENDPOINT.to_owned()
}

fn default_api_prefix() -> String {
    DEFAULT_API_PREFIX.to_owned()
}

fn default_status() -> ModuleStatus {
    ModuleStatus::Active
}

/// The answer to [`register`](crate::RegistryClient::register).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct Registration {
    /// The id the registry assigned: keep it, every `/modules/{id}/` URL uses it. A new one
    /// is assigned at every registration.
    pub module_id: ModuleId,
    /// The stored record.
    pub module: ModuleRecord,
    /// The first health probe, run during registration.
    #[serde(default)]
    pub health: HealthProbe,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(Registration, mistyped);

/// The answer to [`update`](crate::RegistryClient::update).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct UpdatedModule {
    /// The record after the update.
    pub module: ModuleRecord,
    /// A fresh probe when `base_url` or `health_endpoint` changed, otherwise the cached
    /// probe or `unknown`.
    #[serde(default)]
    pub health: HealthProbe,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(UpdatedModule, mistyped);

/// The outcome of [`unregister`](crate::RegistryClient::unregister).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unregistered {
    /// The registry removed the module; the id it confirmed.
    Removed(ModuleId),
    /// The registry did not know the module (`404`): it was unregistered before, or the
    /// registry restarted and forgot it. Either way it is not registered now.
    AlreadyGone,
}

impl Unregistered {
    /// Whether this call removed the module (rather than finding it already gone).
    #[must_use]
    pub fn was_removed(&self) -> bool {
        matches!(self, Self::Removed(_))
    }
}

impl std::fmt::Display for Unregistered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Removed(id) => write!(f, "module {id} removed"),
            Self::AlreadyGone => f.write_str("module already gone"),
        }
    }
}
