//! The gateway's own endpoints (contract §4.4), shaped like captures 01, 02, 09 and 10;
//! readiness and the detailed health probe the platform's services for real.

use std::time::Duration;

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::GatewayState;
use crate::mocks::{envelope, naive_utc_now};
use crate::platform::errors;
use crate::reference::GATEWAY_SERVICES;

/// How long a probe of a service's `/health` may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The answer of a local endpoint, `None` when `path` is not one.
pub(crate) async fn answer(state: &GatewayState, path: &str) -> Option<Response> {
    let response = match path {
        "/" => errors::json(
            StatusCode::OK,
            envelope(
                "Lift OS Core API Gateway",
                json!({ "version": "1.0.0", "services": GATEWAY_SERVICES, "docs": "/docs" }),
            ),
        ),
        "/health" => errors::json(
            StatusCode::OK,
            json!({
                "status": "healthy",
                "service": "gateway",
                "timestamp": naive_utc_now(),
                "uptime": "running",
            }),
        ),
        "/ready" => ready(state).await,
        "/health/detailed" => detailed(state).await,
        _ => return None,
    };
    Some(response)
}

async fn ready(state: &GatewayState) -> Response {
    let (auth, registry) = tokio::join!(
        probe(state, Some(&state.upstreams.auth)),
        probe(state, Some(&state.upstreams.registry)),
    );
    if !(auth && registry) {
        return errors::detail(StatusCode::SERVICE_UNAVAILABLE, "Service gateway not ready");
    }
    let check = |name: &str| json!({ "status": "ready", "result": { name: "available" } });
    errors::json(
        StatusCode::OK,
        json!({
            "status": "ready",
            "service": "gateway",
            "timestamp": naive_utc_now(),
            "checks": {
                "auth_service": check("auth_service"),
                "registry_service": check("registry_service"),
            },
        }),
    )
}

async fn detailed(state: &GatewayState) -> Response {
    let upstreams = &state.upstreams;
    let (auth, billing, memory, observability, registry) = tokio::join!(
        probe(state, Some(&upstreams.auth)),
        probe(state, upstreams.billing.as_ref()),
        probe(state, Some(&upstreams.memory)),
        probe(state, upstreams.observability.as_ref()),
        probe(state, Some(&upstreams.registry)),
    );
    let healthy = [
        ("auth", auth),
        ("billing", billing),
        ("memory", memory),
        ("observability", observability),
        ("registry", registry),
    ];
    let dependencies: Map<String, Value> = GATEWAY_SERVICES
        .iter()
        .map(|name| {
            let up = healthy.iter().any(|(service, up)| service == name && *up);
            let status = if up { "healthy" } else { "unhealthy" };
            ((*name).to_owned(), Value::from(status))
        })
        .collect();
    errors::json(
        StatusCode::OK,
        json!({
            "status": "healthy",
            "timestamp": naive_utc_now(),
            "version": "1.0.0",
            "dependencies": dependencies,
            "uptime": state.started.elapsed().as_secs_f64(),
        }),
    )
}

/// Whether `{url}/health` answers 200.
async fn probe(state: &GatewayState, url: Option<&String>) -> bool {
    let Some(url) = url else {
        return false;
    };
    let answer = state
        .http
        .get(format!("{}/health", url.trim_end_matches('/')))
        .timeout(PROBE_TIMEOUT)
        .send()
        .await;
    answer.is_ok_and(|answer| answer.status() == reqwest::StatusCode::OK)
}
