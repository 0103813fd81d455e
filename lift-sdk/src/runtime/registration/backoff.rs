//! The pause between two failed registration attempts.

use std::time::Duration;

/// Exponential backoff with "equal jitter": the ceiling doubles from `initial` after each
/// failure up to `max`, and the pause is drawn between half and all of it.
///
/// Equal rather than full jitter keeps a floor under every pause: a fleet of modules that
/// lost the registry together spreads out, yet none comes back at once, and the pause
/// grows measurably however the dice fall.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    initial: Duration,
    max: Duration,
    failures: u32,
}

impl Backoff {
    /// A backoff starting at `initial`, never above `max`.
    pub(crate) fn new(initial: Duration, max: Duration) -> Self {
        Self {
            initial,
            max: max.max(initial),
            failures: 0,
        }
    }

    /// The pause after one more failure.
    pub(crate) fn next_pause(&mut self) -> Duration {
        let ceiling = self.ceiling();
        self.failures = self.failures.saturating_add(1);
        ceiling / 2 + ceiling.mul_f64(fastrand::f64() / 2.0)
    }

    /// The longest pause, for failures that retrying soon cannot cure.
    pub(crate) fn max(&self) -> Duration {
        self.max
    }

    /// The ceiling of the next pause.
    fn ceiling(&self) -> Duration {
        self.initial
            .saturating_mul(1 << self.failures.min(20))
            .min(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_with_jitter_up_to_the_cap() {
        let initial = Duration::from_millis(500);
        let max = Duration::from_secs(30);
        let mut backoff = Backoff::new(initial, max);
        let mut ceiling = initial;
        for _ in 0..40 {
            let pause = backoff.next_pause();
            assert!(
                pause >= ceiling / 2 && pause <= ceiling,
                "{pause:?} vs {ceiling:?}"
            );
            ceiling = (ceiling * 2).min(max);
        }
        assert_eq!(backoff.max(), max);
    }

    #[test]
    fn a_cap_below_the_start_is_raised_to_it() {
        let mut backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(1));
        assert!(backoff.next_pause() <= Duration::from_secs(2));
        assert_eq!(backoff.max(), Duration::from_secs(2));
    }
}
