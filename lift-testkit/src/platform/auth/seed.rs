//! [`SeedUser`]: an account the fake auth service holds from its first start.

use std::fmt;

use lift_auth::{Role, SubscriptionTier};

/// An account the fake platform's auth service creates at start when no account with its
/// e-mail exists yet, and restores on reset.
///
/// [`SeedUser::admin`] is the reference's seeded admin (`admin@lift.dev` / `admin123`,
/// username `admin`, roles `user` and `admin`, enterprise tier): the only built-in way to
/// get the `admin` role, and with it the right to register modules (contract §3.1).
/// Its password is stored as an argon2 hash, like every other; `Debug` does not show it.
///
/// ```
/// use lift_auth::Role;
/// use lift_testkit::platform::SeedUser;
///
/// let admin = SeedUser::admin().password("a-better-password");
/// let dev = SeedUser::new("dev@example.com", "s3cret!", "dev").roles([Role::User, Role::Developer]);
/// assert_eq!(admin.email, "admin@lift.dev");
/// assert_eq!(dev.roles, [Role::User, Role::Developer]);
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeedUser {
    /// The e-mail the user logs in with.
    pub email: String,
    /// The password, in plain text here only: the service keeps its argon2 hash.
    pub password: String,
    /// The username (unique, like the e-mail).
    pub username: String,
    /// The full name (`null` in answers when unset).
    pub full_name: Option<String>,
    /// The roles in the user's tokens (`user` by default).
    pub roles: Vec<Role>,
    /// The user id; a fresh UUID when unset.
    pub id: Option<String>,
    /// The organisation; the user id when unset, as in the reference (each user is their
    /// own organisation).
    pub org_id: Option<String>,
    /// The `subscription_tier` claim (`free` by default).
    pub tier: SubscriptionTier,
    /// `is_verified` in answers (`false` by default, as after a registration).
    pub is_verified: bool,
}

impl SeedUser {
    /// The reference admin's e-mail.
    pub const ADMIN_EMAIL: &'static str = "admin@lift.dev";
    /// The reference admin's password.
    pub const ADMIN_PASSWORD: &'static str = "admin123";

    /// A user with role `user`, tier `free`, a fresh id that is also its organisation.
    #[must_use]
    pub fn new(
        email: impl Into<String>,
        password: impl Into<String>,
        username: impl Into<String>,
    ) -> Self {
        Self {
            email: email.into(),
            password: password.into(),
            username: username.into(),
            full_name: None,
            roles: vec![Role::User],
            id: None,
            org_id: None,
            tier: SubscriptionTier::Free,
            is_verified: false,
        }
    }

    /// The reference's seeded admin: `admin@lift.dev` / `admin123`, username `admin`, full
    /// name `Admin User`, roles `user` and `admin`, tier `enterprise`, verified.
    #[must_use]
    pub fn admin() -> Self {
        Self {
            full_name: Some("Admin User".to_owned()),
            roles: vec![Role::User, Role::Admin],
            tier: SubscriptionTier::Enterprise,
            is_verified: true,
            ..Self::new(Self::ADMIN_EMAIL, Self::ADMIN_PASSWORD, "admin")
        }
    }

    /// With another e-mail.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = email.into();
        self
    }

    /// With another password.
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = password.into();
        self
    }

    /// With a full name.
    #[must_use]
    pub fn full_name(mut self, full_name: impl Into<String>) -> Self {
        self.full_name = Some(full_name.into());
        self
    }

    /// With these roles.
    #[must_use]
    pub fn roles(mut self, roles: impl IntoIterator<Item = Role>) -> Self {
        self.roles = roles.into_iter().collect();
        self
    }

    /// With a fixed user id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// In this organisation rather than its own.
    #[must_use]
    pub fn org_id(mut self, org_id: impl Into<String>) -> Self {
        self.org_id = Some(org_id.into());
        self
    }

    /// With this subscription tier.
    #[must_use]
    pub fn tier(mut self, tier: SubscriptionTier) -> Self {
        self.tier = tier;
        self
    }
}

impl fmt::Debug for SeedUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeedUser")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .field("username", &self.username)
            .field("full_name", &self.full_name)
            .field("roles", &self.roles)
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("tier", &self.tier)
            .field("is_verified", &self.is_verified)
            .finish()
    }
}
