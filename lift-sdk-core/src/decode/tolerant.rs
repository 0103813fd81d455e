//! Structs that decode field by field: a field with an unexpected type is kept raw instead
//! of failing the whole answer.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_path_to_error::{Segment, Track};

/// A struct whose fields decode one by one: a field sent with another type than expected is
/// taken out, kept raw through [`keep_raw`](Self::keep_raw), and the struct decodes with
/// that field's default.
///
/// Implemented by [`tolerant_deserialize!`](crate::tolerant_deserialize), which also
/// implements [`Deserialize`] through [`tolerant`]. Every field of such a struct needs a
/// default (`#[serde(default)]`) except the ones whose absence must fail (an id).
///
/// The trait is only used generically (never as `dyn`), so its method is generic.
pub trait Tolerant: Sized {
    /// The strict, derived decoding (`#[derive(Deserialize)] #[serde(remote = "Self")]`).
    ///
    /// # Errors
    ///
    /// The deserializer's error for the first field that does not fit.
    fn decode_strict<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;

    /// Keeps a field that had an unexpected type, as sent.
    fn keep_raw(&mut self, key: String, value: Value);
}

/// Decodes a [`Tolerant`] struct: a JSON object whose top-level keys that fail to decode are
/// moved out (a `null` is dropped, so the field takes its default; any other value is kept
/// through [`Tolerant::keep_raw`]) until the rest decodes.
///
/// The happy path decodes once from a buffered [`Value`]; the path tracking that finds the
/// failing key runs only when a decode fails.
///
/// # Errors
///
/// When the value is not an object, or when the object still fails once no failing key can
/// be moved out (a required field is missing or unusable).
pub fn tolerant<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Tolerant,
{
    let value = Value::deserialize(deserializer)?;
    from_value(value).map_err(D::Error::custom)
}

fn from_value<T: Tolerant>(mut value: Value) -> Result<T, serde_json::Error> {
    let mut raw = Vec::new();
    loop {
        match T::decode_strict(&value) {
            Ok(mut decoded) => {
                for (key, field) in raw {
                    decoded.keep_raw(key, field);
                }
                return Ok(decoded);
            }
            Err(err) => {
                let taken = failing_key::<T>(&value)
                    .and_then(|key| value.as_object_mut()?.remove_entry(&key));
                let Some((key, field)) = taken else {
                    return Err(err);
                };
                if !field.is_null() {
                    raw.push((key, field));
                }
            }
        }
    }
}

/// The top-level key under which decoding `value` fails, if the failure is under one.
fn failing_key<T: Tolerant>(value: &Value) -> Option<String> {
    let mut track = Track::new();
    let decoded = T::decode_strict(serde_path_to_error::Deserializer::new(value, &mut track));
    if decoded.is_ok() {
        return None;
    }
    match track.path().iter().next() {
        Some(Segment::Map { key }) => Some(key.clone()),
        _ => None,
    }
}

/// Makes a struct [`Tolerant`] and implements [`Deserialize`] for it through
/// [`tolerant`](crate::decode::tolerant).
///
/// The struct derives `Deserialize` with `#[serde(remote = "Self")]` (so the derived code is
/// its strict decoder) and names the map that keeps fields of an unexpected type: a
/// `#[serde(skip)] mistyped: Map<String, Value>`, or a `#[serde(flatten)] extra` map when
/// the type is written back (then the raw value is written back as it came). Add
/// `, serialize` when the struct also derives `Serialize`, which `remote` turns into an
/// inherent function too. See the [`decode`](crate::decode) module for an example.
#[macro_export]
macro_rules! tolerant_deserialize {
    ($ty:ident, $slot:ident, serialize) => {
        $crate::tolerant_deserialize!($ty, $slot);

        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                // Through a `Value` so that a field kept raw in the flattened map replaces
                // the typed field's default instead of being written as a second key.
                let value = $ty::serialize(self, $crate::__private::serde_json::value::Serializer)
                    .map_err(<S::Error as $crate::__private::serde::ser::Error>::custom)?;
                $crate::__private::serde::Serialize::serialize(&value, serializer)
            }
        }
    };
    ($ty:ident, $slot:ident) => {
        impl $crate::decode::Tolerant for $ty {
            fn decode_strict<'de, D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $ty::deserialize(deserializer)
            }

            fn keep_raw(
                &mut self,
                key: ::std::string::String,
                value: $crate::__private::serde_json::Value,
            ) {
                self.$slot.insert(key, value);
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::decode::tolerant(deserializer)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::{Map, json};

    use super::*;

    #[derive(Debug, Default, Deserialize)]
    #[serde(remote = "Self")]
    struct Record {
        id: String,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        read_access: bool,
        #[serde(default)]
        nested: Option<Part>,
        #[serde(skip)]
        mistyped: Map<String, Value>,
    }
    crate::tolerant_deserialize!(Record, mistyped);

    #[derive(Debug, Default, PartialEq, Deserialize, Serialize)]
    #[serde(remote = "Self")]
    struct Part {
        #[serde(default)]
        permissions: Vec<String>,
        #[serde(flatten)]
        extra: Map<String, Value>,
    }
    crate::tolerant_deserialize!(Part, extra, serialize);

    #[test]
    fn mistyped_fields_are_kept_raw_and_nulls_are_defaults() {
        let record: Record = serde_json::from_value(json!({
            "id": "m-1", "tags": "analytics", "read_access": "yes",
            "nested": {"permissions": "x", "icon": "chart"}
        }))
        .unwrap();
        assert_eq!(record.id, "m-1");
        assert!(record.tags.is_empty() && !record.read_access);
        assert_eq!(record.mistyped["tags"], "analytics");
        assert_eq!(record.mistyped["read_access"], "yes");
        let nested = record.nested.unwrap();
        assert!(nested.permissions.is_empty());
        assert_eq!(nested.extra["permissions"], "x");
        assert_eq!(nested.extra["icon"], "chart");
        // Written back as it came, with one `permissions` key.
        assert_eq!(
            serde_json::to_string(&nested).unwrap(),
            r#"{"icon":"chart","permissions":"x"}"#
        );

        let record: Record =
            serde_json::from_value(json!({"id": "m-2", "tags": null, "nested": null})).unwrap();
        assert!(record.tags.is_empty() && record.nested.is_none());
        assert!(record.mistyped.is_empty());
    }

    #[test]
    fn a_missing_required_field_or_a_non_object_still_fails() {
        assert!(serde_json::from_value::<Record>(json!({"tags": []})).is_err());
        assert!(serde_json::from_value::<Record>(json!({"id": 5})).is_err());
        assert!(serde_json::from_value::<Record>(json!("m-1")).is_err());
    }
}
