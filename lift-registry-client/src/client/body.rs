//! The registration request body (`ModuleRegistrationRequest`, contract §6.1).

use serde::{Serialize, Serializer};

use crate::manifest::{ManifestError, ModuleManifest, UiComponent};

/// Exactly the ten fields the registry reads, from a validated manifest. Everything else of
/// `module.json` (`module_id`, `capabilities`, …) stays local: the registry would drop it.
#[derive(Debug, Serialize)]
pub(crate) struct RegistrationBody<'a> {
    name: &'a str,
    version: &'a str,
    base_url: String,
    health_endpoint: &'a str,
    api_prefix: &'a str,
    features: &'a [String],
    permissions: &'a [String],
    memory_requirements: ObjectOrEmpty<'a, crate::manifest::MemoryRequirements>,
    ui_components: &'a [UiComponent],
    metadata: ObjectOrEmpty<'a, crate::manifest::ManifestMetadata>,
}

impl<'a> RegistrationBody<'a> {
    /// Validates `manifest` for registration and borrows the fields to send.
    pub(crate) fn new(manifest: &'a ModuleManifest) -> Result<Self, ManifestError> {
        Ok(Self {
            base_url: manifest.registration_base_url()?,
            name: &manifest.name,
            version: &manifest.version,
            health_endpoint: manifest.health_endpoint(),
            api_prefix: manifest.api_prefix(),
            features: &manifest.features,
            permissions: &manifest.permissions,
            memory_requirements: ObjectOrEmpty(manifest.memory_requirements.as_ref()),
            ui_components: &manifest.ui_components,
            metadata: ObjectOrEmpty(manifest.metadata.as_ref()),
        })
    }
}

/// A value, or `{}` when there is none (the registry's default for both object fields).
#[derive(Debug)]
struct ObjectOrEmpty<'a, T>(Option<&'a T>);

impl<T: Serialize> Serialize for ObjectOrEmpty<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(value) => value.serialize(serializer),
            None => serde_json::Map::new().serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sends_only_the_registry_fields_with_defaults() {
        let manifest: ModuleManifest = serde_json::from_value(json!({
            "module_id": "echo_module",
            "name": "echo-module",
            "version": "1.0.0",
            "base_url": "http://127.0.0.1:9100/",
            "capabilities": ["echo"],
        }))
        .unwrap();
        let body = serde_json::to_value(RegistrationBody::new(&manifest).unwrap()).unwrap();
        assert_eq!(
            body,
            json!({
                "name": "echo-module",
                "version": "1.0.0",
                "base_url": "http://127.0.0.1:9100",
                "health_endpoint": "/health",
                "api_prefix": "/api/v1",
                "features": [],
                "permissions": [],
                "memory_requirements": {},
                "ui_components": [],
                "metadata": {},
            })
        );
    }

    #[test]
    fn refuses_a_manifest_without_base_url() {
        let manifest = ModuleManifest::new("causal", "1.0.0");
        let err = RegistrationBody::new(&manifest).unwrap_err();
        assert_eq!(err.field(), Some("base_url"));
    }
}
