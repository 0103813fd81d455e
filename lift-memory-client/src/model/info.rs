//! What `GET /` answers.

use serde::Deserialize;
use serde_json::{Map, Value};

use lift_sdk_core::decode::null_as_default;

/// The memory service's self-description (`GET /`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ServiceInfo {
    /// The service's version, such as `1.0.0`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub version: String,
    /// The state of the knowledge-space engine integration, such as `active`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub kse_integration: String,
    /// Where the service's API docs are, such as `/docs`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub docs: String,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ServiceInfo, mistyped);
