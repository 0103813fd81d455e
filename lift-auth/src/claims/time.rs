//! `NumericDate` (RFC 7519 §2) and the `aud` claim.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest magnitude accepted, in seconds: far beyond any real date, small enough that
/// every computation on it stays exact in `i128` nanoseconds and `f64` seconds.
const MAX_SECONDS: i64 = 1 << 40;

/// A JWT time claim (`exp`, `iat`, `nbf`): seconds since the Unix epoch, integer or
/// fractional on the wire.
///
/// The reference issues integers; other issuers (Python's `security_manager`) write floats.
/// Both are read; a string, a boolean or `null` is an error, never a skipped check.
///
/// ```
/// use lift_auth::NumericDate;
///
/// let date: NumericDate = serde_json::from_str("1700000000.5")?;
/// assert_eq!(date.as_secs(), 1_700_000_000);
/// assert!(serde_json::from_str::<NumericDate>("\"1700000000\"").is_err());
/// assert_eq!(serde_json::to_string(&NumericDate::from_secs(7))?, "7");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericDate {
    secs: i64,
    nanos: u32,
}

impl NumericDate {
    /// A date from whole epoch seconds.
    #[must_use]
    pub const fn from_secs(secs: i64) -> Self {
        Self { secs, nanos: 0 }
    }

    /// A date from a point in time (truncated to whole seconds, as tokens carry them).
    #[must_use]
    pub fn from_system_time(time: SystemTime) -> Self {
        let secs = match time.duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Self::from_secs(secs)
    }

    /// The current time, in whole seconds.
    #[must_use]
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Whole seconds since the epoch (rounded down).
    #[must_use]
    pub const fn as_secs(&self) -> i64 {
        self.secs
    }

    /// Seconds since the epoch, with the fraction.
    #[must_use]
    pub fn as_secs_f64(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }

    /// The point in time. Dates beyond ±2^40 seconds (about 35,000 years) around the epoch,
    /// which only [`from_secs`](Self::from_secs) can make, are brought back to that range;
    /// a date the platform's `SystemTime` cannot hold becomes the epoch. Never panics.
    #[must_use]
    pub fn to_system_time(&self) -> SystemTime {
        let secs = self.secs.clamp(-MAX_SECONDS, MAX_SECONDS);
        let whole = Duration::from_secs(secs.unsigned_abs());
        let nanos = Duration::from_nanos(u64::from(self.nanos));
        let time = if secs >= 0 {
            UNIX_EPOCH.checked_add(whole)
        } else {
            UNIX_EPOCH.checked_sub(whole)
        };
        time.and_then(|time| time.checked_add(nanos))
            .unwrap_or(UNIX_EPOCH)
    }

    /// Whether the date is a whole number of seconds (how the reference writes it).
    pub(crate) const fn is_whole_secs(self) -> bool {
        self.nanos == 0
    }

    /// Nanoseconds since the epoch, for exact comparisons.
    pub(crate) fn as_nanos(self) -> i128 {
        i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos)
    }

    /// This date moved by `duration` (saturating).
    #[must_use]
    pub fn add(&self, duration: Duration) -> Self {
        let secs = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
        let mut out = Self {
            secs: self.secs.saturating_add(secs),
            nanos: self.nanos + duration.subsec_nanos(),
        };
        if out.nanos >= 1_000_000_000 {
            out.nanos -= 1_000_000_000;
            out.secs = out.secs.saturating_add(1);
        }
        out
    }

    fn from_f64(value: f64) -> Option<Self> {
        if !value.is_finite() || value.abs() >= MAX_SECONDS as f64 {
            return None;
        }
        let secs = value.floor();
        let nanos = ((value - secs) * 1e9).round().clamp(0.0, 999_999_999.0);
        // Both casts are exact: `secs` is an integer below 2^40, `nanos` below 1e9.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(Self {
            secs: secs as i64,
            nanos: nanos as u32,
        })
    }
}

impl From<SystemTime> for NumericDate {
    fn from(time: SystemTime) -> Self {
        Self::from_system_time(time)
    }
}

impl Serialize for NumericDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.nanos == 0 {
            serializer.serialize_i64(self.secs)
        } else {
            serializer.serialize_f64(self.as_secs_f64())
        }
    }
}

