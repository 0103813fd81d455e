//! What the search routes answer.

use std::collections::BTreeMap;
use std::time::Duration;

use lift_sdk_core::Timestamp;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::metadata::{ResponseMetadata, WithMetadata};
use crate::ids::{MemoryId, SpaceId, WorkflowId};
use lift_sdk_core::SearchType;
use lift_sdk_core::decode::{millis, null_as_default, seconds};

/// The answer to a search: the hits, how many, and how long the service took.
///
/// The envelope's `metadata` (with memory's `correlation_id`) is kept in
/// [`metadata`](Self::metadata).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct SearchResponse {
    /// The hits, best first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub results: Vec<SearchHit>,
    /// How many hits were returned.
    #[serde(default)]
    pub count: u64,
    /// The strategy the service used.
    #[serde(default, deserialize_with = "null_as_default")]
    pub search_type: SearchType,
    /// The service's own time for the search (`duration`, seconds on the wire).
    #[serde(default, deserialize_with = "seconds")]
    pub duration: Duration,
    /// Cache and timing figures, when sent.
    #[serde(default)]
    pub performance_metrics: Option<SearchPerformance>,
    /// The envelope's metadata.
    #[serde(skip)]
    pub metadata: ResponseMetadata,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(SearchResponse, mistyped);

impl SearchResponse {
    /// Memory's `correlation_id` for this search, from the envelope's metadata.
    #[must_use]
    pub fn correlation_id(&self) -> Option<&str> {
        self.metadata.correlation_id()
    }

    /// Whether there are no hits.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }
}

impl WithMetadata for SearchResponse {
    fn set_metadata(&mut self, metadata: ResponseMetadata) {
        self.metadata = metadata;
    }
}

/// One memory found by a search (the service's `MemorySearchResult`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct SearchHit {
    /// The memory's id (empty when the service sent none: one odd hit never fails the
    /// others).
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: MemoryId,
    /// The stored text.
    #[serde(default, deserialize_with = "null_as_default")]
    pub content: String,
    /// The relevance score; higher is better.
    #[serde(default, deserialize_with = "null_as_default")]
    pub score: f64,
    /// The stored metadata: the caller's keys plus the service's (`memory_type`, `source`,
    /// `organization_id`, `timestamp`, `has_embedding`, …).
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: Map<String, Value>,
    /// The memory type, such as `general`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub memory_type: String,
    /// When the memory was stored.
    #[serde(default)]
    pub timestamp: Option<Timestamp>,
    /// The conceptual space the hit was mapped to, when the service says.
    #[serde(default)]
    pub conceptual_space: Option<ConceptualSpaceRef>,
    /// The embedding similarity, when the service says.
    #[serde(default)]
    pub embedding_similarity: Option<f64>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(SearchHit, mistyped);

/// The conceptual space a [`SearchHit`] belongs to.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ConceptualSpaceRef {
    /// The space's id.
    #[serde(default)]
    pub space_id: Option<SpaceId>,
    /// The space's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The space's dimensions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub dimensions: Vec<String>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ConceptualSpaceRef, mistyped);

/// Cache and timing figures sent with a search.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct SearchPerformance {
    /// The embedding cache's hit rate, 0 to 1.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cache_hit_rate: f64,
    /// The mean operation time (`average_operation_time_ms` on the wire).
    #[serde(
        default,
        rename = "average_operation_time_ms",
        deserialize_with = "millis"
    )]
    pub average_operation_time: Duration,
    /// How many conceptual spaces the service holds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub conceptual_spaces_available: u64,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(SearchPerformance, mistyped);

/// The answer to a batch search, run by the service as one workflow.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct BatchSearchResult {
    /// The workflow that ran the searches.
    #[serde(default, deserialize_with = "null_as_default")]
    pub workflow_id: WorkflowId,
    /// Each task's result, by task id, as the service's orchestrator reports it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub results: BTreeMap<String, Value>,
    /// How many queries were processed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub queries_processed: u64,
    /// The orchestrator's execution time (`execution_time_ms` on the wire).
    #[serde(default, rename = "execution_time_ms", deserialize_with = "millis")]
    pub execution_time: Duration,
    /// The service's total time (`duration`, seconds on the wire).
    #[serde(default, deserialize_with = "seconds")]
    pub duration: Duration,
    /// The envelope's metadata.
    #[serde(skip)]
    pub metadata: ResponseMetadata,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(BatchSearchResult, mistyped);

impl WithMetadata for BatchSearchResult {
    fn set_metadata(&mut self, metadata: ResponseMetadata) {
        self.metadata = metadata;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn decodes_a_full_search_answer() {
        let data = json!({
            "results": [{
                "id": "memory_o_1795421411.6", "content": "Q3 lift", "score": 0.91,
                "metadata": {"memory_type": "general", "source": "lift_os_core"},
                "memory_type": "general", "timestamp": "2026-11-23T07:26:12.169221",
                "conceptual_space": {"space_id": "space_o_1", "name": "m", "dimensions": ["a"]},
                "embedding_similarity": 0.8, "new_field": true
            }],
            "count": 1, "search_type": "hybrid", "duration": 0.01,
            "performance_metrics": {"cache_hit_rate": 0.5, "average_operation_time_ms": 2.0,
                                    "conceptual_spaces_available": 3}
        });
        let response: SearchResponse = serde_json::from_value(data).unwrap();
        let hit = &response.results[0];
        assert_eq!(hit.id, "memory_o_1795421411.6");
        assert_eq!(hit.embedding_similarity, Some(0.8));
        assert_eq!(
            hit.conceptual_space
                .as_ref()
                .unwrap()
                .space_id
                .as_ref()
                .unwrap(),
            "space_o_1"
        );
        assert_eq!(response.duration, Duration::from_millis(10));
        let perf = response.performance_metrics.unwrap();
        assert_eq!(perf.average_operation_time, Duration::from_millis(2));
    }

    #[test]
    fn an_empty_object_is_an_empty_answer() {
        let response: SearchResponse = serde_json::from_value(json!({})).unwrap();
        assert!(response.is_empty());
        assert_eq!(response.search_type, SearchType::Hybrid);
    }
}
