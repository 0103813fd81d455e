//! `RunningModule`: a handle on a module that is serving.

use std::net::SocketAddr;
use std::sync::Arc;

use lift_registry_client::ModuleId;
use tokio::task::JoinHandle;
use url::Url;

use super::error::ServeError;
use super::shutdown::panic_message;
use super::state::{RegistrationState, RuntimeState};

/// A module that is serving, from [`Runtime::start`](super::Runtime::start): where it
/// listens, where its registration stands, and how to stop it.
///
/// **Dropping it stops the module**: the graceful shutdown starts (readiness 503,
/// deregistration, drain, `on_shutdown`) and runs to its end in the background, as long as
/// the tokio runtime runs. To keep a module serving, keep its `RunningModule` (or
/// [`wait`](Self::wait) on it); the future of [`serve`](super::serve) holds it, so dropping
/// that future stops the module too.
#[derive(Debug)]
pub struct RunningModule {
    pub(crate) local_addr: SocketAddr,
    pub(crate) public_url: Url,
    pub(crate) state: Arc<RuntimeState>,
    /// `None` once [`wait`](Self::wait) took it.
    pub(crate) task: Option<JoinHandle<Result<(), ServeError>>>,
}

impl RunningModule {
    /// The address the module listens on.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The base URL the module registers.
    #[must_use]
    pub fn public_url(&self) -> &Url {
        &self.public_url
    }

    /// Where registration stands now.
    #[must_use]
    pub fn registration(&self) -> RegistrationState {
        self.state.registration()
    }

    /// Waits until the module is registered and returns its id; `None` when registration is
    /// turned off or the module shut down first.
    pub async fn registered(&self) -> Option<ModuleId> {
        let mut watch = self.state.watch_registration();
        tokio::select! {
            state = watch.wait_for(|state| !matches!(state, RegistrationState::Pending { .. })) => {
                state.ok()?.module_id().cloned()
            }
            () = self.state.shutdown_started() => None,
        }
    }

    /// A receiver that sees every change of the registration state.
    #[must_use]
    pub fn registration_watch(&self) -> tokio::sync::watch::Receiver<RegistrationState> {
        self.state.watch_registration()
    }

    /// Starts the graceful shutdown, as SIGTERM would; [`wait`](Self::wait) for its end.
    pub fn shutdown(&self) {
        self.state.begin_shutdown();
    }

    /// Waits until the module shut down.
    ///
    /// # Errors
    ///
    /// [`ServeError::Server`] when the server failed while running.
    pub async fn wait(mut self) -> Result<(), ServeError> {
        let Some(task) = self.task.take() else {
            return Ok(());
        };
        match task.await {
            Ok(result) => result,
            Err(err) if err.is_panic() => Err(ServeError::Server(std::io::Error::other(format!(
                "the runtime's shutdown task panicked: {}",
                panic_message(&*err.into_panic())
            )))),
            Err(err) => Err(ServeError::Server(std::io::Error::other(err))),
        }
    }
}

impl Drop for RunningModule {
    fn drop(&mut self) {
        // Idempotent, and harmless once the module stopped (after `wait`).
        self.state.begin_shutdown();
    }
}
