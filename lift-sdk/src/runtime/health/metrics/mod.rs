//! `/metrics`: the module's Prometheus metrics, in the OpenMetrics text format.

mod labels;
mod layer;
mod outgoing;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};
use lift_sdk_core::CallObserver;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use self::labels::{RequestLabels, RouteLabels};
use self::outgoing::OutgoingMetrics;
use crate::runtime::state::{RegistrationState, RuntimeState};

pub(crate) use self::layer::MetricsLayer;

/// What `/metrics` answers with: the OpenMetrics text that prometheus-client writes, which
/// Prometheus asks for first and parses.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Latency buckets in seconds (Prometheus' defaults: 5 ms to 10 s).
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The module's metrics and their registry:
///
/// - `http_requests_total{method,route,status}`, `http_request_duration_seconds{method,route}`
///   and `http_requests_in_flight`, recorded by [`layer`](Self::layer);
/// - `lift_module_registered` (1 while registered and confirmed) and `lift_module_registrations_total`,
///   read from the runtime state at each scrape;
/// - `lift_outgoing_calls_total{service,outcome}` and
///   `lift_outgoing_call_duration_seconds{service}`, fed by
///   [`call_observer`](Self::call_observer).
///
/// Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    registry: Registry,
    http: Arc<HttpMetrics>,
    outgoing: Arc<OutgoingMetrics>,
    registered: Gauge,
    registrations: Counter,
    /// The highest registration count exported so far, so the counter only ever grows.
    registrations_seen: AtomicU64,
}

/// The metrics the HTTP middleware records.
#[derive(Debug)]
pub(crate) struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
}

impl Metrics {
    /// A registry with every metric at zero.
    pub(crate) fn new() -> Self {
        let mut registry = Registry::default();
        let http = HttpMetrics {
            requests: Family::default(),
            duration: Family::new_with_constructor(latency_histogram),
            in_flight: Gauge::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            http.requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by method and route template",
            Unit::Seconds,
            http.duration.clone(),
        );
        registry.register(
            "http_requests_in_flight",
            "HTTP requests being handled",
            http.in_flight.clone(),
        );
        let outgoing = OutgoingMetrics {
            calls: Family::default(),
            duration: Family::new_with_constructor(latency_histogram),
        };
        registry.register(
            "lift_outgoing_calls",
            "Calls to Lift services, by service and outcome, once retries are over",
            outgoing.calls.clone(),
        );
        registry.register_with_unit(
            "lift_outgoing_call_duration",
            "Time of calls to Lift services, retries included, by service",
            Unit::Seconds,
            outgoing.duration.clone(),
        );
        let registered = Gauge::default();
        let registrations = Counter::default();
        registry.register(
            "lift_module_registered",
            "1 while the registry holds the module, else 0",
            registered.clone(),
        );
        registry.register(
            "lift_module_registrations",
            "Registrations since start: more than 1 after the registry lost the module",
            registrations.clone(),
        );
        Self {
            inner: Arc::new(Inner {
                registry,
                http: Arc::new(http),
                outgoing: Arc::new(outgoing),
                registered,
                registrations,
                registrations_seen: AtomicU64::new(0),
            }),
        }
    }

    /// The middleware that records the HTTP metrics; apply it with `Router::layer` so that
    /// the matched route is known (see [`MetricsLayer`]).
    pub(crate) fn layer(&self) -> MetricsLayer {
        MetricsLayer::new(self.inner.http.clone())
    }

    /// `GET /metrics`, reporting the registration of `state` as of each scrape.
    pub(crate) fn router<S>(&self, state: Arc<RuntimeState>) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        Router::new()
            .route("/metrics", get(scrape))
            .with_state((self.clone(), state))
    }

    /// The observer to give the module's `LiftClient`
    /// (`LiftClientBuilder::call_observer`), so outgoing calls are counted.
    pub(crate) fn call_observer(&self) -> Arc<dyn CallObserver> {
        self.inner.outgoing.clone()
    }

    /// Every metric in the OpenMetrics text format, registration read from `state` now.
    pub(crate) fn encode(&self, state: &RuntimeState) -> Result<String, std::fmt::Error> {
        self.sync_registration(&state.registration());
        let mut text = String::new();
        encode(&mut text, &self.inner.registry)?;
        Ok(text)
    }

    fn sync_registration(&self, registration: &RegistrationState) {
        let inner = &*self.inner;
        let (registered, registrations) = match registration {
            RegistrationState::Registered { registrations, .. } => (1, *registrations),
            // Never reported as registered while the registry cannot confirm it.
            RegistrationState::Unconfirmed { registrations, .. } => (0, *registrations),
            _ => (0, 0),
        };
        inner.registered.set(registered);
        // Concurrent scrapes each add only what the other has not.
        let seen = inner
            .registrations_seen
            .fetch_max(registrations, Ordering::Relaxed);
        if registrations > seen {
            inner.registrations.inc_by(registrations - seen);
        }
    }
}

async fn scrape(State((metrics, state)): State<(Metrics, Arc<RuntimeState>)>) -> Response {
    match metrics.encode(&state) {
        Ok(text) => (
            [(CONTENT_TYPE, HeaderValue::from_static(OPENMETRICS))],
            text,
        )
            .into_response(),
        // Writing to a `String` does not fail; a metric's own encoder could.
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({"detail": "cannot encode the metrics"})),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests;
