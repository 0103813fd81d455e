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
/// circuit, a failure opens it for another cooldown. A trial call that ends without an
/// answer (its future was dropped, or its credentials could not be obtained) gives its turn
/// back: the next call is the trial. Defaults: 5 failures, 30 s.
///
/// Share one breaker between transports that call the same upstream by passing an
/// `Arc<CircuitBreaker>` to each builder; [`CircuitBreaker::disabled`] never opens.
///
/// The state is a few atomics, so a closed breaker costs a load on the hot path.
///
/// ```
/// use std::time::Duration;
/// use lift_sdk_core::{CircuitBreaker, CircuitState};
///
/// let breaker = CircuitBreaker::new(3, Duration::from_secs(10));
/// assert_eq!(breaker.state(), CircuitState::Closed);
/// assert_eq!(breaker.stats().times_opened, 0);
/// ```
#[derive(Debug)]
pub struct CircuitBreaker {
    enabled: bool,
    failure_threshold: u32,
    cooldown: Duration,
    epoch: Instant,
    consecutive_failures: AtomicU32,
    /// Milliseconds since `epoch` at which the circuit opened, plus one; 0 while closed.
    opened_at: AtomicU64,
    probe_in_flight: AtomicBool,
    times_opened: AtomicU64,
    rejected_calls: AtomicU64,
}

/// Where a [`CircuitBreaker`] stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    /// Calls go through; failures are being counted.
    Closed,
    /// Calls are refused for `remaining` longer.
    Open {
        /// Time left before the circuit half-opens.
        remaining: Duration,
    },
    /// The cooldown has passed: the next call (one at a time) is a trial.
    HalfOpen,
}

/// Counters of a [`CircuitBreaker`], for metrics and health pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CircuitStats {
    /// Failures in a row since the last success.
    pub consecutive_failures: u32,
    /// How many times the circuit opened.
    pub times_opened: u64,
    /// Calls refused without being sent.
    pub rejected_calls: u64,
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        Self::new(5, Duration::from_secs(30))
    }
}

/// The breaker's answer to "may this call go out?".
#[derive(Debug)]
pub(crate) enum Admission<'a> {
    /// The call may go out; report its outcome through the permit.
    Admitted(Permit<'a>),
    /// The circuit is open for this much longer.
    Rejected(Duration),
}

/// Leave to send one attempt. Dropping it without an outcome gives a trial back, so a
/// cancelled or credential-less trial neither closes nor wedges the circuit (see ADR 0002).
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    breaker: &'a CircuitBreaker,
    probe: bool,
}

impl Permit<'_> {
    /// The upstream answered (any status below 500).
    pub(crate) fn success(self) {
        self.breaker.record_success();
    }

    /// The upstream failed (no answer, time-out, 5xx).
    pub(crate) fn failure(self) {
        self.breaker.record_failure(self.probe);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.probe {
            self.breaker.probe_in_flight.store(false, Ordering::Release);
        }
    }
}

impl CircuitBreaker {
    /// A breaker that opens after `failure_threshold` consecutive failures (at least 1) and
    /// half-opens after `cooldown` (`Duration::MAX` keeps it open for good).
    #[must_use]
    pub fn new(failure_threshold: u32, cooldown: Duration) -> Self {
        Self {
            enabled: true,
            failure_threshold: failure_threshold.max(1),
            cooldown,
            epoch: Instant::now(),
            consecutive_failures: AtomicU32::new(0),
            opened_at: AtomicU64::new(0),
            probe_in_flight: AtomicBool::new(false),
            times_opened: AtomicU64::new(0),
            rejected_calls: AtomicU64::new(0),
        }
    }

    /// A breaker that never opens (it still counts consecutive failures).
    #[must_use]
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Whether the breaker can open at all (see [`disabled`](Self::disabled)).
    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Consecutive failures that open the circuit.
    #[must_use]
    pub fn failure_threshold(&self) -> u32 {
        self.failure_threshold
    }

    /// How long the circuit stays open before a trial call.
    #[must_use]
    pub fn cooldown(&self) -> Duration {
        self.cooldown
    }

    /// Whether calls are currently refused (open and still cooling down).
    #[must_use]
    pub fn is_open(&self) -> bool {
        matches!(self.state(), CircuitState::Open { .. })
    }

    /// The current state.
    #[must_use]
    pub fn state(&self) -> CircuitState {
        let opened_at = self.opened_at.load(Ordering::Acquire);
        if opened_at == 0 {
            return CircuitState::Closed;
        }
        match self.remaining(opened_at) {
            Some(remaining) => CircuitState::Open { remaining },
            None => CircuitState::HalfOpen,
        }
    }