struct NumericDateVisitor;

impl Visitor<'_> for NumericDateVisitor {
    type Value = NumericDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a NumericDate (epoch seconds as a JSON number)")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        // `unsigned_abs`, not `abs`: `i64::MIN.abs()` overflows (a panic in debug builds, and
        // `i64::MIN` itself, accepted, in release).
        if value.unsigned_abs() >= MAX_SECONDS.unsigned_abs() {
            return Err(E::custom("NumericDate out of range"));
        }
        Ok(NumericDate::from_secs(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        match i64::try_from(value) {
            Ok(value) => self.visit_i64(value),
            Err(_) => Err(E::custom("NumericDate out of range")),
        }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        NumericDate::from_f64(value).ok_or_else(|| E::custom("NumericDate out of range"))
    }
}

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumericDateVisitor)
    }
}

/// The `aud` claim: one string or an array of strings (RFC 7519 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "lift"`.
    One(String),
    /// `"aud": ["lift", "memory"]`.
    Many(Vec<String>),
}

impl Audience {
    /// Whether `audience` is named.
    #[must_use]
    pub fn contains(&self, audience: &str) -> bool {
        match self {
            Self::One(one) => one == audience,
            Self::Many(many) => many.iter().any(|a| a == audience),
        }
    }

    /// The audiences named.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many): (Option<&String>, &[String]) = match self {
            Self::One(one) => (Some(one), &[]),
            Self::Many(many) => (None, many),
        };
        one.into_iter().chain(many).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_integers_and_fractions() {
        let date: NumericDate = serde_json::from_str("1700000000").unwrap();
        assert_eq!(date, NumericDate::from_secs(1_700_000_000));
        let date: NumericDate = serde_json::from_str("1700000000.25").unwrap();
        assert_eq!(date.as_secs(), 1_700_000_000);
        assert!((date.as_secs_f64() - 1_700_000_000.25).abs() < 1e-6);
    }

    #[test]
    fn refuses_other_types_and_absurd_values() {
        for bad in ["\"2100\"", "true", "null", "[1]", "{}", "1e300", "-1e300"] {
            assert!(serde_json::from_str::<NumericDate>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn integer_and_float_extremes_are_refused_without_panicking() {
        for bad in [
            i64::MIN.to_string(),
            (i64::MIN + 1).to_string(),
            i64::MAX.to_string(),
            u64::MAX.to_string(),
            (1_i64 << 40).to_string(),
            (-(1_i64 << 40)).to_string(),
            "1e19".to_owned(),
            "-1e19".to_owned(),
            "1.7976931348623157e308".to_owned(),
            "-1.7976931348623157e308".to_owned(),
            "18446744073709551616".to_owned(),
        ] {
            assert!(serde_json::from_str::<NumericDate>(&bad).is_err(), "{bad}");
        }
        for good in [
            "0",
            "-0.0",
            "5e-324",
            "-1",
            "1099511627775",
            "-1099511627775",
        ] {
            assert!(serde_json::from_str::<NumericDate>(good).is_ok(), "{good}");
        }
        assert!(NumericDate::from_f64(f64::NAN).is_none());
        assert!(NumericDate::from_f64(f64::INFINITY).is_none());
    }

    #[test]
    fn any_date_converts_to_a_system_time() {
        for secs in [i64::MIN, -1, 0, 1, i64::MAX] {
            let _ = NumericDate::from_secs(secs).to_system_time();
            let _ = NumericDate::from_secs(secs)
                .add(Duration::MAX)
                .as_secs_f64();
        }
    }

    #[test]
    fn add_carries_nanoseconds() {
        let date = NumericDate::from_f64(1.75)
            .unwrap()
            .add(Duration::from_millis(500));
        assert_eq!(date.as_secs(), 2);
        assert!((date.as_secs_f64() - 2.25).abs() < 1e-9);
    }

    #[test]
    fn audience_forms() {
        let one: Audience = serde_json::from_str("\"lift\"").unwrap();
        let many: Audience = serde_json::from_str("[\"a\",\"lift\"]").unwrap();
        assert!(one.contains("lift") && many.contains("lift") && !many.contains("b"));
        assert_eq!(many.iter().collect::<Vec<_>>(), ["a", "lift"]);
    }
}
