//! What `POST /store` answers.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::metadata::{ResponseMetadata, WithMetadata};
use crate::ids::MemoryId;
use lift_sdk_core::decode::{millis, null_as_default};

/// The answer to a store: the new memory's id and what the service did with it.
///
/// `memory_id` is required: an answer without one is a decode error, never an empty id.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct StoreResult {
    /// The id of the stored memory.
    pub memory_id: MemoryId,
    /// The memory type it was stored as.
    #[serde(default, deserialize_with = "null_as_default")]
    pub memory_type: String,
    /// The length of the stored content, as the service counts it (Python characters).
    #[serde(default, deserialize_with = "null_as_default")]
    pub content_length: u64,
    /// Which enhancements ran.
    #[serde(default, deserialize_with = "null_as_default")]
    pub enhanced_features: StoreFeatures,
    /// Timing figures, when sent.
    #[serde(default)]
    pub performance_metrics: Option<StorePerformance>,
    /// The envelope's metadata.
    #[serde(skip)]
    pub metadata: ResponseMetadata,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(StoreResult, mistyped);

impl StoreResult {
    /// Memory's `correlation_id` for this store, from the envelope's metadata.
    #[must_use]
    pub fn correlation_id(&self) -> Option<&str> {
        self.metadata.correlation_id()
    }
}

impl WithMetadata for StoreResult {
    fn set_metadata(&mut self, metadata: ResponseMetadata) {
        self.metadata = metadata;
    }
}

/// The enhancements the service applied to a stored memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct StoreFeatures {
    /// Whether an embedding was computed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub embedding_generated: bool,
    /// Whether the memory was mapped into conceptual spaces.
    #[serde(default, deserialize_with = "null_as_default")]
    pub conceptual_mapping: bool,
    /// Whether the embedding cache was used.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cache_optimization: bool,
}

/// Timing figures sent with a store.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct StorePerformance {
    /// How long storing took (`storage_time_ms` on the wire).
    #[serde(default, rename = "storage_time_ms", deserialize_with = "millis")]
    pub storage_time: Duration,
    /// The service's overall success rate, 0 to 1.
    #[serde(default, deserialize_with = "null_as_default")]
    pub success_rate: f64,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(StorePerformance, mistyped);
