//! When and how long to wait before sending a request again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// How a [`Transport`](crate::Transport) retries a failed call.
///
/// Retried: connection failures, time-outs, and the statuses 429, 502, 503 and 504. The
/// wait before attempt *n + 1* is a random duration between zero and
/// `min(max_delay, base_delay × 2ⁿ⁻¹)` ("full jitter"); when the server sent `Retry-After`,
/// that wait plus the same jitter, so many clients told the same time do not come back in
/// lockstep. The overall `deadline` bounds the whole call (credentials, every attempt and
/// every wait): a wait that would end past it is not taken, and the last attempt's time-out
/// is cut to what is left. A request that is not idempotent (a `POST`, unless marked
/// otherwise) is sent again only when it cannot have reached the server (the connection
/// failed); an idempotent one also after a connection was closed, reset or broken before any
/// answer (a pooled keep-alive connection the server had dropped).
///
/// The default is 3 attempts, 100 ms base delay, 2 s cap and a 30 s deadline (above the
/// transport's 10 s per-attempt time-out, so a hung attempt is cut and retried). Any
/// duration may be `Duration::MAX`; it saturates and never overflows.
///
/// ```
/// use std::time::Duration;
/// use lift_sdk_core::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(50))
///     .deadline(Duration::from_secs(3));
/// assert_eq!(policy.attempts(), 5);
/// assert_eq!(RetryPolicy::none().attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            deadline: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    #[must_use]
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// The most times a request is sent, the first included (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The base of the exponential backoff.
    #[must_use]
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait between two attempts.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The time the whole call may take, credentials and waits included, counted from the
    /// start (`Duration::MAX`: no deadline).
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The most times a request is sent.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The overall deadline.
    #[must_use]
    pub fn deadline_duration(&self) -> Duration {
        self.deadline
    }

    /// A full-jitter backoff before attempt `attempt + 1` (`attempt` ≥ 1 is the one that failed).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// The wait before attempt `attempt + 1`: the server's `Retry-After` plus jitter, or the
    /// backoff. Saturates instead of overflowing on a huge `Retry-After`.
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let jitter = self.backoff(attempt);
        retry_after.map_or(jitter, |wait| wait.saturating_add(jitter))
    }
}

/// Millitokens: one retry costs `TOKEN`.
const TOKEN: u64 = 1000;

/// A token bucket shared by every call of one transport, so a failing upstream is not hammered
/// by the retries of many callers at once. Pass an `Arc<RetryBudget>` to several builders to
/// share one bucket between clients; [`RetryBudget::unlimited`] turns the budget off.
///
/// Each call deposits a fraction of a token (the `ratio`), each retry withdraws a whole one,
/// and the bucket holds at most `capacity` tokens. Starting full, it allows a burst of
/// `capacity` retries, then one retry per `1 / ratio` calls. The default holds 10 tokens and
/// deposits 0.2 per call (retries add at most 20 % to the load once the burst is spent).
///
/// ```
/// use lift_sdk_core::RetryBudget;
///
/// let budget = RetryBudget::new(1, 0.0);
/// assert!(budget.try_withdraw());
/// assert!(!budget.try_withdraw());
/// ```
#[derive(Debug)]
pub struct RetryBudget {
    balance: AtomicU64,
    capacity: u64,
    deposit: u64,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(10, 0.2)
    }
}

impl RetryBudget {
    /// A bucket that never runs dry: retries are limited only by the [`RetryPolicy`].
    #[must_use]
    pub fn unlimited() -> Self {
        Self {
            balance: AtomicU64::new(u64::MAX),
            capacity: u64::MAX,
            deposit: 0,
        }
    }

    /// A bucket of `capacity` retries (starting full), refilled by `ratio` of a token per call.
    #[must_use]
    pub fn new(capacity: u32, ratio: f32) -> Self {
        let capacity = u64::from(capacity) * TOKEN;
        // `ratio` is clamped to 0..=1000 first, so the cast neither wraps nor truncates oddly.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let deposit = (ratio.clamp(0.0, 1000.0) * TOKEN as f32) as u64;
        Self {
            balance: AtomicU64::new(capacity),
            capacity,
            deposit,
        }
    }

    /// Records one call (not a retry).
    pub fn deposit(&self) {
        if self.deposit == 0 {
            return;
        }
        let _ = self
            .balance
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |balance| {
                (balance < self.capacity)
                    .then(|| balance.saturating_add(self.deposit).min(self.capacity))
            });
    }

    /// Takes one retry from the bucket; `false` when it is empty.
    pub fn try_withdraw(&self) -> bool {
        if self.capacity == u64::MAX {
            return true;
        }
        self.balance
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |balance| {
                balance.checked_sub(TOKEN)
            })
            .is_ok()
    }
}

/// Reads `Retry-After` in either form: delay seconds, or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        // `1e300` saturates; negative or NaN is no advice at all.
        return (seconds >= 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn backoff_is_bounded_by_the_exponential_ceiling_and_the_cap() {
        let policy = RetryPolicy::default();
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(3) <= Duration::from_millis(400));
            assert!(policy.backoff(40) <= Duration::from_secs(2));
        }
    }

    #[test]
    fn retry_after_waits_are_jittered_and_saturate() {
        let policy = RetryPolicy::default();
        let advised = Duration::from_secs(1);
        let waits: Vec<_> = (0..50).map(|_| policy.delay(1, Some(advised))).collect();
        assert!(
            waits
                .iter()
                .all(|w| *w >= advised && *w <= advised + Duration::from_millis(100))
        );
        assert!(waits.iter().any(|w| *w != waits[0]), "no jitter: {waits:?}");
        assert_eq!(policy.delay(3, Some(Duration::MAX)), Duration::MAX);
        let extreme = RetryPolicy::default()
            .base_delay(Duration::MAX)
            .max_delay(Duration::MAX);
        assert!(extreme.delay(u32::MAX, None) <= Duration::MAX);
    }

    #[test]
    fn budget_refills_by_ratio_up_to_capacity() {
        let budget = RetryBudget::new(1, 0.5);
        assert!(budget.try_withdraw());
        assert!(!budget.try_withdraw());
        budget.deposit();
        assert!(!budget.try_withdraw());
        budget.deposit();
        assert!(budget.try_withdraw());
        for _ in 0..10 {
            budget.deposit();
        }
        assert!(budget.try_withdraw());
        assert!(!budget.try_withdraw());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));

        let in_a_minute = SystemTime::now() + Duration::from_secs(60);
        let date = httpdate::fmt_http_date(in_a_minute);
        headers.insert("retry-after", HeaderValue::from_str(&date).unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );

        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));

        for (huge, at_least) in [
            (
                "10000000000000000000",
                Duration::from_secs(10_000_000_000_000_000_000),
            ),
            ("1e19", Duration::from_secs(10_000_000_000_000_000_000)),
            ("1e300", Duration::MAX),
            (
                "Fri, 31 Dec 9999 23:59:59 GMT",
                Duration::from_secs(200_000_000_000),
            ),
        ] {
            headers.insert("retry-after", HeaderValue::from_static(huge));
            assert!(retry_after(&headers).unwrap() >= at_least, "{huge}");
        }

        for bad in ["soon", "-1", "NaN", ""] {
            headers.insert("retry-after", HeaderValue::from_static(bad));
            assert_eq!(retry_after(&headers), None, "{bad}");
        }
    }
}
