//! What the exported macros expand to; not a public API.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

use crate::Error;

pub use serde;
pub use serde_json;

/// Refuses an id that is not safe as one URL path segment (see `string_id!`).
///
/// # Errors
///
/// `InvalidInput` naming `kind` and what is wrong.
pub fn check_id(kind: &str, id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::invalid_input(format!("{kind} must not be blank")));
    }
    if id == "." || id == ".." {
        return Err(Error::invalid_input(format!(
            "{kind} `{id}` is a relative path segment"
        )));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#') || c.is_control())
    {
        return Err(Error::invalid_input(format!(
            "{kind} `{}` contains `{}`",
            id.escape_debug(),
            bad.escape_debug()
        )));
    }
    Ok(())
}

/// Reads a string, or a number or boolean as its JSON text, borrowing when it can.
///
/// # Errors
///
/// The deserializer's error for anything else (an object, an array, `null`).
pub fn wire_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    deserializer.deserialize_any(WireText)
}

struct WireText;

impl<'de> Visitor<'de> for WireText {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_ids_are_refused_naming_the_character() {
        for (id, message) in [
            ("", "widget id must not be blank"),
            (" ", "widget id must not be blank"),
            (".", "widget id `.` is a relative path segment"),
            ("..", "widget id `..` is a relative path segment"),
            ("../health", "widget id `../health` contains `/`"),
            ("a\\b", "widget id `a\\\\b` contains `\\\\`"),
            ("a?x=1", "widget id `a?x=1` contains `?`"),
            ("a#f", "widget id `a#f` contains `#`"),
            ("..\t", "widget id `..\\t` contains `\\t`"),
        ] {
            let err = check_id("widget id", id).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid input: {message}"),
                "{id:?}"
            );
        }
        for fine in [
            "7c840860-4c75-40c1-b743-675f948a4201",
            "memory_o_1.5",
            "a b",
            "é",
        ] {
            check_id("widget id", fine).unwrap();
        }
    }
}
