//! What the memory mock holds: memories per organisation, contexts, conceptual spaces and
//! workflows, and the deterministic search over them.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::mocks::fastapi::{naive_utc_now, uuid4};

/// One memory the mock holds, as it was stored (by a client or [`seed`](super::MockMemory::seed)).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Memory {
    /// The id, shaped like the reference's: `memory_{org_id}_{epoch seconds}`.
    pub id: String,
    /// The organisation it belongs to.
    pub org_id: String,
    /// The content.
    pub content: String,
    /// The memory type (`general` unless the store said).
    pub memory_type: String,
    /// The metadata the caller sent (an object, `{}` when none).
    pub metadata: Map<String, Value>,
    /// When it was stored, naive UTC as the reference writes it.
    pub timestamp: String,
    /// The operation id the reference puts in a search hit's metadata.
    operation_id: String,
}

impl Memory {
    /// A search hit for this memory, shaped like the reference's `MemorySearchResult`.
    fn hit(&self, score: f64) -> Value {
        let mut metadata = Map::new();
        metadata.insert("memory_type".into(), Value::from(self.memory_type.as_str()));
        metadata.insert("source".into(), Value::from("lift_os_core"));
        metadata.insert("organization_id".into(), Value::from(self.org_id.as_str()));
        metadata.insert("timestamp".into(), Value::from(self.timestamp.as_str()));
        metadata.extend(self.metadata.clone());
        metadata.insert("has_embedding".into(), Value::Bool(true));
        metadata.insert("embedding_model".into(), Value::from("lift-testkit-terms"));
        metadata.insert(
            "operation_id".into(),
            Value::from(self.operation_id.as_str()),
        );
        json!({
            "id": self.id,
            "content": self.content,
            "score": score,
            "metadata": metadata,
            "memory_type": self.memory_type,
            "timestamp": self.timestamp,
        })
    }
}

/// A conceptual space, listed for every organisation as the reference does.
#[derive(Debug, Clone)]
pub(crate) struct Space {
    pub(crate) name: String,
    pub(crate) dimensions: Vec<String>,
    pub(crate) created_at: f64,
}

/// A workflow made by `POST /workflows/create` or a batch search.
#[derive(Debug, Clone)]
pub(crate) struct Workflow {
    pub(crate) name: String,
    pub(crate) org_id: String,
    pub(crate) metadata: Value,
    pub(crate) status: &'static str,
}

/// Everything the memory mock holds, behind one mutex (locked briefly, never across await).
#[derive(Debug, Default)]
pub(crate) struct MemoryState {
    memories: Vec<Memory>,
    /// Context id per organisation, and whether it is active.
    pub(crate) contexts: BTreeMap<String, bool>,
    pub(crate) spaces: BTreeMap<String, Space>,
    pub(crate) workflows: BTreeMap<String, Workflow>,
    /// Stores and searches answered, for `/performance/metrics` and `/health`.
    pub(crate) operations: u64,
    last_stamp: f64,
}

impl MemoryState {
    /// Stores a memory for `org_id` and returns it.
    pub(crate) fn store(
        &mut self,
        org_id: &str,
        content: &str,
        metadata: Map<String, Value>,
        memory_type: &str,
    ) -> Memory {
        let memory = Memory {
            id: format!("memory_{org_id}_{}", self.next_stamp()),
            org_id: org_id.to_owned(),
            content: content.to_owned(),
            memory_type: memory_type.to_owned(),
            metadata,
            timestamp: naive_utc_now(),
            operation_id: uuid4(),
        };
        self.contexts.entry(org_id.to_owned()).or_insert(true);
        self.memories.push(memory.clone());
        memory
    }

    /// The memories of `org_id`, in the order they were stored.
    pub(crate) fn memories(&self, org_id: &str) -> Vec<Memory> {
        self.memories
            .iter()
            .filter(|memory| memory.org_id == org_id)
            .cloned()
            .collect()
    }

