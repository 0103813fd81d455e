//! Health probe results: per module, and the registry-wide summary.

use std::time::Duration;

use lift_sdk_core::Timestamp;
use lift_sdk_core::decode::{null_as_default, seconds_opt};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::id::ModuleId;
use crate::status::ModuleHealth;

/// The result of one health probe of a module by the registry (`health`).
///
/// Like every answer type of this crate, it decodes tolerantly: `null` is a default, and a
/// field with another type is kept raw in [`mistyped`](Self::mistyped).
///
/// `healthy` comes with [`response_time`](Self::response_time) and the module's own health
/// body in [`details`](Self::details); `unhealthy` and `unreachable` come with an
/// [`error`](Self::error) such as `HTTP 503`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct HealthProbe {
    /// The outcome.
    #[serde(default)]
    pub status: ModuleHealth,
    /// When the registry probed.
    #[serde(default)]
    pub last_check: Option<Timestamp>,
    /// How long the module took to answer (sent as float seconds).
    #[serde(default, deserialize_with = "seconds_opt")]
    pub response_time: Option<Duration>,
    /// The module's health body, verbatim (healthy probes only).
    #[serde(default)]
    pub details: Option<Value>,
    /// Why the probe failed, e.g. `HTTP 503` or `All connection attempts failed`.
    #[serde(default)]
    pub error: Option<String>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(HealthProbe, mistyped);

/// The answer to [`module_health`](crate::RegistryClient::module_health): a fresh probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ModuleHealthReport {
    /// The module probed.
    pub module_id: ModuleId,
    /// The probe's result.
    #[serde(default)]
    pub health: HealthProbe,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ModuleHealthReport, mistyped);

/// The registry-wide summary (`GET /health-summary`), built by probing every module in turn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct HealthSummary {
    /// How many modules are registered.
    #[serde(default)]
    pub total_modules: u64,
    /// How many answered healthy.
    #[serde(default)]
    pub healthy: u64,
    /// How many answered with an error status.
    #[serde(default)]
    pub unhealthy: u64,
    /// How many could not be reached.
    #[serde(default)]
    pub unreachable: u64,
    /// How many have no known health.
    #[serde(default)]
    pub unknown: u64,
    /// One line per module.
    #[serde(default, deserialize_with = "null_as_default")]
    pub modules: Vec<ModuleHealthEntry>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(HealthSummary, mistyped);

/// One module in a [`HealthSummary`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ModuleHealthEntry {
    /// The module's registry id.
    pub module_id: ModuleId,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its health (not its lifecycle status).
    #[serde(default)]
    pub status: ModuleHealth,
    /// When it was probed.
    #[serde(default)]
    pub last_check: Option<Timestamp>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ModuleHealthEntry, mistyped);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_time_is_read_as_seconds() {
        let probe: HealthProbe =
            serde_json::from_str(r#"{"status":"healthy","response_time":0.004}"#).unwrap();
        assert_eq!(probe.response_time, Some(Duration::from_millis(4)));
        for odd in [r#""fast""#, "-1", "null", "[1]"] {
            let json = format!(r#"{{"status":"healthy","response_time":{odd}}}"#);
            let probe: HealthProbe = serde_json::from_str(&json).unwrap();
            assert_eq!(probe.response_time, None, "{odd}");
        }
    }
}
