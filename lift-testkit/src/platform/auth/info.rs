//! The auth service's informational routes: `/`, `/health`, `/ready` and
//! `/health/detailed`, shaped like the captures.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::AuthState;
use super::handlers::answer;
use crate::mocks::{envelope, naive_utc_now};

pub(super) async fn root() -> Response {
    let data = json!({
        "version": "1.0.0",
        "endpoints": ["/login", "/register", "/verify", "/refresh"],
        "docs": "/docs",
    });
    answer(200, &envelope("Lift OS Core Authentication Service", data))
}

pub(super) async fn health() -> Response {
    answer(
        200,
        &json!({
            "status": "healthy",
            "service": "auth",
            "timestamp": naive_utc_now(),
            "uptime": "running",
        }),
    )
}

pub(super) async fn ready(State(state): State<Arc<AuthState>>) -> Response {
    let users = state.user_count();
    answer(
        200,
        &json!({
            "status": "ready",
            "service": "auth",
            "timestamp": naive_utc_now(),
            "checks": {
                "database": { "status": "ready", "result": { "users_count": users } },
            },
        }),
    )
}

pub(super) async fn health_detailed(State(state): State<Arc<AuthState>>) -> Response {
    let users = state.user_count();
    answer(
        200,
        &json!({
            "status": "healthy",
            "timestamp": naive_utc_now(),
            "version": "1.0.0",
            "dependencies": {
                "database": "connected",
                "users_count": users.to_string(),
                "active_sessions": "0",
            },
            "uptime": state.started.elapsed().as_secs_f64(),
        }),
    )
}
