//! The roles a Lift user can hold.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::permission::Permission;
use crate::permission::table;

/// A role from the `roles` claim or the `X-User-Roles` header (contract §3.2).
///
/// Unknown roles map to [`Other`](Role::Other) instead of failing, so a role added to the
/// platform later never breaks verification. Parsing is case-sensitive, as in the reference:
/// `"Admin"` is `Other("Admin")`.
///
/// ```
/// use lift_auth::Role;
///
/// assert_eq!(Role::from("admin"), Role::Admin);
/// assert_eq!(Role::from("platform_admin"), Role::Other("platform_admin".into()));
/// assert_eq!(Role::Developer.as_str(), "developer");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// `admin`: every permission; the only role that may register modules with `developer`.
    Admin,
    /// `user`: what every account gets.
    User,
    /// `analyst`: causal analysis.
    Analyst,
    /// `developer`: module development and deployment.
    Developer,
    /// `viewer`: read-only.
    Viewer,
    /// Any other role string, kept as sent.
    Other(String),
}

impl Role {
    /// The role as it appears in tokens and headers.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Admin => "admin",
            Self::User => "user",
            Self::Analyst => "analyst",
            Self::Developer => "developer",
            Self::Viewer => "viewer",
            Self::Other(other) => other,
        }
    }

    /// The permissions the reference auth service grants this role (contract §3.2);
    /// empty for [`Other`](Role::Other).
    ///
    /// ```
    /// use lift_auth::{Permission, Role};
    ///
    /// let write = Permission::from_static("memory:write");
    /// assert!(Role::User.default_permissions().contains(&write));
    /// assert!(!Role::Viewer.default_permissions().contains(&write));
    /// ```
    #[must_use]
    pub fn default_permissions(&self) -> &'static [Permission] {
        match self {
            Self::Admin => table::ADMIN,
            Self::User => table::USER,
            Self::Analyst => table::ANALYST,
            Self::Developer => table::DEVELOPER,
            Self::Viewer => table::VIEWER,
            Self::Other(_) => &[],
        }
    }
}

impl From<&str> for Role {
    fn from(value: &str) -> Self {
        match value {
            "admin" => Self::Admin,
            "user" => Self::User,
            "analyst" => Self::Analyst,
            "developer" => Self::Developer,
            "viewer" => Self::Viewer,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl From<String> for Role {
    fn from(value: String) -> Self {
        match Self::from(value.as_str()) {
            Self::Other(_) => Self::Other(value),
            known => known,
        }
    }
}

impl FromStr for Role {
    type Err = Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(value))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Role {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Self::from(value.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_roles_round_trip() {
        for role in [
            Role::Admin,
            Role::User,
            Role::Analyst,
            Role::Developer,
            Role::Viewer,
        ] {
            assert_eq!(Role::from(role.as_str()), role);
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
    }

    #[test]
    fn unknown_role_is_kept() {
        let role: Role = serde_json::from_str("\"platform_admin\"").unwrap();
        assert_eq!(role, Role::Other("platform_admin".to_owned()));
        assert_eq!(serde_json::to_string(&role).unwrap(), "\"platform_admin\"");
        assert!(role.default_permissions().is_empty());
    }
}
