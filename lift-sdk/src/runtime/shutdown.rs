//! Shutting down: the default signal (SIGTERM or Ctrl-C) and the shutdown sequence.

use std::future::pending;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

use super::error::ServeError;
use super::registration::Registrar;
use super::state::RuntimeState;

/// Completes on SIGTERM (Unix) or Ctrl-C. A signal whose handler cannot be installed never
/// completes (logged), so a failure to install never reads as "stop now".
pub(crate) async fn os_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received: shutting down"),
        () = terminate => tracing::info!("SIGTERM received: shutting down"),
    }
}

/// The shutdown sequence: readiness is already 503; deregister, drain, stop.
pub(crate) struct Shutdown {
    pub(crate) state: Arc<RuntimeState>,
    pub(crate) registrar: Option<Arc<Registrar>>,
    pub(crate) registering: Option<tokio::task::JoinHandle<()>>,
    pub(crate) drain: oneshot::Sender<()>,
    pub(crate) server: tokio::task::JoinHandle<std::io::Result<()>>,
    pub(crate) drain_timeout: Duration,
}

impl Shutdown {
    pub(crate) async fn run(mut self) -> Result<(), ServeError> {
        tokio::select! {
            () = self.state.shutdown_started() => {}
            // The server only stops by itself when it failed.
            result = &mut self.server => return server_result(result),
        }
        tracing::info!("shutting down: readiness reports 503");
        if let Some(registering) = self.registering {
            let _ = registering.await;
        }
        if let Some(registrar) = &self.registrar
            && let Err(err) = registrar.deregister(&self.state).await
        {
            tracing::warn!(error = %err, "could not deregister; the registry keeps a stale record");
        }
        let _ = self.drain.send(());
        match tokio::time::timeout(self.drain_timeout, &mut self.server).await {
            Ok(result) => server_result(result),
            Err(_) => {
                tracing::warn!(deadline = ?self.drain_timeout, "requests still in flight at the drain deadline were dropped");
                self.server.abort();
                Ok(())
            }
        }
    }
}

pub(crate) fn server_result(
    result: Result<std::io::Result<()>, tokio::task::JoinError>,
) -> Result<(), ServeError> {
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(ServeError::Server(err)),
        Err(err) => Err(ServeError::Server(std::io::Error::other(err))),
    }
}
