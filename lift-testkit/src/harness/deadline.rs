//! A deadline in wall-clock time, which a paused tokio clock does not move.
//!
//! Under `start_paused`, tokio jumps its clock to the next timer whenever the runtime has
//! nothing to do, including while it waits for a mock's answer (wiremock serves on a
//! thread of its own). A `tokio::time::timeout` around the wait for the registration would
//! then expire long before any real time passed. This deadline is kept by a thread that
//! sleeps for real, so it waits as long as it says, paused clock or not.

use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::oneshot;

/// Completes `timeout` of real time after it was made; dropping it ends its thread.
pub(crate) struct WallClock {
    expired: oneshot::Receiver<()>,
    /// Dropped with the deadline, which wakes the thread and ends it early.
    _cancel: mpsc::Sender<()>,
}

impl WallClock {
    /// A deadline `timeout` from now.
    pub(crate) fn after(timeout: Duration) -> Self {
        let (fire, expired) = oneshot::channel();
        let (cancel, cancelled) = mpsc::channel::<()>();
        // Without a thread (the system refused one), the sender is dropped at once and the
        // deadline has passed: better than a deadline that never fires and hangs the test.
        let _ = std::thread::Builder::new()
            .name("lift-testkit-deadline".to_owned())
            .spawn(move || {
                if let Err(mpsc::RecvTimeoutError::Timeout) = cancelled.recv_timeout(timeout) {
                    let _ = fire.send(());
                }
            });
        Self {
            expired,
            _cancel: cancel,
        }
    }

    /// Completes when the deadline passed (at once when its thread could not start).
    pub(crate) async fn expired(&mut self) {
        // A dropped sender (the thread never ran) counts as expired.
        let _ = (&mut self.expired).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn real_time_passes_even_when_the_tokio_clock_is_paused() {
        let started = std::time::Instant::now();
        let paused_at = tokio::time::Instant::now();
        WallClock::after(Duration::from_millis(50)).expired().await;
        assert!(started.elapsed() >= Duration::from_millis(50));
        assert_eq!(
            paused_at.elapsed(),
            Duration::ZERO,
            "the tokio clock did not move"
        );
    }
}
