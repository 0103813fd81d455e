//! Registering the health endpoint with the observability service.

use lift_registry_client::{ManifestMetadata, ModuleManifest};
use url::Url;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer};

use super::*;
use crate::runtime::registration::{ObservabilityRegistration, register_with_observability};

fn manifest() -> ModuleManifest {
    let mut metadata = ManifestMetadata::default();
    metadata.description = Some("Echoes".to_owned());
    metadata.tags = vec!["demo".to_owned()];
    let mut manifest = ModuleManifest::new(NAME, "1.0.0");
    manifest.metadata = Some(metadata);
    manifest
}

async fn observability(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/services/register"))
        .and(query_param("token", "lift-module"))
        .and(body_json(json!({
            "service_name": NAME,
            "health_endpoint": "http://127.0.0.1:9100/health",
            "description": "Echoes",
            "tags": ["demo"],
        })))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    server
}

async fn register(
    server: &MockServer,
    manifest: &ModuleManifest,
) -> Result<ObservabilityRegistration, lift_sdk_core::Error> {
    let url: Url = server.uri().parse().unwrap();
    let health: Url = format!("{PUBLIC_URL}/health").parse().unwrap();
    register_with_observability(&http(), &url, manifest, &health).await
}

#[tokio::test]
async fn a_new_service_is_registered() {
    let server = observability(
        200,
        json!({"status": "registered", "service_name": NAME, "timestamp": "2026-12-01T04:10:31+00:00"}),
    )
    .await;

    let outcome = register(&server, &manifest()).await.unwrap();

    assert_eq!(outcome, ObservabilityRegistration::Registered);
}

#[tokio::test]
async fn a_409_means_already_registered() {
    let server = observability(409, json!({"detail": "Service already registered"})).await;

    let outcome = register(&server, &manifest()).await.unwrap();

    assert_eq!(outcome, ObservabilityRegistration::AlreadyRegistered);
}

#[tokio::test]
async fn other_refusals_are_errors_and_optional_fields_are_left_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/services/register"))
        .and(body_json(json!({
            "service_name": NAME,
            "health_endpoint": "http://127.0.0.1:9100/health",
        })))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"detail": []})))
        .expect(1)
        .mount(&server)
        .await;

    let err = register(&server, &ModuleManifest::new(NAME, "1.0.0"))
        .await
        .unwrap_err();

    assert_eq!(err.status().map(|status| status.as_u16()), Some(422));
}

#[tokio::test]
async fn a_url_with_a_path_keeps_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/observability/api/v1/services/register"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "registered"})))
        .expect(1)
        .mount(&server)
        .await;
    let url: Url = format!("{}/observability", server.uri()).parse().unwrap();
    let health: Url = format!("{PUBLIC_URL}/health").parse().unwrap();

    let outcome = register_with_observability(&http(), &url, &manifest(), &health).await;

    assert_eq!(outcome.unwrap(), ObservabilityRegistration::Registered);
}
