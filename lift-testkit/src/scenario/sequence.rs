//! A scenario: steps answered in order, each to its number of calls, then falling through.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate, matchers};

use super::Step;

/// The priority [`Scenario::mount`] mounts at: before wiremock's default (5), so a
/// scenario answers before the mocks it interrupts.
pub const SCENARIO_PRIORITY: u8 = 2;

/// An ordered sequence of [`Step`]s: the first step answers its calls, then the next, and
/// after the last the scenario stops matching, so whatever else is mounted (a mock's happy
/// path) answers again. It reads like what it plays:
///
/// ```
/// use std::time::Duration;
/// use lift_testkit::scenario::{Scenario, Step};
/// use serde_json::json;
///
/// let flaky = Scenario::new()
///     .then(Step::too_many_requests(Duration::from_secs(1)))
///     .then(Step::service_unavailable())
///     .then_ok(json!({ "status": "healthy" }));
/// assert_eq!(flaky.to_string(), "429 (Retry-After: 1) → 503 → 200");
/// ```
///
/// Mount it with [`mount`](Self::mount) on a wiremock server, with
/// [`into_mock`](Self::into_mock) behind a matcher of your own, or on a service mock with
/// `MockService::scenario`. Calls are counted with one atomic claim each, so concurrent calls
/// get the steps in order, each step exactly its number of times.
#[derive(Debug, Default)]
pub struct Scenario {
    steps: Vec<Step>,
    counter: Arc<Counter>,
}

#[derive(Debug, Default)]
struct Counter {
    claimed: AtomicUsize,
    total: AtomicUsize,
}

impl Scenario {
    /// A scenario with no step yet (it answers nothing).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `step` after the steps so far.
    #[must_use]
    pub fn then(mut self, step: Step) -> Self {
        let total = self.counter.total.load(Ordering::SeqCst);
        self.counter
            .total
            .store(total.saturating_add(step.times), Ordering::SeqCst);
        self.steps.push(step);
        self
    }

    /// Adds a 200 with `body` as JSON ([`Step::ok`]).
    #[must_use]
    pub fn then_ok(self, body: impl Into<Value>) -> Self {
        self.then(Step::ok(body))
    }

    /// A handle that counts the calls this scenario answers, once mounted.
    #[must_use]
    pub fn handle(&self) -> ScenarioHandle {
        ScenarioHandle(Arc::clone(&self.counter))
    }

    /// A wiremock [`Mock`] that answers a request matching `matcher` with the next step,
    /// while steps remain; mount it with the priority you need (wiremock's default is 5).
    /// Take a [`handle`](Self::handle) first to count its calls.
    pub fn into_mock(self, matcher: impl Match + 'static) -> Mock {
        let name = format!("scenario {self}");
        let plan = Arc::new(Plan {
            steps: self.steps,
            counter: self.counter,
        });
        // The claim comes last: wiremock checks matchers in order and stops at the first
        // that fails, so a call is claimed only when it is the route's.
        Mock::given(matcher)
            .and(Claim(Arc::clone(&plan)))
            .respond_with(Answer(plan))
            .named(name)
    }

    /// Mounts the scenario on `server` for `method` `path` (exactly), at
    /// [`SCENARIO_PRIORITY`], and returns its handle.
    ///
    /// # Panics
    ///
    /// When `path` holds a query (`?`) or `method` is not an HTTP method: wiremock's
    /// matchers refuse them.
    pub async fn mount(self, server: &MockServer, method: &str, path: &str) -> ScenarioHandle {
        let handle = self.handle();
        let matcher = (matchers::method(method), matchers::path(path));
        server
            .register(
                self.into_mock(Both(matcher))
                    .with_priority(SCENARIO_PRIORITY),
            )
            .await;
        handle
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str(" → ")?;
            }
            write!(f, "{step}")?;
        }
        Ok(())
    }
}

/// Counts the calls a mounted [`Scenario`] answered; from [`Scenario::handle`] or
/// [`Scenario::mount`].
#[derive(Debug, Clone)]
pub struct ScenarioHandle(Arc<Counter>);

impl ScenarioHandle {
    /// How many calls the scenario answered so far.
    #[must_use]
    pub fn calls(&self) -> usize {
        self.0.claimed.load(Ordering::SeqCst)
    }

    /// Whether every step has answered all its calls: later calls fall through.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.calls() >= self.0.total.load(Ordering::SeqCst)
    }
}

struct Plan {
    steps: Vec<Step>,
    counter: Arc<Counter>,
}

impl Plan {
    /// An id telling this plan's claims from another's on the same thread.
    fn id(&self) -> usize {
        Arc::as_ptr(&self.counter) as usize
    }

    /// The step answering call number `index` (from 0).
    fn step(&self, mut index: usize) -> Option<&Step> {
        self.steps.iter().find(|step| {
            let this = index < step.times;
            index -= step.times.min(index);
            this
        })
    }
}

thread_local! {
    /// The call index a plan's matcher just claimed, read by its responder: wiremock calls
    /// both for one request on one thread, one right after the other, with no await between.
    static CLAIMED: Cell<Option<(usize, usize)>> = const { Cell::new(None) };
}

/// Matches while steps remain, claiming the next call index.
struct Claim(Arc<Plan>);

impl Match for Claim {
    fn matches(&self, _: &Request) -> bool {
        let total = self.0.counter.total.load(Ordering::SeqCst);
        let claimed =
            self.0
                .counter
                .claimed
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                    (n < total).then_some(n + 1)
                });
        match claimed {
            Ok(index) => {
                CLAIMED.set(Some((self.0.id(), index)));
                true
            }
            Err(_) => false,
        }
    }
}

/// Answers with the step of the index just claimed.
struct Answer(Arc<Plan>);

impl Respond for Answer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let claimed = CLAIMED
            .take()
            .filter(|(id, _)| *id == self.0.id())
            .and_then(|(_, index)| self.0.step(index));
        match claimed {
            Some(step) => step.answer(request),
            // Unreachable while wiremock matches and answers on one thread.
            None => ResponseTemplate::new(500)
                .set_body_string("lift-testkit: a scenario answered a call it had not claimed"),
        }
    }
}

/// Two matchers, both required.
struct Both<A, B>((A, B));

impl<A: Match, B: Match> Match for Both<A, B> {
    fn matches(&self, request: &Request) -> bool {
        self.0.0.matches(request) && self.0.1.matches(request)
    }
}
