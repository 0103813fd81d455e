//! The request checks in front of every service: the body-size limit (413) and the
//! service's OpenAPI document (404, 405 and FastAPI's 422), so the fake refuses exactly what
//! the reference refuses before a handler sees the request.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, StatusCode, header};

use super::errors;
use crate::mocks::unprocessable_body;
use crate::openapi::{OpenApi, Service};

/// The methods tried to tell a 405 from a 404.
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// What a service's requests are checked against.
#[derive(Debug, Clone)]
pub(crate) struct Checks {
    api: Option<OpenApi>,
    limit: usize,
}

impl Checks {
    /// The checks of `service` (its document), with bodies up to `limit` bytes; `None` for
    /// the gateway, which checks only the size.
    pub(crate) fn new(service: Option<Service>, limit: usize) -> Self {
        Self {
            api: service.map(OpenApi::new),
            limit,
        }
    }

    /// Whether the document is skipped for this request: the registry checks the user
    /// context before the body (contract §6, verified), so a call without it gets the
    /// service's 401, not a 422.
    fn context_first(&self, path: &str, headers: &HeaderMap) -> bool {
        let Some(api) = &self.api else {
            return false;
        };
        api.service() == Service::Registry
            && !matches!(path, "/" | "/health" | "/ready")
            && (!headers.contains_key("x-user-id") || !headers.contains_key("x-org-id"))
    }
}

/// Reads the whole body (413 over the limit) and checks the request against the document.
pub(crate) async fn check_request(
    State(checks): State<Arc<Checks>>,
    request: Request,
    next: Next,
) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if announced.is_some_and(|length| length > checks.limit as u64) {
        return errors::too_large();
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, checks.limit).await {
        Ok(bytes) => bytes,
        Err(err) if is_length_limit(&err) => return errors::too_large(),
        Err(_) => {
            return errors::detail(
                StatusCode::BAD_REQUEST,
                "There was an error parsing the body",
            );
        }
    };
    let path = parts.uri.path();
    if let Some(api) = &checks.api
        && !checks.context_first(path, &parts.headers)
    {
        let method = parts.method.as_str();
        let query = parts.uri.query().unwrap_or("");
        if let Err(violations) = api.check(method, path, query, &bytes) {
            if violations.iter().any(|violation| violation.route.is_none()) {
                let other_method = METHODS
                    .iter()
                    .any(|candidate| api.route(candidate, path).is_some());
                return if other_method {
                    errors::method_not_allowed()
                } else {
                    errors::not_found()
                };
            }
            if violations.iter().any(|violation| violation.refused) {
                return errors::json(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    unprocessable_body(&violations, &bytes, query),
                );
            }
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Whether reading the body failed because it was longer than the limit.
fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = source {
        if current.to_string().contains("length limit exceeded") {
            return true;
        }
        source = current.source();
    }
    false
}
