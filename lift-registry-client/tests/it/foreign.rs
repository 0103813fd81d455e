//! Issue 7 §4: records other clients stored, ids that escape their path segment, and
//! registration of every manifest variant (contract §7.4).

use std::error::Error as _;

use lift_registry_client::{ListModules, ManifestError, ModuleId, ModuleManifest, Unregistered};
use lift_sdk_core::ErrorKind;
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{MANIFESTS, Mode, manifest_path};

fn envelope(data: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "success": true, "message": "Success", "data": data, "errors": null, "metadata": null
    }))
}

/// One good record and the foreign ones of issue 7 §4, each of which used to fail the page.
fn mixed_page() -> Value {
    let good = json!({
        "id": "good", "name": "analytics", "version": "1.0.0",
        "base_url": "http://analytics:9100/", "features": ["reports"],
        "metadata": {"tags": ["a"]}, "created_at": "2026-11-23T07:26:12",
    });
    let items = json!([
        good,
        {"id": "tags-null", "name": "analytics", "metadata": {"tags": null},
         "created_at": "2026-11-23T07:26:13"},
        {"id": "tags-text", "name": "analytics", "metadata": {"tags": "analytics"},
         "created_at": "2026-11-23T07:26:14"},
        {"id": "read-yes", "name": "other", "memory_requirements": {"read_access": "yes"}},
        {"id": "ui-perm", "name": "other", "ui_components": [{"name": "D", "path": "/d",
         "permissions": "x"}]},
        {"id": "many", "name": "other", "features": null, "permissions": "all",
         "status": 5, "memory_requirements": "none", "health": "ok", "created_at": "soon",
         "ui_components": "dashboard", "metadata": ["m"]},
        {"name": "no id at all"},
    ]);
    json!({"items": items, "total": 7, "page": 1, "size": 100, "pages": 1,
           "has_next": false, "has_prev": false})
}

async fn registry_with(page: &Value) -> MockServer {
    let server = MockServer::start().await;
    Mode::Gateway
        .mock("GET", "/modules")
        .respond_with(envelope(page))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn foreign_records_never_fail_a_page() {
    let server = registry_with(&mixed_page()).await;
    let client = Mode::Gateway.client(&server.uri());

    let page = client.list(&ListModules::new()).await.unwrap();
    let all = client.list_all(&ListModules::new()).await.unwrap();
    let newest = client.find_by_name("analytics").await.unwrap();
    let nobody = client.find_by_name("nobody").await.unwrap();

    let ids: Vec<&str> = page.items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "good",
            "tags-null",
            "tags-text",
            "read-yes",
            "ui-perm",
            "many"
        ]
    );
    assert_eq!(page.skipped, [json!({"name": "no id at all"})]);
    assert_eq!(all.len(), 6);
    assert_eq!(newest.unwrap().id, "tags-text");
    assert!(nobody.is_none());

    // Typed where the shape fits, default where null, raw where another type.
    let [good, tags_null, tags_text, read_yes, ui_perm, many] = &page.items[..] else {
        panic!("six records")
    };
    assert_eq!(good.features, ["reports"]);
    assert_eq!(good.metadata.tags, ["a"]);
    assert!(tags_null.metadata.tags.is_empty() && tags_null.metadata.extra.is_empty());
    assert!(tags_text.metadata.tags.is_empty());
    assert_eq!(tags_text.metadata.extra["tags"], "analytics");
    assert!(!read_yes.memory_requirements.read_access);
    assert_eq!(read_yes.memory_requirements.extra["read_access"], "yes");
    assert!(ui_perm.ui_components[0].permissions.is_empty());
    assert_eq!(ui_perm.ui_components[0].extra["permissions"], "x");
    assert_eq!(ui_perm.ui_components[0].path, "/d");
    assert!(many.features.is_empty() && many.permissions.is_empty());
    assert_eq!(many.status.as_str(), "5");
    for (key, raw) in [
        ("permissions", json!("all")),
        ("memory_requirements", json!("none")),
        ("health", json!("ok")),
        ("created_at", json!("soon")),
        ("ui_components", json!("dashboard")),
        ("metadata", json!(["m"])),
    ] {
        assert_eq!(many.mistyped[key], raw, "{key}");
    }
    assert!(
        !many.mistyped.contains_key("features"),
        "null is a default, not raw"
    );
}

