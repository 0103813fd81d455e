//! Bodies of auth's `/causal/…` routes (contract §3.1, auth.json).

use std::collections::BTreeMap;

use lift_sdk_core::decode::null_as_default;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How much data a causal-analysis access covers (the reference's `CausalDataScope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[allow(missing_docs, reason = "each variant is the scope it names")]
pub enum CausalDataScope {
    Campaign,
    Account,
    Organization,
    Global,
}

/// A causal-analysis permission level (the reference's `CausalPermissionLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[allow(missing_docs, reason = "each variant is the level it names")]
pub enum CausalPermissionLevel {
    Read,
    Write,
    Experiment,
    Model,
    Optimize,
    Export,
    Admin,
}

/// `POST /causal/access/validate` body: may `user_id` act at `level` on `scope`?
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CausalAccessRequest {
    user_id: String,
    requested_scope: CausalDataScope,
    permission_level: CausalPermissionLevel,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_id: Option<String>,
}

impl CausalAccessRequest {
    /// A check of `user_id`'s access at `level` on `scope`.
    pub fn new(
        user_id: impl Into<String>,
        scope: CausalDataScope,
        level: CausalPermissionLevel,
    ) -> Self {
        Self {
            user_id: user_id.into(),
            requested_scope: scope,
            permission_level: level,
            resource_id: None,
        }
    }

    /// The resource (campaign, account, …) the access is for.
    #[must_use]
    pub fn resource_id(mut self, resource_id: impl Into<String>) -> Self {
        self.resource_id = Some(resource_id.into());
        self
    }
}

/// `POST /causal/roles/assign` body: give `user_id` a causal role (admin only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CausalRoleRequest {
    user_id: String,
    role_type: String,
    permissions: Vec<CausalPermissionLevel>,
}

impl CausalRoleRequest {
    /// The `causal_analyst` role for `user_id`, with no extra permissions.
    pub fn new(user_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            role_type: "causal_analyst".to_owned(),
            permissions: Vec::new(),
        }
    }

    /// Another role type than `causal_analyst`.
    #[must_use]
    pub fn role_type(mut self, role_type: impl Into<String>) -> Self {
        self.role_type = role_type.into();
        self
    }

    /// The permission levels the role grants.
    #[must_use]
    pub fn permissions(mut self, levels: impl IntoIterator<Item = CausalPermissionLevel>) -> Self {
        self.permissions = levels.into_iter().collect();
        self
    }
}

/// What causal analysis offers (`GET /causal/capabilities`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct CausalCapabilities {
    /// The permission levels, such as `read` and `experiment`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub permission_levels: Vec<String>,
    /// The data a causal analysis can read.
    #[serde(default, deserialize_with = "null_as_default")]
    pub data_scopes: CausalDataScopes,
    /// The limits of each subscription tier (`free`, `pro`, `enterprise`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub subscription_tiers: BTreeMap<String, CausalTierLimits>,
    /// The inference methods, such as `difference_in_differences`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub available_methods: Vec<String>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(CausalCapabilities, mistyped);

/// The data a causal analysis can read, in [`CausalCapabilities`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct CausalDataScopes {
    /// The platforms, such as `meta`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub platforms: Vec<String>,
    /// The time ranges, such as `30d`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub time_ranges: Vec<String>,
    /// The data types, such as `campaigns`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub data_types: Vec<String>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(CausalDataScopes, mistyped);

/// One subscription tier's causal-analysis limits; `-1` means unlimited.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct CausalTierLimits {
    /// The most experiments, `-1` for no limit.
    #[serde(default)]
    pub max_experiments: Option<i64>,
    /// The most data points, `-1` for no limit.
    #[serde(default)]
    pub max_data_points: Option<i64>,
    /// The platforms the tier may read.
    #[serde(default, deserialize_with = "null_as_default")]
    pub allowed_platforms: Vec<String>,
    /// Whether the advanced methods are allowed.
    #[serde(default)]
    pub advanced_methods: Option<bool>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(CausalTierLimits, mistyped);

/// A user's roles and permissions, causal ones included (`GET /causal/permissions/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct CausalPermissions {
    /// The user.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The user's roles.
    #[serde(default, deserialize_with = "null_as_default")]
    pub roles: Vec<String>,
    /// The user's subscription tier, such as `free`.
    #[serde(default)]
    pub subscription_tier: Option<String>,
    /// The user's platform permissions, such as `memory:read`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub standard_permissions: Vec<String>,
    /// The causal permissions, as the service groups them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub causal_permissions: Map<String, Value>,
    /// Whether the account is active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Whether the e-mail was verified.
    #[serde(default)]
    pub is_verified: Option<bool>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(CausalPermissions, mistyped);

/// The service's self-description (`GET /`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct AuthServiceInfo {
    /// The service's version, such as `1.0.0`.
    #[serde(default)]
    pub version: Option<String>,
    /// The endpoints it lists, such as `/login`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub endpoints: Vec<String>,
    /// Where its API docs are, such as `/docs`.
    #[serde(default)]
    pub docs: Option<String>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(AuthServiceInfo, mistyped);
