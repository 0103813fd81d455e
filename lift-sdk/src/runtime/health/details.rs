//! Who sees why a readiness check failed: a caller whose bearer token verifies and carries
//! the `admin` role (Spring Boot's `show-details: when-authorized`); everyone else sees each
//! check's status only.
//!
//! The gateway forwards any path under `/modules/{id}/`, so every platform user can reach
//! `/ready`, and a check's error chain carries internal URLs and hosts. A probe must never
//! get a 401 either (a kubelet sends no token): a missing, invalid or non-admin token just
//! means no details.

use std::convert::Infallible;
use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use http::header::AUTHORIZATION;
use http::{HeaderMap, Request, StatusCode};
use lift_auth::{Authenticated, JwtAuthLayer, Role};
use tower::{Layer, ServiceExt};

/// Whether the caller of a probe may read the checks' details: only a verified bearer token
/// with the `admin` role, whatever the layer's mode (the user-context headers of
/// [`AuthMode::GatewayHeaders`](lift_auth::AuthMode) prove nothing).
///
/// Goes through the module's own auth layer, so a token is verified exactly as on the
/// module's routes (secret or JWKS, audience, expiry, the verifier's cache).
pub(crate) async fn shows_details(auth: &JwtAuthLayer, headers: &HeaderMap) -> bool {
    if !headers.contains_key(AUTHORIZATION) {
        return false;
    }
    // Only the token goes in: in `JwtOrGatewayHeaders` mode, headers alone could decide.
    let mut request = Request::new(());
    for value in headers.get_all(AUTHORIZATION) {
        request.headers_mut().append(AUTHORIZATION, value.clone());
    }
    let verdict = tower::service_fn(|request: Request<()>| async move {
        let admin = request
            .extensions()
            .get::<Arc<Authenticated>>()
            .and_then(|identity| identity.claims())
            .is_some_and(|claims| claims.has_role(&Role::Admin));
        let status = if admin {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        Ok::<Response, Infallible>(status.into_response())
    });
    // The layer answers 401 itself for a bad token; only the verdict above answers 200.
    match auth.layer(verdict).oneshot(request).await {
        Ok(response) => response.status() == StatusCode::OK,
        Err(never) => match never {},
    }
}
