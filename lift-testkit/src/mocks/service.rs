//! What every service mock shares: the wiremock server, request checking against the
//! service's OpenAPI document, the journal of received requests and the expectations.

use std::sync::{Arc, Mutex, PoisonError};

use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

use super::expect::{Expectation, Expected, Predicate, failures};
use super::{Received, fastapi};
use crate::mocks::received::{Caller, path_matches};
use crate::openapi::{OpenApi, Service};
use crate::scenario::{Scenario, ScenarioHandle};

/// Priority of the request check: before anything else answers.
const CHECK_PRIORITY: u8 = 1;
/// Priority of failure scenarios: before the test's own mocks and the happy paths.
const SCENARIO_PRIORITY: u8 = crate::scenario::SCENARIO_PRIORITY;
/// Priority of the happy paths: after the test's own mocks (wiremock's default is 5).
const HAPPY_PRIORITY: u8 = 10;

/// A wiremock server standing in for one service: what every service mock is built on (each
/// dereferences to it).
///
/// - Every request is checked against the service's OpenAPI document first: one the
///   service would refuse is answered with FastAPI's 422, never with a happy answer.
///   A path no operation matches is answered with FastAPI's 404.
/// - Every request is recorded in a journal of [`Received`] values, with the time on the
///   test's tokio clock.
/// - Expectations added with [`expect`](Self::expect) (or a mock's domain-named
///   `expect_…` methods) are verified by [`verify`](Self::verify) and when the mock drops.
///
/// Paths are matched as the service sees them, or with its gateway prefix in front, so one
/// mock serves clients in both routing modes.
pub struct MockService {
    // Declared first: expectations are verified (and may panic) before the server stops.
    state: Arc<Shared>,
    /// Shared with the gateway mock when this one is [`behind`](Self::behind) it.
    server: Arc<MockServer>,
}

struct Shared {
    service: Service,
    /// Served only under the gateway prefix, on the gateway mock's server.
    behind_gateway: bool,
    journal: Mutex<Vec<Received>>,
    expectations: Mutex<Vec<Arc<Mutex<Expectation>>>>,
    /// The test's runtime, whose (possibly paused) clock stamps each request: wiremock
    /// serves on a runtime of its own.
    clock: Option<tokio::runtime::Handle>,
}

impl MockService {
    /// Starts a mock of `service` on loopback, with the request check and the 404 fallback
    /// mounted and nothing else.
    pub async fn start(service: Service) -> Self {
        Self::mount(service, Arc::new(MockServer::start().await), false).await
    }

    /// Starts a mock of `service` on the server of `gateway` (a mock of the gateway), serving
    /// only under the service's prefix (`/memory/…`), as the gateway forwards: a client in
    /// gateway routing mode then reaches every service at the gateway's one URL. The journal
    /// and expectations of this mock see only what came under its prefix.
    pub async fn behind(gateway: &Self, service: Service) -> Self {
        Self::mount(service, Arc::clone(&gateway.server), true).await
    }

