//! The `http.request` span: request id, route template, status, user id and module id, and
//! never the token.

use std::io;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use lift_auth::{JwtAuthLayer, TokenIssuer, TokenVerifier};
use lift_registry_client::ModuleId;

use super::Server;
use crate::runtime::http::RecordUserLayer;
use crate::runtime::state::{RegistrationState, RuntimeState};

const SECRET: &str = "lift-shared-secret-for-tests-0123456789abcdef";

/// Log lines written by the test's subscriber.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_span_names_route_status_user_and_module_never_the_token() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .finish();
    // The test's runtime is single-threaded: the server's tasks see this subscriber too.
    let _guard = tracing::subscriber::set_default(subscriber);
    let state = Arc::new(RuntimeState::new("m", "1.0.0", true));
    state.set_registration(RegistrationState::Registered {
        id: ModuleId::new("2f1c0d9e-module").unwrap(),
        registrations: 1,
    });
    let issuer = TokenIssuer::hs256(SECRET).unwrap();
    let token = issuer
        .issue(&issuer.claims("user-7", "org-1", "ana@example.com"))
        .unwrap();
    let routes = Router::new()
        .route("/api/v1/notes/{id}", get(|| async { "ok" }))
        .layer(RecordUserLayer)
        .layer(JwtAuthLayer::new(TokenVerifier::hs256(SECRET).unwrap()));
    let server = Server::start_with(routes, state).await;
    // Other tests, on other threads without a subscriber, may have cached "never" for the
    // runtime's callsites while this subscriber was being registered: tracing caches
    // callsite interest process-wide. Recompute it now that this subscriber is in place.
    tracing::callsite::rebuild_interest_cache();

    let response = server
        .get("/api/v1/notes/123")
        .bearer_auth(&token)
        .header("x-request-id", "span-req-1")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let line = logs
        .lines()
        .find(|line| line.contains("request finished"))
        .unwrap_or_else(|| panic!("no request log in {logs}"));
    for expected in [
        "http.request{",
        "request_id=span-req-1",
        "method=GET",
        "/api/v1/notes/{id}",
        "status=200",
        "user-7",
        "2f1c0d9e-module",
    ] {
        assert!(line.contains(expected), "{expected} missing from {line}");
    }
    assert!(!logs.contains(&token), "the token leaked into {logs}");
    assert!(
        !logs.contains("notes/123"),
        "the raw path leaked into {logs}"
    );
}

#[tokio::test]
async fn at_info_only_a_failed_answer_is_logged_with_its_request_id() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let state = Arc::new(RuntimeState::new("m", "1.0.0", false));
    let routes = Router::new().route("/ok", get(|| async { "ok" })).route(
        "/broken",
        get(|| async { (http::StatusCode::SERVICE_UNAVAILABLE, "down") }),
    );
    let server = Server::start_with(routes, state).await;
    tracing::callsite::rebuild_interest_cache();

    let ok = server.get("/ok").send().await.unwrap();
    let broken = server
        .get("/broken")
        .header("x-request-id", "req-broken-1")
        .send()
        .await
        .unwrap();

    assert_eq!((ok.status().as_u16(), broken.status().as_u16()), (200, 503));
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(!logs.contains("request finished"), "{logs}");
    let line = logs
        .lines()
        .find(|line| line.contains("request failed"))
        .unwrap_or_else(|| panic!("no failed request in {logs}"));
    for expected in ["WARN", "status=503", "request_id=req-broken-1"] {
        assert!(line.contains(expected), "{expected} missing from {line}");
    }
}
