//! The builder of one user's token.

use std::fmt;
use std::time::{Duration, SystemTime};

use lift_auth::{Audience, Claims, NumericDate, Role, SubscriptionTier};

use super::TestTokens;

/// How long a token is valid when [`UserToken::expires_in`] is not called.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// A token for one user, with chosen roles, permissions, tier and times; made by
/// [`TestTokens::user`].
///
/// Defaults: organisation `test-org`, email `<sub>@example.com`, roles `[user]` with that
/// role's permissions, free tier, issued now, valid for an hour, no `nbf`, no `aud`.
///
/// ```
/// use std::time::Duration;
/// use lift_auth::{Role, SubscriptionTier};
/// use lift_testkit::tokens::TestTokens;
///
/// let tokens = TestTokens::hs256();
/// let token = tokens
///     .user("u-7")
///     .org("acme")
///     .roles([Role::Developer])
///     .permissions(["memory:read", "modules:write"])
///     .tier(SubscriptionTier::Enterprise)
///     .expires_in(Duration::from_secs(60))
///     .issue();
/// let claims = tokens.verifier().verify(&token)?;
/// assert_eq!(claims.permissions, ["memory:read", "modules:write"]);
/// assert_eq!(claims.subscription_tier, SubscriptionTier::Enterprise);
/// assert_eq!(claims.memory_context, "org_acme_context");
/// # Ok::<(), lift_auth::Error>(())
/// ```
#[must_use = "a token builder does nothing until `issue` is called"]
pub struct UserToken<'t> {
    tokens: &'t TestTokens,
    sub: String,
    org: String,
    email: Option<String>,
    roles: Vec<Role>,
    permissions: Option<Vec<String>>,
    tier: SubscriptionTier,
    expires_in: Duration,
    issued_at: Option<SystemTime>,
    not_before: Option<SystemTime>,
    audience: Option<String>,
}

impl<'t> UserToken<'t> {
    pub(super) fn new(tokens: &'t TestTokens, sub: String) -> Self {
        Self {
            tokens,
            sub,
            org: "test-org".to_owned(),
            email: None,
            roles: vec![Role::User],
            permissions: None,
            tier: SubscriptionTier::Free,
            expires_in: DEFAULT_LIFETIME,
            issued_at: None,
            not_before: None,
            audience: None,
        }
    }

    /// The organisation (`org_id`); the memory context follows it (`org_<org>_context`).
    pub fn org(mut self, org: impl Into<String>) -> Self {
        self.org = org.into();
        self
    }

    /// The email (default `<sub>@example.com`).
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// The roles. Unless [`permissions`](Self::permissions) is called, the token's
    /// `permissions` claim lists these roles' default permissions, as the auth service
    /// writes it.
    pub fn roles(mut self, roles: impl IntoIterator<Item = Role>) -> Self {
        self.roles = roles.into_iter().collect();
        self
    }

    /// The `permissions` claim, exactly (instead of the roles' defaults). Strings are not
    /// checked, so a test can send `resource:action` forms a service must refuse.
    pub fn permissions(mut self, permissions: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.permissions = Some(permissions.into_iter().map(Into::into).collect());
        self
    }

    /// The subscription tier.
    pub fn tier(mut self, tier: SubscriptionTier) -> Self {
        self.tier = tier;
        self
    }

    /// The lifetime: `exp` is the issue time plus `lifetime` (default an hour).
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = lifetime;
        self
    }

    /// The issue time (`iat`, default now); `exp` follows it. A time long past makes an
    /// expired token.
    pub fn issued_at(mut self, time: SystemTime) -> Self {
        self.issued_at = Some(time);
        self
    }

    /// A `nbf` claim: the token is not valid before `time`.
    pub fn not_before(mut self, time: SystemTime) -> Self {
        self.not_before = Some(time);
        self
    }

    /// An `aud` claim. The plain [`TestTokens::verifier`] refuses tokens naming an audience;
    /// configure it with `tokens.verifier_builder().audience(..)`.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The claims the token will carry.
    #[must_use]
    pub fn claims(&self) -> Claims {
        let iat = self.issued_at.unwrap_or_else(SystemTime::now);
        let email = self
            .email
            .clone()
            .unwrap_or_else(|| format!("{}@example.com", self.sub));
        let mut claims = self
            .tokens
            .issuer
            .claims_at(self.sub.clone(), self.org.clone(), email, iat)
            .roles(self.roles.iter().cloned());
        if let Some(permissions) = &self.permissions {
            claims.permissions.clone_from(permissions);
        }
        claims.subscription_tier = self.tier.clone();
        claims.exp = NumericDate::from_system_time(iat).add(self.expires_in);
        claims.nbf = self.not_before.map(NumericDate::from_system_time);
        claims.aud = self.audience.clone().map(Audience::One);
        claims
    }

    /// Signs the token with the kit's current key.
    #[must_use]
    pub fn issue(self) -> String {
        self.tokens.sign(&self.claims())
    }
}

impl fmt::Debug for UserToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserToken")
            .field("sub", &self.sub)
            .field("org", &self.org)
            .field("roles", &self.roles)
            .field("permissions", &self.permissions)
            .field("tier", &self.tier)
            .field("expires_in", &self.expires_in)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}