    /// The hits for `query` among the memories of `org_id`, best first, at most `limit`.
    ///
    /// A memory matches when its content contains one of the query's terms, case
    /// insensitively; its score is the share of the terms it contains (ties keep the order
    /// of storing). `filters` keep the memories whose metadata (with `memory_type`) equals
    /// each filter's value, or is `$in` its list.
    pub(crate) fn search(
        &self,
        org_id: &str,
        query: &str,
        limit: usize,
        filters: Option<&Map<String, Value>>,
    ) -> Vec<Value> {
        let terms = terms(query);
        if terms.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, &Memory)> = self
            .memories
            .iter()
            .filter(|memory| memory.org_id == org_id && passes(memory, filters))
            .filter_map(|memory| {
                let content = memory.content.to_lowercase();
                let found = terms.iter().filter(|term| content.contains(*term)).count();
                #[allow(clippy::cast_precision_loss, reason = "a handful of terms")]
                let score = found as f64 / terms.len() as f64;
                (found > 0).then(|| ((score * 10_000.0).round() / 10_000.0, memory))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored
            .into_iter()
            .take(limit)
            .map(|(score, memory)| memory.hit(score))
            .collect()
    }

    /// `MemoryInsights` computed from the memories of `org_id`.
    pub(crate) fn insights(&self, org_id: &str) -> Value {
        let memories = self.memories(org_id);
        let mut words: BTreeMap<String, u64> = BTreeMap::new();
        let mut types: BTreeMap<String, u64> = BTreeMap::new();
        let mut days: BTreeMap<String, u64> = BTreeMap::new();
        let mut total_words = 0_u64;
        for memory in &memories {
            *types.entry(memory.memory_type.clone()).or_default() += 1;
            *days
                .entry(memory.timestamp.chars().take(10).collect())
                .or_default() += 1;
            for word in terms(&memory.content) {
                total_words += 1;
                if word.chars().count() > 3 {
                    *words.entry(word).or_default() += 1;
                }
            }
        }
        let mut concepts: Vec<(String, u64)> = words.into_iter().collect();
        // Most frequent first; ties alphabetically (the map was sorted).
        concepts.sort_by_key(|concept| std::cmp::Reverse(concept.1));
        let distinct = concepts.len();
        let dominant: Vec<String> = concepts.into_iter().take(5).map(|(w, _)| w).collect();
        #[allow(clippy::cast_precision_loss, reason = "small counts")]
        let density = if total_words == 0 {
            0.0
        } else {
            ((distinct as f64 / total_words as f64) * 10_000.0).round() / 10_000.0
        };
        let clusters: Vec<Value> = types
            .iter()
            .map(|(memory_type, size)| json!({ "cluster": memory_type, "size": size }))
            .collect();
        json!({
            "total_memories": memories.len(),
            "dominant_concepts": dominant,
            "knowledge_density": density,
            "temporal_patterns": { "daily_counts": days },
            "semantic_clusters": clusters,
            "memory_types": types,
        })
    }

    /// An id suffix like the reference's `time.time()`: epoch seconds with microseconds,
    /// strictly increasing so two stores in the same microsecond get different ids.
    fn next_stamp(&mut self) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |elapsed| elapsed.as_secs_f64());
        let stamp = if now > self.last_stamp {
            now
        } else {
            self.last_stamp + 0.000_001
        };
        self.last_stamp = stamp;
        format!("{stamp:.6}")
    }
}

/// The lower-case words of `text`.
fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `memory` passes every filter: equality, or `{"$in": [...]}`; other operators are
/// not checked.
fn passes(memory: &Memory, filters: Option<&Map<String, Value>>) -> bool {
    let Some(filters) = filters else {
        return true;
    };
    filters.iter().all(|(field, wanted)| {
        let actual = if field == "memory_type" {
            Some(Value::from(memory.memory_type.as_str()))
        } else {
            memory.metadata.get(field).cloned()
        };
        match wanted {
            Value::Object(operators) => operators.iter().all(|(op, operand)| match op.as_str() {
                "$in" => operand
                    .as_array()
                    .is_some_and(|list| actual.as_ref().is_some_and(|a| list.contains(a))),
                "$eq" => actual.as_ref() == Some(operand),
                _ => true,
            }),
            value => actual.as_ref() == Some(value),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_scores_by_the_share_of_terms_found_and_keeps_orgs_apart() {
        let mut state = MemoryState::default();
        state.store("o-1", "Q3 campaign lifted signups", Map::new(), "general");
        state.store("o-1", "campaign paused", Map::new(), "insight");
        state.store("o-2", "campaign signups elsewhere", Map::new(), "general");

        let hits = state.search("o-1", "Campaign SIGNUPS", 10, None);

        let scores: Vec<(&str, f64)> = hits
            .iter()
            .map(|h| (h["content"].as_str().unwrap(), h["score"].as_f64().unwrap()))
            .collect();
        assert_eq!(
            scores,
            [
                ("Q3 campaign lifted signups", 1.0),
                ("campaign paused", 0.5)
            ]
        );
        assert_eq!(hits[0]["metadata"]["organization_id"], "o-1");
        let only_insights = json!({ "memory_type": { "$in": ["insight"] } });
        let filtered = state.search("o-1", "campaign", 10, only_insights.as_object());
        assert_eq!(filtered.len(), 1);
        assert_eq!(filtered[0]["memory_type"], "insight");
    }

    #[test]
    fn ids_are_shaped_like_the_reference_and_never_repeat() {
        let mut state = MemoryState::default();
        let a = state.store("o-1", "a", Map::new(), "general").id;
        let b = state.store("o-1", "b", Map::new(), "general").id;
        assert!(a.starts_with("memory_o-1_"), "{a}");
        assert_ne!(a, b);
    }
}
