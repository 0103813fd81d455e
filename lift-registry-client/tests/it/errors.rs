//! Every recorded non-2xx registry answer becomes the right typed error.

use lift_registry_client::{Error, ListModules, ModuleId, RegistryClient, Unregistered};
use lift_sdk_core::{ErrorDetail, ErrorKind};
use lift_testkit::openapi::{CheckedServer, Service};
use lift_testkit::replay::Capture;
use wiremock::Mock;
use wiremock::matchers::any;

use crate::support::{Mode, capture, detail, manifest, serve};

/// Which client call produced a recorded exchange.
#[derive(Debug, Clone, Copy)]
enum Call {
    Register,
    List,
    Get,
    Unregister,
}

impl Call {
    async fn run(self, client: &RegistryClient) -> Error {
        let id = ModuleId::new("7c840860-4c75-40c1-b743-675f948a4201").unwrap();
        match self {
            Self::Register => client
                .register(&manifest(&capture("58")))
                .await
                .map(drop)
                .unwrap_err(),
            Self::List => client
                .list(&ListModules::new())
                .await
                .map(drop)
                .unwrap_err(),
            Self::Get => client.get(&id).await.map(drop).unwrap_err(),
            Self::Unregister => client.unregister(&id).await.map(drop).unwrap_err(),
        }
    }

    fn is_write(self) -> bool {
        matches!(self, Self::Register | Self::Unregister)
    }
}

/// The recorded error exchanges, the call that meets each, and the mode it was recorded in.
/// (`83`, unregistering a module already gone, is not an error: see
/// `unregistering_again_is_not_an_error`.)
const CASES: [(&str, Call, Mode); 11] = [
    ("57", Call::Register, Mode::Gateway),
    ("60", Call::Register, Mode::Gateway),
    ("61", Call::Register, Mode::Gateway),
    ("66", Call::List, Mode::Gateway),
    ("67", Call::List, Mode::Gateway),
    ("68", Call::List, Mode::Gateway),
    ("71", Call::Get, Mode::Gateway),
    ("78", Call::List, Mode::Direct),
    ("80", Call::Register, Mode::Direct),
    ("81", Call::Unregister, Mode::Gateway),
    ("84", Call::Get, Mode::Gateway),
];

async fn replay(exchange: &Capture, call: Call, mode: Mode) -> Error {
    let server = serve(exchange).await;
    call.run(&mode.client(&server.uri())).await
}

#[tokio::test]
async fn every_recorded_error_is_typed() {
    for (number, call, mode) in CASES {
        let exchange = capture(number);
        let err = replay(&exchange, call, mode).await;
        let status = exchange.response().status();
        let id = exchange.name();

        if status == 307 {
            assert_eq!(err.kind(), ErrorKind::Redirect, "{id}: {err}");
            assert_eq!(
                err.location(),
                Some("http://localhost:8005/modules"),
                "{id}"
            );
            continue;
        }
        assert_eq!(err.kind(), ErrorKind::Status, "{id}: {err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{id}");
        let api_error = err
            .api_error()
            .unwrap_or_else(|| panic!("{id}: no api error"));
        match (detail(&exchange), api_error.detail()) {
            (Some(recorded), ErrorDetail::Message(message)) => {
                assert_eq!(message, recorded, "{id}");
                assert!(err.to_string().contains(recorded), "{id}: {err}");
            }
            (None, ErrorDetail::Validation(items)) => {
                let recorded = &exchange.response().body().unwrap()["detail"];
                assert_eq!(items.len(), recorded.as_array().unwrap().len(), "{id}");
                assert_eq!(items[0].kind, recorded[0]["type"], "{id}");
            }
            (None, ErrorDetail::Text(text)) => {
                assert_eq!(text, exchange.response().body_raw(), "{id}");
            }
            (recorded, decoded) => panic!("{id}: recorded {recorded:?}, decoded {decoded:?}"),
        }
        if status == 403 && call.is_write() {
            assert!(
                err.to_string()
                    .contains("requires the admin or developer role"),
                "{id}: {err}"
            );
        }
    }
}

#[tokio::test]
async fn forbidden_register_names_the_missing_role() {
    let err = replay(&capture("57"), Call::Register, Mode::Gateway).await;

    assert!(err.is_forbidden());
    assert_eq!(err.hint(), Some("requires the admin or developer role"));
    assert_eq!(
        err.api_error().unwrap().message(),
        Some("Admin role required to register modules")
    );
    assert_eq!(
        err.correlation_id(),
        Some("aa82510c-e98c-4b79-9ebb-e266fdc8236a")
    );
}

#[tokio::test]
async fn forbidden_update_names_the_missing_role() {
    let server = CheckedServer::start(Service::Registry).await;
    Mock::given(any())
        .respond_with(
            wiremock::ResponseTemplate::new(403).set_body_json(
                serde_json::json!({"detail": "Admin role required to update modules"}),
            ),
        )
        .mount(&server)
        .await;

    let err = Mode::Direct
        .client(&server.uri())
        .update(
            &ModuleId::new("m-1").unwrap(),
            &lift_registry_client::ModuleUpdate::new().version("2.0.0"),
        )
        .await
        .unwrap_err();

    assert!(
        err.to_string()
            .contains("requires the admin or developer role"),
        "{err}"
    );
}

#[tokio::test]
async fn a_forbidden_read_has_no_role_hint() {
    let server = CheckedServer::start(Service::Registry).await;
    Mock::given(any())
        .respond_with(capture("57").response_template())
        .mount(&server)
        .await;

    let err = Mode::Gateway
        .client(&server.uri())
        .get(&ModuleId::new("m-1").unwrap())
        .await
        .unwrap_err();

    assert!(err.is_forbidden());
    assert_eq!(err.hint(), None);
}

#[tokio::test]
async fn not_found_is_reported_as_such() {
    let err = replay(&capture("71"), Call::Get, Mode::Gateway).await;

    assert!(err.is_not_found());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn unregistering_again_is_not_an_error() {
    // The recorded 404 `Module not found` of a second DELETE.
    let exchange = capture("83");
    let server = serve(&exchange).await;

    let outcome = Mode::Gateway
        .client(&server.uri())
        .unregister(&ModuleId::new("7c840860-4c75-40c1-b743-675f948a4201").unwrap())
        .await
        .unwrap();

    assert_eq!(exchange.response().status(), 404);
    assert_eq!(outcome, Unregistered::AlreadyGone);
}
