//! `GET /`: the registry's self-description, in both routing modes.

use lift_testkit::openapi::{CheckedServer, Service};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{Mode, both_modes};

both_modes!(info_keeps_the_trailing_slash_and_decodes);

async fn info_keeps_the_trailing_slash_and_decodes(mode: Mode) {
    // Arrange
    let server = CheckedServer::start(Service::Registry).await;
    mode.mock("GET", "/")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true, "message": "Lift OS Core Registry Service",
            "data": {"version": "1.0.0", "registered_modules": 3, "docs": "/docs"},
            "errors": null, "metadata": null
        })))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let info = mode.client(&server.uri()).info().await.unwrap();

    // Assert
    assert_eq!(info.version.as_deref(), Some("1.0.0"));
    assert_eq!(info.registered_modules, Some(3));
    assert_eq!(info.docs.as_deref(), Some("/docs"));
}
