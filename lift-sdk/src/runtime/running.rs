//! `RunningModule`: a handle on a module that is serving.

use std::net::SocketAddr;
use std::sync::Arc;

use lift_registry_client::ModuleId;
use tokio::task::JoinHandle;
use url::Url;

use super::error::ServeError;
use super::state::{RegistrationState, RuntimeState};

/// A module that is serving, from [`Runtime::start`](super::Runtime::start): where it
/// listens, where its registration stands, and how to stop it.
#[derive(Debug)]
pub struct RunningModule {
    pub(crate) local_addr: SocketAddr,
    pub(crate) public_url: Url,
    pub(crate) state: Arc<RuntimeState>,
    pub(crate) task: JoinHandle<Result<(), ServeError>>,
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
    pub async fn wait(self) -> Result<(), ServeError> {
        match self.task.await {
            Ok(result) => result,
            Err(err) => Err(ServeError::Server(std::io::Error::other(err))),
        }
    }
}
