//! The memory mock's happy answers, over its shared state (contract §5.2).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::state::{MemoryState, Space, Workflow};
use crate::mocks::Caller;
use crate::mocks::fastapi::{envelope, json_answer, naive_utc_now, uuid4};

/// The routes the memory mock answers, one [`Answer`] each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Root,
    Health,
    Ready,
    Store,
    /// `/search` (the body's type) or `/search/{type}` (the path's type wins).
    Search(Option<&'static str>),
    Batch,
    Insights,
    ContextInitialize,
    ContextStats,
    ContextDelete,
    SpaceCreate,
    Spaces,
    Metrics,
    WorkflowCreate,
    WorkflowStatus,
}

impl Route {
    /// Every route with its method and path, as mounted.
    pub(crate) const ALL: [(Self, &'static str, &'static str); 17] = [
        (Self::Root, "GET", "/"),
        (Self::Health, "GET", "/health"),
        (Self::Ready, "GET", "/ready"),
        (Self::Store, "POST", "/store"),
        (Self::Search(None), "POST", "/search"),
        (Self::Search(Some("neural")), "POST", "/search/neural"),
        (
            Self::Search(Some("conceptual")),
            "POST",
            "/search/conceptual",
        ),
        (Self::Search(Some("knowledge")), "POST", "/search/knowledge"),
        (Self::Batch, "POST", "/search/batch"),
        (Self::Insights, "GET", "/insights"),
        (Self::ContextInitialize, "POST", "/context/initialize"),
        (Self::ContextStats, "GET", "/context/stats"),
        (Self::ContextDelete, "DELETE", "/context/{org_id}"),
        (Self::SpaceCreate, "POST", "/conceptual-spaces/create"),
        (Self::Spaces, "GET", "/conceptual-spaces"),
        (Self::Metrics, "GET", "/performance/metrics"),
        (Self::WorkflowCreate, "POST", "/workflows/create"),
    ];
    /// Mounted apart: a path parameter in the middle.
    pub(crate) const WORKFLOW_STATUS: (Self, &'static str, &'static str) = (
        Self::WorkflowStatus,
        "GET",
        "/workflows/{workflow_id}/status",
    );
}

/// Answers one route from the shared state.
pub(crate) struct Answer {
    pub(crate) state: Arc<Mutex<MemoryState>>,
    pub(crate) route: Route,
}

impl Respond for Answer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = lock(&self.state);
        match self.route {
            Route::Root => ok(
                "Lift OS Core Memory Service",
                json!({ "version": "1.0.0", "kse_integration": "active", "docs": "/docs" }),
                Value::Null,
            ),
            Route::Health => json_answer(200, &health(&state)),
            Route::Ready => json_answer(
                200,
                &json!({
                    "status": "ready",
                    "service": "memory",
                    "timestamp": naive_utc_now(),
                    "checks": {},
                }),
            ),
            route => {
                let Some((user, org)) = user_context(request) else {
                    return detail(401, "User context required");
                };
                answer(&mut state, route, request, &user, &org)
            }
        }
    }
}