    async fn mount(service: Service, server: Arc<MockServer>, behind_gateway: bool) -> Self {
        let state = Arc::new(Shared {
            service,
            behind_gateway,
            journal: Mutex::new(Vec::new()),
            expectations: Mutex::new(Vec::new()),
            clock: tokio::runtime::Handle::try_current().ok(),
        });
        let api = OpenApi::new(service);
        Mock::given(Journal(Arc::clone(&state)))
            .respond_with(ResponseTemplate::new(500))
            .with_priority(CHECK_PRIORITY)
            .named("journal")
            .mount(&server)
            .await;
        Mock::given(Refused(api.clone(), Arc::clone(&state)))
            .respond_with(ThroughGateway {
                answer: Refuse(api),
                behind: behind_gateway,
            })
            .with_priority(CHECK_PRIORITY)
            .named("OpenAPI request check (422)")
            .mount(&server)
            .await;
        Mock::given(|_: &Request| true)
            .respond_with(fastapi::not_found())
            .with_priority(u8::MAX)
            .named("no route (404)")
            .mount(&server)
            .await;
        Self { state, server }
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The service this mock stands in for.
    #[must_use]
    pub fn service(&self) -> Service {
        self.state.service
    }

    /// The wiremock server, to mount a test's own mocks (they answer before the happy
    /// paths, after the request check).
    #[must_use]
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// A matcher for `method` on `path` as this service sees it (`{name}` matches one
    /// segment), with or without the gateway prefix.
    #[must_use]
    pub fn route(&self, method: &str, path: &str) -> RouteMatcher {
        RouteMatcher {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            prefix: self.state.service.gateway_prefix(),
            prefix_required: self.state.behind_gateway,
        }
    }

    /// Answers `method` `path` with `answer` unless something mounted earlier or with a
    /// higher priority answers first: how the mocks mount their happy paths, which a test's
    /// own wiremock mocks (default priority) override.
    pub async fn answer_by_default(
        &self,
        method: &str,
        path: &str,
        answer: impl Respond + 'static,
    ) {
        // Behind the gateway, the answer comes back through it: with its correlation id.
        let answer = ThroughGateway {
            answer,
            behind: self.state.behind_gateway,
        };
        Mock::given(self.route(method, path))
            .respond_with(answer)
            .with_priority(HAPPY_PRIORITY)
            .named(format!("{} {method} {path}", self.state.service))
            .mount(&self.server)
            .await;
    }

    /// Plays `scenario` on `method` `path` (as [`route`](Self::route) matches it), before
    /// the test's own mocks and the happy paths; once its steps are spent, the route answers
    /// as before. A request the service would refuse still gets the 422, not a step.
    pub async fn scenario(&self, method: &str, path: &str, scenario: Scenario) -> ScenarioHandle {
        let handle = scenario.handle();
        let mock = scenario
            .into_mock(self.route(method, path))
            .with_priority(SCENARIO_PRIORITY);
        self.server.register(mock).await;
        handle
    }

    /// Every request received so far, in arrival order.
    #[must_use]
    pub fn received(&self) -> Vec<Received> {
        self.state.journal().clone()
    }

    /// The requests received for `method` `path` (the service's path; `{name}` matches one
    /// segment), in arrival order.
    #[must_use]
    pub fn received_on(&self, method: &str, path: &str) -> Vec<Received> {
        self.state
            .journal()
            .iter()
            .filter(|r| r.is(method, path))
            .cloned()
            .collect()
    }

    /// Expects requests that fit `filter`, described as `description` in a failure; at
    /// least one unless refined on the returned [`Expected`].
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect(
        &self,
        description: impl Into<String>,
        filter: impl Fn(&Received) -> bool + Send + Sync + 'static,
    ) -> Expected {
        let filter: Predicate = Arc::new(filter);
        let expectation = Arc::new(Mutex::new(Expectation {
            description: description.into(),
            filters: vec![filter],
            times: super::Times::from(1..),
        }));
        lock(&self.state.expectations).push(Arc::clone(&expectation));
        Expected::new(expectation)
    }

    /// Expects calls to `method` `path`, as [`received_on`](Self::received_on) matches them.
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_call(&self, method: &str, path: &str) -> Expected {
        let (method, path) = (method.to_owned(), path.to_owned());
        self.expect(format!("{method} {path}"), move |r| r.is(&method, &path))
    }

    /// Checks every expectation now.
    ///
    /// # Panics
    ///
    /// When an expectation is not met, naming each one with the count it saw.
    pub async fn verify(&self) {
        // Async like wiremock's `verify`, so a mock may later wait for in-flight work here.
        // Today nothing to wait for: a request is journaled before it is answered.
        if let Some(failures) = self.failures() {
            panic!("{failures}");
        }
    }

    fn failures(&self) -> Option<String> {
        let expectations = lock(&self.state.expectations).clone();
        let list = failures(&expectations, &self.state.journal());
        (!list.is_empty()).then(|| {
            format!(
                "{} mock: {} unmet expectation(s):\n  {}",
                self.state.service,
                list.len(),
                list.join("\n  ")
            )
        })
    }
}

impl Drop for MockService {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if let Some(failures) = self.failures() {
            panic!("{failures}");
        }
    }
}

