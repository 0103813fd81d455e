//! What the runtime's parts share while a module runs: its name and version, when it
//! started, where registration stands, and whether shutdown has begun.

use std::time::Duration;

use lift_registry_client::ModuleId;
use tokio::sync::watch;
use tokio::time::Instant;

/// Where the module's registration with the registry stands.
///
/// Readiness reports it (the built-in `registered` check), `/metrics` exports it, and handlers
/// read the id through their context.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationState {
    /// Registration is turned off for this runtime.
    Disabled,
    /// Not registered yet: `attempts` attempts have failed so far, the last one with
    /// `last_error`.
    Pending {
        /// Failed attempts so far.
        attempts: u32,
        /// Why the last attempt failed.
        last_error: Option<String>,
    },
    /// Registered under `id`.
    Registered {
        /// The id the registry assigned (a new one after each re-registration).
        id: ModuleId,
        /// Registrations since start: `1` for the first, more after the registry lost the
        /// module and it registered again.
        registrations: u64,
    },
    /// Registered under `id`, but the last confirmation failed (the registry did not answer,
    /// refused the credentials, or answered something undecodable): the record may or may
    /// not still exist. Readiness reports it as a warning (or a failure with
    /// [`ReadinessSettings::require_confirmed`](crate::runtime::ReadinessSettings::require_confirmed)),
    /// and `lift_module_registered` is `0`.
    Unconfirmed {
        /// The id the registry assigned.
        id: ModuleId,
        /// Registrations since start, as for [`Registered`](Self::Registered).
        registrations: u64,
        /// When the first failed confirmation of this run of failures came back.
        since: chrono::DateTime<chrono::Utc>,
        /// Why the last confirmation failed.
        last_error: String,
    },
    /// Deregistered during shutdown.
    Deregistered,
}

impl RegistrationState {
    /// The registry's id for the module, while it is registered (confirmed or not).
    #[must_use]
    pub fn module_id(&self) -> Option<&ModuleId> {
        match self {
            Self::Registered { id, .. } | Self::Unconfirmed { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// The state every part of one running module shares (behind an `Arc`).
#[derive(Debug)]
pub(crate) struct RuntimeState {
    name: String,
    version: String,
    /// This process's instance id: a fresh UUID, in `/health` and the registry record's
    /// metadata, so that replicas sharing a base URL can tell each other apart.
    instance_id: String,
    started: Instant,
    registration: watch::Sender<RegistrationState>,
    shutting_down: watch::Sender<bool>,
}

impl RuntimeState {
    /// The state of a module that starts now; registration starts `Pending` when enabled.
    pub(crate) fn new(name: impl Into<String>, version: impl Into<String>, register: bool) -> Self {
        let registration = if register {
            RegistrationState::Pending {
                attempts: 0,
                last_error: None,
            }
        } else {
            RegistrationState::Disabled
        };
        Self {
            name: name.into(),
            version: version.into(),
            instance_id: lift_sdk_core::new_request_id(),
            started: Instant::now(),
            registration: watch::Sender::new(registration),
            shutting_down: watch::Sender::new(false),
        }
    }

    /// The module's name (from its manifest).
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The module's version (from its manifest).
    pub(crate) fn version(&self) -> &str {
        &self.version
    }

    /// This process's instance id.
    pub(crate) fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// Time since the runtime started (tokio's clock, so paused-clock tests control it).
    pub(crate) fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// Where registration stands now.
    pub(crate) fn registration(&self) -> RegistrationState {
        self.registration.borrow().clone()
    }

    /// The registry's id for the module, while it is registered.
    pub(crate) fn module_id(&self) -> Option<ModuleId> {
        self.registration.borrow().module_id().cloned()
    }

    /// Publishes a new registration state.
    pub(crate) fn set_registration(&self, state: RegistrationState) {
        self.registration.send_replace(state);
    }

    /// A receiver that sees every change of the registration state.
    pub(crate) fn watch_registration(&self) -> watch::Receiver<RegistrationState> {
        self.registration.subscribe()
    }

    /// Whether shutdown has begun (readiness then answers 503).
    pub(crate) fn is_shutting_down(&self) -> bool {
        *self.shutting_down.borrow()
    }

    /// Marks the start of shutdown; idempotent.
    pub(crate) fn begin_shutdown(&self) {
        self.shutting_down.send_replace(true);
    }

    /// Resolves once shutdown has begun (at once if it already has).
    pub(crate) async fn shutdown_started(&self) {
        let mut receiver = self.shutting_down.subscribe();
        // `wait_for` fails only when the sender is gone, and `self` owns it.
        let _ = receiver.wait_for(|started| *started).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn shutdown_is_observed_by_waiters_and_readers() {
        let state = std::sync::Arc::new(RuntimeState::new("m", "1.0.0", true));
        assert!(!state.is_shutting_down());
        let waiter = tokio::spawn({
            let state = state.clone();
            async move { state.shutdown_started().await }
        });
        state.begin_shutdown();
        waiter.await.expect("the waiter finishes");
        assert!(state.is_shutting_down());
        state.shutdown_started().await;
    }

    #[test]
    fn the_module_id_is_known_only_while_registered() {
        let state = RuntimeState::new("m", "1.0.0", true);
        assert_eq!(state.module_id(), None);
        let id = ModuleId::new("2f1c").expect("a valid id");
        state.set_registration(RegistrationState::Registered {
            id: id.clone(),
            registrations: 1,
        });
        assert_eq!(state.module_id(), Some(id));
        assert_eq!(
            RuntimeState::new("m", "1", false).registration(),
            RegistrationState::Disabled
        );
    }
}
