//! How a failed downstream call (a Lift client's [`Error`]) becomes the module's answer.

use http::StatusCode;
use lift_sdk_core::{Error, ErrorDetail, ErrorKind};

use super::HttpError;

/// The module's answer when a downstream call made by a handler fails:
///
/// | downstream failure | answer |
/// |---|---|
/// | timed out | 504 `Upstream service timed out` |
/// | connection failed, circuit open, upstream 429 | 503 `Upstream service unavailable` |
/// | upstream 400, 403, 404, 409, 422 | the same status, with the upstream's text `detail` (a FastAPI `HTTPException` message meant for callers) or the reason phrase |
/// | upstream 401 | 502 `Upstream service refused the credentials` |
/// | other upstream status, undecodable answer, redirect, other request failure | 502 `Upstream service error` |
/// | input the SDK refused before sending | 400 with the SDK's message |
/// | client misconfiguration, credentials not obtainable | 500 `Internal Server Error` |
///
/// An upstream 401 is not passed on: the caller's own token was already accepted by the
/// module, so the refusal is the module's (or its service credentials') problem, and a 401
/// would send the caller into a pointless re-login. A 403 is passed on because clients bound
/// to the caller act with the caller's permissions. Upstream bodies other than a text
/// `detail` (plain text, validation lists, arbitrary JSON) are never sent on; the whole
/// error is kept as the [`source`](std::error::Error::source) and logged.
impl From<Error> for HttpError {
    fn from(err: Error) -> Self {
        let (status, detail) = match err.kind() {
            ErrorKind::Timeout => (StatusCode::GATEWAY_TIMEOUT, "Upstream service timed out"),
            ErrorKind::Connect | ErrorKind::CircuitOpen => unavailable(),
            ErrorKind::Status => return Self::from_upstream_status(err),
            ErrorKind::Decode | ErrorKind::Redirect | ErrorKind::Request => bad_gateway(),
            ErrorKind::InvalidInput => {
                return Self::bad_request(err.to_string()).with_source(err);
            }
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
        };
        Self::new(status, detail).with_source(err)
    }
}

impl HttpError {
    fn from_upstream_status(err: Error) -> Self {
        let Some(status) = err.status() else {
            let (status, detail) = bad_gateway();
            return Self::new(status, detail).with_source(err);
        };
        let (status, detail) = match status.as_u16() {
            400 | 403 | 404 | 409 | 422 => {
                let detail = match err.api_error().map(|api| api.detail()) {
                    Some(ErrorDetail::Message(message)) => message.clone(),
                    _ => status.canonical_reason().unwrap_or("Error").to_owned(),
                };
                return Self::new(status, detail).with_source(err);
            }
            401 => (
                StatusCode::BAD_GATEWAY,
                "Upstream service refused the credentials",
            ),
            429 => unavailable(),
            _ => bad_gateway(),
        };
        Self::new(status, detail).with_source(err)
    }
}

fn unavailable() -> (StatusCode, &'static str) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "Upstream service unavailable",
    )
}

fn bad_gateway() -> (StatusCode, &'static str) {
    (StatusCode::BAD_GATEWAY, "Upstream service error")
}
