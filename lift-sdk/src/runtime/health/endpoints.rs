//! `/health`, `/ready` and their Kubernetes aliases, in two formats chosen by `Accept`.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, HeaderValue, VARY};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

use lift_auth::JwtAuthLayer;

use super::body::{HealthJson, Liveness, ReadinessBody};
use super::details::shows_details;
use super::readiness::{Readiness, Status};
use crate::runtime::state::RuntimeState;

/// The IETF draft's media type.
const HEALTH_JSON: &str = "application/health+json";

/// The liveness and readiness routes: `GET` (and `HEAD`) `/health`, `/health/live`,
/// `/ready` and `/health/ready`.
///
/// Liveness answers 200 whenever the process serves and never runs a check: an outage of
/// a dependency must not get every module restarted. Readiness answers 200 with every
/// check's result, or 503 when a required check failed (optional failures are `warn`).
/// `Accept: application/health+json` selects the IETF draft's format on all four routes;
/// otherwise the body is the reference's JSON.
///
/// Why a check failed (its `output`) is shown only to a caller whose bearer token `auth`
/// verifies with the `admin` role; anyone else sees each check's status, and the reasons go
/// to the log once per change. A bad token is treated as none: a probe never gets a 401.
pub(crate) fn health_router<S>(
    state: Arc<RuntimeState>,
    readiness: Arc<Readiness>,
    auth: JwtAuthLayer,
) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/health", get(live))
        .route("/health/live", get(live))
        .route("/ready", get(ready))
        .route("/health/ready", get(ready))
        .with_state(Probes {
            state,
            readiness,
            auth,
        })
}

#[derive(Debug, Clone)]
struct Probes {
    state: Arc<RuntimeState>,
    readiness: Arc<Readiness>,
    /// The module's auth layer, to tell an admin (who sees the details) from anyone else.
    auth: JwtAuthLayer,
}

async fn live(State(probes): State<Probes>, headers: HeaderMap) -> Response {
    let state = &*probes.state;
    if wants_health_json(&headers) {
        answer(StatusCode::OK, HEALTH_JSON, &HealthJson::liveness(state))
    } else {
        answer(StatusCode::OK, "application/json", &Liveness::new(state))
    }
}

async fn ready(State(probes): State<Probes>, headers: HeaderMap) -> Response {
    let state = &*probes.state;
    let report = probes.readiness.report(state).await;
    let detailed = shows_details(&probes.auth, &headers).await;
    let status = if report.status == Status::Fail {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    if wants_health_json(&headers) {
        let body = HealthJson::readiness(state, &report, detailed);
        answer(status, HEALTH_JSON, &body)
    } else {
        let body = ReadinessBody::new(state, &report, detailed);
        answer(status, "application/json", &body)
    }
}

/// A JSON answer that no cache keeps and that varies with `Accept`.
fn answer(status: StatusCode, content_type: &'static str, body: &impl Serialize) -> Response {
    // Only maps with non-string keys fail to serialise, and these bodies have none.
    let Ok(body) = serde_json::to_vec(body) else {
        let detail = serde_json::json!({"detail": "Internal Server Error"});
        return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(detail)).into_response();
    };
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (VARY, HeaderValue::from_static("accept")),
    ];
    (status, headers, body).into_response()
}

/// Whether `Accept` lists `application/health+json` (with a non-zero quality).
fn wants_health_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|range| {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim();
            media.eq_ignore_ascii_case(HEALTH_JSON) && !parts.any(is_zero_quality)
        })
}

fn is_zero_quality(parameter: &str) -> bool {
    parameter.split_once('=').is_some_and(|(name, value)| {
        name.trim().eq_ignore_ascii_case("q") && value.trim().parse::<f32>().is_ok_and(|q| q == 0.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        HeaderMap::from_iter([(ACCEPT, HeaderValue::from_str(value).expect("a valid value"))])
    }

    #[test]
    fn the_health_json_format_is_chosen_from_accept() {
        assert!(wants_health_json(&accept("application/health+json")));
        assert!(wants_health_json(&accept(
            "application/json;q=0.5, Application/Health+JSON; q=0.9"
        )));
        assert!(!wants_health_json(&accept("application/json")));
        assert!(!wants_health_json(&accept("*/*")));
        assert!(!wants_health_json(&accept("application/health+json;q=0")));
        assert!(!wants_health_json(&HeaderMap::new()));
    }
}
