//! `POST /store` and `GET /insights`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::http::{Caller, correlation_id, failed, json_body, missing, ok, wrong_type};
use super::index::MemoryIndex;
use super::records::Memory;
use super::state::{MemoryState, OrgMemories};

/// Terms too common to be a concept.
const STOPWORDS: [&str; 24] = [
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "this", "to", "was", "were", "with", "after",
];

/// `POST /store`: saves the memory (durably) before answering, then indexes it.
pub(super) async fn store(
    State(state): State<Arc<MemoryState>>,
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
    let Some(fields) = body.as_object() else {
        return wrong_type(&["body"], "dict", &body);
    };
    let content = match fields.get("content") {
        None => return missing(&["body", "content"], &body),
        Some(Value::String(content)) => content.clone(),
        Some(other) => return wrong_type(&["body", "content"], "string", other),
    };
    // A null metadata is an empty one (the reference crashes on it: contract §5.1).
    let caller_metadata = match fields.get("metadata") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(metadata)) => metadata.clone(),
        Some(other) => return wrong_type(&["body", "metadata"], "dict", other),
    };
    let memory_type = match fields.get("memory_type") {
        None => "general".to_owned(),
        Some(Value::String(kind)) => kind.clone(),
        Some(other) => return wrong_type(&["body", "memory_type"], "string", other),
    };
    let started = Instant::now();
    let timestamp = crate::mocks::naive_utc_now();
    let mut inner = state.lock();
    let id = inner.next_memory_id(&caller.org_id);
    let mut metadata = caller_metadata;
    for (key, value) in [
        ("memory_type", json!(memory_type)),
        ("source", json!("lift_os_core")),
        ("organization_id", json!(caller.org_id)),
        ("user_id", json!(caller.user_id)),
        ("timestamp", json!(timestamp)),
        ("has_embedding", json!(false)),
        ("embedding_model", json!("bm25")),
        ("operation_id", json!(correlation_id())),
    ] {
        metadata.entry(key).or_insert(value);
    }
    let memory = Memory {
        id: id.clone(),
        org_id: caller.org_id.clone(),
        user_id: caller.user_id.clone(),
        content,
        memory_type: memory_type.clone(),
        timestamp,
        metadata,
    };
    let content_length = memory.content.chars().count();
    let saved = state.add_memory(&mut inner, memory);
    drop(inner);
    state.counters.record(started, saved.is_ok());
    if let Err(err) = saved {
        return failed("Enhanced memory storage", &err);
    }
    let (_, success_rate, _) = state.counters.summary();
    ok(
        "Memory stored successfully",
        json!({
            "memory_id": id,
            "memory_type": memory_type,
            "content_length": content_length,
            "enhanced_features": {
                "embedding_generated": true,
                "conceptual_mapping": true,
                "cache_optimization": true,
            },
            "performance_metrics": {
                "storage_time_ms": started.elapsed().as_secs_f64() * 1000.0,
                "success_rate": success_rate,
            },
        }),
        Some(json!({
            "correlation_id": correlation_id(),
            "org_id": caller.org_id,
            "enhanced_storage": true,
        })),
    )
}

/// `GET /insights`: computed from the caller's organisation's memories only.
pub(super) async fn insights(
    State(state): State<Arc<MemoryState>>,
    headers: HeaderMap,
) -> Response {
    let caller = match Caller::from_headers(&headers) {
        Ok(caller) => caller,
        Err(denied) => return denied,
    };
    let inner = state.lock();
    let data = inner
        .orgs
        .get(&caller.org_id)
        .map_or_else(|| compute(&OrgMemories::default()), compute);
    drop(inner);
    ok(
        "Memory insights retrieved",
        data,
        Some(json!({ "correlation_id": correlation_id(), "org_id": caller.org_id })),
    )
}

/// `MemoryInsights` from an organisation's memories:
/// - `dominant_concepts`: the five terms (no stopwords, no pure numbers) found in the most
///   memories, ties alphabetical;
/// - `knowledge_density`: distinct terms per term stored (0 when empty);
/// - `temporal_patterns`: memories per day and per hour of day (UTC), first and last
///   timestamps;
/// - `semantic_clusters`: per dominant concept, the memories containing it;
/// - `memory_types`: memories per type.
fn compute(org: &OrgMemories) -> Value {
    let concepts = dominant_concepts(&org.index, 5);
    let mut by_day: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_hour: BTreeMap<String, u64> = BTreeMap::new();
    let mut types: BTreeMap<String, u64> = BTreeMap::new();
    for memory in &org.records {
        *by_day
            .entry(memory.timestamp.chars().take(10).collect())
            .or_default() += 1;
        *by_hour
            .entry(memory.timestamp.chars().skip(11).take(2).collect())
            .or_default() += 1;
        *types.entry(memory.memory_type.clone()).or_default() += 1;
    }
    let clusters: Vec<Value> = concepts
        .iter()
        .map(|concept| {
            let members: Vec<&str> = org
                .index
                .search(concept, org.records.len().max(1))
                .iter()
                .map(|hit| hit.id)
                .collect();
            json!({ "concept": concept, "size": members.len(), "memory_ids": members })
        })
        .collect();
    let distinct = org.index.terms().count();
    #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let density = if org.index.total_length() == 0 {
        0.0
    } else {
        distinct as f64 / org.index.total_length() as f64
    };
    json!({
        "total_memories": org.records.len(),
        "dominant_concepts": concepts,
        "knowledge_density": density,
        "temporal_patterns": {
            "memories_by_day": by_day,
            "memories_by_hour": by_hour,
            "first_memory_at": org.records.first().map(|m| &m.timestamp),
            "last_memory_at": org.records.last().map(|m| &m.timestamp),
        },
        "semantic_clusters": clusters,
        "memory_types": types,
    })
}

fn dominant_concepts(index: &MemoryIndex, count: usize) -> Vec<String> {
    let mut terms: Vec<(&str, usize)> = index
        .terms()
        .filter(|(term, _)| {
            term.chars().count() > 1
                && !STOPWORDS.contains(term)
                && !term.chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    terms.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    terms
        .into_iter()
        .take(count)
        .map(|(t, _)| t.to_owned())
        .collect()
}
