//! Bounded, jittered exponential back-off between failed credential attempts.

use std::time::Duration;

use tokio::time::Instant;

/// The first pause after a failure (before jitter).
pub(crate) const FIRST: Duration = Duration::from_secs(1);
/// The longest pause (before jitter). The reference blocks an IP after 50 failed logins in a
/// minute (contract §10): at most a couple of attempts a minute keeps far below that.
pub(crate) const MAX: Duration = Duration::from_secs(60);

/// When the next attempt may be made after a run of failures.
///
/// Each failure doubles the pause, from [`FIRST`] up to [`MAX`]; the pause actually taken is
/// drawn between half and all of it ("equal jitter"), so that many processes that failed
/// together do not try again together. A failure long after the last pause ended starts
/// the run afresh.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    failures: u32,
    not_before: Option<Instant>,
}

impl Backoff {
    /// Whether an attempt may be made at `now`.
    pub(crate) fn is_ready(&self, now: Instant) -> bool {
        self.not_before.is_none_or(|at| now >= at)
    }

    /// Records a failure at `now`: no attempt before the returned instant.
    pub(crate) fn fail(&mut self, now: Instant) -> Instant {
        if self
            .not_before
            .is_some_and(|at| now.saturating_duration_since(at) > MAX)
        {
            self.failures = 0;
        }
        let full = FIRST.saturating_mul(1 << self.failures.min(16)).min(MAX);
        self.failures = self.failures.saturating_add(1);
        let pause = full / 2 + full.mul_f64(fastrand::f64() / 2.0);
        // `Instant + Duration` could overflow only for an absurd pause; MAX is one minute.
        let at = now.checked_add(pause).unwrap_or(now);
        self.not_before = Some(at);
        at
    }

    /// Forgets the failures (after a success).
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn pauses_double_with_jitter_up_to_the_bound() {
        let mut backoff = Backoff::default();
        let now = Instant::now();
        assert!(backoff.is_ready(now));
        let mut full = FIRST;
        for _ in 0..10 {
            let at = backoff.fail(now);
            let pause = at - now;
            assert!(pause >= full / 2 && pause <= full, "{pause:?} vs {full:?}");
            assert!(!backoff.is_ready(now));
            assert!(backoff.is_ready(at));
            full = (full * 2).min(MAX);
        }
        backoff.reset();
        assert!(backoff.is_ready(now));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_long_after_the_last_pause_starts_afresh() {
        let mut backoff = Backoff::default();
        let now = Instant::now();
        for _ in 0..8 {
            backoff.fail(now);
        }
        let later = now + MAX * 3;
        let at = backoff.fail(later);
        assert!(at - later <= FIRST);
    }
}
