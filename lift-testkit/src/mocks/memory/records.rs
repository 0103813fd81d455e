//! What the memory mock received, decoded: the stores and searches a client sent.
//!
//! lift-memory-client's `StoreRequest` and `SearchRequest` only serialise, so the kit
//! decodes the same wire shapes into these records.

use lift_sdk_core::SearchType;
use serde::Deserialize;
use serde_json::{Map, Value};

/// A `POST /store` body as received (`MemoryStoreRequest`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct StoreRecord {
    /// The content.
    pub content: String,
    /// The metadata as sent: `None` when absent or `null` (which crashes the reference).
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// The memory type (the service's default, `general`, when absent).
    #[serde(default = "general")]
    pub memory_type: String,
}

/// A search as received (`MemorySearchRequest`) on `/search` or `/search/{type}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct SearchRecord {
    /// The query.
    pub query: String,
    /// The search type the service uses: the path's for `/search/{type}`, else the body's
    /// (hybrid when absent).
    #[serde(default)]
    pub search_type: SearchType,
    /// The limit (the service's default, 10, when absent).
    #[serde(default = "ten")]
    pub limit: u32,
    /// The filters, when sent.
    #[serde(default)]
    pub filters: Option<Map<String, Value>>,
    /// The memory type, when sent (the service ignores it).
    #[serde(default)]
    pub memory_type: Option<String>,
    /// The path it was sent to, as the service sees it (`/search`, `/search/neural`…).
    #[serde(skip)]
    pub path: String,
}

fn general() -> String {
    "general".to_owned()
}

const fn ten() -> u32 {
    10
}
