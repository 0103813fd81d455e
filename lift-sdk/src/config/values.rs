//! Reading one variable's value: durations, sizes and counts, each error naming
//! the variable and showing what it held.

use std::time::Duration;

use lift_sdk_core::Error;

/// `500ms`, `30s`, `2m`, `1h`, or plain seconds (`30`, `0.5`); zero allowed.
pub(crate) fn parse_duration_or_zero(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: f64 = number.trim().parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds).ok()
}

/// A duration variable; `allow_zero` for the settings where zero means "none" (a delay).
pub(crate) fn duration(name: &str, value: &str, allow_zero: bool) -> Result<Duration, Error> {
    let parsed = parse_duration_or_zero(value).filter(|d| allow_zero || !d.is_zero());
    parsed.ok_or_else(|| {
        let zero = if allow_zero { "" } else { ", above zero" };
        Error::builder(format!(
            "{name}=`{value}` is not a duration (use e.g. `500ms`, `30s`, `2m` or plain seconds{zero})"
        ))
    })
}

/// A size in bytes: `1048576`, or with a binary unit (`512KiB`, `2MiB`, `1GiB`); above zero.
pub(crate) fn size(name: &str, value: &str) -> Result<usize, Error> {
    let text = value.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    };
    let scale: usize = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        _ => 0,
    };
    number
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|bytes| *bytes > 0)
        .ok_or_else(|| {
            Error::builder(format!(
                "{name}=`{value}` is not a size in bytes above zero (e.g. `1048576`, `512KiB`, `2MiB`)"
            ))
        })
}

/// A whole number above zero.
pub(crate) fn count(name: &str, value: &str) -> Result<usize, Error> {
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::builder(format!("{name}=`{value}` is not a whole number above zero")))
}

/// A TCP port; `0` is refused when the setting needs a fixed one.
pub(crate) fn port(name: &str, value: &str, allow_zero: bool) -> Result<u16, Error> {
    let parsed: u16 = value.trim().parse().map_err(|err| {
        Error::builder(format!(
            "{name}=`{value}` is not a port number (0 to 65535)"
        ))
        .with_source(err)
    })?;
    if parsed == 0 && !allow_zero {
        return Err(Error::builder(format!(
            "{name}=`{value}`: the port must be 1 to 65535"
        )));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_sizes_and_counts() {
        assert_eq!(
            duration("X", "0", true).unwrap(),
            Duration::ZERO,
            "a delay may be zero"
        );
        assert!(duration("X", "0s", false).is_err());
        assert_eq!(
            duration("X", "250ms", false).unwrap(),
            Duration::from_millis(250)
        );
        assert_eq!(size("X", "2MiB").unwrap(), 2 * 1024 * 1024);
        assert_eq!(size("X", "512KiB").unwrap(), 512 * 1024);
        assert_eq!(size("X", "4096").unwrap(), 4096);
        assert!(size("X", "2MB").is_err());
        assert!(size("X", "0").is_err());
        assert!(size("X", "99999999999999999999GiB").is_err());
        assert_eq!(count("X", "10000").unwrap(), 10_000);
        assert!(count("X", "0").is_err());
        assert!(port("X", "0", false).is_err());
        assert_eq!(port("X", "9101", false).unwrap(), 9101);
    }
}
