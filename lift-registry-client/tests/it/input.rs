//! Bad input never reaches the network, and the gateway never sees user-context headers.

use lift_testkit::openapi::{CheckedServer, Service};
use std::sync::Arc;

use lift_registry_client::{
    ListModules, ModuleId, ModuleManifest, ModuleStatus, ModuleUpdate, RegistryClient,
};
use lift_sdk_core::ErrorKind;
use wiremock::matchers::{any, body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{
    Mode, NoUserContext, TOKEN, TokenAndContext, capture, fast_retries, manifest, manifest_path,
    user_context,
};

/// A server that fails the test (on drop) if it receives anything.
async fn silent_server() -> CheckedServer {
    let server = CheckedServer::start(Service::Registry).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn an_invalid_manifest_is_refused_before_sending() {
    let server = silent_server().await;
    let client = Mode::Gateway.client(&server.uri());
    let mut manifest = manifest(&capture("58"));
    manifest.version = "1.0".to_owned();

    let err = client.register(&manifest).await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("`version`"), "{err}");
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn a_manifest_without_base_url_is_refused_before_sending() {
    let server = silent_server().await;
    let client = Mode::Direct.client(&server.uri());
    let manifest = ModuleManifest::from_path(manifest_path("causal")).unwrap();

    let err = client.register(&manifest).await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("`base_url`"), "{err}");
}

#[tokio::test]
async fn blank_ids_and_names_are_refused_before_sending() {
    let server = silent_server().await;
    let client = Mode::Gateway.client(&server.uri());
    // Blank ids cannot be built; the ones a server sends are kept as sent, and refused here.
    assert!(ModuleId::new("").is_err() && ModuleId::new(" ").is_err());
    let blank: ModuleId = serde_json::from_value(serde_json::json!("")).unwrap();
    let spaces: ModuleId = serde_json::from_value(serde_json::json!(" ")).unwrap();

    let errors = [
        client.get(&blank).await.map(drop).unwrap_err(),
        client.module_health(&blank).await.map(drop).unwrap_err(),
        client.unregister(&spaces).await.map(drop).unwrap_err(),
        client
            .update(&blank, &ModuleUpdate::new().version("1.0.1"))
            .await
            .map(drop)
            .unwrap_err(),
        client.find_by_name("").await.map(drop).unwrap_err(),
    ];

    for err in errors {
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }
}

#[tokio::test]
async fn out_of_range_listing_parameters_are_refused_before_sending() {
    let server = silent_server().await;
    let client = Mode::Gateway.client(&server.uri());

    for params in [
        ListModules::new().page(0),
        ListModules::new().size(0),
        ListModules::new().size(101),
        ListModules::new().status(ModuleStatus::Other("bogus".into())),
    ] {
        let err = client.list(&params).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{params:?}");
    }
}

#[tokio::test]
async fn an_invalid_update_is_refused_before_sending() {
    let server = silent_server().await;
    let client = Mode::Gateway.client(&server.uri());
    let id = ModuleId::new("m-1").unwrap();

    for (update, field) in [
        (ModuleUpdate::new().version("v2"), "version"),
        (ModuleUpdate::new().base_url("analytics:9100"), "base_url"),
        (
            ModuleUpdate::new().health_endpoint("health"),
            "health_endpoint",
        ),
        (ModuleUpdate::new().permissions(["READ"]), "permissions[0]"),
        (
            ModuleUpdate::new().status(ModuleStatus::Other("gone".into())),
            "status",
        ),
    ] {
        let err = client.update(&id, &update).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{field}");
        assert!(err.to_string().contains(&format!("`{field}`")), "{err}");
    }
}

#[tokio::test]
async fn an_update_sends_base_url_without_trailing_slash() {
    let server = CheckedServer::start(Service::Registry).await;
    Mode::Gateway
        .mock("PUT", "/modules/m-1")
        .and(body_json(
            serde_json::json!({"base_url": "http://analytics:9200"}),
        ))
        .respond_with(capture("74").response_template())
        .expect(1)
        .mount(&server)
        .await;

    Mode::Gateway
        .client(&server.uri())
        .update(
            &ModuleId::new("m-1").unwrap(),
            &ModuleUpdate::new().base_url("http://analytics:9200/"),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn ids_are_one_percent_encoded_segment() {
    let server = CheckedServer::start(Service::Registry).await;
    Mock::given(method("GET"))
        .and(path("/registry/modules/a%25b%20c"))
        .respond_with(capture("70").response_template())
        .expect(1)
        .mount(&server)
        .await;

    Mode::Gateway
        .client(&server.uri())
        .get(&ModuleId::new("a%b c").unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_gateway_never_receives_user_context_headers() {
    // Arrange: a provider that (wrongly) adds X-User-* next to the token.
    let server = CheckedServer::start(Service::Registry).await;
    Mode::Gateway
        .mock("GET", "/health-summary")
        .and(NoUserContext)
        .respond_with(capture("73").response_template())
        .expect(2)
        .mount(&server)
        .await;
    let client = RegistryClient::builder()
        .gateway_url(server.uri())
        .auth(Arc::new(TokenAndContext))
        .retry_policy(fast_retries())
        .build()
        .unwrap();

    // Act
    client.health_summary().await.unwrap();
    // The same holds for a copy with other credentials.
    client
        .for_provider(Arc::new(TokenAndContext))
        .health_summary()
        .await
        .unwrap();

    // Assert
    for request in server.received_requests().await.unwrap() {
        assert_eq!(request.headers["authorization"], format!("Bearer {TOKEN}"));
    }
}

#[tokio::test]
async fn new_uses_the_transport_as_given() {
    let server = CheckedServer::start(Service::Registry).await;
    Mode::Gateway
        .mock("GET", "/health-summary")
        .respond_with(capture("73").response_template())
        .expect(1)
        .mount(&server)
        .await;
    let transport = lift_sdk_core::Transport::builder(format!("{}/registry/", server.uri()))
        .auth(Arc::new(lift_auth::StaticToken::new(TOKEN)))
        .build()
        .unwrap();

    RegistryClient::new(transport)
        .health_summary()
        .await
        .unwrap();
}

#[tokio::test]
async fn through_gateway_strips_what_the_transport_provider_adds() {
    let server = CheckedServer::start(Service::Registry).await;
    Mode::Gateway
        .mock("GET", "/health-summary")
        .respond_with(capture("73").response_template())
        .expect(1)
        .mount(&server)
        .await;
    let transport = lift_sdk_core::Transport::builder(format!("{}/registry", server.uri()))
        .auth(Arc::new(TokenAndContext))
        .build()
        .unwrap();

    RegistryClient::through_gateway(transport)
        .health_summary()
        .await
        .unwrap();
}

#[tokio::test]
async fn for_token_and_for_context_pick_the_credentials() {
    let server = CheckedServer::start(Service::Registry).await;
    Mode::Gateway
        .mock("GET", "/health-summary")
        .respond_with(capture("73").response_template())
        .expect(1)
        .mount(&server)
        .await;
    Mode::Direct
        .mock("GET", "/health-summary")
        .respond_with(capture("73").response_template())
        .expect(1)
        .mount(&server)
        .await;
    let via_gateway = RegistryClient::builder()
        .gateway_url(server.uri())
        .build()
        .unwrap()
        .for_token(TOKEN);
    let direct = RegistryClient::builder()
        .service_url(server.uri())
        .build()
        .unwrap()
        .for_context(&user_context());

    via_gateway.health_summary().await.unwrap();
    direct.health_summary().await.unwrap();
}

#[test]
fn the_builder_needs_exactly_one_routing_mode() {
    let neither = RegistryClient::builder().build().unwrap_err();
    let both = RegistryClient::builder()
        .gateway_url("http://localhost:8000")
        .service_url("http://localhost:8005")
        .build()
        .unwrap_err();
    let bad_url = RegistryClient::builder()
        .service_url("localhost:8005")
        .build()
        .unwrap_err();

    for err in [neither, both, bad_url] {
        assert_eq!(err.kind(), ErrorKind::Builder, "{err}");
    }
}

#[test]
fn the_gateway_mode_targets_the_registry_prefix() {
    let client = RegistryClient::builder()
        .gateway_url("http://localhost:8000/")
        .build()
        .unwrap();
    assert_eq!(
        client.transport().base_url().as_str(),
        "http://localhost:8000/registry"
    );
    assert!(client.is_through_gateway());
    let direct = RegistryClient::builder()
        .service_url("http://registry:8005")
        .build()
        .unwrap();
    assert!(!direct.is_through_gateway());
}

#[tokio::test]
async fn reads_are_retried_but_registration_is_not() {
    let server = CheckedServer::start(Service::Registry).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(capture("73").response_template())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = Mode::Gateway.client(&server.uri());

    let summary = client.health_summary().await.unwrap();
    let err = client
        .register(&manifest(&capture("58")))
        .await
        .unwrap_err();

    assert_eq!(summary.total_modules, 3);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.attempts(), 1);
}
