//! Tolerant decoding of service answers: the one set of rules every Lift client uses
//! (contract §10 H).
//!
//! The reference services, their module copies and other clients write data this SDK does
//! not control, so a response type must decode whatever they send:
//!
//! - **typed** where a value has the expected shape;
//! - the **default** (or `None`) where it is `null` or absent;
//! - **kept raw** where it has another type: a struct made tolerant with
//!   [`tolerant_deserialize!`](crate::tolerant_deserialize) moves such a field, as sent,
//!   into a map of its own (its `extra` or `mistyped` field) and decodes every other field.
//!
//! The helpers below are for `#[serde(deserialize_with = "…")]`:
//!
//! | helper | reads | `null` / absent | another type |
//! |---|---|---|---|
//! | [`null_as_default`] | `T` | `T::default()` | error (the tolerant struct keeps it raw) |
//! | [`seconds`] / [`millis`] | a number, or a numeric string | zero | zero |
//! | [`seconds_opt`] / [`millis_opt`] | as above | `None` | `None` (e.g. `"running"`) |
//!
//! Enums declared with [`string_enum!`](crate::string_enum) read an unknown string as
//! `Other(text)` and a number or boolean as `Other` of its JSON text. An envelope whose
//! `data` is `null` or missing decodes as [`empty_data`] says.
//!
//! ```
//! use std::time::Duration;
//!
//! use lift_sdk_core::decode;
//! use serde::Deserialize;
//! use serde_json::{Map, Value, json};
//!
//! #[derive(Debug, Default, Deserialize)]
//! #[serde(remote = "Self")]
//! struct Probe {
//!     #[serde(default, deserialize_with = "decode::null_as_default")]
//!     tags: Vec<String>,
//!     #[serde(default, deserialize_with = "decode::seconds_opt")]
//!     uptime: Option<Duration>,
//!     #[serde(default)]
//!     count: u64,
//!     #[serde(skip)]
//!     mistyped: Map<String, Value>,
//! }
//! lift_sdk_core::tolerant_deserialize!(Probe, mistyped);
//!
//! let probe: Probe = serde_json::from_value(json!({
//!     "tags": null, "uptime": "running", "count": "seven"
//! }))?;
//! assert!(probe.tags.is_empty());
//! assert_eq!(probe.uptime, None);
//! assert_eq!(probe.count, 0);
//! assert_eq!(probe.mistyped["count"], "seven");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod tolerant;

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

pub use tolerant::{Tolerant, tolerant};

/// Reads `null` as the type's default, for fields another client may have stored as `null`
/// (a `null` list is an empty list).
///
/// # Errors
///
/// The deserializer's error when the value is neither `null` nor a `T`.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads seconds (a number, or a string holding one) as a [`Duration`]; `null`, a negative,
/// non-finite or non-numeric value reads as zero.
///
/// # Errors
///
/// Only the deserializer's own errors (malformed input); never for a value's type.
pub fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    Ok(seconds_opt(deserializer)?.unwrap_or(Duration::ZERO))
}

/// Reads seconds like [`seconds`], but `None` for `null`, absent or unreadable values (the
/// word `"running"` that HealthChecker sends as `uptime`).
///
/// # Errors
///
/// Only the deserializer's own errors (malformed input); never for a value's type.
pub fn seconds_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    Ok(number(&Value::deserialize(deserializer)?).and_then(duration_from_secs))
}

/// Reads milliseconds as a [`Duration`], as leniently as [`seconds`].
///
/// # Errors
///
/// Only the deserializer's own errors (malformed input); never for a value's type.
pub fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    Ok(millis_opt(deserializer)?.unwrap_or(Duration::ZERO))
}

/// Reads milliseconds as an optional [`Duration`], as leniently as [`seconds_opt`].
///
/// # Errors
///
/// Only the deserializer's own errors (malformed input); never for a value's type.
pub fn millis_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    Ok(number(&Value::deserialize(deserializer)?).and_then(|ms| duration_from_secs(ms / 1000.0)))
}

/// A number, or a string that holds one.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn duration_from_secs(seconds: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(seconds).ok()
}

/// The value of an envelope whose `data` is `null` or missing: `T` read from `null` when it
/// accepts that (`Option`, `()`, [`Value`]), else `T` read from `{}`, so a struct whose
/// fields all have defaults is its default. A type with a required field (an id the caller
/// relies on) still fails.
///
/// # Errors
///
/// The decode error of reading `T` from `{}` when `T` accepts neither.
pub fn empty_data<T: DeserializeOwned>() -> Result<T, serde_json::Error> {
    T::deserialize(&Value::Null).or_else(|_| T::deserialize(&Value::Object(Map::new())))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Times {
        #[serde(default, deserialize_with = "seconds")]
        s: Duration,
        #[serde(default, deserialize_with = "millis")]
        ms: Duration,
        #[serde(default, deserialize_with = "seconds_opt")]
        uptime: Option<Duration>,
    }

    #[test]
    fn seconds_accept_numbers_numeric_strings_and_words() {
        let times: Times =
            serde_json::from_value(json!({"s": 0.25, "ms": "1500", "uptime": 6})).unwrap();
        assert_eq!(times.s, Duration::from_millis(250));
        assert_eq!(times.ms, Duration::from_millis(1500));
        assert_eq!(times.uptime, Some(Duration::from_secs(6)));

        for odd in [
            json!(null),
            json!(-1),
            json!("running"),
            json!([1]),
            json!(1e308),
        ] {
            let times: Times =
                serde_json::from_value(json!({"s": odd, "ms": odd, "uptime": odd})).unwrap();
            assert_eq!(times.s, Duration::ZERO, "{odd}");
            assert_eq!(times.ms, Duration::ZERO, "{odd}");
            assert_eq!(times.uptime, None, "{odd}");
        }
        let times: Times = serde_json::from_value(json!({})).unwrap();
        assert_eq!(times.uptime, None);
    }

    #[test]
    fn empty_data_prefers_null_then_an_empty_object() {
        #[derive(Debug, Default, Deserialize, PartialEq)]
        struct Counts {
            #[serde(default)]
            n: u64,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct NeedsId {
            id: String,
        }
        assert_eq!(empty_data::<Option<u8>>().unwrap(), None);
        assert_eq!(empty_data::<Value>().unwrap(), Value::Null);
        assert_eq!(empty_data::<Counts>().unwrap(), Counts::default());
        assert!(empty_data::<NeedsId>().is_err());
    }

    #[test]
    fn null_lists_are_empty() {
        #[derive(Deserialize)]
        struct Tags {
            #[serde(default, deserialize_with = "null_as_default")]
            tags: Vec<String>,
        }
        let tags: Tags = serde_json::from_value(json!({"tags": null})).unwrap();
        assert!(tags.tags.is_empty());
    }
}
