//! The call observer: one event per logical call, after its retries.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lift_sdk_core::http::{Method, StatusCode};
use lift_sdk_core::{
    CallObserver, CallOutcome, CircuitBreaker, ErrorKind, ServiceClient, ServiceClientBuilder,
    Transport,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, fast_retries};

/// What the observer kept of one event (the event itself borrows from the call).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    service: String,
    method: Method,
    path: String,
    status: Option<StatusCode>,
    error_kind: Option<ErrorKind>,
    attempts: u32,
    success: bool,
}

#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<Seen>>);

impl CallObserver for Recorder {
    fn call_finished(&self, call: &CallOutcome<'_>) {
        self.0.lock().unwrap().push(Seen {
            service: call.service.to_owned(),
            method: call.method.clone(),
            path: call.path.to_owned(),
            status: call.status,
            error_kind: call.error_kind,
            attempts: call.attempts,
            success: call.is_success(),
        });
    }
}

impl Recorder {
    fn seen(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn the_observer_sees_each_call_once_with_its_outcome_and_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/context/stats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"n": 1})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/context/stats"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"detail": "Service memory unavailable"})),
        )
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let memory = builder(&server.uri())
        .service("memory")
        .observer(recorder.clone())
        .build()
        .unwrap();

    memory.get("/context/stats").send().await.unwrap();
    let error = memory.get("/context/stats").send().await.unwrap_err();

    assert_eq!(error.attempts(), 3);
    let ok = Seen {
        service: "memory".to_owned(),
        method: Method::GET,
        path: "/context/stats".to_owned(),
        status: Some(StatusCode::OK),
        error_kind: None,
        attempts: 1,
        success: true,
    };
    let failed = Seen {
        status: Some(StatusCode::SERVICE_UNAVAILABLE),
        error_kind: Some(ErrorKind::Status),
        attempts: 3,
        success: false,
        ..ok.clone()
    };
    assert_eq!(recorder.seen(), [ok, failed]);
}

#[tokio::test]
async fn copies_with_other_credentials_share_the_observer_and_refusals_count_no_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("Internal Server Error"))
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let transport = builder(&server.uri())
        .retry_policy(fast_retries(1))
        .circuit_breaker(CircuitBreaker::new(1, Duration::from_secs(60)))
        .observer(recorder.clone())
        .build()
        .unwrap()
        .without_auth();

    transport.post("/store").send().await.unwrap_err();
    let refused = transport.post("/store").send().await.unwrap_err();

    assert_eq!(refused.kind(), ErrorKind::CircuitOpen);
    let seen = recorder.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (seen[0].status, seen[0].error_kind, seen[0].attempts),
        (
            Some(StatusCode::INTERNAL_SERVER_ERROR),
            Some(ErrorKind::Status),
            1
        )
    );
    assert_eq!(
        (seen[1].status, seen[1].error_kind, seen[1].attempts),
        (None, Some(ErrorKind::CircuitOpen), 0)
    );
}

#[derive(Debug)]
struct Stats(Transport);

impl ServiceClient for Stats {
    const SERVICE: &'static str = "stats";
    const GATEWAY_PREFIX: &'static str = "stats";
    fn from_transport(transport: Transport) -> Self {
        Self(transport)
    }
    fn transport(&self) -> &Transport {
        &self.0
    }
}

#[tokio::test]
async fn a_service_client_builder_passes_the_observer_on() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let stats: Stats = ServiceClientBuilder::new()
        .gateway_url(server.uri())
        .observer(recorder.clone())
        .build()
        .unwrap();

    stats.0.get("/numbers").send().await.unwrap();

    let seen = recorder.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].service, "stats");
    assert_eq!(seen[0].path, "/stats/numbers");
    assert!(stats.0.observer().is_some());
}

#[test]
fn observers_are_object_safe() {
    let observer: Box<dyn CallObserver> = Box::new(Recorder::default());
    assert!(format!("{observer:?}").starts_with("Recorder"));
}
