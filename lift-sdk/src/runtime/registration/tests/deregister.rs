//! Deregistration at shutdown.

use lift_registry_client::ModuleManifest;
use url::Url;
use wiremock::matchers::{header, method, path, path_regex};
use wiremock::{Mock, MockServer};

use super::*;
use crate::runtime::registration::{Registrar, RegistrationSettings};
use crate::runtime::state::{RegistrationState, RuntimeState};

async fn registered_module(registry: &MockServer) -> Running {
    registered_module_with(registry, RegistrationSettings::default()).await
}

async fn registered_module_with(registry: &MockServer, settings: RegistrationSettings) -> Running {
    mount_listing(registry, &[]).await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(registered("id-1"))
        .mount(registry)
        .await;
    let mut module = Running::start_with(&direct_config(&registry.uri()), settings);
    module.until(|state| state.module_id().is_some()).await;
    module.stop().await;
    module
}

#[tokio::test]
async fn deregistering_sends_one_delete() {
    let registry = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/modules/id-1"))
        .and(header("x-user-roles", "developer"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(&json!({"module_id": "id-1"}))),
        )
        .expect(1)
        .mount(&registry)
        .await;
    let module = registered_module(&registry).await;

    module.registrar.deregister(&module.state).await.unwrap();

    assert_eq!(module.state.registration(), RegistrationState::Deregistered);
    assert_eq!(requests(&registry, "DELETE").await, ["/modules/id-1"]);
}

#[tokio::test]
async fn deregistering_a_module_the_registry_forgot_counts_as_done() {
    let registry = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/modules/id-1"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Module not found"})),
        )
        .expect(1)
        .mount(&registry)
        .await;
    let module = registered_module(&registry).await;

    module.registrar.deregister(&module.state).await.unwrap();

    assert_eq!(module.state.registration(), RegistrationState::Deregistered);
}

#[tokio::test]
async fn deregistering_an_unregistered_module_sends_nothing() {
    let registry = MockServer::start().await;
    let config = direct_config(&registry.uri());
    let public: Url = PUBLIC_URL.parse().unwrap();
    let registrar = Registrar::new(
        client(&config),
        ModuleManifest::new(NAME, "1.0.0"),
        &public,
        RegistrationSettings::default(),
    )
    .unwrap();
    let state = RuntimeState::new(NAME, "1.0.0", true);

    registrar.deregister(&state).await.unwrap();

    assert!(registry.received_requests().await.unwrap().is_empty());
    assert!(matches!(
        state.registration(),
        RegistrationState::Pending { .. }
    ));
}

#[tokio::test]
async fn a_registration_cut_short_by_shutdown_is_removed_at_deregistration() {
    let registry = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/modules"))
        .respond_with(listing(&[]))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&registry)
        .await;
    // By deregistration time the registry has stored the record whose answer never came.
    mount_listing(
        &registry,
        &[
            record("orphan", NAME, &format!("{PUBLIC_URL}/")),
            record("replica", NAME, "http://127.0.0.1:9200/"),
        ],
    )
    .await;
    let (slow, mut posted) = notify(registered("orphan").set_delay(Duration::from_secs(60)));
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(slow)
        .mount(&registry)
        .await;
    Mock::given(method("DELETE"))
        .and(path_regex("^/modules/orphan$"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(&json!({"module_id": "orphan"}))),
        )
        .expect(1)
        .mount(&registry)
        .await;

    let mut module = Running::start(&direct_config(&registry.uri()));
    posted.recv().await.unwrap();
    module.stop().await;
    assert!(matches!(
        module.state.registration(),
        RegistrationState::Pending { .. }
    ));

    module.registrar.deregister(&module.state).await.unwrap();

    assert_eq!(module.state.registration(), RegistrationState::Deregistered);
    assert_eq!(requests(&registry, "DELETE").await, ["/modules/orphan"]);
}

#[tokio::test]
async fn deregistering_is_bounded_by_its_timeout() {
    let registry = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/modules/id-1"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .mount(&registry)
        .await;
    let settings = RegistrationSettings::default().deregister_timeout(Duration::from_millis(200));
    let module = registered_module_with(&registry, settings).await;

    let err = module
        .registrar
        .deregister(&module.state)
        .await
        .unwrap_err();

    assert!(err.is_timeout(), "{err}");
    assert!(err.to_string().contains("200ms"), "{err}");
    // It is not known whether the record is gone.
    assert_eq!(
        module.state.module_id(),
        Some(ModuleId::new("id-1").unwrap())
    );
}
