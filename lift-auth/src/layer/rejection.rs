//! [`Error`] as an HTTP answer: status, RFC 6750 challenge, FastAPI-shaped body.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};

use crate::error::Error;

impl IntoResponse for Error {
    /// `401`/`403` (see [`Error::status`]) with `WWW-Authenticate: Bearer …` and the body
    /// `{"detail": "…"}`, the shape Python clients of the reference already read.
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::json!({ "detail": self.body_text() }).to_string();
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            // `www_authenticate` only emits header-safe characters; the fallback keeps the
            // challenge RFC 6750 requires on a 401 even so.
            let challenge = HeaderValue::from_str(&self.www_authenticate())
                .unwrap_or_else(|_| HeaderValue::from_static("Bearer"));
            headers.insert(WWW_AUTHENTICATE, challenge);
        }
        response
    }
}
