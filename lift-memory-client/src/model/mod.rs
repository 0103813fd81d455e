//! Response types, one file per endpoint family, plus the lenient helpers they share.

pub(crate) mod context;
pub(crate) mod info;
pub(crate) mod insights;
pub(crate) mod marketing;
pub(crate) mod marketing_request;
pub(crate) mod metadata;
pub(crate) mod metrics;
pub(crate) mod search;
pub(crate) mod spaces;
pub(crate) mod store;
pub(crate) mod workflow;

use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// Reads a number of seconds (the services send `f64`) as a [`Duration`]; `null`, a
/// negative or a non-finite value reads as zero rather than failing.
pub(crate) fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let value = Option::<f64>::deserialize(deserializer)?;
    Ok(from_f64(value.unwrap_or(0.0)))
}

/// Reads a number of milliseconds as a [`Duration`], as leniently as [`seconds`].
pub(crate) fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let value = Option::<f64>::deserialize(deserializer)?;
    Ok(from_f64(value.unwrap_or(0.0) / 1000.0))
}

fn from_f64(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::ZERO)
}

/// Reads `null` as the type's default, for fields the reference sometimes sends as `null`.
pub(crate) fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(deserialize_with = "seconds")]
        s: Duration,
        #[serde(deserialize_with = "millis")]
        ms: Duration,
    }

    #[test]
    fn durations_are_lenient() {
        let probe: Probe = serde_json::from_str(r#"{"s": 0.25, "ms": 1500}"#).unwrap();
        assert_eq!(probe.s, Duration::from_millis(250));
        assert_eq!(probe.ms, Duration::from_millis(1500));
        let probe: Probe = serde_json::from_str(r#"{"s": -1, "ms": null}"#).unwrap();
        assert_eq!((probe.s, probe.ms), (Duration::ZERO, Duration::ZERO));
    }
}