fn answer(
    state: &mut MemoryState,
    route: Route,
    request: &Request,
    caller: &Caller,
    org: &str,
) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let correlation_id = uuid4();
    match route {
        Route::Store => {
            if body.get("metadata").is_some_and(Value::is_null) {
                // The reference's handler crashes on `metadata: null` (contract §10 F 28).
                return detail(500, "Enhanced memory storage failed: metadata is None");
            }
            let content = body["content"].as_str().unwrap_or_default();
            let metadata = body["metadata"].as_object().cloned().unwrap_or_default();
            let memory_type = body["memory_type"].as_str().unwrap_or("general");
            let memory = state.store(org, content, metadata, memory_type);
            state.operations += 1;
            ok(
                "Enhanced memory storage completed",
                json!({
                    "memory_id": memory.id,
                    "memory_type": memory.memory_type,
                    "content_length": memory.content.chars().count(),
                    "enhanced_features": {
                        "embedding_generated": true,
                        "conceptual_mapping": true,
                        "cache_optimization": true,
                    },
                    "performance_metrics": { "storage_time_ms": 0.25, "success_rate": 1.0 },
                }),
                json!({ "correlation_id": correlation_id, "org_id": org, "enhanced_storage": true }),
            )
        }
        Route::Search(path_type) => {
            let query = body["query"].as_str().unwrap_or_default();
            let search_type = path_type.unwrap_or(body["search_type"].as_str().unwrap_or("hybrid"));
            let limit = body["limit"].as_u64().unwrap_or(10);
            let results = state.search(org, query, to_usize(limit), body["filters"].as_object());
            state.operations += 1;
            ok(
                "Enhanced memory search completed",
                json!({
                    "count": results.len(),
                    "results": results,
                    "search_type": search_type,
                    "duration": 0.0012,
                    "performance_metrics": {
                        "cache_hit_rate": 0.0,
                        "average_operation_time_ms": 0.25,
                        "conceptual_spaces_available": state.spaces.len(),
                    },
                }),
                json!({
                    "correlation_id": correlation_id,
                    "org_id": org,
                    "query_length": query.chars().count(),
                    "enhanced_features": ["embedding_cache", "conceptual_spaces", "observability"],
                }),
            )
        }
        Route::Batch => batch(state, request, &body, org, &correlation_id),
        Route::Insights => ok(
            "Memory insights generated",
            state.insights(org),
            json!({ "correlation_id": correlation_id, "org_id": org }),
        ),
        Route::ContextInitialize => {
            let domain = query_param(request, "domain").unwrap_or_else(|| "general".to_owned());
            state.contexts.insert(org.to_owned(), true);
            ok(
                "Memory context initialized",
                json!({ "context_id": format!("org_{org}"), "org_id": org, "domain": domain }),
                json!({ "correlation_id": correlation_id }),
            )
        }
        Route::ContextStats => ok(
            "Context statistics retrieved",
            json!({
                "total_contexts": state.contexts.len(),
                "active_contexts": state.contexts.values().filter(|active| **active).count(),
                "backend": "universal_kse",
            }),
            Value::Null,
        ),
        Route::ContextDelete => {
            let target = last_segment(request, 0);
            let admin = caller.roles.iter().any(|role| role == "admin");
            if target != org && !admin {
                return detail(403, "Access denied to organization context");
            }
            if let Some(active) = state.contexts.get_mut(&target) {
                *active = false;
            }
            ok(
                "Memory context deleted",
                json!({ "org_id": target }),
                json!({ "correlation_id": correlation_id }),
            )
        }
        Route::SpaceCreate => {
            let name = query_param(request, "name").unwrap_or_default();
            let dimensions: Vec<String> = serde_json::from_value(body).unwrap_or_default();
            let space_id = format!("space_{org}_{}", &uuid4()[..8]);
            state.spaces.insert(
                space_id.clone(),
                Space {
                    name: name.clone(),
                    dimensions: dimensions.clone(),
                    created_at: epoch_seconds(),
                },
            );
            ok(
                "Conceptual space created successfully",
                json!({ "space_id": space_id, "name": name, "dimensions": dimensions, "org_id": org }),
                json!({ "correlation_id": correlation_id, "enhanced_feature": "conceptual_spaces" }),
            )
        }
        Route::Spaces => {
            let spaces: Map<String, Value> = state
                .spaces
                .iter()
                .map(|(id, space)| {
                    let details = json!({
                        "name": space.name,
                        "dimensions": space.dimensions,
                        "concepts_count": 0,
                        "relationships_count": 0,
                        "created_at": space.created_at,
                        "updated_at": space.created_at,
                    });
                    (id.clone(), details)
                })
                .collect();
            ok(
                "Conceptual spaces retrieved",
                json!({ "count": spaces.len(), "conceptual_spaces": spaces }),
                Value::Null,
            )
        }
        Route::Metrics => ok("Performance metrics retrieved", metrics(state), Value::Null),
        Route::WorkflowCreate => {
            let name = query_param(request, "name").unwrap_or_default();
            let workflow_id = new_workflow(state, &name, org, body.clone(), "created");
            ok(
                "Workflow created successfully",
                json!({ "workflow_id": workflow_id, "name": name, "org_id": org, "metadata": body }),
                json!({ "correlation_id": correlation_id, "enhanced_feature": "orchestration" }),
            )
        }
        Route::WorkflowStatus => {
            let id = last_segment(request, 1);
            match state.workflows.get(&id) {
                Some(workflow) if workflow.org_id == org => ok(
                    "Workflow status retrieved",
                    json!({
                        "workflow_id": id,
                        "name": workflow.name,
                        "status": workflow.status,
                        "org_id": workflow.org_id,
                        "metadata": workflow.metadata,
                    }),
                    Value::Null,
                ),
                _ => detail(404, "Workflow not found"),
            }
        }
        Route::Root | Route::Health | Route::Ready => detail(500, "unreachable route"),
    }
}

