//! `Timestamp` over every format on the wire, every timestamp in the captures, and garbage.

use lift_sdk_core::Timestamp;
use proptest::prelude::*;
use serde_json::Value;

use crate::support::captures;

/// Every string or number under a key that names a time in the recorded bodies.
fn timestamps_in(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let is_time = matches!(
                    key.as_str(),
                    "timestamp" | "created_at" | "updated_at" | "last_check" | "last_login"
                );
                if is_time && !value.is_null() {
                    out.push(value.clone());
                } else {
                    timestamps_in(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| timestamps_in(item, out)),
        _ => {}
    }
}

#[test]
fn every_timestamp_in_the_captures_parses() {
    let mut found = Vec::new();
    for set in ["", "compat"] {
        for capture in captures(set) {
            if let Some(body) = capture.response().body() {
                timestamps_in(body, &mut found);
            }
        }
    }
    assert!(found.len() > 50, "only {} timestamps found", found.len());
    let mut forms = std::collections::BTreeSet::new();
    for value in &found {
        let parsed: Timestamp =
            serde_json::from_value(value.clone()).unwrap_or_else(|err| panic!("{value}: {err}"));
        // Writing and reading back keeps the instant to the microsecond.
        let again: Timestamp = parsed.to_string().parse().unwrap();
        assert_eq!(again.unix_seconds(), parsed.unix_seconds(), "{value}");
        assert_eq!(
            again.subsec_nanos() / 1000,
            parsed.subsec_nanos() / 1000,
            "{value}"
        );
        forms.insert(match value {
            Value::Number(_) => "epoch",
            Value::String(s) if s.ends_with('Z') => "z",
            Value::String(s) if s.contains('+') => "offset",
            _ => "naive",
        });
    }
    assert!(
        forms.contains("naive") && forms.contains("offset") && forms.contains("epoch"),
        "{forms:?}"
    );
}

proptest! {
    #[test]
    fn no_string_makes_parsing_panic(text in ".{0,40}") {
        let _ = Timestamp::parse(&text);
        let _ = serde_json::from_value::<Timestamp>(Value::String(text));
    }

    #[test]
    fn no_number_makes_parsing_panic(n in any::<f64>(), i in any::<i64>(), u in any::<u64>()) {
        let _ = serde_json::from_str::<Timestamp>(&n.to_string());
        let _ = serde_json::from_str::<Timestamp>(&i.to_string());
        let _ = serde_json::from_str::<Timestamp>(&u.to_string());
    }

    #[test]
    fn every_form_of_one_instant_agrees(
        secs in 0i64..4_102_444_800,
        micros in 0u32..1_000_000,
        offset_minutes in -720i32..=840,
    ) {
        let t = Timestamp::from_unix(secs, micros * 1000).unwrap();
        let naive = t.to_string();
        let z = t.to_rfc3339();
        let local = chrono_offset(&naive, offset_minutes);
        prop_assert_eq!(Timestamp::parse(&naive).unwrap(), t);
        prop_assert_eq!(Timestamp::parse(&z).unwrap(), t);
        prop_assert_eq!(Timestamp::parse(&local).unwrap(), t);
    }
}

/// The same instant written with a UTC offset, e.g. `2024-01-02T05:04:05.000000+02:00`.
fn chrono_offset(naive_utc: &str, offset_minutes: i32) -> String {
    let t: Timestamp = naive_utc.parse().unwrap();
    let shifted = Timestamp::from_unix(
        t.unix_seconds() + i64::from(offset_minutes) * 60,
        t.subsec_nanos(),
    )
    .unwrap();
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let abs = offset_minutes.unsigned_abs();
    format!("{shifted}{sign}{:02}:{:02}", abs / 60, abs % 60)
}
