//! The registration request body (`ModuleRegistrationRequest`, contract §6.1), merged from
//! every manifest variant (contract §7.4).

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::manifest::{
    DEFAULT_HEALTH_ENDPOINT, ManifestError, ManifestMetadata, MemoryRequirements, ModuleManifest,
    UiComponent, check_path,
};

/// Exactly the ten fields the registry reads, from a validated manifest, with the variants
/// of contract §7.4 merged in: `capabilities` into `features`; a top-level `description`,
/// `author`, `category` and `tags` into `metadata`; `health_check.endpoint` as the health
/// endpoint. Everything else of `module.json` (`module_id`, `endpoints`, …) stays local:
/// the registry would drop it.
#[derive(Debug, Serialize)]
pub(crate) struct RegistrationBody<'a> {
    name: &'a str,
    version: &'a str,
    base_url: String,
    health_endpoint: &'a str,
    api_prefix: &'a str,
    features: Vec<&'a str>,
    permissions: &'a [String],
    memory_requirements: ObjectOrEmpty<'a, MemoryRequirements>,
    ui_components: &'a [UiComponent],
    metadata: ManifestMetadata,
}

impl<'a> RegistrationBody<'a> {
    /// Validates `manifest` for registration and merges the fields to send.
    pub(crate) fn new(manifest: &'a ModuleManifest) -> Result<Self, ManifestError> {
        Ok(Self {
            base_url: manifest.registration_base_url()?,
            name: &manifest.name,
            version: &manifest.version,
            health_endpoint: health_endpoint(manifest)?,
            api_prefix: manifest.api_prefix(),
            features: features(manifest)?,
            permissions: &manifest.permissions,
            memory_requirements: ObjectOrEmpty(manifest.memory_requirements.as_ref()),
            ui_components: &manifest.ui_components,
            metadata: metadata(manifest)?,
        })
    }
}

/// `health_endpoint`, else `health_check.endpoint`, else `/health`.
fn health_endpoint(manifest: &ModuleManifest) -> Result<&str, ManifestError> {
    if let Some(path) = &manifest.health_endpoint {
        return Ok(path);
    }
    match manifest
        .extra
        .get("health_check")
        .and_then(|check| check.get("endpoint"))
    {
        None | Some(Value::Null) => Ok(DEFAULT_HEALTH_ENDPOINT),
        Some(Value::String(path)) => {
            check_path("health_check.endpoint", path)?;
            Ok(path)
        }
        Some(_) => Err(ManifestError::invalid(
            "health_check.endpoint",
            "must be a string such as `/health`",
        )),
    }
}

/// `features`, then each of `capabilities` not already listed.
fn features(manifest: &ModuleManifest) -> Result<Vec<&str>, ManifestError> {
    let mut features: Vec<&str> = manifest.features.iter().map(String::as_str).collect();
    for (i, capability) in strings(manifest, "capabilities")?.into_iter().enumerate() {
        let Some(capability) = capability else {
            return Err(ManifestError::invalid(
                format!("capabilities[{i}]"),
                "must be a string",
            ));
        };
        if !features.contains(&capability) {
            features.push(capability);
        }
    }
    Ok(features)
}

/// `metadata`, with the top-level `description`, `author` and `category` where it has none,
/// and the top-level `tags` it does not list.
fn metadata(manifest: &ModuleManifest) -> Result<ManifestMetadata, ManifestError> {
    let mut metadata = manifest.metadata.clone().unwrap_or_default();
    for (key, slot) in [
        ("description", &mut metadata.description),
        ("author", &mut metadata.author),
        ("category", &mut metadata.category),
    ] {
        match manifest.extra.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => {
                slot.get_or_insert_with(|| text.clone());
            }
            Some(_) => return Err(ManifestError::invalid(key, "must be a string")),
        }
    }
    for (i, tag) in strings(manifest, "tags")?.into_iter().enumerate() {
        let Some(tag) = tag else {
            return Err(ManifestError::invalid(
                format!("tags[{i}]"),
                "must be a string",
            ));
        };
        if !metadata.tags.iter().any(|known| known == tag) {
            metadata.tags.push(tag.to_owned());
        }
    }
    Ok(metadata)
}

/// The items of a top-level list in `extra` (`None` for an item that is not a string).
fn strings<'m>(
    manifest: &'m ModuleManifest,
    key: &str,
) -> Result<Vec<Option<&'m str>>, ManifestError> {
    match manifest.extra.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items.iter().map(Value::as_str).collect()),
        Some(_) => Err(ManifestError::invalid(key, "must be a list of strings")),
    }
}

/// A value, or `{}` when there is none (the registry's default for the object fields).
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

    fn body(manifest: &Value) -> Result<Value, ManifestError> {
        let manifest: ModuleManifest = serde_json::from_value(manifest.clone()).unwrap();
        Ok(serde_json::to_value(RegistrationBody::new(&manifest)?).unwrap())
    }

    #[test]
    fn sends_only_the_registry_fields_with_defaults() {
        let body = body(&json!({
            "module_id": "echo_module",
            "name": "echo-module",
            "version": "1.0.0",
            "base_url": "http://127.0.0.1:9100/",
            "endpoints": {"echo": "/echo"},
        }))
        .unwrap();
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
    fn merges_the_manifest_variants() {
        let body = body(&json!({
            "name": "causal", "version": "1.0.0", "base_url": "http://causal:9001",
            "features": ["a"], "capabilities": ["a", "b"],
            "description": "top", "author": "team", "category": "analytics", "tags": ["x", "y"],
            "metadata": {"description": "kept", "tags": ["y"]},
            "health_check": {"endpoint": "/healthz", "interval": 30},
        }))
        .unwrap();
        assert_eq!(body["features"], json!(["a", "b"]));
        assert_eq!(body["health_endpoint"], "/healthz");
        assert_eq!(
            body["metadata"],
            json!({"description": "kept", "author": "team", "category": "analytics",
                   "tags": ["y", "x"]})
        );
    }

    #[test]
    fn refuses_mistyped_variants_naming_the_field() {
        let base = json!({"name": "m", "version": "1.0.0", "base_url": "http://m:1"});
        for (key, value, field) in [
            ("capabilities", json!([1]), "capabilities[0]"),
            ("capabilities", json!("a"), "capabilities"),
            ("tags", json!(["ok", false]), "tags[1]"),
            ("author", json!(3), "author"),
            (
                "health_check",
                json!({"endpoint": "health"}),
                "health_check.endpoint",
            ),
        ] {
            let mut manifest = base.clone();
            manifest[key] = value;
            assert_eq!(body(&manifest).unwrap_err().field(), Some(field), "{key}");
        }
    }

    #[test]
    fn refuses_a_manifest_without_base_url() {
        let err = body(&json!({"name": "causal", "version": "1.0.0"})).unwrap_err();
        assert_eq!(err.field(), Some("base_url"));
    }
}
