//! `/metrics` on a real listener: the middleware's counts, registration, outgoing calls.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use lift_registry_client::ModuleId;
use tokio::sync::{Notify, oneshot};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::Metrics;
use crate::runtime::state::{RegistrationState, RuntimeState};
use crate::{LiftClient, LiftConfig};

/// `routes` plus `/metrics`, all behind the metrics layer, served on `127.0.0.1:0`, and a
/// client for them.
#[derive(Clone)]
struct Server {
    base: String,
    client: reqwest::Client,
}

async fn serve(metrics: &Metrics, state: Arc<RuntimeState>, routes: Router) -> Server {
    let app = routes.merge(metrics.router(state)).layer(metrics.layer());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server {
        base: format!("http://{address}"),
        client: reqwest::Client::new(),
    }
}

impl Server {
    async fn status_of(&self, path: &str) -> u16 {
        let url = format!("{}{path}", self.base);
        let response = self.client.get(url).send().await.expect("an answer");
        response.status().as_u16()
    }

    /// The scrape's text, after checking its content type and terminator.
    async fn scrape(&self) -> String {
        let url = format!("{}/metrics", self.base);
        let response = self.client.get(url).send().await.expect("an answer");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/openmetrics-text; version=1.0.0; charset=utf-8"
        );
        let text = response.text().await.expect("a text body");
        assert!(text.ends_with("# EOF\n"), "{text}");
        text
    }
}

/// The value of the sample written exactly as `series`, if the scrape has it.
fn sample(text: &str, series: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(series)?.strip_prefix(' ')?;
        Some(value.to_owned())
    })
}

#[tokio::test]
async fn requests_are_counted_by_route_template_and_status() {
    let metrics = Metrics::new();
    let routes = Router::new().route("/api/v1/reports/{id}", get(|| async { "report" }));
    let server = serve(
        &metrics,
        Arc::new(RuntimeState::new("m", "1", false)),
        routes,
    )
    .await;

    assert_eq!(server.status_of("/api/v1/reports/1").await, 200);
    assert_eq!(server.status_of("/api/v1/reports/2").await, 200);
    assert_eq!(server.status_of("/no/such/route").await, 404);
    let text = server.scrape().await;

    let ok = r#"{method="GET",route="/api/v1/reports/{id}",status="200"}"#;
    let missing = r#"{method="GET",route="unmatched",status="404"}"#;
    assert_eq!(
        sample(&text, &format!("http_requests_total{ok}")).as_deref(),
        Some("2"),
        "{text}"
    );
    assert_eq!(
        sample(&text, &format!("http_requests_total{missing}")).as_deref(),
        Some("1")
    );
    let route = r#"{method="GET",route="/api/v1/reports/{id}"}"#;
    assert_eq!(
        sample(
            &text,
            &format!("http_request_duration_seconds_count{route}")
        )
        .as_deref(),
        Some("2")
    );
    assert!(text.contains("# UNIT http_request_duration_seconds seconds"));
    assert!(
        !text.contains("/api/v1/reports/1"),
        "a raw path became a label"
    );
}

#[tokio::test]
async fn requests_in_flight_are_gauged_until_they_are_answered() {
    let metrics = Metrics::new();
    let release = Arc::new(Notify::new());
    let (entered_tx, entered) = oneshot::channel::<()>();
    let entered_tx = Arc::new(std::sync::Mutex::new(Some(entered_tx)));
    let routes = Router::new().route(
        "/slow",
        get({
            let release = release.clone();
            move || async move {
                if let Some(entered) = entered_tx.lock().expect("not poisoned").take() {
                    let _ = entered.send(());
                }
                release.notified().await;
                "done"
            }
        }),
    );
    let server = serve(
        &metrics,
        Arc::new(RuntimeState::new("m", "1", false)),
        routes,
    )
    .await;

    let slow = tokio::spawn({
        let server = server.clone();
        async move { server.status_of("/slow").await }
    });
    entered.await.expect("the handler started");
    // The scrape is itself a request in flight.
    let during = server.scrape().await;
    release.notify_one();
    assert_eq!(slow.await.expect("the request finished"), 200);
    let after = server.scrape().await;

    assert_eq!(
        sample(&during, "http_requests_in_flight").as_deref(),
        Some("2")
    );
    assert_eq!(
        sample(&after, "http_requests_in_flight").as_deref(),
        Some("1")
    );
}

#[tokio::test]
async fn registration_is_read_at_scrape_time_and_registrations_only_grow() {
    let metrics = Metrics::new();
    let state = Arc::new(RuntimeState::new("m", "1", true));
    let server = serve(&metrics, state.clone(), Router::new()).await;
    let registered = |registrations| RegistrationState::Registered {
        id: ModuleId::new("2f1c").expect("a valid id"),
        registrations,
    };

    let pending = server.scrape().await;
    state.set_registration(registered(1));
    let first = server.scrape().await;
    state.set_registration(RegistrationState::Pending {
        attempts: 1,
        last_error: Some("module not found".to_owned()),
    });
    let lost = server.scrape().await;
    state.set_registration(registered(2));
    let again = server.scrape().await;

    let values = |text: &str| {
        (
            sample(text, "lift_module_registered").expect("the gauge"),
            sample(text, "lift_module_registrations_total").expect("the counter"),
        )
    };
    let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(values(&pending), pair("0", "0"));
    assert_eq!(values(&first), pair("1", "1"));
    assert_eq!(values(&lost), pair("0", "1"));
    assert_eq!(values(&again), pair("1", "2"));
}

#[tokio::test]
async fn outgoing_calls_are_counted_by_service_and_outcome() {
    let gateway = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/memory/health"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"status": "healthy"})),
        )
        .mount(&gateway)
        .await;
    Mock::given(method("GET"))
        .and(path("/registry/health"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"detail": "Not Found"})),
        )
        .mount(&gateway)
        .await;
    let metrics = Metrics::new();
    let config = LiftConfig::new(&gateway.uri()).expect("a valid url");
    let client = LiftClient::builder(config)
        .call_observer(metrics.call_observer())
        .build()
        .expect("a client");
    let server = serve(
        &metrics,
        Arc::new(RuntimeState::new("m", "1", false)),
        Router::new(),
    )
    .await;

    client.memory().health().await.expect("healthy");
    client.memory().health().await.expect("healthy");
    client.registry().health().await.expect_err("a 404");
    let text = server.scrape().await;

    assert_eq!(
        sample(
            &text,
            r#"lift_outgoing_calls_total{service="memory",outcome="success"}"#
        )
        .as_deref(),
        Some("2"),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"lift_outgoing_calls_total{service="registry",outcome="client_error"}"#
        )
        .as_deref(),
        Some("1")
    );
    assert_eq!(
        sample(
            &text,
            r#"lift_outgoing_call_duration_seconds_count{service="memory"}"#
        )
        .as_deref(),
        Some("2")
    );
}
