//! What `GET /insights` answers.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use lift_sdk_core::decode::null_as_default;

/// Analytics over the caller's organisation's memories (the service's `MemoryInsights`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct MemoryInsights {
    /// How many memories are stored.
    #[serde(default, deserialize_with = "null_as_default")]
    pub total_memories: u64,
    /// The most frequent concepts.
    #[serde(default, deserialize_with = "null_as_default")]
    pub dominant_concepts: Vec<String>,
    /// How densely the knowledge graph is connected.
    #[serde(default, deserialize_with = "null_as_default")]
    pub knowledge_density: f64,
    /// Patterns over time, as the service reports them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub temporal_patterns: Map<String, Value>,
    /// Clusters of related memories, as the service reports them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub semantic_clusters: Vec<Value>,
    /// How many memories of each type.
    #[serde(default, deserialize_with = "null_as_default")]
    pub memory_types: BTreeMap<String, u64>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(MemoryInsights, mistyped);
