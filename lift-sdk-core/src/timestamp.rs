//! One timestamp type that reads every format the Lift services send (contract §2.5).

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Error;

/// A point in time, in UTC, read leniently and written the way the Python services expect.
///
/// Reads all four formats found on the wire:
///
/// | form | example |
/// |---|---|
/// | naive ISO 8601, read as UTC, with or without a fraction | `2026-11-23T07:26:12.169221`, `2024-01-02T03:04:05` |
/// | RFC 3339 with an offset | `2026-11-23T07:27:33.139892+00:00`, `2024-01-02T05:04:05+02:00` |
/// | RFC 3339 with `Z` | `2024-01-02T03:04:05Z` |
/// | epoch seconds, integer or float (JSON number or numeric string) | `1795418891.6046739` |
///
/// It writes naive UTC ISO with microseconds (`2024-01-02T03:04:05.000000`), which every
/// reference service accepts: billing compares naive and aware datetimes and fails when they
/// are mixed.
///
/// ```
/// use lift_sdk_core::Timestamp;
///
/// let a: Timestamp = "2024-01-02T03:04:05Z".parse()?;
/// let b: Timestamp = "2024-01-02T05:04:05+02:00".parse()?;
/// let c: Timestamp = serde_json::from_str("1704164645")?;
/// assert_eq!(a, b);
/// assert_eq!(a, c);
/// assert_eq!(a.to_string(), "2024-01-02T03:04:05.000000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

/// The widest epoch-seconds value accepted (year 9999), so a huge number is an error, not a
/// panic or an overflow.
const MAX_EPOCH_SECONDS: f64 = 253_402_300_799.0;

impl Timestamp {
    /// The current time.
    #[must_use]
    pub fn now() -> Self {
        Self(Utc::now())
    }

    /// The time `seconds` (and `nanos`) after the Unix epoch, if it is representable.
    #[must_use]
    pub fn from_unix(seconds: i64, nanos: u32) -> Option<Self> {
        DateTime::from_timestamp(seconds, nanos).map(Self)
    }

    /// Seconds since the Unix epoch (negative before 1970).
    #[must_use]
    pub fn unix_seconds(&self) -> i64 {
        self.0.timestamp()
    }

    /// The sub-second part, in nanoseconds.
    #[must_use]
    pub fn subsec_nanos(&self) -> u32 {
        self.0.timestamp_subsec_nanos()
    }

    /// The same instant as RFC 3339 with a `Z` suffix.
    #[must_use]
    pub fn to_rfc3339(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    /// Parses any of the accepted forms.
    ///
    /// # Errors
    ///
    /// An [`InvalidInput`](crate::ErrorKind::InvalidInput) error quoting the text when it
    /// matches none of them.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let invalid = || Error::invalid_input(format!("`{text}` is not a timestamp"));
        if text.is_empty() {
            return Err(invalid());
        }
        if let Ok(aware) = DateTime::parse_from_rfc3339(text) {
            return Ok(Self(aware.with_timezone(&Utc)));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(Self(naive.and_utc()));
            }
        }
        if text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            && let Ok(seconds) = text.parse::<f64>()
        {
            return Self::from_epoch_f64(seconds).ok_or_else(invalid);
        }
        Err(invalid())
    }

    fn from_epoch_f64(seconds: f64) -> Option<Self> {
        if !seconds.is_finite() || seconds.abs() > MAX_EPOCH_SECONDS {
            return None;
        }
        let whole = seconds.floor();
        // Rounded to the microsecond: the services send at most microseconds, and an epoch
        // f64 resolves only ~240 ns today, so finer digits are noise that would depend on
        // how the JSON number was parsed (serde_json's `float_roundtrip` or not).
        // In range by the check above, so neither cast truncates.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let (secs, nanos) = (
            whole as i64,
            ((seconds - whole) * 1e6).round() as u32 * 1000,
        );
        let (secs, nanos) = if nanos >= 1_000_000_000 {
            (secs + 1, 0)
        } else {
            (secs, nanos)
        };
        Self::from_unix(secs, nanos)
    }
}

impl fmt::Display for Timestamp {
    /// Naive UTC ISO 8601 with microseconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S%.6f"))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.to_rfc3339())
    }
}

impl FromStr for Timestamp {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        Self(time.into())
    }
}

impl From<Timestamp> for SystemTime {
    fn from(timestamp: Timestamp) -> Self {
        let nanos = Duration::from_nanos(u64::from(timestamp.subsec_nanos()));
        let seconds = timestamp.unix_seconds();
        if seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs()) + nanos
        } else {
            UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs()) + nanos
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ISO 8601 / RFC 3339 timestamp or epoch seconds")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
        Timestamp::parse(text).map_err(|_| E::invalid_value(de::Unexpected::Str(text), &self))
    }

    fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<Timestamp, E> {
        Timestamp::from_unix(seconds, 0)
            .filter(|_| seconds.unsigned_abs() <= 253_402_300_799)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(seconds), &self))
    }

    fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<Timestamp, E> {
        i64::try_from(seconds)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(seconds), &self))
            .and_then(|seconds| self.visit_i64(seconds))
    }

    fn visit_f64<E: de::Error>(self, seconds: f64) -> Result<Timestamp, E> {
        Timestamp::from_epoch_f64(seconds)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(seconds), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_wire_format() {
        let expected = Timestamp::from_unix(1_704_164_645, 0).unwrap();
        for text in [
            "2024-01-02T03:04:05",
            "2024-01-02T03:04:05.000000",
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05+00:00",
            "2024-01-02T05:04:05+02:00",
            "2024-01-01T22:04:05-05:00",
            "2024-01-02 03:04:05",
            "1704164645",
            "1704164645.0",
        ] {
            assert_eq!(Timestamp::parse(text).unwrap(), expected, "{text}");
        }
        let json: Timestamp = serde_json::from_str("1795418891.6046739").unwrap();
        assert_eq!(json.unix_seconds(), 1_795_418_891);
        assert_eq!(json.subsec_nanos() / 1000, 604_674);
    }

    #[test]
    fn writes_naive_utc_with_microseconds() {
        let t = Timestamp::parse("2026-11-23T07:27:33.139892+00:00").unwrap();
        assert_eq!(t.to_string(), "2026-11-23T07:27:33.139892");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2026-11-23T07:27:33.139892\""
        );
        assert_eq!(t.to_rfc3339(), "2026-11-23T07:27:33.139892Z");
    }

    #[test]
    fn bad_input_is_an_error() {
        for text in [
            "",
            "yesterday",
            "2024-13-01T00:00:00",
            "2024-01-02",
            "1e400",
            "NaN",
            "--1",
        ] {
            assert!(Timestamp::parse(text).is_err(), "{text}");
        }
        for json in [
            "1e300",
            "-1e300",
            "true",
            "null",
            "{}",
            "18446744073709551615",
        ] {
            assert!(serde_json::from_str::<Timestamp>(json).is_err(), "{json}");
        }
    }
}
