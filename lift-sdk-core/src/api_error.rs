//! The error bodies the Lift services answer with (contract §2.2).

use std::fmt;

use http::StatusCode;
use serde::Deserialize;
use serde_json::Value;

/// How much of a non-JSON or unrecognised error body is kept, in bytes.
const MAX_TEXT: usize = 512;

/// A decoded error body from a Lift service.
///
/// FastAPI services answer errors in three shapes, all of which land here:
/// `{"detail": "…"}`, `{"detail": [validation items]}` (422) and plain text (for example a
/// `500 Internal Server Error`, which is also how the reference reports rate limiting).
///
/// ```
/// use http::StatusCode;
/// use lift_sdk_core::{ApiError, ErrorDetail};
///
/// let err = ApiError::from_body(StatusCode::NOT_FOUND, br#"{"detail":"Module not found"}"#);
/// assert_eq!(err.status(), StatusCode::NOT_FOUND);
/// assert_eq!(err.message(), Some("Module not found"));
/// assert!(matches!(err.detail(), ErrorDetail::Message(_)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    status: StatusCode,
    detail: ErrorDetail,
}

/// The `detail` of an [`ApiError`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// `{"detail": "<message>"}`, what every `HTTPException` produces.
    Message(String),
    /// `{"detail": [ … ]}`, FastAPI's request-validation answer (422).
    Validation(Vec<ValidationItem>),
    /// A body that is not JSON (`text/plain`), truncated to a few hundred bytes.
    Text(String),
    /// A JSON body without a `detail` key, kept as it was.
    Json(Value),
}

/// One item of a FastAPI (Pydantic v2) validation error.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ValidationItem {
    /// The error type, e.g. `missing`, `string_pattern_mismatch`, `json_invalid`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Where the error is, e.g. `["body", "query"]`.
    #[serde(default)]
    pub loc: Vec<LocSegment>,
    /// The human message, e.g. `Field required`.
    #[serde(default)]
    pub msg: String,
    /// The input that was refused.
    #[serde(default)]
    pub input: Value,
    /// Extra context, e.g. `{"ge": 1}`.
    #[serde(default)]
    pub ctx: Option<Value>,
    /// A link to Pydantic's documentation of the error type.
    #[serde(default)]
    pub url: Option<String>,
}

/// One element of a validation error's `loc`: a field name or an index.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum LocSegment {
    /// A field name.
    Field(String),
    /// An index into an array.
    Index(i64),
}

impl fmt::Display for LocSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Field(name) => f.write_str(name),
            Self::Index(index) => write!(f, "{index}"),
        }
    }
}

impl fmt::Display for ValidationItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.loc.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{segment}")?;
        }
        if !self.loc.is_empty() {
            f.write_str(": ")?;
        }
        f.write_str(&self.msg)
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Message(message) | Self::Text(message) => f.write_str(message),
            Self::Validation(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Self::Json(value) => {
                let text = value.to_string();
                f.write_str(truncate(&text, MAX_TEXT))
            }
        }
    }
}

#[derive(Deserialize)]
struct DetailBody {
    detail: DetailValue,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DetailValue {
    Message(String),
    Validation(Vec<ValidationItem>),
    Other(Value),
}

impl ApiError {
    /// Decodes an error body. Never fails: a body that is not one of the known shapes is
    /// kept as [`ErrorDetail::Json`] or [`ErrorDetail::Text`].
    #[must_use]
    pub fn from_body(status: StatusCode, body: &[u8]) -> Self {
        let detail = match serde_json::from_slice::<DetailBody>(body) {
            Ok(DetailBody {
                detail: DetailValue::Message(message),
            }) => ErrorDetail::Message(message),
            Ok(DetailBody {
                detail: DetailValue::Validation(items),
            }) => ErrorDetail::Validation(items),
            Ok(DetailBody {
                detail: DetailValue::Other(value),
            }) => ErrorDetail::Json(serde_json::json!({ "detail": value })),
            Err(_) => match serde_json::from_slice::<Value>(body) {
                Ok(value) => ErrorDetail::Json(value),
                Err(_) => ErrorDetail::Text(text_snippet(body)),
            },
        };
        Self { status, detail }
    }

    /// An error with a plain message, for answers built on the client side.
    pub(crate) fn from_parts(status: StatusCode, message: String) -> Self {
        Self {
            status,
            detail: ErrorDetail::Message(message),
        }
    }

    /// The HTTP status of the answer.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The decoded `detail`.
    #[must_use]
    pub fn detail(&self) -> &ErrorDetail {
        &self.detail
    }

    /// The message of a `{"detail": "…"}` body or the text of a plain-text body.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        match &self.detail {
            ErrorDetail::Message(message) | ErrorDetail::Text(message) => Some(message),
            _ => None,
        }
    }

    /// The items of a validation error (422), empty for other shapes.
    #[must_use]
    pub fn validation_items(&self) -> &[ValidationItem] {
        match &self.detail {
            ErrorDetail::Validation(items) => items,
            _ => &[],
        }
    }

    /// Whether this is a FastAPI request-validation error.
    #[must_use]
    pub fn is_validation(&self) -> bool {
        matches!(self.detail, ErrorDetail::Validation(_))
    }

    /// Whether the body was plain text rather than JSON.
    #[must_use]
    pub fn is_text(&self) -> bool {
        matches!(self.detail, ErrorDetail::Text(_))
    }

    /// Whether the status is 404.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.status == StatusCode::NOT_FOUND
    }

    /// Whether the status is 401.
    #[must_use]
    pub fn is_unauthorized(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED
    }

    /// Whether the status is 403.
    #[must_use]
    pub fn is_forbidden(&self) -> bool {
        self.status == StatusCode::FORBIDDEN
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.detail)
    }
}

/// A short, valid-UTF-8 excerpt of a body, for error messages.
pub(crate) fn text_snippet(body: &[u8]) -> String {
    snippet(body, MAX_TEXT)
}

/// At most `max` bytes of `body` as text, with `…` when it was cut.
pub(crate) fn snippet(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(max + 4)]);
    let trimmed = text.trim();
    let cut = truncate(trimmed, max);
    if cut.len() < trimmed.len() || body.len() > max + 4 {
        format!("{cut}…")
    } else {
        cut.to_owned()
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_items_display_their_location() {
        let body = br#"{"detail":[{"type":"missing","loc":["body",0,"query"],"msg":"Field required","input":null}]}"#;
        let err = ApiError::from_body(StatusCode::UNPROCESSABLE_ENTITY, body);
        assert_eq!(err.detail().to_string(), "body.0.query: Field required");
        assert_eq!(err.validation_items()[0].loc[1], LocSegment::Index(0));
        assert_eq!(err.validation_items()[0].url, None);
    }

    #[test]
    fn long_text_is_truncated_on_a_char_boundary() {
        let body = "é".repeat(1000);
        let err = ApiError::from_body(StatusCode::INTERNAL_SERVER_ERROR, body.as_bytes());
        let message = err.message().unwrap();
        assert!(message.len() <= MAX_TEXT + '…'.len_utf8());
        assert!(message.ends_with('…'));
    }

    #[test]
    fn json_without_detail_is_kept() {
        let body = br#"{"error":{"code":"X","message":"nope"}}"#;
        let err = ApiError::from_body(StatusCode::BAD_REQUEST, body);
        assert!(matches!(err.detail(), ErrorDetail::Json(_)));
        assert!(err.to_string().contains("nope"));
    }
}
