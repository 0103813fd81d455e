//! Decoding tolerates what the reference and its variants send: unknown and missing fields,
//! four timestamp formats, unknown enum values, empty `data`.

use lift_registry_client::{
    HealthSummary, ListModules, ModuleHealth, ModuleId, ModuleRecord, ModuleStatus,
};
use lift_sdk_core::{ErrorKind, Timestamp};
use lift_testkit::openapi::{CheckedServer, Service};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::support::Mode;

fn envelope(data: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "success": true, "message": "Success", "data": data, "errors": null, "metadata": null
    }))
}

#[test]
fn a_minimal_record_decodes_with_defaults() {
    let record: ModuleRecord = serde_json::from_value(json!({"id": "m-1"})).unwrap();

    assert_eq!(record.id, "m-1");
    assert_eq!(record.status, ModuleStatus::Active);
    assert_eq!(record.health_endpoint, "/health");
    assert_eq!(record.api_prefix, "/api/v1");
    assert!(record.features.is_empty() && record.ui_components.is_empty());
    assert_eq!(record.created_at, None);
    assert_eq!(record.health, None);
}

#[test]
fn unknown_fields_and_values_are_tolerated() {
    let record: ModuleRecord = serde_json::from_value(json!({
        "id": "m-1",
        "name": "x",
        "status": "draining",
        "owner_team": "data",
        "memory_requirements": {"read_access": true, "quota_mb": 512},
        "ui_components": [{"name": "D", "path": "/d", "type": "modal", "icon": "chart"}],
        "metadata": {"author": "a", "stars": 5},
        "health": {"status": "degraded", "probe": "v2"},
    }))
    .unwrap();

    assert_eq!(record.status, ModuleStatus::Other("draining".into()));
    assert_eq!(record.memory_requirements.extra["quota_mb"], 512);
    assert_eq!(record.ui_components[0].extra["icon"], "chart");
    assert_eq!(record.metadata.extra["stars"], 5);
    assert_eq!(
        record.health.unwrap().status,
        ModuleHealth::Other("degraded".into())
    );
}

#[test]
fn all_four_timestamp_formats_are_read() {
    let expected: Timestamp = "2024-01-02T03:04:05Z".parse().unwrap();
    for created_at in [
        json!("2024-01-02T03:04:05"),
        json!("2024-01-02T03:04:05+00:00"),
        json!("2024-01-02T03:04:05Z"),
        json!(1_704_164_645),
        json!(1_704_164_645.0),
    ] {
        let record: ModuleRecord = serde_json::from_value(
            json!({"id": "m", "created_at": created_at, "updated_at": null}),
        )
        .unwrap();
        assert_eq!(record.created_at, Some(expected), "{created_at}");
        assert_eq!(record.updated_at, None);
    }
}

#[test]
fn an_empty_summary_decodes() {
    let summary: HealthSummary = serde_json::from_value(json!({})).unwrap();
    assert_eq!(summary.total_modules, 0);
    assert!(summary.modules.is_empty());
}

#[tokio::test]
async fn empty_data_is_handled() {
    let server = CheckedServer::start(Service::Registry).await;
    let mode = Mode::Gateway;
    mode.mock("GET", "/modules")
        .respond_with(envelope(&json!({})))
        .mount(&server)
        .await;
    mode.mock("DELETE", "/modules/m-1")
        .respond_with(envelope(&Value::Null))
        .mount(&server)
        .await;
    mode.mock("GET", "/modules/m-1")
        .respond_with(envelope(&Value::Null))
        .mount(&server)
        .await;
    let client = mode.client(&server.uri());

    let page = client.list(&ListModules::new()).await.unwrap();
    let gone = client
        .unregister(&ModuleId::new("m-1").unwrap())
        .await
        .unwrap();
    let missing = client
        .get(&ModuleId::new("m-1").unwrap())
        .await
        .unwrap_err();

    assert!(page.items.is_empty());
    assert_eq!(page.next_page(), None);
    assert_eq!(
        gone,
        lift_registry_client::Unregistered::Removed(ModuleId::new("m-1").unwrap())
    );
    assert_eq!(missing.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn a_bare_envelope_without_metadata_decodes() {
    // Module copies of the envelope have no `metadata` key.
    let server = CheckedServer::start(Service::Registry).await;
    Mode::Direct
        .mock("GET", "/modules/m-1/health")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": {"module_id": "m-1", "health": {"status": "unhealthy", "error": "HTTP 503",
                      "last_check": "2026-11-23T08:10:33.132758"}},
        })))
        .mount(&server)
        .await;

    let report = Mode::Direct
        .client(&server.uri())
        .module_health(&ModuleId::new("m-1").unwrap())
        .await
        .unwrap();

    assert_eq!(report.health.status, ModuleHealth::Unhealthy);
    assert_eq!(report.health.error.as_deref(), Some("HTTP 503"));
    assert_eq!(report.health.response_time, None);
}

#[tokio::test]
async fn a_mistyped_field_is_kept_raw_and_a_record_without_id_is_a_decode_error() {
    let server = CheckedServer::start(Service::Registry).await;
    Mode::Gateway
        .mock("GET", "/modules")
        .respond_with(envelope(
            &json!({"items": [{"id": "m", "features": "not-a-list"}]}),
        ))
        .mount(&server)
        .await;
    Mode::Gateway
        .mock("GET", "/modules/m")
        .respond_with(envelope(&json!({"id": ["m"], "name": "x"})))
        .mount(&server)
        .await;
    let client = Mode::Gateway.client(&server.uri());

    let page = client.list(&ListModules::new()).await.unwrap();
    let err = client.get(&ModuleId::new("m").unwrap()).await.unwrap_err();

    assert!(page.items[0].features.is_empty());
    assert_eq!(page.items[0].mistyped["features"], "not-a-list");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("`data`"), "{err}");
}
