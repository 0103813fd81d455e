//! Deadlines in wall-clock time, which a paused tokio clock does not move, and holding a
//! paused clock still while the module talks to the mocks.
//!
//! Under `start_paused`, tokio jumps its clock to the next timer whenever the runtime has
//! nothing to do, including while it waits for a mock's answer (wiremock serves on a
//! thread of its own). A `tokio::time::timeout` around the wait for the registration would
//! then expire long before any real time passed, and so would the module's own call
//! time-outs: registration would be retried, deregistration abandoned.
//!
//! A [`WallClock`] is kept by a thread that sleeps for real, so it waits as long as it
//! says. Made with [`WallClock::holding`], that thread is one of tokio's blocking tasks,
//! and tokio does not auto-advance a paused clock while a blocking task runs: until the
//! deadline (or its drop) the module's timers only fire as real time goes by, as they
//! would in production. On a clock that is not paused, both kinds are the same.

use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::oneshot;

/// Completes `timeout` of real time after it was made; dropping it ends its thread (and
/// its hold on a paused clock).
pub(crate) struct WallClock {
    expired: oneshot::Receiver<()>,
    /// Dropped with the deadline, which wakes the thread and ends it early.
    _cancel: mpsc::Sender<()>,
}

impl WallClock {
    /// A deadline `timeout` from now; a paused clock keeps auto-advancing meanwhile.
    pub(crate) fn after(timeout: Duration) -> Self {
        let (wait, deadline) = Self::parts(timeout);
        // Without a thread (the system refused one), the sender is dropped at once and the
        // deadline has passed: better than a deadline that never fires and hangs the test.
        let _ = std::thread::Builder::new()
            .name("lift-testkit-deadline".to_owned())
            .spawn(wait);
        deadline
    }

    /// A deadline `timeout` from now, holding a paused clock still until then (or until
    /// dropped): timers only fire as real time goes by.
    pub(crate) fn holding(timeout: Duration) -> Self {
        let (wait, deadline) = Self::parts(timeout);
        drop(tokio::task::spawn_blocking(wait));
        deadline
    }

    fn parts(timeout: Duration) -> (impl FnOnce() + Send + 'static, Self) {
        let (fire, expired) = oneshot::channel();
        let (cancel, cancelled) = mpsc::channel::<()>();
        let wait = move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = cancelled.recv_timeout(timeout) {
                let _ = fire.send(());
            }
        };
        let deadline = Self {
            expired,
            _cancel: cancel,
        };
        (wait, deadline)
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

    #[tokio::test(start_paused = true)]
    async fn a_held_paused_clock_does_not_jump_to_the_next_timer() {
        let paused_at = tokio::time::Instant::now();
        let mut held = WallClock::holding(Duration::from_millis(50));
        let jumped = tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(3600)) => true,
            () = held.expired() => false,
        };
        assert!(!jumped, "the timer fired while the clock was held");
        drop(held);
        // Released: the paused clock auto-advances again.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(paused_at.elapsed() >= Duration::from_secs(3600));
    }
}
