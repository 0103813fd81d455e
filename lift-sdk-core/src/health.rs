//! The `/health` and `/ready` bodies every Lift service answers with (contract §2.4, §8).

use std::collections::BTreeMap;

use crate::Timestamp;
use crate::decode::null_as_default;
use serde::Deserialize;
use serde_json::{Map, Value};

/// A `/health` body, read leniently: both shapes of contract §2.4 (HealthChecker and the
/// HealthCheck model) and the modules' variants fit; `null` is a default and a field with
/// another type is kept raw in [`mistyped`](Self::mistyped) (see [`decode`](crate::decode)).
///
/// ```
/// use lift_sdk_core::{ServiceHealth, Uptime};
///
/// let gateway: ServiceHealth = serde_json::from_str(
///     r#"{"status":"healthy","service":"gateway","timestamp":"2026-11-23T08:08:18.979286","uptime":"running"}"#,
/// )?;
/// let registry: ServiceHealth = serde_json::from_str(
///     r#"{"status":"healthy","version":"1.0.0","dependencies":{"registered_modules":"0"},"uptime":6.2}"#,
/// )?;
/// assert_eq!(gateway.uptime, Some(Uptime::Text("running".into())));
/// assert_eq!(registry.dependencies["registered_modules"], "0");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ServiceHealth {
    /// `healthy`, `degraded`, `unhealthy`, …
    #[serde(default)]
    pub status: String,
    /// The service name, when the body has one.
    #[serde(default)]
    pub service: Option<String>,
    /// When the answer was produced.
    #[serde(default)]
    pub timestamp: Option<Timestamp>,
    /// The service version, when the body has one.
    #[serde(default)]
    pub version: Option<String>,
    /// Seconds up, or the string `"running"` (HealthChecker).
    #[serde(default)]
    pub uptime: Option<Uptime>,
    /// Dependency name → state; values are always strings on the wire, even counts.
    #[serde(default, deserialize_with = "null_as_default")]
    pub dependencies: BTreeMap<String, String>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

crate::tolerant_deserialize!(ServiceHealth, mistyped);

impl ServiceHealth {
    /// Whether `status` is `healthy`.
    #[must_use]
    pub fn is_healthy(&self) -> bool {
        self.status == "healthy"
    }
}

/// `uptime` in a health body: seconds, or a word.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Uptime {
    /// Seconds since start.
    Seconds(f64),
    /// A word such as `"running"`.
    Text(String),
}

/// A `/ready` body (HTTP 200). A service that is not ready answers 503, which is an error.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct Readiness {
    /// `ready`.
    #[serde(default)]
    pub status: String,
    /// The service name.
    #[serde(default)]
    pub service: Option<String>,
    /// When the answer was produced.
    #[serde(default)]
    pub timestamp: Option<Timestamp>,
    /// Check name → its result.
    #[serde(default, deserialize_with = "null_as_default")]
    pub checks: BTreeMap<String, ReadinessCheck>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

crate::tolerant_deserialize!(Readiness, mistyped);

/// One readiness check.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ReadinessCheck {
    /// `ready` or not.
    #[serde(default)]
    pub status: String,
    /// Whatever the check reported.
    #[serde(default)]
    pub result: Value,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

crate::tolerant_deserialize!(ReadinessCheck, mistyped);
