//! The claims of a Lift token.

mod de;
mod time;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::permission::PermissionSet;
use crate::role::Role;
use crate::tier::SubscriptionTier;

pub(crate) use de::{RawClaims, wrong_typed_claim};
pub use time::{Audience, NumericDate};

/// The payload of a Lift JWT: the core claims of contract §3.2, the optional registered
/// claims, and every other claim in [`extra`](Self::extra).
///
/// `sub`, `org_id`, `email` and `exp` are required; `memory_context` defaults to
/// `org_{org_id}_context` and `subscription_tier` to `free`. Deserializing accepts integer
/// and fractional time claims and refuses any other JSON type for them.
///
/// ```
/// use lift_auth::{Claims, NumericDate, Role};
///
/// let claims = Claims::new("user-1", "org-1", "ana@example.com", NumericDate::from_secs(4_102_444_800))
///     .roles([Role::User]);
/// assert_eq!(claims.memory_context, "org_org-1_context");
/// let json = serde_json::to_value(&claims)?;
/// assert_eq!(json["exp"], 4_102_444_800_i64);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Claims {
    /// `sub`: the user id (a UUID in the reference).
    pub sub: String,
    /// `org_id`: the organisation id (equal to the user id in the reference).
    pub org_id: String,
    /// `email`.
    pub email: String,
    /// `roles`; unknown roles are kept as [`Role::Other`].
    pub roles: Vec<Role>,
    /// `permissions`, as issued (strings of other formats are kept; see
    /// [`permission_set`](Self::permission_set)).
    pub permissions: Vec<String>,
    /// `memory_context`, defaulting to `org_{org_id}_context`.
    pub memory_context: String,
    /// `subscription_tier`, defaulting to `free`.
    pub subscription_tier: SubscriptionTier,
    /// `exp`: expiry.
    pub exp: NumericDate,
    /// `iat`: issue time (always present in core tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<NumericDate>,
    /// `iss`: issuer (absent in core tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// `aud`: audience (absent in core tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    /// `nbf`: not before (absent in core tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<NumericDate>,
    /// `jti`: token id (absent in core tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Every other claim, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Claims {
    /// Claims with the required values; `iat` is unset (a [`TokenIssuer`](crate::TokenIssuer)
    /// sets it when signing), roles and permissions are empty, the tier is `free`.
    #[must_use]
    pub fn new(
        sub: impl Into<String>,
        org_id: impl Into<String>,
        email: impl Into<String>,
        exp: NumericDate,
    ) -> Self {
        let org_id = org_id.into();
        Self {
            sub: sub.into(),
            memory_context: default_memory_context(&org_id),
            org_id,
            email: email.into(),
            roles: Vec::new(),
            permissions: Vec::new(),
            subscription_tier: SubscriptionTier::Free,
            exp,
            iat: None,
            iss: None,
            aud: None,
            nbf: None,
            jti: None,
            extra: Map::new(),
        }
    }

    /// Sets the roles and, as the reference does, the union of their default permissions.
    #[must_use]
    pub fn roles(mut self, roles: impl IntoIterator<Item = Role>) -> Self {
        self.roles = roles.into_iter().collect();
        self.permissions = PermissionSet::from_roles(&self.roles)
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect();
        self
    }

    /// Whether `role` is among the roles.
    #[must_use]
    pub fn has_role(&self, role: &Role) -> bool {
        self.roles.contains(role)
    }

    /// The valid permissions of the `permissions` claim (others are skipped).
    #[must_use]
    pub fn permission_set(&self) -> PermissionSet {
        PermissionSet::from_strings(&self.permissions)
    }

    /// What the caller may do: the `permissions` claim plus the default permissions of each
    /// role (for tokens that carry roles only).
    #[must_use]
    pub fn effective_permissions(&self) -> PermissionSet {
        let mut set = self.permission_set();
        set.extend(PermissionSet::from_roles(&self.roles));
        set
    }
}

/// `org_{org_id}_context`, the gateway's and the reference's default memory context.
pub(crate) fn default_memory_context(org_id: &str) -> String {
    format!("org_{org_id}_context")
}
