//! The service routes: `/`, `/health`, `/ready`, contexts, conceptual spaces, performance
//! metrics and workflows.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::http::{Caller, correlation_id, detail, failed, json_body, ok, wrong_type};
use super::records::{Context, Space, Workflow, hex8};
use super::state::MemoryState;
use crate::mocks::naive_utc_now;

type Params = Query<HashMap<String, String>>;

macro_rules! caller {
    ($headers:expr) => {
        match Caller::from_headers(&$headers) {
            Ok(caller) => caller,
            Err(denied) => return denied,
        }
    };
}

/// `GET /`.
pub(super) async fn root() -> Response {
    ok(
        "Lift OS Core Memory Service",
        json!({ "version": "1.0.0", "kse_integration": "active", "docs": "/docs" }),
        None,
    )
}

/// `GET /health`: the `HealthCheck` model with the reference's dependency keys.
pub(super) async fn health(State(state): State<Arc<MemoryState>>) -> Response {
    let (operations, success_rate, _) = state.counters.summary();
    let inner = state.lock();
    let active = inner.contexts.values().filter(|c| c.active).count();
    let workflows = inner.workflows.len();
    drop(inner);
    Json(json!({
        "status": "healthy",
        "timestamp": naive_utc_now(),
        "version": "1.0.0",
        "dependencies": {
            "kse_sdk": "healthy",
            "active_contexts": active.to_string(),
            "embedding_cache_hit_rate": "0.00%",
            "embedding_cache_size": "0",
            "memory_operations": operations.to_string(),
            "memory_success_rate": format!("{:.2}%", success_rate * 100.0),
            "orchestration_cache_hit_rate": "0.00%",
            "total_workflows": workflows.to_string(),
            "observability_traces": "0",
        },
        "uptime": state.started.elapsed().as_secs_f64(),
    }))
    .into_response()
}

/// `GET /ready`.
pub(super) async fn ready() -> Response {
    Json(json!({
        "status": "ready",
        "service": "memory",
        "timestamp": naive_utc_now(),
        "checks": {},
    }))
    .into_response()
}

/// `POST /context/initialize?domain=`: (re)activates the caller's organisation's context.
pub(super) async fn context_initialize(
    State(state): State<Arc<MemoryState>>,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    let caller = caller!(headers);
    let domain = params
        .get("domain")
        .cloned()
        .unwrap_or_else(|| "general".into());
    let mut inner = state.lock();
    let saved = state.change_extras(&mut inner, |draft| {
        draft.contexts.insert(
            caller.org_id.clone(),
            Context {
                domain: domain.clone(),
                active: true,
            },
        );
    });
    drop(inner);
    if let Err(err) = saved {
        return failed("Memory context initialization", &err);
    }
    ok(
        "Memory context initialized",
        json!({ "context_id": format!("org_{}", caller.org_id), "org_id": caller.org_id, "domain": domain }),
        Some(json!({ "correlation_id": correlation_id() })),
    )
}

/// `GET /context/stats`: process-wide counts, as the reference (no organisation's data).
pub(super) async fn context_stats(
    State(state): State<Arc<MemoryState>>,
    headers: HeaderMap,
) -> Response {
    let _caller = caller!(headers);
    let inner = state.lock();
    let total = inner.contexts.len();
    let active = inner.contexts.values().filter(|c| c.active).count();
    drop(inner);
    ok(
        "Context statistics retrieved",
        json!({ "total_contexts": total, "active_contexts": active, "backend": "universal_kse" }),
        None,
    )
}

