//! What the `/context/...` routes answer.

use serde::Deserialize;
use serde_json::{Map, Value};

use lift_sdk_core::decode::null_as_default;

/// The answer to [`context_initialize`](crate::MemoryClient::context_initialize).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct MemoryContext {
    /// The service's id for the context, `org_{org_id}`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub context_id: String,
    /// The organisation the context belongs to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub org_id: String,
    /// The domain it was initialised for, such as `general`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub domain: String,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(MemoryContext, mistyped);

/// The answer to [`context_stats`](crate::MemoryClient::context_stats). The counts are the
/// whole service's, not the caller's organisation's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ContextStats {
    /// How many contexts the service knows.
    #[serde(default, deserialize_with = "null_as_default")]
    pub total_contexts: u64,
    /// How many of them are active.
    #[serde(default, deserialize_with = "null_as_default")]
    pub active_contexts: u64,
    /// The storage backend, such as `universal_kse`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub backend: String,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ContextStats, mistyped);

/// The answer to [`delete_context`](crate::MemoryClient::delete_context).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ContextDeleted {
    /// The organisation whose context was deactivated.
    #[serde(default, deserialize_with = "null_as_default")]
    pub org_id: String,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ContextDeleted, mistyped);
