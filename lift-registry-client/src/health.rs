//! Health probe results: per module, and the registry-wide summary.

use std::time::Duration;

use lift_sdk_core::Timestamp;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::id::ModuleId;
use crate::status::ModuleHealth;

/// The result of one health probe of a module by the registry (`health`).
///
/// `healthy` comes with [`response_time`](Self::response_time) and the module's own health
/// body in [`details`](Self::details); `unhealthy` and `unreachable` come with an
/// [`error`](Self::error) such as `HTTP 503`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct HealthProbe {
    /// The outcome.
    #[serde(default)]
    pub status: ModuleHealth,
    /// When the registry probed.
    #[serde(default)]
    pub last_check: Option<Timestamp>,
    /// How long the module took to answer (sent as float seconds).
    #[serde(default, deserialize_with = "lenient_seconds")]
    pub response_time: Option<Duration>,
    /// The module's health body, verbatim (healthy probes only).
    #[serde(default)]
    pub details: Option<Value>,
    /// Why the probe failed, e.g. `HTTP 503` or `All connection attempts failed`.
    #[serde(default)]
    pub error: Option<String>,
}

/// The answer to [`module_health`](crate::RegistryClient::module_health): a fresh probe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ModuleHealthReport {
    /// The module probed.
    pub module_id: ModuleId,
    /// The probe's result.
    #[serde(default)]
    pub health: HealthProbe,
}

/// The registry-wide summary (`GET /health-summary`), built by probing every module in turn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
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
    #[serde(default)]
    pub modules: Vec<ModuleHealthEntry>,
}

/// One module in a [`HealthSummary`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
}

/// Reads float (or integer) seconds; anything else, negative or not finite, is `None`.
fn lenient_seconds<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(value
        .as_ref()
        .and_then(Value::as_f64)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_time_is_read_as_seconds() {
        let probe: HealthProbe =
            serde_json::from_str(r#"{"status":"healthy","response_time":0.004}"#).unwrap();
        assert_eq!(probe.response_time, Some(Duration::from_millis(4)));
        for odd in [r#""fast""#, "-1", "null"] {
            let json = format!(r#"{{"status":"healthy","response_time":{odd}}}"#);
            let probe: HealthProbe = serde_json::from_str(&json).unwrap();
            assert_eq!(probe.response_time, None, "{odd}");
        }
    }
}
