//! Why a module could not start or stopped with an error: `ServeError`.

use std::net::SocketAddr;
use std::path::PathBuf;

use lift_registry_client::ManifestError;

use super::module::BoxError;

/// Why [`serve`](super::serve) failed. A start-up error means nothing was registered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The configuration is incomplete or malformed; the message names the variable or
    /// setting.
    #[error("invalid configuration: {0}")]
    Config(#[source] lift_sdk_core::Error),
    /// The manifest could not be read or is not valid; the message names the file and field.
    #[error("invalid manifest{}: {source}", path.as_ref().map(|p| format!(" `{}`", p.display())).unwrap_or_default())]
    Manifest {
        /// The file, when the manifest came from one.
        path: Option<PathBuf>,
        /// What was wrong.
        #[source]
        source: ManifestError,
    },
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The module's `on_start` hook failed.
    #[error("on_start failed: {0}")]
    Start(#[source] BoxError),
    /// The server failed while running.
    #[error("the server failed: {0}")]
    Server(#[source] std::io::Error),
    /// The module's `on_shutdown` hook panicked (with this message); the rest of the
    /// shutdown had completed.
    #[error("on_shutdown panicked: {0}")]
    ShutdownPanicked(String),
}

impl From<lift_sdk_core::Error> for ServeError {
    fn from(err: lift_sdk_core::Error) -> Self {
        Self::Config(err)
    }
}
