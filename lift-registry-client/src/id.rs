//! The registry's module identifier.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The id the registry assigned to a registered module (a UUID in practice).
///
/// It is **not** the `module_id` of `module.json`: the registry generates a new id at every
/// registration, and forgets every id when it restarts, so clients find a module again by
/// name ([`RegistryClient::find_by_name`](crate::RegistryClient::find_by_name)). Treat it
/// as an opaque string; it is never parsed as a UUID.
///
/// ```
/// use lift_registry_client::ModuleId;
///
/// let id = ModuleId::new("7c840860-4c75-40c1-b743-675f948a4201");
/// assert_eq!(id.as_str(), "7c840860-4c75-40c1-b743-675f948a4201");
/// assert_eq!(id.to_string(), id.as_str());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ModuleId(String);

impl ModuleId {
    /// Wraps an id as returned by the registry.
    #[must_use]
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the id is empty (the client refuses such an id before sending anything).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Consumes the id, giving the inner string.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for ModuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for ModuleId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&str> for ModuleId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

impl From<ModuleId> for String {
    fn from(id: ModuleId) -> Self {
        id.0
    }
}

impl AsRef<str> for ModuleId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for ModuleId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ModuleId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ModuleId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
