//! A partial update of a registered module (`PUT /modules/{id}`).

use serde::Serialize;

use crate::manifest::{
    ManifestError, ManifestMetadata, MemoryRequirements, UiComponent, check_memory_requirements,
    check_name, check_path, check_permissions, check_ui_components, check_version,
    normalize_base_url,
};
use crate::status::ModuleStatus;

/// The fields to change on a registered module; the others stay as they are.
///
/// Changing `base_url` or `health_endpoint` makes the registry probe the module again.
///
/// ```
/// use lift_registry_client::{ModuleStatus, ModuleUpdate};
///
/// let update = ModuleUpdate::new().version("1.0.1").status(ModuleStatus::Maintenance);
/// assert!(!update.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[must_use]
pub struct ModuleUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    health_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    features: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory_requirements: Option<MemoryRequirements>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ui_components: Option<Vec<UiComponent>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<ManifestMetadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<ModuleStatus>,
}

impl From<&Self> for ModuleUpdate {
    fn from(update: &Self) -> Self {
        update.clone()
    }
}

impl ModuleUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A new semantic version.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// A new base URL (sent without trailing `/`).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// A new health endpoint.
    pub fn health_endpoint(mut self, path: impl Into<String>) -> Self {
        self.health_endpoint = Some(path.into());
        self
    }

    /// A new API prefix.
    pub fn api_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.api_prefix = Some(prefix.into());
        self
    }

    /// Replaces the features.
    pub fn features<I, S>(mut self, features: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.features = Some(features.into_iter().map(Into::into).collect());
        self
    }

    /// Replaces the permissions.
    pub fn permissions<I, S>(mut self, permissions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.permissions = Some(permissions.into_iter().map(Into::into).collect());
        self
    }

    /// Replaces the memory requirements.
    pub fn memory_requirements(mut self, requirements: MemoryRequirements) -> Self {
        self.memory_requirements = Some(requirements);
        self
    }

    /// Replaces the UI components.
    pub fn ui_components(mut self, components: Vec<UiComponent>) -> Self {
        self.ui_components = Some(components);
        self
    }

    /// Replaces the metadata.
    pub fn metadata(mut self, metadata: ManifestMetadata) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// A new lifecycle status.
    pub fn status(mut self, status: ModuleStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Whether the update changes nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Checks the fields set, as [`ModuleManifest::validate`](crate::ModuleManifest::validate)
    /// does, and trims the trailing `/` of `base_url`.
    pub(crate) fn checked(&self) -> Result<Self, ManifestError> {
        let mut update = self.clone();
        if let Some(name) = &update.name {
            check_name(name)?;
        }
        if let Some(version) = &update.version {
            check_version(version)?;
        }
        if let Some(base_url) = &update.base_url {
            update.base_url = Some(normalize_base_url(base_url)?);
        }
        if let Some(path) = &update.health_endpoint {
            check_path("health_endpoint", path)?;
        }
        if let Some(path) = &update.api_prefix {
            check_path("api_prefix", path)?;
        }
        if let Some(permissions) = &update.permissions {
            check_permissions("permissions", permissions)?;
        }
        if let Some(requirements) = &update.memory_requirements {
            check_memory_requirements("memory_requirements", requirements)?;
        }
        if let Some(components) = &update.ui_components {
            check_ui_components("ui_components", components)?;
        }
        if let Some(status) = update.status.as_ref().filter(|status| !status.is_known()) {
            return Err(ManifestError::invalid(
                "status",
                format_args!("`{status}` is not one of active, inactive, maintenance, error"),
            ));
        }
        Ok(update)
    }
}