impl std::fmt::Debug for MockService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockService")
            .field("service", &self.state.service)
            .field("uri", &self.server.uri())
            .field("received", &self.state.journal().len())
            .finish_non_exhaustive()
    }
}

impl Shared {
    fn journal(&self) -> std::sync::MutexGuard<'_, Vec<Received>> {
        lock(&self.journal)
    }

    /// The path as this service sees it and whether it came under the gateway prefix, or
    /// `None` for a request that is not this service's (on a shared gateway server).
    fn own_path<'p>(&self, path: &'p str) -> Option<(&'p str, bool)> {
        let stripped = self
            .service
            .gateway_prefix()
            .and_then(|prefix| path.strip_prefix(prefix))
            .filter(|rest| rest.starts_with('/'));
        match stripped {
            Some(rest) => Some((rest, true)),
            None if self.behind_gateway => None,
            None => Some((path, false)),
        }
    }

    fn record(&self, request: &Request) {
        let Some((path, through_gateway)) = self.own_path(request.url.path()) else {
            return;
        };
        let at = match &self.clock {
            Some(handle) => {
                let _entered = handle.enter();
                tokio::time::Instant::now()
            }
            None => tokio::time::Instant::now(),
        };
        let received = Received {
            method: request.method.clone(),
            path: path.to_owned(),
            through_gateway,
            query: request.url.query().unwrap_or("").to_owned(),
            headers: request.headers.clone(),
            body: request.body.clone(),
            caller: Caller::of(&request.headers),
            at,
        };
        self.journal().push(received);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Records every request; never matches, so it answers nothing.
struct Journal(Arc<Shared>);

impl Match for Journal {
    fn matches(&self, request: &Request) -> bool {
        self.0.record(request);
        false
    }
}

/// Matches a request the service's document refuses (a 422), not one it has no route for
/// nor one for another service on a shared gateway server.
struct Refused(OpenApi, Arc<Shared>);

impl Match for Refused {
    fn matches(&self, request: &Request) -> bool {
        self.1.own_path(request.url.path()).is_some()
            && check(&self.0, request).is_err_and(|violations| violations.iter().any(|v| v.refused))
    }
}

/// Answers what FastAPI answers to a refused request.
struct Refuse(OpenApi);

/// An answer that gains the gateway's `X-Correlation-ID` when the mock is behind it.
struct ThroughGateway<R> {
    answer: R,
    behind: bool,
}

impl<R: Respond> Respond for ThroughGateway<R> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let answer = self.answer.respond(request);
        if self.behind {
            answer.insert_header(super::CORRELATION_ID, fastapi::uuid4().as_str())
        } else {
            answer
        }
    }
}

impl Respond for Refuse {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let violations = check(&self.0, request).err().unwrap_or_default();
        fastapi::unprocessable(&violations, &request.body)
    }
}

fn check(
    api: &OpenApi,
    request: &Request,
) -> Result<crate::openapi::Route, Vec<crate::openapi::Violation>> {
    api.check(
        request.method.as_str(),
        request.url.path(),
        request.url.query().unwrap_or(""),
        &request.body,
    )
}

/// Matches one method and path template, with or without the service's gateway prefix;
/// from [`MockService::route`].
#[derive(Debug, Clone)]
pub struct RouteMatcher {
    method: String,
    path: String,
    prefix: Option<&'static str>,
    prefix_required: bool,
}

impl Match for RouteMatcher {
    fn matches(&self, request: &Request) -> bool {
        if request.method.as_str() != self.method {
            return false;
        }
        let path = request.url.path();
        let stripped = self
            .prefix
            .and_then(|prefix| path.strip_prefix(prefix))
            .filter(|rest| rest.starts_with('/'));
        stripped.is_some_and(|rest| path_matches(&self.path, rest))
            || (!self.prefix_required && path_matches(&self.path, path))
    }
}
