//! What `GET /performance/metrics` answers.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

use lift_sdk_core::decode::{millis, null_as_default};

/// The memory service's performance figures.
///
/// The [`summary`](Self::summary) is typed; the detailed sections are internal statistics
/// whose shape changes between versions, so they are kept as JSON objects.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct PerformanceMetrics {
    /// The headline figures.
    #[serde(default, deserialize_with = "null_as_default")]
    pub summary: PerformanceSummary,
    /// Memory operation statistics.
    #[serde(default, deserialize_with = "null_as_default")]
    pub memory_performance: Map<String, Value>,
    /// Embedding cache statistics.
    #[serde(default, deserialize_with = "null_as_default")]
    pub embedding_cache: Map<String, Value>,
    /// Workflow orchestration statistics.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orchestration: Map<String, Value>,
    /// Tracing, metrics and accountability statistics.
    #[serde(default, deserialize_with = "null_as_default")]
    pub observability: Map<String, Value>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(PerformanceMetrics, mistyped);

/// The headline figures of [`PerformanceMetrics`].
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct PerformanceSummary {
    /// Memory operations since the service started.
    #[serde(default, deserialize_with = "null_as_default")]
    pub total_operations: u64,
    /// The share of operations that succeeded, 0 to 1.
    #[serde(default, deserialize_with = "null_as_default")]
    pub success_rate: f64,
    /// The embedding cache's hit rate, 0 to 1.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cache_hit_rate: f64,
    /// The mean response time (`average_response_time_ms` on the wire).
    #[serde(
        default,
        rename = "average_response_time_ms",
        deserialize_with = "millis"
    )]
    pub average_response_time: Duration,
    /// How many conceptual spaces exist.
    #[serde(default, deserialize_with = "null_as_default")]
    pub conceptual_spaces_count: u64,
    /// How many workflows are running.
    #[serde(default, deserialize_with = "null_as_default")]
    pub active_workflows: u64,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(PerformanceSummary, mistyped);
