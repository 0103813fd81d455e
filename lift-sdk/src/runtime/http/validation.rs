//! FastAPI's (Pydantic v2) validation-error items, and how serde's messages map onto them.
//!
//! The mapping is deliberately small and honest: serde does not know Pydantic's fine-grained
//! types (`int_parsing`, `string_too_short`…), so only the cases with an exact counterpart get
//! Pydantic's name; everything else is `value_error` with serde's own message.

use serde_json::{Value, json};

/// One element of a `loc`: a field name or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Loc {
    Field(String),
    Index(usize),
}

impl From<&str> for Loc {
    fn from(field: &str) -> Self {
        Self::Field(field.to_owned())
    }
}

/// One item of a FastAPI `{"detail": [...]}` answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValidationItem {
    pub(crate) kind: &'static str,
    pub(crate) loc: Vec<Loc>,
    pub(crate) msg: String,
    pub(crate) ctx: Option<Value>,
}

impl ValidationItem {
    pub(crate) fn new(kind: &'static str, loc: Vec<Loc>, msg: impl Into<String>) -> Self {
        Self {
            kind,
            loc,
            msg: msg.into(),
            ctx: None,
        }
    }

    /// A body that is not JSON, as FastAPI reports it: `loc` is `["body", <offset>]` and
    /// the parser's message goes into `ctx.error`.
    pub(crate) fn json_invalid(offset: usize, error: &str) -> Self {
        Self {
            ctx: Some(json!({ "error": error })),
            ..Self::new(
                "json_invalid",
                vec![Loc::from("body"), Loc::Index(offset)],
                "JSON decode error",
            )
        }
    }

    /// The item for serde's data error `message` at `loc` (a missing or unknown field is
    /// appended to `loc`, as Pydantic points at the field itself).
    pub(crate) fn from_serde(mut loc: Vec<Loc>, message: &str) -> Self {
        let message = strip_position(message);
        if let Some(field) = quoted_after(message, "missing field `") {
            loc.push(Loc::from(field));
            return Self::new("missing", loc, "Field required");
        }
        if let Some(field) = quoted_after(message, "unknown field `") {
            loc.push(Loc::from(field));
            return Self::new("extra_forbidden", loc, "Extra inputs are not permitted");
        }
        let kind = if message.starts_with("unknown variant") {
            "enum"
        } else if message.starts_with("invalid type") {
            "type_error"
        } else {
            "value_error"
        };
        Self::new(kind, loc, message)
    }

    /// The item as FastAPI writes it. The refused `input` is never echoed back (`null`).
    pub(crate) fn to_value(&self) -> Value {
        let loc: Vec<Value> = self
            .loc
            .iter()
            .map(|segment| match segment {
                Loc::Field(name) => Value::from(name.as_str()),
                Loc::Index(index) => Value::from(*index),
            })
            .collect();
        let mut item = json!({
            "type": self.kind,
            "loc": loc,
            "msg": self.msg,
            "input": Value::Null,
        });
        if let (Some(ctx), Some(map)) = (&self.ctx, item.as_object_mut()) {
            map.insert("ctx".to_owned(), ctx.clone());
        }
        item
    }
}

/// The `detail` array of a 422 answer.
pub(crate) fn detail(items: &[ValidationItem]) -> Value {
    Value::Array(items.iter().map(ValidationItem::to_value).collect())
}

