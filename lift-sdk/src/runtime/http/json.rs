//! [`Json`]: axum's JSON extractor and response, with FastAPI's 422 answers.

use std::ops::{Deref, DerefMut};

use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use super::HttpError;
use super::error::json_response;
use super::validation::{Loc, ValidationItem, strip_position};

/// A JSON request body or response, like [`axum::Json`], but refusing a bad body the way
/// FastAPI does: `422` with `{"detail": [{"type", "loc", "msg", "input"}]}`, where `loc` is
/// the path of the failing field (`["body", "items", 0, "name"]`).
///
/// | request | answer |
/// |---|---|
/// | empty body | 422 `missing`, `loc: ["body"]`, `Field required` |
/// | `Content-Type` neither `application/json` nor `application/*+json` | 422 `model_attributes_type`, `loc: ["body"]` |
/// | no `Content-Type` | parsed as JSON (FastAPI does the same) |
/// | not JSON, or trailing data | 422 `json_invalid`, `loc: ["body", <byte offset>]`, parser message in `ctx.error` |
/// | missing field | 422 `missing`, `loc` ending with the field, `Field required` |
/// | unknown field (with `deny_unknown_fields`) | 422 `extra_forbidden` |
/// | unknown enum variant | 422 `enum` |
/// | wrong JSON type | 422 `type_error` |
/// | any other data error | 422 `value_error` with serde's message |
/// | body over the limit | 413 `Request body too large` |
///
/// The refused input is never echoed back: `input` is always `null`.
///
/// ```
/// use lift_sdk::runtime::Json;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Deserialize)]
/// struct NewNote { text: String }
///
/// #[derive(Serialize)]
/// struct Note { id: u64, text: String }
///
/// async fn create(Json(note): Json<NewNote>) -> Json<Note> {
///     Json(Note { id: 1, text: note.text })
/// }
/// let _app: axum::Router = axum::Router::new().route("/notes", axum::routing::post(create));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = json_content_type(&request);
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                let status = rejection.status();
                if status == StatusCode::PAYLOAD_TOO_LARGE {
                    HttpError::new(status, super::rejection::TOO_LARGE)
                } else {
                    HttpError::bad_request("Failed to read the request body")
                }
            })?;
        if bytes.is_empty() {
            let missing = ValidationItem::new("missing", vec![Loc::from("body")], "Field required");
            return Err(HttpError::validation(&[missing]));
        }
        if !is_json {
            let item = ValidationItem::new(
                "model_attributes_type",
                vec![Loc::from("body")],
                "Input should be a valid dictionary or object to extract fields from",
            );
            return Err(HttpError::validation(&[item]));
        }
        decode(&bytes)
            .map(Json)
            .map_err(|item| HttpError::validation(&[item]))
    }
}

/// Whether the body is to be read as JSON: no `Content-Type`, `application/json` or
/// `application/*+json` (parameters such as `charset` ignored).
fn json_content_type(request: &Request) -> bool {
    let Some(value) = request.headers().get(CONTENT_TYPE) else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let subtype = subtype.as_bytes();
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case(b"json")
            || subtype.len() > 5 && subtype[subtype.len() - 5..].eq_ignore_ascii_case(b"+json"))
}

/// Decodes `bytes` into `T`, or says where and why it failed, FastAPI-style.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ValidationItem> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().clone();
        let inner = err.into_inner();
        if inner.is_data() {
            let mut loc = vec![Loc::from("body")];
            loc.extend(path.iter().filter_map(|segment| match segment {
                Segment::Seq { index } => Some(Loc::Index(*index)),
                Segment::Map { key } => Some(Loc::Field(key.clone())),
                Segment::Enum { variant } => Some(Loc::Field(variant.clone())),
                Segment::Unknown => None,
            }));
            ValidationItem::from_serde(loc, &inner.to_string())
        } else {
            syntax_error(bytes, &inner)
        }
    })?;
    deserializer
        .end()
        .map_err(|err| syntax_error(bytes, &err))?;
    Ok(value)
}

fn syntax_error(bytes: &[u8], err: &serde_json::Error) -> ValidationItem {
    let message = err.to_string();
    ValidationItem::json_invalid(
        byte_offset(bytes, err.line(), err.column()),
        strip_position(&message),
    )
}

/// The byte offset of serde_json's 1-based `line` and `column` in `bytes`.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(line - 2)
            .map_or(bytes.len(), |(at, _)| at + 1)
    };
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        match serde_json::to_string(&self.0) {
            Ok(body) => json_response(StatusCode::OK, body),
            Err(err) => {
                tracing::error!(error = %err, "failed to serialize a JSON response");
                HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
            }
        }
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Order {
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        count: u32,
    }

    fn item(body: &str) -> serde_json::Value {
        decode::<Order>(body.as_bytes()).unwrap_err().to_value()
    }

    #[test]
    fn a_nested_missing_field_is_located() {
        assert_eq!(
            item(r#"{"items": [{"name": "a", "count": 1}, {"count": 2}]}"#),
            json!({"type": "missing", "loc": ["body", "items", 1, "name"], "msg": "Field required", "input": null})
        );
    }

    #[test]
    fn syntax_errors_give_the_byte_offset() {
        let value = item("{\"items\": [\n  oops]}");
        assert_eq!(value["type"], "json_invalid");
        assert_eq!(value["loc"], json!(["body", 14]));
        assert_eq!(value["ctx"]["error"], "expected value");
        assert_eq!(item(r#"{"items": []} x"#)["type"], "json_invalid");
    }

    #[test]
    fn json_content_types_are_recognised() {
        let with = |value: &str| {
            let request = Request::builder()
                .header(CONTENT_TYPE, value)
                .body(axum::body::Body::empty())
                .unwrap();
            json_content_type(&request)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/vnd.api+json"));
        assert!(!with("text/plain"));
        assert!(!with("application/jsonx"));
        assert!(!with("application/+json"));
        assert!(!with("json"));
        assert!(json_content_type(&Request::new(axum::body::Body::empty())));
    }

    #[test]
    fn byte_offsets_count_lines() {
        assert_eq!(byte_offset(b"abc", 1, 2), 1);
        assert_eq!(byte_offset(b"a\nbc\nd", 3, 1), 5);
        assert_eq!(byte_offset(b"a", 9, 9), 1);
    }
}
