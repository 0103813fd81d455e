//! A set of granted permissions.

use std::collections::BTreeSet;

use super::Permission;
use crate::role::Role;

/// The permissions a caller holds, with wildcard-aware checks.
///
/// ```
/// use lift_auth::{Permission, PermissionSet, Role};
///
/// let granted = PermissionSet::from_roles(&[Role::Viewer]);
/// let read = Permission::from_static("memory:read");
/// let write = Permission::from_static("memory:write");
/// assert!(granted.allows(&read));
/// assert!(!granted.allows_all([&read, &write]));
/// assert!(granted.allows_any([&read, &write]));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSet {
    granted: BTreeSet<Permission>,
}

impl PermissionSet {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The union of the default permissions of `roles` (contract §3.2).
    #[must_use]
    pub fn from_roles(roles: &[Role]) -> Self {
        roles
            .iter()
            .flat_map(|role| role.default_permissions().iter().cloned())
            .collect()
    }

    /// A set from permission strings, skipping the ones that are not valid permissions (a
    /// token may carry strings of other formats; they grant nothing).
    #[must_use]
    pub fn from_strings<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        values
            .into_iter()
            .filter_map(|value| Permission::parse(value.as_ref()).ok())
            .collect()
    }

    /// Adds a grant.
    pub fn insert(&mut self, permission: Permission) {
        self.granted.insert(permission);
    }

    /// Whether `required` is granted, directly or by a wildcard.
    #[must_use]
    pub fn allows(&self, required: &Permission) -> bool {
        self.granted.contains(required) || self.granted.iter().any(|g| g.grants(required))
    }

    /// Whether every permission in `required` is granted (true for an empty list).
    pub fn allows_all<'a>(&self, required: impl IntoIterator<Item = &'a Permission>) -> bool {
        required.into_iter().all(|p| self.allows(p))
    }

    /// Whether at least one permission in `required` is granted (false for an empty list).
    pub fn allows_any<'a>(&self, required: impl IntoIterator<Item = &'a Permission>) -> bool {
        required.into_iter().any(|p| self.allows(p))
    }

    /// The granted permissions, in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = &Permission> {
        self.granted.iter()
    }

    /// The number of grants.
    #[must_use]
    pub fn len(&self) -> usize {
        self.granted.len()
    }

    /// Whether nothing is granted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.granted.is_empty()
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        Self {
            granted: iter.into_iter().collect(),
        }
    }
}

impl Extend<Permission> for PermissionSet {
    fn extend<I: IntoIterator<Item = Permission>>(&mut self, iter: I) {
        self.granted.extend(iter);
    }
}

impl IntoIterator for PermissionSet {
    type Item = Permission;
    type IntoIter = std::collections::btree_set::IntoIter<Permission>;

    fn into_iter(self) -> Self::IntoIter {
        self.granted.into_iter()
    }
}

impl<'a> IntoIterator for &'a PermissionSet {
    type Item = &'a Permission;
    type IntoIter = std::collections::btree_set::Iter<'a, Permission>;

    fn into_iter(self) -> Self::IntoIter {
        self.granted.iter()
    }
}
