//! The seven reference `module.json` files, validation, and the builder.

use lift_registry_client::{
    ManifestErrorKind, ManifestMetadata, MemoryRequirements, ModuleManifest, SearchType,
    UiComponent, UiComponentKind,
};
use serde_json::{Value, json};

use crate::support::{MANIFESTS, manifest_path};

fn raw(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(manifest_path(name)).unwrap()).unwrap()
}

#[test]
fn every_reference_manifest_round_trips_without_losing_a_field() {
    for name in MANIFESTS {
        let before = raw(name);

        let manifest = ModuleManifest::from_path(manifest_path(name)).unwrap();
        let after = serde_json::to_value(&manifest).unwrap();

        assert_eq!(after, before, "{name}");
        // And a second trip is stable.
        let again: ModuleManifest = serde_json::from_value(after).unwrap();
        assert_eq!(again, manifest, "{name}");
    }
}

#[test]
fn every_reference_manifest_is_valid() {
    for name in MANIFESTS {
        let manifest = ModuleManifest::from_path(manifest_path(name)).unwrap();
        manifest
            .validate()
            .unwrap_or_else(|err| panic!("{name}: {err}"));
    }
}

#[test]
fn three_reference_manifests_need_a_base_url_to_register() {
    for name in MANIFESTS {
        let manifest = ModuleManifest::from_path(manifest_path(name)).unwrap();
        let result = manifest.validate_for_registration();
        if ["causal", "llm", "lift-eval"].contains(&name) {
            let err = result.unwrap_err();
            assert_eq!(err.field(), Some("base_url"), "{name}");
            assert!(err.to_string().contains("`base_url`"), "{name}: {err}");
        } else {
            result.unwrap_or_else(|err| panic!("{name}: {err}"));
        }
    }
}

#[test]
fn typed_fields_are_read() {
    let template = ModuleManifest::from_path(manifest_path("_template")).unwrap();
    assert_eq!(template.declared_id(), Some("template_module"));
    assert_eq!(template.base_url.as_deref(), Some("http://localhost:9000"));
    let memory = template.memory_requirements.as_ref().unwrap();
    assert_eq!(
        memory.search_types,
        [
            SearchType::Hybrid,
            SearchType::Neural,
            SearchType::Conceptual
        ]
    );
    assert_eq!(template.ui_components[0].permissions, ["template:read"]);
    assert_eq!(template.metadata.as_ref().unwrap().tags.len(), 3);

    let llm = ModuleManifest::from_path(manifest_path("llm")).unwrap();
    assert_eq!(llm.declared_id(), Some("llm"));
    assert_eq!(llm.health_endpoint(), "/health");
    assert_eq!(llm.api_prefix(), "/api/v1");
    assert!(llm.extra.contains_key("prompt_templates"));
    assert!(llm.extra["endpoints"].is_object());

    let eval = ModuleManifest::from_path(manifest_path("lift-eval")).unwrap();
    assert_eq!(eval.declared_id(), None);
    assert_eq!(eval.ui_components[1].kind, Some(UiComponentKind::Widget));
    assert!(eval.extra["endpoints"].is_array());
}

/// A valid manifest with one field replaced.
fn with(field: &str, value: Value) -> ModuleManifest {
    let mut manifest = raw("_template");
    manifest[field] = value;
    serde_json::from_value(manifest).unwrap()
}

#[test]
fn invalid_manifests_name_the_field() {
    let cases = [
        (with("version", json!("1.0")), "version"),
        (with("version", json!("latest")), "version"),
        (with("name", json!("  ")), "name"),
        (with("base_url", json!("localhost:9000")), "base_url"),
        (with("base_url", json!("ftp://files:21")), "base_url"),
        (with("health_endpoint", json!("health")), "health_endpoint"),
        (with("api_prefix", json!("api/v1")), "api_prefix"),
        (
            with("permissions", json!(["memory:read", "Memory Write"])),
            "permissions[1]",
        ),
        (with("permissions", json!(["memory"])), "permissions[0]"),
        (
            with(
                "memory_requirements",
                json!({"read_access": true, "write_access": false,
                       "search_types": ["hybrid", "semantic"], "memory_types": []}),
            ),
            "memory_requirements.search_types[1]",
        ),
        (
            with(
                "ui_components",
                json!([{"name": "D", "path": "/d", "permissions": ["x"]}]),
            ),
            "ui_components[0].permissions[0]",
        ),
        (
            with("ui_components", json!([{"name": "D", "path": "dashboard"}])),
            "ui_components[0].path",
        ),
    ];
    for (manifest, field) in cases {
        let err = manifest.validate().unwrap_err();
        assert_eq!(err.kind(), ManifestErrorKind::Invalid, "{field}");
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(err.to_string().contains(&format!("`{field}`")), "{err}");
    }
}

#[test]
fn a_trailing_slash_on_base_url_is_valid() {
    with("base_url", json!("http://localhost:9000/"))
        .validate_for_registration()
        .unwrap();
}

#[test]
fn unreadable_and_malformed_files_are_reported() {
    let err = ModuleManifest::from_path("/no/such/module.json").unwrap_err();
    assert_eq!(err.kind(), ManifestErrorKind::Read);
    assert!(err.to_string().contains("/no/such/module.json"), "{err}");

    let err = "{\"name\": ".parse::<ModuleManifest>().unwrap_err();
    assert_eq!(err.kind(), ManifestErrorKind::Parse);
    assert!(std::error::Error::source(&err).is_some());

    let err = r#"{"name": "x", "features": "one"}"#.parse::<ModuleManifest>().unwrap_err();
    assert_eq!(err.kind(), ManifestErrorKind::Parse);
}

#[test]
fn the_builder_makes_a_valid_manifest_and_refuses_an_invalid_one() {
    let manifest = ModuleManifest::builder("Analytics", "1.2.0")
        .module_id("analytics")
        .base_url("http://analytics:9100/")
        .health_endpoint("/healthz")
        .api_prefix("/api/v2")
        .feature("reports")
        .permission("analytics:read")
        .memory_requirements(
            MemoryRequirements::new(true, true)
                .search_type(SearchType::Knowledge)
                .memory_type("general"),
        )
        .ui_component(
            UiComponent::new("Reports", "/reports")
                .permission("analytics:read")
                .kind(UiComponentKind::Page)
                .description("All reports"),
        )
        .metadata(ManifestMetadata::new().author("Lift Team").tag("analytics"))
        .extra("capabilities", json!(["reporting"]))
        .build()
        .unwrap();

    let written = serde_json::to_value(&manifest).unwrap();
    assert_eq!(written["module_id"], "analytics");
    assert_eq!(written["ui_components"][0]["type"], "page");
    assert_eq!(written["capabilities"], json!(["reporting"]));
    assert_eq!(manifest.health_endpoint(), "/healthz");

    let err = ModuleManifest::builder("Analytics", "one")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), Some("version"));
}

#[test]
fn the_manifest_search_type_is_the_core_one() {
    // One `SearchType` across the clients: the memory client re-exports the same type.
    let declared: lift_sdk_core::SearchType = SearchType::Knowledge;
    let requirements = MemoryRequirements::new(true, false).search_type(declared);
    assert_eq!(
        requirements.search_types,
        [lift_sdk_core::SearchType::Knowledge]
    );
}
