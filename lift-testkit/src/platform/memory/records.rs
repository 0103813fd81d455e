//! What the memory service keeps: memories, contexts, conceptual spaces and workflows, in
//! the shapes they are saved in.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One stored memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Memory {
    /// `memory_{org_id}_{epoch seconds with microseconds}`.
    pub(super) id: String,
    pub(super) org_id: String,
    pub(super) user_id: String,
    pub(super) content: String,
    pub(super) memory_type: String,
    /// Naive UTC ISO.
    pub(super) timestamp: String,
    /// The caller's metadata plus the service's own keys (contract §5.2
    /// `MemorySearchResult.metadata`).
    pub(super) metadata: Map<String, Value>,
}

/// An organisation's memory context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Context {
    pub(super) domain: String,
    pub(super) active: bool,
}

/// A conceptual space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Space {
    pub(super) org_id: String,
    pub(super) name: String,
    pub(super) dimensions: Vec<String>,
    /// Epoch seconds.
    pub(super) created_at: f64,
}

/// A workflow (created, or run by a batch search).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Workflow {
    pub(super) org_id: String,
    pub(super) name: String,
    pub(super) metadata: Map<String, Value>,
    pub(super) status: String,
    pub(super) created_at: String,
    /// What a batch search found, by task id.
    #[serde(default)]
    pub(super) results: Option<Value>,
}

/// The hex of 32 random bits, as the reference's `uuid4().hex[:8]`.
pub(super) fn hex8() -> String {
    format!("{:08x}", fastrand::u32(..))
}
