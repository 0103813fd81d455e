//! What `GET /` answers.

use serde::Deserialize;

use super::null_default;

/// The memory service's self-description (`GET /`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct ServiceInfo {
    /// The service's version, such as `1.0.0`.
    #[serde(default, deserialize_with = "null_default")]
    pub version: String,
    /// The state of the knowledge-space engine integration, such as `active`.
    #[serde(default, deserialize_with = "null_default")]
    pub kse_integration: String,
    /// Where the service's API docs are, such as `/docs`.
    #[serde(default, deserialize_with = "null_default")]
    pub docs: String,
}
