//! A circuit breaker per upstream service.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// Stops calling an upstream that keeps failing, and lets one trial call through after a
/// cooldown.
///
/// Closed, it counts consecutive failures (connection failures, time-outs, 5xx answers);
/// after `failure_threshold` of them it opens, and every call fails fast with an error of
/// kind [`CircuitOpen`](crate::ErrorKind::CircuitOpen) without touching the network. Once
/// `cooldown` has passed it is half-open: one call goes through; a success closes the
/// circuit, a failure opens it for another cooldown. Defaults: 5 failures, 30 s.
///
/// The state is a few atomics, so a closed breaker costs a load on the hot path.
///
/// ```
/// use std::time::Duration;
/// use lift_sdk_core::CircuitBreaker;
///
/// let breaker = CircuitBreaker::new(3, Duration::from_secs(10));
/// assert!(!breaker.is_open());
/// ```
#[derive(Debug)]
pub struct CircuitBreaker {
    failure_threshold: u32,
    cooldown: Duration,
    epoch: Instant,
    consecutive_failures: AtomicU32,
    /// Milliseconds since `epoch` at which the circuit opened, plus one; 0 while closed.
    opened_at: AtomicU64,
    probe_in_flight: AtomicBool,
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        Self::new(5, Duration::from_secs(30))
    }
}

/// The breaker's answer to "may this call go out?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// The circuit is closed.
    Closed,
    /// The circuit is half-open and this call is its one trial.
    Probe,
    /// The circuit is open for this much longer.
    Rejected(Duration),
}

impl CircuitBreaker {
    /// A breaker that opens after `failure_threshold` consecutive failures (at least 1) and
    /// half-opens after `cooldown`.
    #[must_use]
    pub fn new(failure_threshold: u32, cooldown: Duration) -> Self {
        Self {
            failure_threshold: failure_threshold.max(1),
            cooldown,
            epoch: Instant::now(),
            consecutive_failures: AtomicU32::new(0),
            opened_at: AtomicU64::new(0),
            probe_in_flight: AtomicBool::new(false),
        }
    }

    /// Whether calls are currently refused (open and still cooling down).
    #[must_use]
    pub fn is_open(&self) -> bool {
        let opened_at = self.opened_at.load(Ordering::Acquire);
        opened_at != 0 && self.remaining(opened_at).is_some()
    }

    pub(crate) fn admit(&self) -> Admission {
        let opened_at = self.opened_at.load(Ordering::Acquire);
        if opened_at == 0 {
            return Admission::Closed;
        }
        if let Some(remaining) = self.remaining(opened_at) {
            return Admission::Rejected(remaining);
        }
        if self
            .probe_in_flight
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            Admission::Probe
        } else {
            Admission::Rejected(Duration::ZERO)
        }
    }

    pub(crate) fn record_success(&self) {
        self.consecutive_failures.store(0, Ordering::Relaxed);
        if self.opened_at.load(Ordering::Acquire) != 0 {
            self.opened_at.store(0, Ordering::Release);
            self.probe_in_flight.store(false, Ordering::Release);
            tracing::info!("circuit closed");
        }
    }

    pub(crate) fn record_failure(&self, admission: Admission) {
        if admission == Admission::Probe {
            self.open();
            self.probe_in_flight.store(false, Ordering::Release);
            return;
        }
        let failures = self.consecutive_failures.fetch_add(1, Ordering::AcqRel) + 1;
        if failures >= self.failure_threshold && self.opened_at.load(Ordering::Acquire) == 0 {
            self.open();
        }
    }

    /// Gives back a probe whose outcome says nothing about the upstream (e.g. a 4xx).
    pub(crate) fn release(&self, admission: Admission) {
        if admission == Admission::Probe {
            self.record_success();
        }
    }

    fn open(&self) {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX - 1);
        self.opened_at.store(now + 1, Ordering::Release);
        tracing::warn!(cooldown_ms = self.cooldown.as_millis(), "circuit opened");
    }

    fn remaining(&self, opened_at: u64) -> Option<Duration> {
        let opened = self.epoch + Duration::from_millis(opened_at - 1);
        let until = opened + self.cooldown;
        let now = Instant::now();
        (now < until).then(|| until - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn opens_after_threshold_and_half_opens_after_cooldown() {
        let breaker = CircuitBreaker::new(2, Duration::from_secs(30));
        breaker.record_failure(breaker.admit());
        assert_eq!(breaker.admit(), Admission::Closed);
        breaker.record_failure(breaker.admit());
        assert!(matches!(breaker.admit(), Admission::Rejected(_)));

        tokio::time::advance(Duration::from_secs(29)).await;
        assert!(breaker.is_open());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(!breaker.is_open());

        let probe = breaker.admit();
        assert_eq!(probe, Admission::Probe);
        // Only one trial at a time.
        assert_eq!(breaker.admit(), Admission::Rejected(Duration::ZERO));
        breaker.record_failure(probe);
        assert!(breaker.is_open());

        tokio::time::advance(Duration::from_secs(30)).await;
        let probe = breaker.admit();
        assert_eq!(probe, Admission::Probe);
        breaker.record_success();
        assert_eq!(breaker.admit(), Admission::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_resets_the_count() {
        let breaker = CircuitBreaker::new(2, Duration::from_secs(1));
        breaker.record_failure(breaker.admit());
        breaker.record_success();
        breaker.record_failure(breaker.admit());
        assert_eq!(breaker.admit(), Admission::Closed);
    }
}
