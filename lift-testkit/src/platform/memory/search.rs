//! `POST /search`, `/search/{neural,conceptual,knowledge}` and `/search/batch`.
//!
//! Every search type ranks with the organisation's BM25 index. `knowledge` keeps only the
//! memories containing every query term; `neural` and `hybrid` add `embedding_similarity`
//! (the score relative to the best hit); `conceptual` attaches the organisation's most
//! recently created conceptual space, when it has one.

// An `Err` here is the whole answer, built once per request: boxing it buys nothing.
#![allow(clippy::result_large_err)]

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::filters;
use super::http::{
    Caller, correlation_id, failed, json_body, missing, ok, unprocessable, wrong_type,
};
use super::records::{Workflow, hex8};
use super::state::{Inner, MemoryState};

/// The search types and their pattern (contract §5.1).
const SEARCH_TYPES: [&str; 4] = ["neural", "conceptual", "knowledge", "hybrid"];
const PATTERN: &str = "^(neural|conceptual|knowledge|hybrid)$";

/// A validated `MemorySearchRequest`.
struct SearchRequest {
    query: String,
    search_type: String,
    limit: usize,
    filters: Option<Map<String, Value>>,
}

fn parse_request(body: &[u8], forced_type: Option<&str>) -> Result<SearchRequest, Response> {
    let body = json_body(body)?;
    let Some(fields) = body.as_object() else {
        return Err(wrong_type(&["body"], "dict", &body));
    };
    let query = match fields.get("query") {
        None => return Err(missing(&["body", "query"], &body)),
        Some(Value::String(query)) => query.clone(),
        Some(other) => return Err(wrong_type(&["body", "query"], "string", other)),
    };
    let search_type = match fields.get("search_type") {
        None => "hybrid".to_owned(),
        Some(Value::String(kind)) if SEARCH_TYPES.contains(&kind.as_str()) => kind.clone(),
        Some(Value::String(kind)) => {
            return Err(unprocessable(&json!({
                "type": "string_pattern_mismatch",
                "loc": ["body", "search_type"],
                "msg": format!("String should match pattern '{PATTERN}'"),
                "input": kind,
                "ctx": { "pattern": PATTERN },
                "url": "https://errors.pydantic.dev/2.5/v/string_pattern_mismatch",
            })));
        }
        Some(other) => return Err(wrong_type(&["body", "search_type"], "string", other)),
    };
    let limit = match fields.get("limit") {
        None => 10,
        Some(Value::Number(n)) => match n.as_i64() {
            Some(n) if n < 1 => return Err(bound("greater_than_equal", "ge", 1, n)),
            Some(n) if n > 100 => return Err(bound("less_than_equal", "le", 100, n)),
            Some(n) => usize::try_from(n).unwrap_or(10),
            None => {
                return Err(wrong_type(
                    &["body", "limit"],
                    "int",
                    &Value::Number(n.clone()),
                ));
            }
        },
        Some(other) => return Err(wrong_type(&["body", "limit"], "int", other)),
    };
    let filters = match fields.get("filters") {
        None | Some(Value::Null) => None,
        Some(Value::Object(filters)) => Some(filters.clone()),
        Some(other) => return Err(wrong_type(&["body", "filters"], "dict", other)),
    };
    Ok(SearchRequest {
        query,
        search_type: forced_type.map_or(search_type, str::to_owned),
        limit,
        filters,
    })
}

fn bound(error_type: &str, key: &str, limit: i64, input: i64) -> Response {
    let relation = if key == "ge" { "greater" } else { "less" };
    unprocessable(&json!({
        "type": error_type,
        "loc": ["body", "limit"],
        "msg": format!("Input should be {relation} than or equal to {limit}"),
        "input": input,
        "ctx": { key: limit },
        "url": format!("https://errors.pydantic.dev/2.5/v/{error_type}"),
    }))
}

/// The hits of one search of `org_id`'s memories, as `MemorySearchResult` objects.
fn run(
    inner: &Inner,
    org_id: &str,
    query: &str,
    search_type: &str,
    limit: usize,
    filters: Option<&Map<String, Value>>,
) -> Vec<Value> {
    let Some(org) = inner.orgs.get(org_id) else {
        return Vec::new();
    };
    let hits = org
        .index
        .search_where(query, limit, search_type == "knowledge", |doc| {
            filters::matches(&org.records[doc], filters)
        });
    let best = hits.first().map_or(1.0, |hit| hit.score);
    let space = (search_type == "conceptual")
        .then(|| {
            inner
                .spaces
                .iter()
                .filter(|(_, space)| space.org_id == org_id)
                .max_by(|a, b| a.1.created_at.total_cmp(&b.1.created_at).then(a.0.cmp(b.0)))
        })
        .flatten();
    hits.iter()
        .filter_map(|hit| {
            let memory = org.records.get(hit.position)?;
            let mut result = json!({
                "id": memory.id,
                "content": memory.content,
                "score": hit.score,
                "metadata": memory.metadata,
                "memory_type": memory.memory_type,
                "timestamp": memory.timestamp,
            });
            if matches!(search_type, "neural" | "hybrid") {
                result["embedding_similarity"] = json!(hit.score / best);
            }
            if let Some((space_id, space)) = space {
                result["conceptual_space"] =
                    json!({ "space_id": space_id, "name": space.name, "dimensions": space.dimensions });
            }
            Some(result)
        })
        .collect()
}

