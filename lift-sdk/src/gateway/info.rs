//! The gateway's own answers that no other service shares.

use serde::Deserialize;

/// `GET /` on the gateway: its version and the services it knows.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct GatewayInfo {
    /// The gateway's version.
    #[serde(default)]
    pub version: String,
    /// The service names it routes or pings.
    #[serde(default)]
    pub services: Vec<String>,
    /// Where its API docs are.
    #[serde(default)]
    pub docs: Option<String>,
}
