//! Permission strings: `resource:action` and `resource:sub:action`, with wildcard grants.

mod set;
pub(crate) mod table;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{AuthErrorKind, Error};

pub use set::PermissionSet;

/// A validated permission such as `memory:write` or `causal:experiments:run`.
///
/// The grammar (contract §3.2): two or three segments separated by `:`, each made of lower
/// case ASCII letters, digits and `_`. As a *grant*, the last segment may be `*`
/// (`memory:*` grants every `memory:…` permission), and `*` alone grants everything.
///
/// ```
/// use lift_auth::Permission;
///
/// # fn run() -> lift_auth::Result<()> {
/// let write: Permission = "memory:write".parse()?;
/// assert_eq!(write.resource(), "memory");
/// assert!("memory:*".parse::<Permission>()?.grants(&write));
/// assert!("Memory:Write".parse::<Permission>().is_err());
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Permission(Cow<'static, str>);

impl Permission {
    /// A permission from a string literal, checked at compile time when used in a `const`
    /// or `static`.
    ///
    /// # Panics
    ///
    /// Panics (at compile time in a const context) when `value` is not a valid permission.
    #[must_use]
    pub const fn from_static(value: &'static str) -> Self {
        assert!(is_valid(value), "invalid permission string");
        Self(Cow::Borrowed(value))
    }

    /// Parses and validates a permission.
    ///
    /// # Errors
    ///
    /// An error of kind [`InvalidPermission`](AuthErrorKind::InvalidPermission) when
    /// `value` does not follow the grammar.
    pub fn parse(value: impl Into<String>) -> Result<Self, Error> {
        let value = value.into();
        if is_valid(&value) {
            Ok(Self(Cow::Owned(value)))
        } else {
            Err(Error::with_detail(
                AuthErrorKind::InvalidPermission,
                "expected resource:action in lower case",
            ))
        }
    }

    /// The permission as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first segment (`memory` in `memory:write`; `*` for the global wildcard).
    #[must_use]
    pub fn resource(&self) -> &str {
        self.0.split(':').next().unwrap_or_default()
    }

    /// Whether this is a wildcard grant (`*` or ending in `:*`).
    #[must_use]
    pub fn is_wildcard(&self) -> bool {
        self.0.ends_with('*')
    }

    /// Whether holding this permission allows `required`: equal, or a wildcard that covers
    /// it.
    #[must_use]
    pub fn grants(&self, required: &Self) -> bool {
        let grant = self.as_str();
        let required = required.as_str();
        if grant == required || grant == "*" {
            return true;
        }
        match grant.strip_suffix('*') {
            Some(prefix) => required.len() > prefix.len() && required.starts_with(prefix),
            None => false,
        }
    }

    /// Whether `value` is a valid permission string. Usable in `const` contexts, which is
    /// how typed permission markers are checked at compile time.
    #[must_use]
    pub const fn is_valid_str(value: &str) -> bool {
        is_valid(value)
    }
}

/// The grammar check, `const` so that markers and static tables are checked by the compiler.
const fn is_valid(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() == 1 && bytes[0] == b'*' {
        return true;
    }
    let mut segments = 1;
    let mut segment_len = 0;
    let mut wildcard_segment = false;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b':' {
            if segment_len == 0 || wildcard_segment {
                return false;
            }
            segments += 1;
            segment_len = 0;
        } else if byte == b'*' {
            // `*` must be a whole segment, and only the last one.
            if segment_len != 0 || segments == 1 {
                return false;
            }
            wildcard_segment = true;
            segment_len += 1;
        } else if byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_' {
            if wildcard_segment {
                return false;
            }
            segment_len += 1;
        } else {
            return false;
        }
        i += 1;
    }
    segment_len > 0 && (segments == 2 || segments == 3)
}

impl FromStr for Permission {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl TryFrom<&str> for Permission {
    type Error = Error;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl TryFrom<String> for Permission {
    type Error = Error;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl AsRef<str> for Permission {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Permission({:?})", self.as_str())
    }
}

impl Serialize for Permission {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Self::parse(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        for ok in [
            "memory:write",
            "causal:experiments:run",
            "user_2:read_all",
            "memory:*",
            "causal:experiments:*",
            "*",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "memory",
            "Memory:write",
            "memory:",
            ":write",
            "a:b:c:d",
            "memory::write",
            "*:read",
            "memory:*:read",
            "memory:w*",
            "memory:write ",
            "mémoire:écrire",
            "**",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn wildcards_grant_their_subtree_only() {
        let p = |s: &str| Permission::parse(s).unwrap();
        assert!(p("*").grants(&p("billing:write")));
        assert!(p("memory:*").grants(&p("memory:write")));
        assert!(p("causal:*").grants(&p("causal:experiments:run")));
        assert!(p("causal:experiments:*").grants(&p("causal:experiments:run")));
        assert!(!p("causal:experiments:*").grants(&p("causal:models:create")));
        assert!(!p("memory:*").grants(&p("memoryx:write")));
        assert!(!p("memory:read").grants(&p("memory:write")));
    }
}