#[tokio::test]
async fn an_id_that_escapes_its_segment_is_refused_before_sending() {
    // Arrange: a registry whose listing carries a hostile id; no other route may be hit.
    let server = MockServer::start().await;
    Mode::Gateway
        .mock("GET", "/modules")
        .respond_with(envelope(
            &json!({"items": [{"id": "../health", "name": "evil"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .named("any other request")
        .mount(&server)
        .await;
    let client = Mode::Gateway.client(&server.uri());

    // Act
    let built = ModuleId::new("../health");
    let sent = client.find_by_name("evil").await.unwrap().unwrap().id;
    let errors = [
        client.get(&sent).await.map(drop).unwrap_err(),
        client.module_health(&sent).await.map(drop).unwrap_err(),
        client.unregister(&sent).await.map(drop).unwrap_err(),
        client.is_registered(&sent).await.map(drop).unwrap_err(),
    ];

    // Assert
    assert_eq!(built.unwrap_err().kind(), ErrorKind::InvalidInput);
    assert_eq!(sent, "../health", "an id a server sent is kept as sent");
    for err in errors {
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            err.to_string(),
            "invalid input: module id `../health` contains `/`"
        );
    }
    for bad in ["a\\b", "a?b", "a#b", "a\u{7}b", ".", "..", ""] {
        assert!(ModuleId::new(bad).is_err(), "{bad:?}");
        assert!(bad.parse::<ModuleId>().is_err() && ModuleId::try_from(bad).is_err());
    }
}

/// What contract §7.4 says a manifest registers with, computed from the raw file.
fn expected_body(raw: &Value) -> Value {
    let strings = |value: Option<&Value>| -> Vec<Value> {
        value.and_then(Value::as_array).cloned().unwrap_or_default()
    };
    let mut features = strings(raw.get("features"));
    for capability in strings(raw.get("capabilities")) {
        if !features.contains(&capability) {
            features.push(capability);
        }
    }
    let mut metadata = raw.get("metadata").cloned().unwrap_or_else(|| json!({}));
    for key in ["description", "author", "category"] {
        if let (None, Some(value)) = (metadata.get(key), raw.get(key)) {
            metadata[key] = value.clone();
        }
    }
    let mut tags = strings(metadata.get("tags"));
    for tag in strings(raw.get("tags")) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if !tags.is_empty() {
        metadata["tags"] = Value::Array(tags);
    }
    let health = raw
        .get("health_endpoint")
        .or_else(|| raw.pointer("/health_check/endpoint"))
        .cloned()
        .unwrap_or_else(|| json!("/health"));
    json!({
        "name": raw["name"],
        "version": raw["version"],
        "base_url": raw.get("base_url").cloned().unwrap_or_else(|| json!("http://module:9000")),
        "health_endpoint": health,
        "api_prefix": raw.get("api_prefix").cloned().unwrap_or_else(|| json!("/api/v1")),
        "features": features,
        "permissions": raw.get("permissions").cloned().unwrap_or_else(|| json!([])),
        "memory_requirements": raw.get("memory_requirements").cloned().unwrap_or_else(|| json!({})),
        "ui_components": raw.get("ui_components").cloned().unwrap_or_else(|| json!([])),
        "metadata": metadata,
    })
}

#[tokio::test]
async fn every_reference_manifest_registers_with_its_features() {
    for name in MANIFESTS {
        // Arrange: the registry accepts exactly the merged body.
        let raw: Value =
            serde_json::from_str(&std::fs::read_to_string(manifest_path(name)).unwrap()).unwrap();
        let expected = expected_body(&raw);
        let server = MockServer::start().await;
        Mode::Gateway
            .mock("POST", "/modules")
            .and(body_json(&expected))
            .respond_with(envelope(&json!({
                "module_id": "m-1", "module": {"id": "m-1", "name": raw["name"]},
                "health": {"status": "healthy"}
            })))
            .expect(1)
            .mount(&server)
            .await;
        let mut manifest = ModuleManifest::from_path(manifest_path(name)).unwrap();
        manifest
            .base_url
            .get_or_insert_with(|| "http://module:9000".to_owned());

        // Act
        let registered = Mode::Gateway
            .client(&server.uri())
            .register(&manifest)
            .await
            .unwrap_or_else(|err| panic!("{name}: {err}"));

        // Assert: the registry saw the merged body; every manifest that declares features
        // or capabilities registers with them (lift-eval declares neither).
        assert_eq!(registered.module_id, "m-1");
        let declares = raw.get("features").is_some() || raw.get("capabilities").is_some();
        assert_eq!(
            !expected["features"].as_array().unwrap().is_empty(),
            declares,
            "{name}"
        );
        server.verify().await;
    }
    // Spot checks of the merge, independent of `expected_body`.
    let causal = expected_body(
        &serde_json::from_str(&std::fs::read_to_string(manifest_path("causal")).unwrap()).unwrap(),
    );
    assert_eq!(causal["features"][0], "marketing_attribution");
    assert_eq!(causal["metadata"]["author"], "LiftOS Team");
}

#[tokio::test]
async fn register_keeps_the_manifest_error_as_its_source() {
    let server = MockServer::start().await;
    let manifest: ModuleManifest = serde_json::from_value(json!({
        "name": "m", "version": "1.0.0", "base_url": "http://m:1",
        "memory_requirements": {"read_access": "yes"}
    }))
    .unwrap();

    let err = Mode::Gateway
        .client(&server.uri())
        .register(&manifest)
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let source = err
        .source()
        .unwrap()
        .downcast_ref::<ManifestError>()
        .unwrap();
    assert_eq!(source.field(), Some("memory_requirements.read_access"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn unregistering_a_module_already_gone_says_so() {
    let server = MockServer::start().await;
    Mode::Gateway
        .mock("DELETE", "/modules/m-1")
        .respond_with(envelope(&json!({"module_id": "m-1"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    for verb in ["DELETE", "GET"] {
        Mode::Gateway
            .mock(verb, "/modules/m-1")
            .respond_with(
                ResponseTemplate::new(404).set_body_json(json!({"detail": "Module not found"})),
            )
            .mount(&server)
            .await;
    }
    let client = Mode::Gateway.client(&server.uri());
    let id = ModuleId::new("m-1").unwrap();

    let first = client.unregister(&id).await.unwrap();
    let again = client.unregister(&id).await.unwrap();
    let registered = client.is_registered(&id).await.unwrap();

    assert_eq!(first, Unregistered::Removed(id.clone()));
    assert!(first.was_removed());
    assert_eq!(again, Unregistered::AlreadyGone);
    assert!(!registered);
}

#[tokio::test]
async fn is_registered_is_true_for_a_known_module() {
    let server = MockServer::start().await;
    Mode::Direct
        .mock("GET", "/modules/m-1")
        .respond_with(envelope(&json!({"id": "m-1", "name": "m"})))
        .expect(1)
        .mount(&server)
        .await;

    let known = Mode::Direct
        .client(&server.uri())
        .is_registered(&ModuleId::new("m-1").unwrap())
        .await
        .unwrap();

    assert!(known);
}
