//! The HTTP edges shared by the memory routes: the caller's context from the gateway's
//! headers, the `APIResponse` envelope and the reference's error bodies.

// An `Err` here is the whole answer, built once per request: boxing it buys nothing.
#![allow(clippy::result_large_err)]

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::mocks::envelope;

/// The user context the gateway injected (contract §4.2, §5).
#[derive(Debug, Clone)]
pub(super) struct Caller {
    pub(super) user_id: String,
    pub(super) org_id: String,
    /// `X-User-Roles` comma-split without trimming, as the reference does.
    pub(super) roles: Vec<String>,
}

impl Caller {
    /// The caller, or the reference's 401 when `X-User-ID` or `X-Org-ID` is missing or
    /// empty. The first copy of a header counts, as downstream FastAPI reads it.
    pub(super) fn from_headers(headers: &HeaderMap) -> Result<Self, Response> {
        let first = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let (Some(user_id), Some(org_id)) = (first("x-user-id"), first("x-org-id")) else {
            return Err(detail(StatusCode::UNAUTHORIZED, "User context required"));
        };
        let roles = first("x-user-roles")
            .map(|roles| roles.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(Self {
            user_id,
            org_id,
            roles,
        })
    }
}

/// `{"detail": "<text>"}` with `status`.
pub(super) fn detail(status: StatusCode, text: &str) -> Response {
    (status, axum::Json(json!({ "detail": text }))).into_response()
}

/// A 500 for a failed `operation`, as the reference words it.
pub(super) fn failed(operation: &str, err: &dyn std::fmt::Display) -> Response {
    detail(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!("{operation} failed: {err}"),
    )
}

/// 200 with `data` in the envelope, and `metadata` when given.
pub(super) fn ok(message: &str, data: Value, metadata: Option<Value>) -> Response {
    let mut body = envelope(message, data);
    if let (Some(metadata), Value::Object(map)) = (metadata, &mut body) {
        map.insert("metadata".into(), metadata);
    }
    axum::Json(body).into_response()
}

/// A FastAPI 422 with one item.
pub(super) fn unprocessable(item: &Value) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({ "detail": [item] })),
    )
        .into_response()
}

/// The body as JSON, or the 422 FastAPI gives for a body that is not JSON.
pub(super) fn json_body(body: &[u8]) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|err| {
        unprocessable(&json!({
            "type": "json_invalid",
            "loc": ["body", err.column().saturating_sub(1)],
            "msg": "JSON decode error",
            "input": {},
            "ctx": { "error": "Expecting value" },
        }))
    })
}

/// A 422 for a missing body field.
pub(super) fn missing(location: &[&str], input: &Value) -> Response {
    unprocessable(&json!({
        "type": "missing",
        "loc": location,
        "msg": "Field required",
        "input": input,
        "url": "https://errors.pydantic.dev/2.5/v/missing",
    }))
}

/// A 422 for a body field of the wrong type.
pub(super) fn wrong_type(location: &[&str], kind: &str, input: &Value) -> Response {
    let (error_type, msg) = match kind {
        "string" => ("string_type", "Input should be a valid string"),
        "int" => ("int_type", "Input should be a valid integer"),
        "list" => ("list_type", "Input should be a valid list"),
        _ => ("dict_type", "Input should be a valid dictionary"),
    };
    unprocessable(&json!({
        "type": error_type,
        "loc": location,
        "msg": msg,
        "input": input,
        "url": format!("https://errors.pydantic.dev/2.5/v/{error_type}"),
    }))
}

/// A fresh correlation id.
pub(super) fn correlation_id() -> String {
    crate::mocks::uuid4()
}
