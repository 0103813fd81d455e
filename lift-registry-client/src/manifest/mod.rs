//! The `module.json` manifest (contract §7.4).

mod builder;
mod error;
mod parts;
mod validate;

use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use builder::ModuleManifestBuilder;
pub use error::{ManifestError, ManifestErrorKind};
use parts::METADATA_KEYS;
pub use parts::{ManifestMetadata, MemoryRequirements, UiComponent, UiComponentKind};
use validate::check_mistyped;
pub(crate) use validate::{
    check_memory_requirements, check_name, check_path, check_permissions, check_ui_components,
    check_version, normalize_base_url,
};

/// The health endpoint the registry probes when a manifest names none.
pub const DEFAULT_HEALTH_ENDPOINT: &str = "/health";
/// The API prefix the registry records when a manifest names none.
pub const DEFAULT_API_PREFIX: &str = "/api/v1";

/// A module's `module.json`: what it is, where it runs and what it needs.
///
/// The fields the registry reads (contract §6.1) are typed, plus the human id
/// (`module_id`, or `id` in older files); every other key (`capabilities`, `endpoints`,
/// `configuration`, `health_check`, …) is kept as read in [`extra`](Self::extra), so each
/// variant of the reference's manifests loads and writes back without losing a field.
/// The one normalisation: an empty top-level list (`features`, `permissions`,
/// `ui_components`) is left out when written.
///
/// Loading only parses; call [`validate`](Self::validate) to check the values, or
/// [`validate_for_registration`](Self::validate_for_registration), which also requires a
/// `base_url`. Three reference manifests have none: the module runtime supplies it.
///
/// ```
/// use lift_registry_client::ModuleManifest;
///
/// # fn run() -> Result<(), lift_registry_client::ManifestError> {
/// let manifest: ModuleManifest = r#"{
///     "module_id": "analytics",
///     "name": "Analytics",
///     "version": "1.0.0",
///     "permissions": ["analytics:read"],
///     "capabilities": ["reports"]
/// }"#.parse()?;
/// manifest.validate()?;
/// assert_eq!(manifest.declared_id(), Some("analytics"));
/// assert_eq!(manifest.health_endpoint(), "/health");
/// assert_eq!(manifest.extra["capabilities"][0], "reports");
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ModuleManifest {
    /// The module's human id, e.g. `template_module`. It is **not** the registry's id
    /// ([`ModuleId`](crate::ModuleId)), and it is not sent when registering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
    /// The same role as `module_id`, under the name some manifests use (`llm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The display name, also what clients look the module up by.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The module's semantic version, e.g. `1.0.0`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Where the module is reachable, e.g. `http://analytics:9100`; required to register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The path the registry probes, `/health` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_endpoint: Option<String>,
    /// The prefix of the module's routes, `/api/v1` when absent (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_prefix: Option<String>,
    /// Feature names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// Permissions the module declares, `resource:action` or `resource:sub:action`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
    /// What the module needs from the memory service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_requirements: Option<MemoryRequirements>,
    /// UI components the module contributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ui_components: Vec<UiComponent>,
    /// Descriptive metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<ManifestMetadata>,
    /// Every other key of the file, kept as read (never sent to the registry).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ModuleManifest {
    /// A manifest with a name and a version and nothing else.
    #[must_use]
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            ..Self::default()
        }
    }

    /// Starts building a manifest in code.
    pub fn builder(name: impl Into<String>, version: impl Into<String>) -> ModuleManifestBuilder {
        ModuleManifestBuilder::new(Self::new(name, version))
    }

    /// Reads and parses a `module.json` file (it is not validated).
    ///
    /// # Errors
    ///
    /// A [`ManifestError`] of kind [`Read`](ManifestErrorKind::Read) when the file cannot
    /// be read, or [`Parse`](ManifestErrorKind::Parse) when it is not a JSON manifest.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, ManifestError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|err| ManifestError::read(&shown, err))?;
        text.parse()
            .map_err(|err: ManifestError| err.in_file(&shown))
    }

    /// The human id from the file: `module_id`, else `id`.
    #[must_use]
    pub fn declared_id(&self) -> Option<&str> {
        self.module_id.as_deref().or(self.id.as_deref())
    }

    /// The health endpoint, or the registry's default `/health`.
    #[must_use]
    pub fn health_endpoint(&self) -> &str {
        self.health_endpoint
            .as_deref()
            .unwrap_or(DEFAULT_HEALTH_ENDPOINT)
    }

    /// The API prefix, or the registry's default `/api/v1`.
    #[must_use]
    pub fn api_prefix(&self) -> &str {
        self.api_prefix.as_deref().unwrap_or(DEFAULT_API_PREFIX)
    }

    /// Checks every typed field: a non-blank `name`; a semver `version`; an http(s)
    /// `base_url` when there is one; `health_endpoint` and `api_prefix` starting with `/`;
    /// well-formed permissions (also those of UI components); known search types; no
    /// field of `memory_requirements`, `ui_components` or `metadata` with the wrong type
    /// (decoding keeps such a value raw in the part's `extra`).
    ///
    /// # Errors
    ///
    /// A [`ManifestError`] of kind [`Invalid`](ManifestErrorKind::Invalid) naming the first
    /// field that is not valid.
    pub fn validate(&self) -> Result<(), ManifestError> {
        check_name(&self.name)?;
        check_version(&self.version)?;
        if let Some(base_url) = &self.base_url {
            normalize_base_url(base_url)?;
        }
        if let Some(path) = &self.health_endpoint {
            check_path("health_endpoint", path)?;
        }
        if let Some(path) = &self.api_prefix {
            check_path("api_prefix", path)?;
        }
        check_permissions("permissions", &self.permissions)?;
        if let Some(requirements) = &self.memory_requirements {
            check_memory_requirements("memory_requirements", requirements)?;
        }
        check_ui_components("ui_components", &self.ui_components)?;
        match &self.metadata {
            Some(metadata) => check_mistyped("metadata", &metadata.extra, METADATA_KEYS),
            None => Ok(()),
        }
    }

    /// [`validate`](Self::validate), and a `base_url` is present: what registering needs.
    ///
    /// # Errors
    ///
    /// As [`validate`](Self::validate), plus an error naming `base_url` when it is absent.
    pub fn validate_for_registration(&self) -> Result<(), ManifestError> {
        self.validate()?;
        if self.base_url.is_none() {
            return Err(ManifestError::invalid(
                "base_url",
                "is required to register (set it in module.json or from the runtime's address)",
            ));
        }
        Ok(())
    }

    /// The `base_url` to register: validated, without trailing `/`.
    pub(crate) fn registration_base_url(&self) -> Result<String, ManifestError> {
        self.validate_for_registration()?;
        match &self.base_url {
            Some(base_url) => normalize_base_url(base_url),
            None => Err(ManifestError::invalid(
                "base_url",
                "is required to register",
            )),
        }
    }
}

impl FromStr for ModuleManifest {
    type Err = ManifestError;

    /// Parses a manifest from JSON text (it is not validated).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        serde_json::from_str(text).map_err(ManifestError::parse)
    }
}
