//! The fake auth service's user records, as stored and as answered.

use lift_auth::{Role, SubscriptionTier};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// A user account as the service stores it: a PHC hash, never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct UserRecord {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) username: String,
    pub(crate) full_name: Option<String>,
    /// The argon2id PHC string of the password.
    pub(crate) password_hash: String,
    pub(crate) roles: Vec<String>,
    pub(crate) org_id: String,
    pub(crate) subscription_tier: String,
    pub(crate) is_active: bool,
    pub(crate) is_verified: bool,
    /// Aware UTC, `+00:00`, as the reference writes it.
    pub(crate) created_at: String,
    #[serde(default)]
    pub(crate) last_login: Option<String>,
}

impl UserRecord {
    /// The roles as lift-auth's type.
    pub(crate) fn roles(&self) -> Vec<Role> {
        self.roles
            .iter()
            .map(|role| Role::from(role.as_str()))
            .collect()
    }

    /// The tier as lift-auth's type.
    pub(crate) fn tier(&self) -> SubscriptionTier {
        SubscriptionTier::from(self.subscription_tier.as_str())
    }

    /// Whether the user holds `role`.
    pub(crate) fn has_role(&self, role: &Role) -> bool {
        self.roles().contains(role)
    }

    /// The `user` object of the answers (contract §3.1), without the timestamps.
    pub(crate) fn public(&self) -> Map<String, Value> {
        let user = json!({
            "id": self.id,
            "email": self.email,
            "username": self.username,
            "full_name": self.full_name,
            "is_active": self.is_active,
            "is_verified": self.is_verified,
        });
        match user {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }
}

/// Now as Python's aware `isoformat()` writes it: `2026-11-23T07:27:33.139892+00:00`.
pub(crate) fn aware_utc_now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}