/// `DELETE /context/{org_id}`: deactivates (deletes nothing); own organisation or `admin`.
pub(super) async fn context_delete(
    State(state): State<Arc<MemoryState>>,
    Path(org_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = caller!(headers);
    if caller.org_id != org_id && !caller.roles.iter().any(|role| role == "admin") {
        return detail(
            StatusCode::FORBIDDEN,
            "Access denied to organization context",
        );
    }
    let mut inner = state.lock();
    let saved = state.change_extras(&mut inner, |draft| {
        if let Some(context) = draft.contexts.get_mut(&org_id) {
            context.active = false;
        }
    });
    drop(inner);
    if let Err(err) = saved {
        return failed("Memory context deletion", &err);
    }
    ok("Memory context deleted", json!({ "org_id": org_id }), None)
}

/// `POST /conceptual-spaces/create?name=` with the dimensions as the body.
pub(super) async fn space_create(
    State(state): State<Arc<MemoryState>>,
    Query(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = caller!(headers);
    let Some(name) = params.get("name").cloned() else {
        return super::http::missing(&["query", "name"], &Value::Null);
    };
    let body = match json_body(&body) {
        Ok(body) => body,
        Err(invalid) => return invalid,
    };
    let Some(items) = body.as_array() else {
        return wrong_type(&["body"], "list", &body);
    };
    let mut dimensions = Vec::with_capacity(items.len());
    for (position, item) in items.iter().enumerate() {
        let Some(dimension) = item.as_str() else {
            return wrong_type(&["body", &position.to_string()], "string", item);
        };
        dimensions.push(dimension.to_owned());
    }
    let space_id = format!("space_{}_{}", caller.org_id, hex8());
    #[allow(
        clippy::cast_precision_loss,
        reason = "microseconds since 1970 fit an f64"
    )]
    let created_at = chrono::Utc::now().timestamp_micros() as f64 / 1e6;
    let space = Space {
        org_id: caller.org_id.clone(),
        name: name.clone(),
        dimensions: dimensions.clone(),
        created_at,
    };
    let mut inner = state.lock();
    let saved = state.change_extras(&mut inner, |draft| {
        draft.spaces.insert(space_id.clone(), space);
    });
    drop(inner);
    if let Err(err) = saved {
        return failed("Conceptual space creation", &err);
    }
    ok(
        "Conceptual space created successfully",
        json!({ "space_id": space_id, "name": name, "dimensions": dimensions, "org_id": caller.org_id }),
        Some(
            json!({ "correlation_id": correlation_id(), "enhanced_feature": "conceptual_spaces" }),
        ),
    )
}

/// `GET /conceptual-spaces`: the caller's organisation's spaces only.
pub(super) async fn spaces(State(state): State<Arc<MemoryState>>, headers: HeaderMap) -> Response {
    let caller = caller!(headers);
    let inner = state.lock();
    let spaces: Map<String, Value> = inner
        .spaces
        .iter()
        .filter(|(_, space)| space.org_id == caller.org_id)
        .map(|(id, space)| {
            (
                id.clone(),
                json!({
                    "name": space.name,
                    "dimensions": space.dimensions,
                    "concepts_count": 0,
                    "relationships_count": 0,
                    "created_at": space.created_at,
                    "updated_at": space.created_at,
                }),
            )
        })
        .collect();
    drop(inner);
    let count = spaces.len();
    ok(
        "Conceptual spaces retrieved",
        json!({ "conceptual_spaces": spaces, "count": count }),
        None,
    )
}

/// `GET /performance/metrics`.
pub(super) async fn metrics(State(state): State<Arc<MemoryState>>, headers: HeaderMap) -> Response {
    let caller = caller!(headers);
    let (operations, success_rate, average_ms) = state.counters.summary();
    let successes = state
        .counters
        .successes
        .load(std::sync::atomic::Ordering::Relaxed);
    let inner = state.lock();
    let spaces = inner
        .spaces
        .values()
        .filter(|s| s.org_id == caller.org_id)
        .count();
    let workflows = inner
        .workflows
        .values()
        .filter(|w| w.org_id == caller.org_id)
        .count();
    drop(inner);
    let cache = json!({
        "cache_size": 0, "max_cache_size": 10000, "cache_hits": 0, "cache_misses": 0,
        "total_operations": 0, "hit_rate": 0, "cache_utilization": 0,
    });
    ok(
        "Performance metrics retrieved",
        json!({
            "memory_performance": {
                "total_operations": operations,
                "successful_operations": successes,
                "success_rate": success_rate,
                "average_operation_time_ms": average_ms,
                "recent_average_time_ms": average_ms,
                "conceptual_spaces_count": spaces,
                "embedding_cache_stats": cache,
            },
            "embedding_cache": cache,
            "orchestration": {
                "total_executions": workflows, "cache_hits": 0, "cache_misses": 0,
                "cache_hit_rate": 0, "cache_size": 0, "max_cache_size": 10000,
                "average_execution_time_ms": 0, "total_workflows": workflows,
                "active_workflows": 0, "registered_functions": 3,
            },
            "observability": observability(&caller.org_id, operations, successes),
            "summary": {
                "total_operations": operations,
                "success_rate": success_rate,
                "cache_hit_rate": 0.0,
                "average_response_time_ms": average_ms,
                "conceptual_spaces_count": spaces,
                "active_workflows": 0,
            },
        }),
        None,
    )
}