/// `POST /search`.
pub(super) async fn search(
    State(state): State<Arc<MemoryState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&state, &headers, &body, None)
}

/// `POST /search/neural`.
pub(super) async fn neural(
    State(state): State<Arc<MemoryState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&state, &headers, &body, Some("neural"))
}

/// `POST /search/conceptual`.
pub(super) async fn conceptual(
    State(state): State<Arc<MemoryState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&state, &headers, &body, Some("conceptual"))
}

/// `POST /search/knowledge`.
pub(super) async fn knowledge(
    State(state): State<Arc<MemoryState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&state, &headers, &body, Some("knowledge"))
}

fn answer(state: &MemoryState, headers: &HeaderMap, body: &[u8], forced: Option<&str>) -> Response {
    let caller = match Caller::from_headers(headers) {
        Ok(caller) => caller,
        Err(denied) => return denied,
    };
    let request = match parse_request(body, forced) {
        Ok(request) => request,
        Err(invalid) => return invalid,
    };
    let started = Instant::now();
    let inner = state.lock();
    let results = run(
        &inner,
        &caller.org_id,
        &request.query,
        &request.search_type,
        request.limit,
        request.filters.as_ref(),
    );
    let spaces = inner
        .spaces
        .values()
        .filter(|space| space.org_id == caller.org_id)
        .count();
    drop(inner);
    state.counters.record(started, true);
    let (_, _, average_ms) = state.counters.summary();
    ok(
        "Memory search completed",
        json!({
            "results": results,
            "count": results.len(),
            "search_type": request.search_type,
            "duration": started.elapsed().as_secs_f64(),
            "performance_metrics": {
                "cache_hit_rate": 0.0,
                "average_operation_time_ms": average_ms,
                "conceptual_spaces_available": spaces,
            },
        }),
        Some(json!({
            "correlation_id": correlation_id(),
            "org_id": caller.org_id,
            "query_length": request.query.chars().count(),
            "enhanced_features": ["bm25_ranking", "metadata_filters"],
        })),
    )
}

/// The query of `POST /search/batch`.
#[derive(Debug, serde::Deserialize)]
pub(super) struct BatchParams {
    search_type: Option<String>,
    limit: Option<i64>,
}

/// `POST /search/batch`: body a JSON array of query strings; runs them as one workflow
/// (kept, so `/workflows/{id}/status` reports it).
pub(super) async fn batch(
    State(state): State<Arc<MemoryState>>,
    Query(params): Query<BatchParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match Caller::from_headers(&headers) {
        Ok(caller) => caller,
        Err(denied) => return denied,
    };
    let body = match json_body(&body) {
        Ok(body) => body,
        Err(invalid) => return invalid,
    };
    let Some(items) = body.as_array() else {
        return wrong_type(&["body"], "list", &body);
    };
    let mut queries = Vec::with_capacity(items.len());
    for (position, item) in items.iter().enumerate() {
        let Some(query) = item.as_str() else {
            let position = position.to_string();
            return wrong_type(&["body", &position], "string", item);
        };
        queries.push(query.to_owned());
    }
    let search_type = params.search_type.unwrap_or_else(|| "hybrid".into());
    let limit = usize::try_from(params.limit.unwrap_or(10).clamp(0, 100)).unwrap_or(10);
    let started = Instant::now();
    let mut inner = state.lock();
    let mut results = Map::new();
    for (position, query) in queries.iter().enumerate() {
        let hits = run(&inner, &caller.org_id, query, &search_type, limit, None);
        results.insert(
            format!("search_{position}"),
            json!({ "query": query, "results": hits, "count": hits.len() }),
        );
    }
    let workflow_id = format!("wf_{}_{}", caller.org_id, hex8());
    let results = Value::Object(results);
    let workflow = Workflow {
        org_id: caller.org_id.clone(),
        name: "batch_search".into(),
        metadata: Map::from_iter([("queries".into(), json!(queries))]),
        status: "completed".into(),
        created_at: crate::mocks::naive_utc_now(),
        results: Some(results.clone()),
    };
    let saved = state.change_extras(&mut inner, |draft| {
        draft.workflows.insert(workflow_id.clone(), workflow);
    });
    drop(inner);
    state.counters.record(started, saved.is_ok());
    if let Err(err) = saved {
        return failed("Batch search", &err);
    }
    let elapsed = started.elapsed();
    ok(
        "Batch search completed",
        json!({
            "workflow_id": workflow_id,
            "results": results,
            "queries_processed": queries.len(),
            "execution_time_ms": elapsed.as_secs_f64() * 1000.0,
            "duration": elapsed.as_secs_f64(),
        }),
        Some(json!({ "correlation_id": correlation_id(), "org_id": caller.org_id })),
    )
}
