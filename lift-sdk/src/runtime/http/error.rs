//! [`HttpError`]: what a handler answers when it fails, in FastAPI's `{"detail": …}` shape.

use std::error::Error as StdError;
use std::fmt;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};
use serde_json::{Map, Value};

use super::validation::{self, ValidationItem};

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// An error answer of a module route: a status and a `detail`, sent as
/// `{"detail": …}` with `Content-Type: application/json`, the shape every Lift service (and
/// FastAPI's `HTTPException`) uses, so callers decode module errors like any other.
///
/// A failed downstream call converts with `?` (see the [`From<Error>`](#impl-From<Error>-for-HttpError)
/// impl for the statuses chosen); the cause is kept as [`source`](StdError::source) and
/// logged, never sent.
///
/// ```
/// use lift_sdk::runtime::{HttpError, Json};
/// use lift_sdk::MemoryClient;
///
/// async fn report(memory: MemoryClient, id: String) -> Result<Json<serde_json::Value>, HttpError> {
///     if id.is_empty() {
///         return Err(HttpError::bad_request("id must not be empty"));
///     }
///     let health = memory.health().await?; // 503/504/… when memory fails
///     Ok(Json(serde_json::json!({ "id": id, "memory": health.status })))
/// }
/// ```
#[derive(Debug)]
pub struct HttpError {
    status: StatusCode,
    detail: Value,
    source: Option<BoxError>,
}

impl HttpError {
    /// An error answer with `status` and a text `detail`.
    #[must_use]
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self::json(status, Value::String(detail.into()))
    }

    /// An error answer whose `detail` is any JSON value (FastAPI allows objects and arrays).
    #[must_use]
    pub fn json(status: StatusCode, detail: Value) -> Self {
        Self {
            status,
            detail,
            source: None,
        }
    }

    /// `400 Bad Request`.
    #[must_use]
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// `403 Forbidden`.
    #[must_use]
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    /// `404 Not Found`.
    #[must_use]
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// `409 Conflict`.
    #[must_use]
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail)
    }

    /// `422 Unprocessable Entity` with a text detail (for FastAPI's list of validation
    /// items, use [`Json`](super::Json)'s rejection or [`HttpError::json`]).
    #[must_use]
    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
    }

    /// Keeps `source` as the cause: logged when the answer is sent, never sent itself.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// FastAPI's 422 for the given validation items.
    pub(crate) fn validation(items: &[ValidationItem]) -> Self {
        Self::json(StatusCode::UNPROCESSABLE_ENTITY, validation::detail(items))
    }

    /// An error whose detail is the status's reason phrase (`"Not Found"`), as FastAPI's
    /// `HTTPException(status)` without a detail.
    pub(crate) fn from_status(status: StatusCode) -> Self {
        Self::new(status, status.canonical_reason().unwrap_or("Error"))
    }

    /// The status of the answer.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `detail` of the answer.
    #[must_use]
    pub fn detail(&self) -> &Value {
        &self.detail
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        match &self.detail {
            Value::String(detail) => write!(f, ": {detail}"),
            Value::Null => Ok(()),
            detail => write!(f, ": {detail}"),
        }
    }
}

impl StdError for HttpError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_ref()
            .map(|source| &**source as &(dyn StdError + 'static))
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        if let Some(source) = &self.source {
            if self.status.is_server_error() {
                tracing::warn!(status = self.status.as_u16(), error = %source, "request failed");
            } else {
                tracing::debug!(status = self.status.as_u16(), error = %source, "request refused");
            }
        }
        let mut body = Map::with_capacity(1);
        body.insert("detail".to_owned(), self.detail);
        json_response(self.status, Value::Object(body).to_string())
    }
}

/// A response with `status` and the JSON text `body`.
pub(crate) fn json_response(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_status_and_detail_and_keeps_the_source() {
        let err = HttpError::not_found("Module not found")
            .with_source(std::io::Error::other("socket closed"));
        assert_eq!(err.to_string(), "404 Not Found: Module not found");
        assert_eq!(
            err.source().map(ToString::to_string).as_deref(),
            Some("socket closed")
        );
        assert_eq!(
            HttpError::from_status(StatusCode::METHOD_NOT_ALLOWED).detail(),
            "Method Not Allowed"
        );
    }
}
