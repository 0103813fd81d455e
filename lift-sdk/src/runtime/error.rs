//! Why a module could not start or stopped with an error: `ServeError`.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use lift_registry_client::ManifestError;

use super::module::BoxError;

/// Why [`serve`](super::serve) failed. A start-up error means nothing was registered.
///
/// Its `Debug` is its message followed by its causes, one per line, so that the usual
/// `fn main() -> Result<(), ServeError>` prints something an operator can read:
///
/// ```text
/// Error: invalid configuration: JWT_SECRET is not set: the module cannot verify …
/// ```
#[derive(thiserror::Error)]
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
    /// Another live instance of the module serves the base URL this one would register:
    /// registering would evict it. Give each replica its own `LIFT_MODULE_PUBLIC_URL`.
    #[error(
        "another instance ({other}) of module `{module}` is live at {base_url}; this instance \
         ({this}) would evict its registry record: give each replica its own public URL \
         (LIFT_MODULE_PUBLIC_URL)"
    )]
    Conflict {
        /// The module's name.
        module: String,
        /// The base URL both would register.
        base_url: String,
        /// This process's instance id.
        this: String,
        /// The instance id the URL answered with.
        other: String,
    },
}

impl fmt::Debug for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The message already contains the first cause (`{0}`/`{source}`); list the rest.
        write!(f, "{self}")?;
        let mut cause = std::error::Error::source(self).and_then(std::error::Error::source);
        while let Some(err) = cause {
            write!(f, "\n  caused by: {err}")?;
            cause = err.source();
        }
        Ok(())
    }
}

impl From<lift_sdk_core::Error> for ServeError {
    fn from(err: lift_sdk_core::Error) -> Self {
        Self::Config(err)
    }
}

/// An error's message followed by its causes (`: ` between them), skipping a cause whose
/// text its parent already shows.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(next) = cause {
        let part = next.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        cause = next.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_reads_as_the_message_and_its_causes() {
        let io = std::io::Error::new(std::io::ErrorKind::AddrInUse, "address in use");
        let core = lift_sdk_core::Error::builder("JWT_SECRET is not set").with_source(io);
        let printed = format!("{:?}", ServeError::Config(core));
        assert!(printed.starts_with("invalid configuration: "), "{printed}");
        assert!(printed.contains("JWT_SECRET is not set"), "{printed}");
        assert!(printed.contains("caused by: address in use"), "{printed}");
        assert!(!printed.contains("kind:"), "{printed}");
    }

    #[test]
    fn a_chain_skips_causes_its_parent_already_shows() {
        let io = std::io::Error::other("refused");
        let err = ServeError::Server(io);
        assert_eq!(error_chain(&err), "the server failed: refused");
    }
}
