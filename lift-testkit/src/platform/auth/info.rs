//! The auth service's informational routes: `/`, `/health`, `/ready`, `/health/detailed`
//! and `/causal/capabilities`, shaped like the captures.

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

pub(super) async fn causal_capabilities() -> Response {
    let tier = |experiments: i64, points: i64, platforms: &[&str], advanced: bool| {
        json!({
            "max_experiments": experiments,
            "max_data_points": points,
            "allowed_platforms": platforms,
            "advanced_methods": advanced,
        })
    };
    let data = json!({
        "permission_levels": ["read", "write", "experiment", "model", "optimize", "export", "admin"],
        "data_scopes": {
            "platforms": ["meta", "google", "klaviyo", "custom"],
            "time_ranges": ["1d", "7d", "30d", "90d", "custom"],
            "data_types": ["campaigns", "ad_sets", "ads", "audiences", "creatives"],
        },
        "subscription_tiers": {
            "free": tier(5, 10_000, &["meta", "google"], false),
            "pro": tier(50, 100_000, &["meta", "google", "klaviyo"], true),
            "enterprise": tier(-1, -1, &["meta", "google", "klaviyo", "custom"], true),
        },
        "available_methods": [
            "difference_in_differences",
            "instrumental_variables",
            "synthetic_control",
            "causal_discovery",
            "propensity_score_matching",
            "regression_discontinuity",
        ],
    });
    answer(200, &envelope("Causal capabilities retrieved", data))
}
