//! The FastAPI-shaped answers the platform's layers give themselves (contract §2.2).

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Value, json};

/// `{"detail": detail}` with `status`.
pub(crate) fn detail(status: StatusCode, detail: &str) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
}

/// A JSON body with `status`.
pub(crate) fn json(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// FastAPI's answer to a path no route matches.
pub(crate) fn not_found() -> Response {
    detail(StatusCode::NOT_FOUND, "Not Found")
}

/// FastAPI's answer to a known path called with another method.
pub(crate) fn method_not_allowed() -> Response {
    detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

/// The answer to a body over the size limit.
pub(crate) fn too_large() -> Response {
    detail(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
}

/// Starlette's answer to an uncaught error: text/plain `Internal Server Error`.
pub(crate) fn internal_text() -> Response {
    let mut response = (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The answer of a handler that panicked: 500 `{"detail":"Internal Server Error"}`.
pub(crate) fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

/// Rewrites axum's empty 404 and 405 (a route the document lists but the service does not
/// serve) into FastAPI's JSON bodies.
pub(crate) async fn fastapi_fallbacks(response: Response) -> Response {
    if response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    match response.status() {
        StatusCode::NOT_FOUND => not_found(),
        StatusCode::METHOD_NOT_ALLOWED => method_not_allowed(),
        _ => response,
    }
}
