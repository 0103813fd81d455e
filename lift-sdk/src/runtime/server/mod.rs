//! The runtime's HTTP server: accepts under a connection cap, serves each connection in its
//! own task (HTTP/1.1 and HTTP/2, with header-read and idle timeouts), and at shutdown stops
//! accepting, lets the requests in flight finish, and cuts what is left at the deadline.
//!
//! `axum::serve` gives hyper no timer (so no header-read timeout), has no connection cap,
//! and cannot reach the per-connection tasks it spawns: aborting it stops the accepting
//! only, while the handlers of "dropped" requests keep running. Here every connection task
//! lives in a `JoinSet` the server owns, so aborting the server ends them all.

mod activity;
mod connection;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};

use self::activity::Activity;
pub(crate) use self::connection::App;
use super::http::HttpLimits;

/// A server that is running; [`drain`](Self::drain) and [`abort`](Self::abort) stop it.
#[derive(Debug)]
pub(crate) struct Server {
    task: JoinHandle<std::io::Result<()>>,
    drain: watch::Sender<bool>,
    in_flight: Arc<AtomicUsize>,
    open: Arc<Semaphore>,
    max_connections: usize,
}

impl Server {
    /// Serves `app` on `listener` in the background, holding every connection to `limits`.
    pub(crate) fn spawn<S: App>(listener: TcpListener, app: S, limits: HttpLimits) -> Self {
        let max_connections = limits.max_connections.max(1);
        let open = Arc::new(Semaphore::new(max_connections));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let (drain, draining) = watch::channel(false);
        let task = tokio::spawn(accept_loop(
            listener,
            app,
            limits,
            open.clone(),
            in_flight.clone(),
            draining,
        ));
        Self {
            task,
            drain,
            in_flight,
            open,
            max_connections,
        }
    }

    /// Requests being served now, on every connection.
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Connections open now.
    pub(crate) fn open_connections(&self) -> usize {
        self.max_connections
            .saturating_sub(self.open.available_permits())
    }

    /// Stops accepting (the listener is closed) and asks every connection to close once its
    /// requests in flight are answered.
    pub(crate) fn drain(&self) {
        self.drain.send_replace(true);
    }

    /// Resolves when the server stopped: every connection closed after [`drain`](Self::drain),
    /// or the accept loop failed. Cancel-safe.
    pub(crate) async fn stopped(&mut self) -> std::io::Result<()> {
        match (&mut self.task).await {
            Ok(result) => result,
            Err(err) => Err(std::io::Error::other(err)),
        }
    }

    /// Ends every connection now, dropping the handlers of the requests in flight; returns
    /// how many requests were cut.
    pub(crate) fn abort(&self) -> usize {
        let cut = self.in_flight();
        self.task.abort();
        cut
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The connection tasks belong to the accept task's `JoinSet`: this ends them all.
        self.task.abort();
    }
}

/// Accepts while a connection slot is free, until draining starts; then waits for the
/// connections to close.
async fn accept_loop<S: App>(
    listener: TcpListener,
    app: S,
    limits: HttpLimits,
    open: Arc<Semaphore>,
    in_flight: Arc<AtomicUsize>,
    mut draining: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let builder = Arc::new(connection::builder());
    let mut connections = JoinSet::new();
    loop {
        // A slot first: past the cap, new connections wait in the kernel's accept backlog
        // instead of being accepted and dropped.
        let slot = tokio::select! {
            biased;
            _ = draining.wait_for(|draining| *draining) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            slot = open.clone().acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            biased;
            _ = draining.wait_for(|draining| *draining) => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(err) if is_connection_error(&err) => continue,
            Err(err) => {
                // Out of file descriptors and the like: wait, as hyper's and axum's servers
                // do, rather than spin.
                tracing::error!(error = %err, "cannot accept connections; retrying in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // Small answers go out at once instead of waiting for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new(in_flight.clone()));
        let (builder, app, draining) = (builder.clone(), app.clone(), draining.clone());
        connections.spawn(async move {
            connection::serve(&builder, stream, app, limits, activity, draining).await;
            drop(slot);
        });
    }
    // Closing the listener now refuses new connections; the open ones see `draining` and
    // close after their requests in flight.
    drop(listener);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Errors of one connection (the client gave up before it was accepted), not of the
/// listener.
fn is_connection_error(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

#[cfg(test)]
mod tests;