/// Splits serde_path_to_error's `items[0].name: message` (axum's `Json` writes its errors
/// so) into the path's segments and the message; no path when the text before the first
/// `": "` is not one (`invalid type: …`).
pub(crate) fn split_path(text: &str) -> (Vec<Loc>, &str) {
    let Some((path, message)) = text.split_once(": ") else {
        return (Vec::new(), text);
    };
    let mut loc = Vec::new();
    for part in path.split('.') {
        let (name, mut indexes) = part
            .split_once('[')
            .map_or((part, ""), |(name, rest)| (name, rest));
        let is_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if is_name {
            loc.push(Loc::from(name));
        } else if !name.is_empty() || (indexes.is_empty() && path != ".") {
            return (Vec::new(), text);
        }
        while !indexes.is_empty() {
            let Some((index, rest)) = indexes.split_once(']') else {
                return (Vec::new(), text);
            };
            let Ok(index) = index.parse() else {
                return (Vec::new(), text);
            };
            loc.push(Loc::Index(index));
            indexes = rest.strip_prefix('[').unwrap_or(rest);
            if !rest.is_empty() && !rest.starts_with('[') {
                return (Vec::new(), text);
            }
        }
    }
    (loc, message)
}

/// `message` without serde_json's trailing ` at line N column M`.
pub(crate) fn strip_position(message: &str) -> &str {
    let Some(at) = message.rfind(" at line ") else {
        return message;
    };
    let tail = &message[at + " at line ".len()..];
    let is_position = tail
        .split_once(" column ")
        .is_some_and(|(line, column)| is_number(line) && is_number(column));
    if is_position { &message[..at] } else { message }
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The text between `prefix` (which ends with a backtick) and the next backtick, when
/// `message` starts with `prefix`.
pub(crate) fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split_once('`').map(|(quoted, _)| quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_map_to_pydantic_types() {
        let body = || vec![Loc::from("body")];
        let missing = ValidationItem::from_serde(body(), "missing field `name` at line 1 column 2");
        assert_eq!(
            missing.to_value(),
            json!({"type": "missing", "loc": ["body", "name"], "msg": "Field required", "input": null})
        );
        let unknown = ValidationItem::from_serde(body(), "unknown field `x`, expected `a`");
        assert_eq!(unknown.kind, "extra_forbidden");
        assert_eq!(unknown.loc, vec![Loc::from("body"), Loc::from("x")]);
        let wrong = ValidationItem::from_serde(
            body(),
            "invalid type: string \"a\", expected u32 at line 1 column 9",
        );
        assert_eq!(wrong.kind, "type_error");
        assert_eq!(wrong.msg, "invalid type: string \"a\", expected u32");
        assert_eq!(
            ValidationItem::from_serde(body(), "unknown variant `z`").kind,
            "enum"
        );
        assert_eq!(
            ValidationItem::from_serde(body(), "too short").kind,
            "value_error"
        );
    }

    #[test]
    fn serde_path_to_error_paths_split_off() {
        assert_eq!(
            split_path("items[1].name: missing field `x`"),
            (
                vec![Loc::from("items"), Loc::Index(1), Loc::from("name")],
                "missing field `x`"
            )
        );
        assert_eq!(
            split_path("[0][2]: bad"),
            (vec![Loc::Index(0), Loc::Index(2)], "bad")
        );
        assert_eq!(split_path(".: bad"), (vec![], "bad"));
        assert_eq!(split_path("invalid type: map").0, vec![]);
        assert_eq!(
            split_path("missing field `x`"),
            (vec![], "missing field `x`")
        );
        assert_eq!(split_path("a[x]: bad").1, "a[x]: bad");
        assert_eq!(split_path("a[1]b: bad").1, "a[1]b: bad");
    }

    #[test]
    fn only_a_real_position_is_stripped() {
        assert_eq!(strip_position("bad at line 3 column 14"), "bad");
        assert_eq!(
            strip_position("seen at line of sight"),
            "seen at line of sight"
        );
        assert_eq!(strip_position("x at line 1 column "), "x at line 1 column ");
        assert_eq!(quoted_after("missing field `", "missing field `"), None);
    }

    #[test]
    fn json_invalid_carries_the_offset_and_the_parser_message() {
        assert_eq!(
            ValidationItem::json_invalid(7, "expected value").to_value(),
            json!({
                "type": "json_invalid",
                "loc": ["body", 7],
                "msg": "JSON decode error",
                "input": null,
                "ctx": {"error": "expected value"}
            })
        );
    }
}