    /// The counters.
    #[must_use]
    pub fn stats(&self) -> CircuitStats {
        CircuitStats {
            consecutive_failures: self.consecutive_failures.load(Ordering::Relaxed),
            times_opened: self.times_opened.load(Ordering::Relaxed),
            rejected_calls: self.rejected_calls.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn admit(&self) -> Admission<'_> {
        let opened_at = self.opened_at.load(Ordering::Acquire);
        if opened_at == 0 {
            return Admission::Admitted(Permit {
                breaker: self,
                probe: false,
            });
        }
        if let Some(remaining) = self.remaining(opened_at) {
            return self.reject(remaining);
        }
        if self
            .probe_in_flight
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            Admission::Admitted(Permit {
                breaker: self,
                probe: true,
            })
        } else {
            self.reject(Duration::ZERO)
        }
    }

    fn reject(&self, remaining: Duration) -> Admission<'_> {
        self.rejected_calls.fetch_add(1, Ordering::Relaxed);
        Admission::Rejected(remaining)
    }

    fn record_success(&self) {
        self.consecutive_failures.store(0, Ordering::Relaxed);
        if self.opened_at.load(Ordering::Acquire) != 0 {
            self.opened_at.store(0, Ordering::Release);
            tracing::info!("circuit closed");
        }
    }

    fn record_failure(&self, probe: bool) {
        let failures = self
            .consecutive_failures
            .fetch_add(1, Ordering::AcqRel)
            .saturating_add(1);
        if !self.enabled {
            return;
        }
        if probe
            || (failures >= self.failure_threshold && self.opened_at.load(Ordering::Acquire) == 0)
        {
            self.open();
        }
    }

    fn open(&self) {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX - 1);
        self.opened_at
            .store(now.saturating_add(1), Ordering::Release);
        self.times_opened.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(cooldown = ?self.cooldown, "circuit opened");
    }

    /// Time left in the cooldown, `None` once it has passed.
    fn remaining(&self, opened_at: u64) -> Option<Duration> {
        let opened = Duration::from_millis(opened_at - 1);
        let elapsed = self.epoch.elapsed();
        // Saturating: a `Duration::MAX` cooldown is open for good, never an overflow.
        let until = opened.saturating_add(self.cooldown);
        (elapsed < until).then(|| until - elapsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_probe(admission: &Admission<'_>) -> bool {
        matches!(admission, Admission::Admitted(Permit { probe: true, .. }))
    }

    fn fail(breaker: &CircuitBreaker) {
        if let Admission::Admitted(permit) = breaker.admit() {
            permit.failure();
        }
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_threshold_and_half_opens_after_cooldown() {
        let breaker = CircuitBreaker::new(2, Duration::from_secs(30));
        fail(&breaker);
        assert_eq!(breaker.state(), CircuitState::Closed);
        fail(&breaker);
        assert!(matches!(breaker.admit(), Admission::Rejected(_)));

        tokio::time::advance(Duration::from_secs(29)).await;
        assert!(breaker.is_open());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(breaker.state(), CircuitState::HalfOpen);

        let probe = breaker.admit();
        assert!(is_probe(&probe));
        // Only one trial at a time.
        assert!(matches!(
            breaker.admit(),
            Admission::Rejected(Duration::ZERO)
        ));
        if let Admission::Admitted(permit) = probe {
            permit.failure();
        }
        assert!(breaker.is_open());

        tokio::time::advance(Duration::from_secs(30)).await;
        if let Admission::Admitted(permit) = breaker.admit() {
            permit.success();
        }
        assert_eq!(breaker.state(), CircuitState::Closed);
        assert_eq!(
            breaker.stats(),
            CircuitStats {
                consecutive_failures: 0,
                times_opened: 2,
                rejected_calls: 2,
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_probe_is_given_back_without_closing() {
        let breaker = CircuitBreaker::new(1, Duration::from_secs(1));
        fail(&breaker);
        tokio::time::advance(Duration::from_secs(1)).await;

        drop(breaker.admit());

        assert_eq!(breaker.state(), CircuitState::HalfOpen);
        assert!(is_probe(&breaker.admit()));
    }

    #[tokio::test(start_paused = true)]
    async fn extreme_cooldowns_saturate() {
        let breaker = CircuitBreaker::new(1, Duration::MAX);
        fail(&breaker);
        tokio::time::advance(Duration::from_secs(1 << 40)).await;
        assert!(breaker.is_open());
        let never = CircuitBreaker::disabled();
        for _ in 0..10 {
            fail(&never);
        }
        assert_eq!(never.state(), CircuitState::Closed);
        assert_eq!(never.stats().consecutive_failures, 10);
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_resets_the_count() {
        let breaker = CircuitBreaker::new(2, Duration::from_secs(1));
        fail(&breaker);
        if let Admission::Admitted(permit) = breaker.admit() {
            permit.success();
        }
        fail(&breaker);
        assert_eq!(breaker.state(), CircuitState::Closed);
    }
}
