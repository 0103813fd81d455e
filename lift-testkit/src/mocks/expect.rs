//! Domain-named expectations: how many received requests fit a description.
//!
//! An expectation is counted over the mock's journal when it is verified (on
//! [`verify`](super::MockService::verify) or when the mock is dropped), so it never changes
//! what the mock answers.

use std::fmt;
use std::ops::{Bound, RangeBounds};
use std::sync::{Arc, Mutex, PoisonError};

use super::Received;

/// Which requests an expectation counts.
pub(crate) type Predicate = Arc<dyn Fn(&Received) -> bool + Send + Sync>;

/// The shared state of one expectation.
pub(crate) struct Expectation {
    pub(crate) description: String,
    pub(crate) filters: Vec<Predicate>,
    pub(crate) times: Times,
}

impl Expectation {
    pub(crate) fn counts(&self, request: &Received) -> bool {
        self.filters.iter().all(|filter| filter(request))
    }
}

/// An expectation a mock will verify, returned by its `expect_…` methods to refine it.
///
/// It expects at least one matching request until told otherwise with
/// [`times`](Self::times), [`between`](Self::between) or [`never`](Self::never).
///
/// ```
/// # use lift_testkit::mocks::Times;
/// assert_eq!(Times::from(2).to_string(), "exactly 2");
/// assert_eq!(Times::from(1..).to_string(), "at least 1");
/// assert_eq!(Times::from(..=3).to_string(), "between 0 and 3");
/// ```
pub struct Expected {
    pub(crate) state: Arc<Mutex<Expectation>>,
}

#[allow(
    clippy::must_use_candidate,
    reason = "the expectation is registered already: ignoring the handle is fine"
)]
impl Expected {
    pub(crate) fn new(state: Arc<Mutex<Expectation>>) -> Self {
        Self { state }
    }

    /// Expects exactly `count` matching requests.
    pub fn times(&self, count: u64) -> &Self {
        self.lock().times = Times::from(count);
        self
    }

    /// Expects a number of matching requests within `range` (`1..=3`, `2..`, `..5`).
    pub fn between(&self, range: impl RangeBounds<u64>) -> &Self {
        self.lock().times = Times::from_range(&range);
        self
    }

    /// Expects no matching request at all.
    pub fn never(&self) -> &Self {
        self.times(0)
    }

    /// Counts only requests made as user `user_id` (by `X-User-ID` or the token's `sub`).
    pub fn as_user(&self, user_id: impl Into<String>) -> &Self {
        let user_id = user_id.into();
        self.only(format!("as user `{user_id}`"), move |r| {
            r.user_id() == Some(&*user_id)
        })
    }

    /// Counts only requests that also fit `filter`, described by `description`.
    pub fn only(
        &self,
        description: impl fmt::Display,
        filter: impl Fn(&Received) -> bool + Send + Sync + 'static,
    ) -> &Self {
        {
            let mut state = self.lock();
            state.description = format!("{} {description}", state.description);
            state.filters.push(Arc::new(filter));
        }
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Expectation> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Expected")
            .field("description", &state.description)
            .field("times", &state.times)
            .finish_non_exhaustive()
    }
}

/// How many times an expectation must be met: an inclusive range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    min: u64,
    max: Option<u64>,
}

impl Times {
    fn from_range(range: &impl RangeBounds<u64>) -> Self {
        let min = match range.start_bound() {
            Bound::Included(&n) => n,
            Bound::Excluded(&n) => n.saturating_add(1),
            Bound::Unbounded => 0,
        };
        let max = match range.end_bound() {
            Bound::Included(&n) => Some(n),
            Bound::Excluded(&n) => Some(n.saturating_sub(1)),
            Bound::Unbounded => None,
        };
        Self { min, max }
    }

    /// Whether `count` is within the range.
    #[must_use]
    pub fn contains(&self, count: u64) -> bool {
        count >= self.min && self.max.is_none_or(|max| count <= max)
    }
}

impl From<u64> for Times {
    fn from(count: u64) -> Self {
        Self {
            min: count,
            max: Some(count),
        }
    }
}

impl From<std::ops::RangeFrom<u64>> for Times {
    fn from(range: std::ops::RangeFrom<u64>) -> Self {
        Self::from_range(&range)
    }
}

impl From<std::ops::RangeInclusive<u64>> for Times {
    fn from(range: std::ops::RangeInclusive<u64>) -> Self {
        Self::from_range(&range)
    }
}

impl From<std::ops::RangeToInclusive<u64>> for Times {
    fn from(range: std::ops::RangeToInclusive<u64>) -> Self {
        Self::from_range(&range)
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) if max == self.min => write!(f, "exactly {max}"),
            Some(max) => write!(f, "between {} and {max}", self.min),
            None => write!(f, "at least {}", self.min),
        }
    }
}

/// Every expectation whose count is out of range, as one message per line.
pub(crate) fn failures(
    expectations: &[Arc<Mutex<Expectation>>],
    journal: &[Received],
) -> Vec<String> {
    expectations
        .iter()
        .filter_map(|expectation| {
            let state = expectation.lock().unwrap_or_else(PoisonError::into_inner);
            let seen = journal
                .iter()
                .filter(|request| state.counts(request))
                .count() as u64;
            (!state.times.contains(seen)).then(|| {
                format!(
                    "expected {}: {}, saw {seen}",
                    state.description, state.times
                )
            })
        })
        .collect()
}
