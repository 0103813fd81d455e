//! The registration timeline: what happened to each module record, when.

use std::fmt;

/// What happened to a module record, as one [`RegistryEvent`] of
/// [`MockRegistry::timeline`](super::MockRegistry::timeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegistryEventKind {
    /// A `POST /modules` for a name the registry had never seen: a new record.
    Registered,
    /// A `POST /modules` for a name seen before (after a restart, a loss, or a duplicate):
    /// a new record under a new id.
    Reregistered,
    /// A `GET /modules/{id}` of a record the registry holds: the module confirming it is
    /// still registered (the SDK's runtime does so every 30 s).
    Checked,
    /// A `GET /modules/{id}` of a record the registry once issued but no longer holds: a
    /// module finding out it was lost (answered 404).
    Missing,
    /// A `PUT /modules/{id}` that updated the record.
    Updated,
    /// A `DELETE /modules/{id}` that removed the record.
    Deregistered,
    /// The record was forgotten by [`restart`](super::MockRegistry::restart) or
    /// [`lose`](super::MockRegistry::lose).
    Lost,
}

impl fmt::Display for RegistryEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Registered => "registered",
            Self::Reregistered => "re-registered",
            Self::Checked => "checked",
            Self::Missing => "missing",
            Self::Updated => "updated",
            Self::Deregistered => "deregistered",
            Self::Lost => "lost",
        })
    }
}

/// One step of a module's life in the registry, stamped on the test's tokio clock.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegistryEvent {
    /// What happened.
    pub kind: RegistryEventKind,
    /// The record's id (a uuid4 the mock issued).
    pub module_id: String,
    /// The module's name.
    pub name: String,
    /// When the request arrived (or the control ran), on the test's tokio clock, paused or
    /// not: the same clock as [`Received::at`](crate::mocks::Received::at).
    pub at: tokio::time::Instant,
}

impl fmt::Display for RegistryEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.kind, self.name, self.module_id)
    }
}