/// `POST /search/batch`: one search per query of the JSON array, run as a workflow.
fn batch(
    state: &mut MemoryState,
    request: &Request,
    body: &Value,
    org: &str,
    correlation_id: &str,
) -> ResponseTemplate {
    let queries: Vec<String> = serde_json::from_value(body.clone()).unwrap_or_default();
    let search_type = query_param(request, "search_type").unwrap_or_else(|| "hybrid".to_owned());
    let limit = query_param(request, "limit")
        .and_then(|limit| limit.parse::<usize>().ok())
        .unwrap_or(10);
    let mut results = Map::new();
    for (index, query) in queries.iter().enumerate() {
        let hits = state.search(org, query, limit, None);
        let task = json!({
            "query": query,
            "search_type": search_type,
            "count": hits.len(),
            "results": hits,
        });
        results.insert(format!("search_{index}"), task);
        state.operations += 1;
    }
    let workflow_id = new_workflow(state, "batch_search", org, json!({}), "completed");
    ok(
        "Batch search completed",
        json!({
            "workflow_id": workflow_id,
            "results": results,
            "queries_processed": queries.len(),
            "execution_time_ms": 1.5,
            "duration": 0.0015,
        }),
        json!({ "correlation_id": correlation_id, "org_id": org, "enhanced_feature": "orchestration" }),
    )
}

fn new_workflow(
    state: &mut MemoryState,
    name: &str,
    org: &str,
    metadata: Value,
    status: &'static str,
) -> String {
    let workflow_id = format!("wf_{org}_{}", &uuid4()[..8]);
    state.workflows.insert(
        workflow_id.clone(),
        Workflow {
            name: name.to_owned(),
            org_id: org.to_owned(),
            metadata,
            status,
        },
    );
    workflow_id
}

/// The HealthCheck body (contract §2.4): `healthy`, dependencies as strings.
fn health(state: &MemoryState) -> Value {
    let active = state.contexts.values().filter(|active| **active).count();
    json!({
        "status": "healthy",
        "timestamp": naive_utc_now(),
        "version": "1.0.0",
        "dependencies": {
            "kse_sdk": "healthy",
            "active_contexts": active.to_string(),
            "embedding_cache_hit_rate": "0.00%",
            "embedding_cache_size": "0",
            "memory_operations": state.operations.to_string(),
            "memory_success_rate": "100.00%",
            "orchestration_cache_hit_rate": "0.00%",
            "total_workflows": state.workflows.len().to_string(),
            "observability_traces": state.operations.to_string(),
        },
        "uptime": 1.0,
    })
}

fn metrics(state: &MemoryState) -> Value {
    let cache = json!({
        "cache_size": 0, "max_cache_size": 10000, "cache_hits": 0,
        "cache_misses": state.operations, "total_operations": state.operations,
        "hit_rate": 0, "cache_utilization": 0,
    });
    let active_workflows = state
        .workflows
        .values()
        .filter(|w| w.status != "completed")
        .count();
    json!({
        "memory_performance": {
            "total_operations": state.operations,
            "successful_operations": state.operations,
            "success_rate": 1.0,
            "average_operation_time_ms": 0.25,
            "recent_average_time_ms": 0.25,
            "conceptual_spaces_count": state.spaces.len(),
            "embedding_cache_stats": cache,
        },
        "embedding_cache": cache,
        "orchestration": {
            "total_workflows": state.workflows.len(),
            "active_workflows": active_workflows,
        },
        "observability": { "service_name": "memory" },
        "summary": {
            "total_operations": state.operations,
            "success_rate": 1.0,
            "cache_hit_rate": 0,
            "average_response_time_ms": 0.25,
            "conceptual_spaces_count": state.spaces.len(),
            "active_workflows": active_workflows,
        },
    })
}

/// The caller and their organisation, as the memory service reads them: `X-User-ID` and
/// `X-Org-ID` (both needed), or, through the gateway, the token's `sub` and `org_id`.
fn user_context(request: &Request) -> Option<(Caller, String)> {
    let caller = Caller::of(&request.headers)?;
    let org = caller.org_id.clone()?;
    Some((caller, org))
}

fn ok(message: &str, data: Value, metadata: Value) -> ResponseTemplate {
    let mut body = envelope(message, data);
    body["metadata"] = metadata;
    json_answer(200, &body)
}

fn detail(status: u16, detail: &str) -> ResponseTemplate {
    json_answer(status, &json!({ "detail": detail }))
}

fn query_param(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The path segment `back` places before the last one.
fn last_segment(request: &Request, back: usize) -> String {
    let segments: Vec<&str> = request
        .url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    segments
        .len()
        .checked_sub(back + 1)
        .and_then(|index| segments.get(index))
        .map(|segment| (*segment).to_owned())
        .unwrap_or_default()
}

fn epoch_seconds() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

fn to_usize(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

pub(crate) fn lock(state: &Mutex<MemoryState>) -> MutexGuard<'_, MemoryState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}
