//! Identifier newtypes: a memory id, a conceptual space id and a workflow id are not
//! interchangeable.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id as the service sent it. Ids are opaque: nothing is parsed.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as a string slice.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Consumes the id, giving its string.
            #[must_use]
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_id! {
    /// The id of a stored memory, such as `memory_{org_id}_{epoch}`.
    ///
    /// Opaque: the memory service's ids are not UUIDs, so nothing is parsed or checked.
    ///
    /// ```
    /// use lift_memory_client::MemoryId;
    ///
    /// let id = MemoryId::new("memory_org-1_1795421411.61");
    /// assert_eq!(id.as_str(), "memory_org-1_1795421411.61");
    /// assert_eq!(id, "memory_org-1_1795421411.61");
    /// ```
    MemoryId
}

string_id! {
    /// The id of a conceptual space, such as `space_{org_id}_{8 hex}`.
    ///
    /// Opaque, like [`MemoryId`].
    SpaceId
}

string_id! {
    /// The id of a workflow the memory service's orchestrator runs, such as
    /// `wf_{org_id}_{8 hex}` (a batch search runs as one).
    ///
    /// Opaque, like [`MemoryId`].
    WorkflowId
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_transparent_strings() {
        let id: MemoryId = serde_json::from_str(r#""memory_a_1.5""#).unwrap();
        assert_eq!(id.as_str(), "memory_a_1.5");
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""memory_a_1.5""#);
        assert_eq!(id.to_string(), "memory_a_1.5");
    }

    #[test]
    fn space_ids_work_as_map_keys() {
        let map: std::collections::BTreeMap<SpaceId, u8> =
            serde_json::from_str(r#"{"space_x_1":1}"#).unwrap();
        assert_eq!(map.get("space_x_1"), Some(&1));
    }
}
