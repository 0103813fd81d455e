//! Checking everything a wiremock server receives.

use std::sync::{Arc, Mutex, PoisonError};

use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

use super::{OpenApi, Violation};

/// Checks every request a [`MockServer`] receives against a service's document, and fails
/// the test naming each one the service would refuse.
///
/// [`mount`](Self::mount) it on the server before the test sends anything; it answers
/// nothing itself (its matcher never matches), so the test's own mocks answer as before.
/// When the check is dropped, or on [`assert_valid`](Self::assert_valid), it panics with
/// every [`Violation`] seen, unless the thread is already panicking.
///
/// ```no_run
/// use lift_testkit::openapi::{OpenApi, SchemaCheck, Service};
/// use wiremock::MockServer;
///
/// # async fn run() {
/// let server = MockServer::start().await;
/// let check = SchemaCheck::mount(OpenApi::new(Service::Memory), &server).await;
/// // … point the client under test at `server.uri()` and call it …
/// check.assert_valid();
/// # }
/// ```
#[derive(Debug)]
pub struct SchemaCheck {
    seen: Arc<Mutex<Seen>>,
}

#[derive(Debug, Default)]
struct Seen {
    violations: Vec<Violation>,
    requests: usize,
}

struct Checker {
    api: OpenApi,
    seen: Arc<Mutex<Seen>>,
}

impl Match for Checker {
    fn matches(&self, request: &Request) -> bool {
        let result = self.api.check(
            request.method.as_str(),
            request.url.path(),
            request.url.query().unwrap_or(""),
            &request.body,
        );
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.requests += 1;
        if let Err(violations) = result {
            seen.violations.extend(violations);
        }
        false
    }
}

impl SchemaCheck {
    /// Starts checking what `server` receives against `api`.
    pub async fn mount(api: OpenApi, server: &MockServer) -> Self {
        let seen = Arc::new(Mutex::new(Seen::default()));
        Mock::given(Checker {
            api,
            seen: Arc::clone(&seen),
        })
        .respond_with(ResponseTemplate::new(500))
        .with_priority(1)
        .named("OpenAPI request check")
        .mount(server)
        .await;
        Self { seen }
    }

    /// Every violation seen so far.
    #[must_use]
    pub fn violations(&self) -> Vec<Violation> {
        self.lock().violations.clone()
    }

    /// How many requests were checked.
    #[must_use]
    pub fn requests(&self) -> usize {
        self.lock().requests
    }

    /// Panics naming every violation seen so far, and forgets them.
    ///
    /// # Panics
    ///
    /// When a request the server received would be refused by the service.
    pub fn assert_valid(&self) {
        let violations = std::mem::take(&mut self.lock().violations);
        if !violations.is_empty() {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            panic!(
                "{} request(s) the reference service would refuse:\n  {}",
                list.len(),
                list.join("\n  ")
            );
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for SchemaCheck {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.assert_valid();
        }
    }
}

/// A [`MockServer`] whose every received request is checked against a service's document:
/// a drop-in for `MockServer::start()` in a client's tests (it dereferences to the server,
/// so `.mount(&server)` and `server.uri()` work unchanged).
///
/// ```no_run
/// use lift_testkit::openapi::{CheckedServer, Service};
/// use wiremock::matchers::method;
/// use wiremock::{Mock, ResponseTemplate};
///
/// # async fn run() {
/// let server = CheckedServer::start(Service::Registry).await;
/// Mock::given(method("GET"))
///     .respond_with(ResponseTemplate::new(200))
///     .mount(&server)
///     .await;
/// // … call the client under test at `server.uri()`; dropping `server` fails the test if
/// // the registry would have refused a request …
/// # }
/// ```
#[derive(Debug)]
pub struct CheckedServer {
    // Declared first so the check runs (and may panic) before the server shuts down.
    check: SchemaCheck,
    server: MockServer,
}

impl CheckedServer {
    /// Starts a server checked against `service`'s document.
    pub async fn start(service: super::Service) -> Self {
        let server = MockServer::start().await;
        let check = SchemaCheck::mount(OpenApi::new(service), &server).await;
        Self { check, server }
    }

    /// The check, to assert early or read what it saw.
    #[must_use]
    pub fn check(&self) -> &SchemaCheck {
        &self.check
    }
}

impl std::ops::Deref for CheckedServer {
    type Target = MockServer;

    fn deref(&self) -> &MockServer {
        &self.server
    }
}
