//! Building a manifest in code.

use serde_json::Value;

use super::{ManifestError, ManifestMetadata, MemoryRequirements, ModuleManifest, UiComponent};

/// Builds a [`ModuleManifest`] in code; [`build`](Self::build) validates it.
///
/// ```
/// use lift_registry_client::{ManifestMetadata, MemoryRequirements, ModuleManifest, SearchType};
///
/// # fn run() -> Result<(), lift_registry_client::ManifestError> {
/// let manifest = ModuleManifest::builder("Analytics", "1.0.0")
///     .module_id("analytics")
///     .base_url("http://analytics:9100")
///     .feature("reports")
///     .permission("analytics:read")
///     .memory_requirements(
///         MemoryRequirements::new(true, false).search_type(SearchType::Hybrid).memory_type("general"),
///     )
///     .metadata(ManifestMetadata::new().author("Lift Team").category("analytics"))
///     .build()?;
/// assert_eq!(manifest.base_url.as_deref(), Some("http://analytics:9100"));
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ModuleManifestBuilder {
    manifest: ModuleManifest,
}

impl ModuleManifestBuilder {
    pub(super) fn new(manifest: ModuleManifest) -> Self {
        Self { manifest }
    }

    /// The human id (`module_id`).
    pub fn module_id(mut self, module_id: impl Into<String>) -> Self {
        self.manifest.module_id = Some(module_id.into());
        self
    }

    /// Where the module is reachable, e.g. `http://analytics:9100`.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.manifest.base_url = Some(base_url.into());
        self
    }

    /// The health endpoint (default `/health`).
    pub fn health_endpoint(mut self, path: impl Into<String>) -> Self {
        self.manifest.health_endpoint = Some(path.into());
        self
    }

    /// The API prefix (default `/api/v1`).
    pub fn api_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.manifest.api_prefix = Some(prefix.into());
        self
    }

    /// Adds a feature.
    pub fn feature(mut self, feature: impl Into<String>) -> Self {
        self.manifest.features.push(feature.into());
        self
    }

    /// Adds a permission, `resource:action` or `resource:sub:action`.
    pub fn permission(mut self, permission: impl Into<String>) -> Self {
        self.manifest.permissions.push(permission.into());
        self
    }

    /// The memory requirements.
    pub fn memory_requirements(mut self, requirements: MemoryRequirements) -> Self {
        self.manifest.memory_requirements = Some(requirements);
        self
    }

    /// Adds a UI component.
    pub fn ui_component(mut self, component: UiComponent) -> Self {
        self.manifest.ui_components.push(component);
        self
    }

    /// The metadata.
    pub fn metadata(mut self, metadata: ManifestMetadata) -> Self {
        self.manifest.metadata = Some(metadata);
        self
    }

    /// Any other key of `module.json` (kept locally, never sent to the registry).
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.manifest.extra.insert(key.into(), value.into());
        self
    }

    /// Validates and returns the manifest.
    ///
    /// # Errors
    ///
    /// The first error of [`ModuleManifest::validate`].
    pub fn build(self) -> Result<ModuleManifest, ManifestError> {
        self.manifest.validate()?;
        Ok(self.manifest)
    }
}
