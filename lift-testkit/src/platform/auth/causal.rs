//! The auth service's causal-inference routes that work in the intended contract:
//! `GET /causal/capabilities` (as captured) and `GET /causal/permissions/{user_id}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use lift_auth::{PermissionSet, Role};
use serde_json::{Value, json};

use super::AuthState;
use super::handlers::{answer, bearer_user, detail};
use crate::mocks::envelope;

/// The limits of a subscription tier, as `/causal/capabilities` lists them (`basic` and
/// unknown tiers get `free`'s, as the reference maps them).
fn tier_limits(tier: &str) -> Value {
    let (experiments, points, platforms, advanced): (i64, i64, &[&str], bool) = match tier {
        "enterprise" => (-1, -1, &["meta", "google", "klaviyo", "custom"], true),
        "pro" => (50, 100_000, &["meta", "google", "klaviyo"], true),
        _ => (5, 10_000, &["meta", "google"], false),
    };
    json!({
        "max_experiments": experiments,
        "max_data_points": points,
        "allowed_platforms": platforms,
        "advanced_methods": advanced,
    })
}

/// `GET /causal/capabilities`: permission levels, data scopes, tier limits and methods.
pub(super) async fn causal_capabilities() -> Response {
    let data = json!({
        "permission_levels": ["read", "write", "experiment", "model", "optimize", "export", "admin"],
        "data_scopes": {
            "platforms": ["meta", "google", "klaviyo", "custom"],
            "time_ranges": ["1d", "7d", "30d", "90d", "custom"],
            "data_types": ["campaigns", "ad_sets", "ads", "audiences", "creatives"],
        },
        "subscription_tiers": {
            "free": tier_limits("free"),
            "pro": tier_limits("pro"),
            "enterprise": tier_limits("enterprise"),
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

/// `GET /causal/permissions/{user_id}`: the user's roles, tier and permissions, for the
/// user themself or an admin (403 otherwise); 404 for an unknown id (the reference answers
/// 500 for an id that is not a UUID; here there is simply no such user).
pub(super) async fn causal_permissions(
    State(state): State<Arc<AuthState>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (caller, _) = match bearer_user(&state, &headers) {
        Ok(found) => found,
        Err(refusal) => return *refusal,
    };
    if caller.id != user_id && !caller.has_role(&Role::Admin) {
        return detail(403, "Access denied");
    }
    let Some(user) = state.find(|user| user.id == user_id) else {
        return detail(404, "User not found");
    };
    let permissions: Vec<String> = PermissionSet::from_roles(&user.roles())
        .iter()
        .map(|permission| permission.as_str().to_owned())
        .collect();
    let (causal, standard): (Vec<String>, Vec<String>) = permissions
        .into_iter()
        .partition(|permission| permission.starts_with("causal:"));
    let data = json!({
        "user_id": user.id,
        "roles": user.roles,
        "subscription_tier": user.subscription_tier,
        "standard_permissions": standard,
        "causal_permissions": {
            "permissions": causal,
            "tier_limits": tier_limits(&user.subscription_tier),
        },
        "is_active": user.is_active,
        "is_verified": user.is_verified,
    });
    answer(200, &envelope("Causal permissions retrieved", data))
}
