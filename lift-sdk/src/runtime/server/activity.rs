//! What one connection is doing, so that it can be closed when it idles too long or sends
//! its headers too slowly.
//!
//! hyper's own `header_read_timeout` starts whenever a connection waits for a request head,
//! idle keep-alive included, so it cannot tell "idle for 60 s" (fine up to the idle
//! timeout) from "half a request for 60 s" (a slow client). The runtime tracks the two
//! phases itself: the I/O wrapper sees the first byte of a request, the service wrapper sees
//! requests start and end.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

/// What a connection waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Between requests: no request is being read or served.
    Idle,
    /// A request has begun (bytes arrived) but its head is not complete yet; also a new
    /// connection, whose first request must arrive within the header timeout.
    ReadingHead,
    /// At least one request is being served.
    Busy,
}

/// Why a connection is to be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expiry {
    /// Idle past the idle timeout: closed gracefully.
    Idle,
    /// A request head took longer than the header-read timeout: dropped.
    HeaderTimeout,
}

/// One connection's phase, shared by its I/O, its service and its task.
#[derive(Debug)]
pub(super) struct Activity {
    /// The phase and when it began.
    phase: Mutex<(Phase, Instant)>,
    /// Whether the phase is `Idle`: read on every socket read without taking the lock.
    idle: AtomicBool,
    /// Requests of this connection being served (HTTP/2 serves several at once).
    in_flight: AtomicUsize,
    /// Requests being served on every connection of the server.
    server_in_flight: Arc<AtomicUsize>,
    /// Wakes the connection's task on a phase change.
    changed: Notify,
}

impl Activity {
    /// A new connection, waiting for its first request head.
    pub(super) fn new(server_in_flight: Arc<AtomicUsize>) -> Self {
        Self {
            phase: Mutex::new((Phase::ReadingHead, Instant::now())),
            idle: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            server_in_flight,
            changed: Notify::new(),
        }
    }

    fn set(&self, phase: Phase) {
        let mut guard = self
            .phase
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard = (phase, Instant::now());
        self.idle.store(phase == Phase::Idle, Ordering::Relaxed);
        drop(guard);
        // One waiter (the connection's task); a stored permit only causes one more look.
        self.changed.notify_one();
    }

    /// Bytes arrived: an idle connection starts reading a request head.
    fn bytes_read(&self) {
        if self.idle.load(Ordering::Relaxed) {
            let guard = self
                .phase
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let idle = guard.0 == Phase::Idle;
            drop(guard);
            if idle {
                self.set(Phase::ReadingHead);
            }
        }
    }

    /// A request reached the service; the returned guard ends it when dropped (answered,
    /// or cut).
    pub(super) fn request_started(self: &Arc<Self>) -> RequestGuard {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.server_in_flight.fetch_add(1, Ordering::Relaxed);
        self.set(Phase::Busy);
        RequestGuard(self.clone())
    }

    /// Resolves when the connection has been idle longer than `idle`, or has been reading
    /// a request head longer than `header`.
    pub(super) async fn expired(&self, header: Duration, idle: Duration) -> Expiry {
        loop {
            let (phase, since) = *self
                .phase
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let (limit, expiry) = match phase {
                Phase::Busy => {
                    self.changed.notified().await;
                    continue;
                }
                Phase::Idle => (idle, Expiry::Idle),
                Phase::ReadingHead => (header, Expiry::HeaderTimeout),
            };
            tokio::select! {
                () = tokio::time::sleep_until(since + limit) => return expiry,
                () = self.changed.notified() => {}
            }
        }
    }
}

/// One request being served; dropping it ends the request.
#[derive(Debug)]
pub(super) struct RequestGuard(Arc<Activity>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        let activity = &self.0;
        activity.server_in_flight.fetch_sub(1, Ordering::Relaxed);
        if activity.in_flight.fetch_sub(1, Ordering::Relaxed) == 1 {
            activity.set(Phase::Idle);
        }
    }
}

pin_project_lite::pin_project! {
    /// A connection's I/O that reports the first byte of each request to its [`Activity`].
    pub(super) struct WatchedIo<T> {
        #[pin]
        inner: T,
        activity: Arc<Activity>,
    }
}

impl<T> WatchedIo<T> {
    pub(super) fn new(inner: T, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }
}

impl<T: AsyncRead> AsyncRead for WatchedIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.project();
        let before = buf.filled().len();
        let poll = this.inner.poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.bytes_read();
        }
        poll
    }
}

impl<T: AsyncWrite> AsyncWrite for WatchedIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }
}
