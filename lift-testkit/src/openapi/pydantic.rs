//! How Pydantic v2 words a schema violation: the `type`, `msg` and `ctx` of a FastAPI 422
//! item (contract §2.2), derived from the JSON Schema keyword that failed.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::{Value, json};

/// A violation as Pydantic v2 reports it in a 422 item.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PydanticError {
    /// The error type: `greater_than_equal`, `string_pattern_mismatch`, `enum`, `int_type`…
    pub kind: &'static str,
    /// The message, as Pydantic writes it.
    pub msg: String,
    /// The error's context (`{"ge": 1}`, `{"pattern": "…"}`), when Pydantic gives one.
    pub ctx: Option<Value>,
}

impl PydanticError {
    fn new(kind: &'static str, msg: String, ctx: Option<Value>) -> Self {
        Self { kind, msg, ctx }
    }
}

/// Pydantic's wording of `error`, when it has one for the keyword that failed. For an
/// `anyOf` (FastAPI's `Optional[…]`), the first branch's error that is not "not null".
pub(super) fn describe(error: &ValidationError<'_>) -> Option<PydanticError> {
    describe_kind(error.kind())
}

fn describe_kind(kind: &ValidationErrorKind) -> Option<PydanticError> {
    let limit = |name: &str, limit: &Value, words: &str, kind: &'static str| {
        let limit = integral(limit);
        Some(PydanticError::new(
            kind,
            format!("Input should be {words} {limit}"),
            Some(json!({ name: limit })),
        ))
    };
    match kind {
        ValidationErrorKind::Minimum { limit: n } => {
            limit("ge", n, "greater than or equal to", "greater_than_equal")
        }
        ValidationErrorKind::Maximum { limit: n } => {
            limit("le", n, "less than or equal to", "less_than_equal")
        }
        ValidationErrorKind::ExclusiveMinimum { limit: n } => {
            limit("gt", n, "greater than", "greater_than")
        }
        ValidationErrorKind::ExclusiveMaximum { limit: n } => {
            limit("lt", n, "less than", "less_than")
        }
        ValidationErrorKind::MinLength { limit } => Some(PydanticError::new(
            "string_too_short",
            format!(
                "String should have at least {limit} character{}",
                plural(*limit)
            ),
            Some(json!({ "min_length": limit })),
        )),
        ValidationErrorKind::MaxLength { limit } => Some(PydanticError::new(
            "string_too_long",
            format!(
                "String should have at most {limit} character{}",
                plural(*limit)
            ),
            Some(json!({ "max_length": limit })),
        )),
        ValidationErrorKind::Pattern { pattern } => Some(PydanticError::new(
            "string_pattern_mismatch",
            format!("String should match pattern '{pattern}'"),
            Some(json!({ "pattern": pattern })),
        )),
        ValidationErrorKind::Enum { options } => {
            let expected = expected_options(options);
            Some(PydanticError::new(
                "enum",
                format!("Input should be {expected}"),
                Some(json!({ "expected": expected })),
            ))
        }
        ValidationErrorKind::Type { kind } => type_error(kind),
        ValidationErrorKind::AnyOf { context } => context
            .iter()
            .flatten()
            .filter(|inner| !is_not_null(inner.kind()))
            .find_map(|inner| describe_kind(inner.kind())),
        _ => None,
    }
}

/// `1` for `1.0`: the bound as Pydantic prints an integer field's.
fn integral(limit: &Value) -> Value {
    match limit.as_f64() {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "only whole numbers in i64's range"
        )]
        Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Value::from(n as i64),
        _ => limit.clone(),
    }
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// `'active', 'inactive' or 'error'`, as Pydantic lists an enum's values.
fn expected_options(options: &Value) -> String {
    let quoted: Vec<String> = options
        .as_array()
        .into_iter()
        .flatten()
        .map(|option| match option {
            Value::String(text) => format!("'{text}'"),
            other => other.to_string(),
        })
        .collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn type_error(kind: &TypeKind) -> Option<PydanticError> {
    let TypeKind::Single(expected) = kind else {
        return None;
    };
    let (kind, msg) = match expected.as_str() {
        "integer" => ("int_type", "Input should be a valid integer"),
        "number" => ("float_type", "Input should be a valid number"),
        "string" => ("string_type", "Input should be a valid string"),
        "boolean" => ("bool_type", "Input should be a valid boolean"),
        "array" => ("list_type", "Input should be a valid list"),
        "object" => ("dict_type", "Input should be a valid dictionary"),
        _ => return None,
    };
    Some(PydanticError::new(kind, msg.to_owned(), None))
}

/// The `anyOf` branch `{"type": "null"}` of an optional field, which always fails for a
/// value that is present: not what the client got wrong.
fn is_not_null(kind: &ValidationErrorKind) -> bool {
    matches!(kind, ValidationErrorKind::Type { kind: TypeKind::Single(t) } if t.as_str() == "null")
}
