//! The registry's routes (contract §6.2), as the service sees them behind the gateway.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::answer::{Caller, Refusal, Write, ok};
use super::listing::Listing;
use super::module::{Body, Fields};
use super::probe::{probe, status_of};
use super::{RegistryState, view};
use crate::mocks::naive_utc_now;

type Answer = Result<Response, Refusal>;
type Registry = State<Arc<RegistryState>>;

/// The registry's routes, on `state`: `/`, `/health`, `/ready`, `/modules`,
/// `/modules/{id}`, `/modules/{id}/health` and `/health-summary`; anything else is
/// FastAPI's `404 {"detail":"Not Found"}` (or `405` for a known path).
pub(crate) fn router(state: Arc<RegistryState>) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/modules", get(list).post(register))
        .route(
            "/modules/{module_id}",
            get(get_one).put(update).delete(unregister),
        )
        .route("/modules/{module_id}/health", get(module_health))
        .route("/health-summary", get(health_summary))
        .fallback(|| async { Refusal::detail(StatusCode::NOT_FOUND, "Not Found") })
        .method_not_allowed_fallback(|| async {
            Refusal::detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
        })
        .with_state(state)
}

/// The module id of the path; a path that does not decode names no module.
fn module_id(path: Result<Path<String>, PathRejection>) -> Result<String, Refusal> {
    path.map(|Path(id)| id)
        .map_err(|_| Refusal::module_not_found())
}

async fn root(State(state): Registry) -> Response {
    let registered = state.lock().modules.len();
    ok(
        "Lift OS Core Registry Service",
        json!({ "version": "1.0.0", "registered_modules": registered, "docs": "/docs" }),
    )
}

/// Liveness, in the `HealthCheck` shape (contract §2.4), with the module counts.
async fn health(State(state): Registry) -> Response {
    let (registered, active) = {
        let inner = state.lock();
        let active = inner
            .modules
            .iter()
            .filter(|module| module.status == "active")
            .count();
        (inner.modules.len(), active)
    };
    Json(json!({
        "status": "healthy",
        "timestamp": naive_utc_now(),
        "version": "1.0.0",
        "dependencies": {
            "registered_modules": registered.to_string(),
            "active_modules": active.to_string(),
        },
        "uptime": state.started.elapsed().as_secs_f64(),
    }))
    .into_response()
}

async fn ready() -> Response {
    Json(json!({
        "status": "ready",
        "service": "registry",
        "timestamp": naive_utc_now(),
        "checks": {},
    }))
    .into_response()
}

async fn list(State(state): Registry, headers: HeaderMap, RawQuery(query): RawQuery) -> Answer {
    Caller::from_headers(&headers)?;
    let listing = Listing::parse(query.as_deref()).map_err(Refusal::unprocessable)?;
    Ok(ok(
        "Modules retrieved successfully",
        listing.page(state.modules()),
    ))
}

async fn register(State(state): Registry, headers: HeaderMap, body: Bytes) -> Answer {
    let caller = Caller::from_headers(&headers)?;
    caller.may(Write::Register)?;
    let fields = Fields::parse(
        &body,
        Body::Registration,
        state.quirks.trailing_slash_base_url,
    )
    .map_err(Refusal::unprocessable)?;
    let module = fields.into_module(&caller.user_id);
    let health = probe(&state.http, &module).await;
    state.commit(|modules| {
        modules.push(module.clone());
        Ok(())
    })?;
    state.remember(&module.id, &health);
    Ok(ok(
        "Module registered successfully",
        json!({ "module_id": module.id, "module": view(&module, None), "health": health }),
    ))
}

async fn get_one(
    State(state): Registry,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Answer {
    let (_, module, health) = probed(&state, &headers, path).await?;
    Ok(ok(
        "Module retrieved successfully",
        view(&module, Some(&health)),
    ))
}

async fn update(
    State(state): Registry,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Answer {
    let caller = Caller::from_headers(&headers)?;
    caller.may(Write::Update)?;
    let id = module_id(path)?;
    let fields = Fields::parse(&body, Body::Update, state.quirks.trailing_slash_base_url)
        .map_err(Refusal::unprocessable)?;
    let before = state.module(&id).ok_or_else(Refusal::module_not_found)?;
    // Probed again only when the update moves the health endpoint, as in the reference.
    let probed = if fields.moves(&before) {
        Some(probe(&state.http, &fields.apply(&before)).await)
    } else {
        None
    };
    let updated = state.commit(|modules| {
        let module = modules
            .iter_mut()
            .find(|module| module.id == id)
            .ok_or_else(Refusal::module_not_found)?;
        *module = fields.apply(module);
        Ok(module.clone())
    })?;
    if let Some(health) = &probed {
        state.remember(&id, health);
    }
    let health = probed
        .or_else(|| state.cached_health(&id))
        .unwrap_or_else(|| json!({ "status": "unknown" }));
    Ok(ok(
        "Module updated successfully",
        json!({ "module": view(&updated, state.cached_health(&id).as_ref()), "health": health }),
    ))
}

async fn unregister(
    State(state): Registry,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Answer {
    let caller = Caller::from_headers(&headers)?;
    caller.may(Write::Unregister)?;
    let id = module_id(path)?;
    state.commit(|modules| {
        let index = modules
            .iter()
            .position(|module| module.id == id)
            .ok_or_else(Refusal::module_not_found)?;
        modules.remove(index);
        Ok(())
    })?;
    Ok(ok(
        "Module unregistered successfully",
        json!({ "module_id": id }),
    ))
}

/// The module the path names, for a caller with user context, probed now (the result is
/// remembered for listings): its id, its record and its health.
async fn probed(
    state: &RegistryState,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<(String, super::module::Module, Value), Refusal> {
    Caller::from_headers(headers)?;
    let id = module_id(path)?;
    let module = state.module(&id).ok_or_else(Refusal::module_not_found)?;
    let health = probe(&state.http, &module).await;
    state.remember(&id, &health);
    Ok((id, module, health))
}

async fn module_health(
    State(state): Registry,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Answer {
    let (id, _, health) = probed(&state, &headers, path).await?;
    Ok(ok(
        "Module health checked",
        json!({ "module_id": id, "health": health }),
    ))
}

/// Probes every module, one after another, and counts the results by status.
async fn health_summary(State(state): Registry, headers: HeaderMap) -> Answer {
    Caller::from_headers(&headers)?;
    let modules = state.lock().modules.clone();
    let mut counts = [0_u64; 4];
    let mut entries = Vec::with_capacity(modules.len());
    for module in &modules {
        let health = probe(&state.http, module).await;
        state.remember(&module.id, &health);
        let status = status_of(Some(&health)).to_owned();
        let bucket = match status.as_str() {
            "healthy" => 0,
            "unhealthy" => 1,
            "unreachable" => 2,
            _ => 3,
        };
        counts[bucket] += 1;
        entries.push(json!({
            "module_id": module.id,
            "name": module.name,
            "status": status,
            "last_check": health.get("last_check").cloned().unwrap_or(Value::Null),
        }));
    }
    Ok(ok(
        "Health summary retrieved",
        json!({
            "total_modules": modules.len(),
            "healthy": counts[0],
            "unhealthy": counts[1],
            "unreachable": counts[2],
            "unknown": counts[3],
            "modules": entries,
        }),
    ))
}