/// The `observability` part of the metrics, shaped as the reference's, counting this
/// organisation's operations (the fake traces nothing else).
fn observability(org_id: &str, operations: u64, successes: u64) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64());
    let errors = operations.saturating_sub(successes);
    json!({
        "service_name": "memory",
        "org_id": org_id,
        "tracing": {
            "service_name": "memory", "total_spans": operations, "sampled_spans": operations,
            "sampling_rate": 1.0, "active_spans": 0, "completed_spans": operations,
            "average_overhead_ns": 0.0, "total_overhead_ms": 0.0,
        },
        "metrics": {
            "service_name": "memory",
            "counters": { "memory_operation.success": successes, "memory_operation.error": errors },
            "gauges": {}, "histograms": {}, "timers": {},
            "total_metrics": 2, "last_aggregation": now,
        },
        "accountability": {
            "org_id": org_id, "total_events": 0, "decision_points": 0, "recent_events": 0,
            "average_confidence": 0.0, "operations_count": {}, "decision_chains": 0,
        },
        "timestamp": now,
    })
}

/// `POST /workflows/create?name=` with the metadata object (optional) as the body.
pub(super) async fn workflow_create(
    State(state): State<Arc<MemoryState>>,
    Query(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = caller!(headers);
    let Some(name) = params.get("name").cloned() else {
        return super::http::missing(&["query", "name"], &Value::Null);
    };
    let metadata = if body.is_empty() {
        Map::new()
    } else {
        match json_body(&body) {
            Ok(Value::Object(metadata)) => metadata,
            Ok(Value::Null) => Map::new(),
            Ok(other) => return wrong_type(&["body"], "dict", &other),
            Err(invalid) => return invalid,
        }
    };
    let started = Instant::now();
    let workflow_id = format!("wf_{}_{}", caller.org_id, hex8());
    let workflow = Workflow {
        org_id: caller.org_id.clone(),
        name: name.clone(),
        metadata: metadata.clone(),
        status: "created".into(),
        created_at: naive_utc_now(),
        results: None,
    };
    let mut inner = state.lock();
    let saved = state.change_extras(&mut inner, |draft| {
        draft.workflows.insert(workflow_id.clone(), workflow);
    });
    drop(inner);
    state.counters.record(started, saved.is_ok());
    if let Err(err) = saved {
        return failed("Workflow creation", &err);
    }
    ok(
        "Workflow created successfully",
        json!({ "workflow_id": workflow_id, "name": name, "org_id": caller.org_id, "metadata": metadata }),
        Some(json!({ "correlation_id": correlation_id() })),
    )
}

/// `GET /workflows/{id}/status`: 404 for another organisation's workflow, as for none.
pub(super) async fn workflow_status(
    State(state): State<Arc<MemoryState>>,
    Path(workflow_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = caller!(headers);
    let inner = state.lock();
    let Some(workflow) = inner
        .workflows
        .get(&workflow_id)
        .filter(|w| w.org_id == caller.org_id)
        .cloned()
    else {
        return detail(StatusCode::NOT_FOUND, "Workflow not found");
    };
    drop(inner);
    ok(
        "Workflow status retrieved",
        json!({
            "workflow_id": workflow_id,
            "status": workflow.status,
            "name": workflow.name,
            "org_id": workflow.org_id,
            "metadata": workflow.metadata,
            "created_at": workflow.created_at,
            "results": workflow.results,
        }),
        None,
    )
}
