//! Shutting down: the default signal (SIGTERM or Ctrl-C) and the shutdown sequence.

use std::future::pending;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::error::ServeError;
use super::module::LiftModule;
use super::registration::Registrar;
use super::server::Server;
use super::state::RuntimeState;

/// The signals that stop a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// Ctrl-C.
    Interrupt,
    /// SIGTERM (what Kubernetes and `docker stop` send).
    Terminate,
}

impl Signal {
    /// The exit status of a process ended by this signal: 128 + the signal's number, as
    /// shells report it.
    fn exit_status(self) -> i32 {
        match self {
            Self::Interrupt => 130,
            Self::Terminate => 143,
        }
    }
}

/// Completes on SIGTERM (Unix) or Ctrl-C, with which one came. A signal whose handler cannot
/// be installed never completes (logged), so a failure to install never reads as "stop now".
pub(crate) async fn os_signal() -> Signal {
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
        () = ctrl_c => Signal::Interrupt,
        () = terminate => Signal::Terminate,
    }
}

/// Starts the shutdown on the first signal; a signal during shutdown ends the process at
/// once with a non-zero status.
///
/// Once tokio listens for SIGTERM and SIGINT, their default action (ending the process) is
/// gone for the life of the process: without this, an operator's second Ctrl-C would be
/// swallowed and only SIGKILL would stop a shutdown that hangs.
pub(crate) async fn watch_os_signals(state: Arc<RuntimeState>) {
    tokio::select! {
        signal = os_signal() => {
            tracing::info!(signal = ?signal, "signal received: shutting down (send it again to exit at once)");
            state.begin_shutdown();
        }
        () = state.shutdown_started() => {}
    }
    let signal = os_signal().await;
    tracing::error!(signal = ?signal, status = signal.exit_status(), "second signal during shutdown: exiting at once, without finishing the shutdown");
    #[allow(clippy::exit)] // what the operator asked for; nothing else can stop a hung shutdown
    std::process::exit(signal.exit_status());
}

/// How long each shutdown step may take.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShutdownTiming {
    /// How long requests in flight may take to finish before they are cut.
    pub(crate) drain_timeout: Duration,
    /// How long the listener keeps accepting after readiness went 503 and the module
    /// deregistered.
    pub(crate) shutdown_delay: Duration,
}

/// The shutdown sequence: readiness is already 503; deregister, wait out the shutdown delay,
/// drain (cutting what is left at the deadline).
pub(crate) struct Shutdown {
    pub(crate) state: Arc<RuntimeState>,
    pub(crate) registrar: Option<Arc<Registrar>>,
    pub(crate) registering: Option<tokio::task::JoinHandle<Result<(), ServeError>>>,
    pub(crate) server: Server,
    pub(crate) timing: ShutdownTiming,
}

impl Shutdown {
    pub(crate) async fn run(mut self) -> Result<(), ServeError> {
        tokio::select! {
            () = self.state.shutdown_started() => {}
            // The server only stops by itself when it failed.
            result = self.server.stopped() => {
                return Err(ServeError::Server(result.err().unwrap_or_else(|| {
                    std::io::Error::other("the server stopped before shutdown began")
                })));
            }
        }
        tracing::info!("shutting down: readiness reports 503");
        let step = Instant::now();
        // A registration that refused to go on (a live replica at this URL) is the result.
        let registration = match self.registering {
            Some(registering) => registering.await.unwrap_or(Ok(())),
            None => Ok(()),
        };
        if let Some(registrar) = &self.registrar {
            match registrar.deregister(&self.state).await {
                Ok(()) => {
                    tracing::info!(took = ?step.elapsed(), "shutdown step: deregistration done")
                }
                Err(err) => {
                    tracing::warn!(error = %err, took = ?step.elapsed(), "could not deregister; the registry keeps a stale record")
                }
            }
        }
        let delay = self.timing.shutdown_delay;
        if !delay.is_zero() {
            tracing::info!(delay = ?delay, "shutdown step: still accepting connections for the shutdown delay");
            tokio::time::sleep(delay).await;
        }
        let step = Instant::now();
        tracing::info!(
            open_connections = self.server.open_connections(),
            requests_in_flight = self.server.in_flight(),
            deadline = ?self.timing.drain_timeout,
            "shutdown step: listener closed, draining the requests in flight"
        );
        self.server.drain();
        let drained = match tokio::time::timeout(self.timing.drain_timeout, self.server.stopped())
            .await
        {
            Ok(result) => {
                tracing::info!(took = ?step.elapsed(), "shutdown step: drained");
                result.map_err(ServeError::Server)
            }
            Err(_) => {
                let cut = self.server.abort();
                tracing::warn!(requests_cut = cut, deadline = ?self.timing.drain_timeout, "shutdown step: drain deadline passed; the requests still in flight were cut");
                Ok(())
            }
        };
        registration.and(drained)
    }
}

/// Runs the module's `on_shutdown` in its own task, bounded by `timeout`: a hook that hangs
/// is logged and left behind, a hook that panics is reported as such.
pub(crate) async fn run_hook<M: LiftModule>(
    module: Arc<M>,
    timeout: Duration,
) -> Result<(), ServeError> {
    let started = Instant::now();
    let mut hook = tokio::spawn(async move { module.on_shutdown().await });
    match tokio::time::timeout(timeout, &mut hook).await {
        Ok(Ok(())) => {
            tracing::info!(took = ?started.elapsed(), "shutdown step: on_shutdown done");
            Ok(())
        }
        Ok(Err(err)) if err.is_panic() => {
            let message = panic_message(&*err.into_panic());
            tracing::error!(panic = %message, "shutdown step: on_shutdown panicked");
            Err(ServeError::ShutdownPanicked(message))
        }
        Ok(Err(_)) => Ok(()),
        Err(_) => {
            hook.abort();
            tracing::warn!(deadline = ?timeout, "shutdown step: on_shutdown did not finish in time; going on without it");
            Ok(())
        }
    }
}

/// The text of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}
