//! `MockRegistry`: a stateful mock of the module registry (contract §6), with the
//! registration timeline of the modules that talk to it.

mod respond;
mod state;
mod timeline;

use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};

use lift_auth::{Role, UserContext};
use lift_registry_client::{ModuleManifest, ModuleRecord, RegistryClient};
use serde_json::Value;
use wiremock::Mock;

use self::respond::{Answer, Inner, Route, WhileDown, unavailable};
use self::state::State;
pub use self::timeline::{RegistryEvent, RegistryEventKind};
use super::{Expected, MockService, Received};
use crate::openapi::Service;

/// A mock of the module registry that keeps module records like the reference (an
/// in-process dict, lost on [`restart`](Self::restart)), and keeps the timeline of what
/// happened to them.
///
/// It dereferences to its [`MockService`] (`uri()`, `received()`, `expect_call`, `verify`).
///
/// # What it answers
///
/// Every route of contract §6.2, shaped like the recorded reference exchanges:
/// - `POST /modules` → 200 (not 201) `{module_id, module, health}` with a server-assigned
///   uuid4, `base_url` stored with a `/` added when its path is empty, unknown fields
///   dropped, `status: "active"`, naive-UTC `created_at`, `registered_by` the caller. Names
///   are not unique: a duplicate is a new record under a new id, never a 409.
/// - `GET /modules` → the `PaginatedResponse` (`page`, `size`, `sort_by`, `sort_order`,
///   `status_filter`); `page=0`, `size=101` or `sort_order=up` → plain-text 500 like the
///   reference. `GET /modules/{id}` → the record with a fresh `health`, or 404
///   `{"detail":"Module not found"}`. `PUT` and `DELETE /modules/{id}`,
///   `GET /modules/{id}/health`, `GET /health-summary`, `/health`, `/ready` and `/`.
/// - Every route but `/health`, `/ready` and `/` needs `X-User-ID` and `X-Org-ID` (else 401
///   `User context required`); writes need the role `admin` or `developer` in
///   `X-User-Roles`, split on `,` **without trimming** (else 403 `Admin role required to
///   {register|update|unregister} modules`). Under the gateway prefix the bearer token's
///   claims stand for those headers, as the gateway forwards them.
/// - The mock never calls the modules: every probe reports `healthy`.
///
/// A request the reference's OpenAPI document refuses gets FastAPI's 422 before any of this
/// (so an invalid body without user context gets a 422, where the reference answers 401).
///
/// # Time
///
/// The timeline and the journal are stamped on the test's tokio clock, so a test on a
/// paused clock (`#[tokio::test(start_paused = true)]`) sees a module's 30 s checks 30 s
/// apart while running instantly. **The rule**: with a paused clock, tokio jumps to the next
/// timer whenever the test's runtime is idle, *also while it waits for the mock's answer*
/// (wiremock answers from its own thread). So a client waiting on the mock must have no
/// timer of its own that could fire first: no per-attempt time-out, no deadline
/// (`Duration::MAX`), no pool-idle timer (`pool_idle_timeout(None)`), and tests wait on
/// channels or states, never on sleeps. Otherwise a time-out fires "early", in virtual time.
///
/// ```
/// # async fn run() {
/// use lift_registry_client::{ListModules, ModuleManifest};
/// use lift_testkit::mocks::{MockRegistry, RegistryEventKind};
///
/// let registry = MockRegistry::start().await;
/// registry.expect_registration("notes").times(1);
/// let client = registry.client();
/// let manifest = ModuleManifest::builder("notes", "1.0.0")
///     .base_url("http://127.0.0.1:9100")
///     .build()
///     .unwrap();
/// let registered = client.register(&manifest).await.unwrap();
///
/// let page = client.list(ListModules::new()).await.unwrap();
/// assert_eq!(page.items[0].id, registered.module_id);
/// assert_eq!(registry.timeline()[0].kind, RegistryEventKind::Registered);
/// registry.verify().await;
/// # }
/// # tokio::runtime::Runtime::new().unwrap().block_on(run());
/// ```
pub struct MockRegistry {
    inner: Arc<Inner>,
    service: MockService,
}

impl MockRegistry {
    /// The user [`client`](Self::client) acts as: `X-User-ID`.
    pub const ADMIN_USER: &'static str = "registry-admin";
    /// The organisation of [`ADMIN_USER`](Self::ADMIN_USER): `X-Org-ID`.
    pub const ADMIN_ORG: &'static str = "registry-admin-org";

    /// Starts the mock on its own loopback server (direct mode; the `/registry` prefix is
    /// served too).
    pub async fn start() -> Self {
        Self::mount(MockService::start(Service::Registry).await, false).await
    }

    /// Starts the mock on the server of `gateway` (a [`MockService`] of the gateway), served
    /// only under `/registry`, for clients in gateway mode.
    pub async fn behind(gateway: &MockService) -> Self {
        Self::mount(MockService::behind(gateway, Service::Registry).await, true).await
    }

    async fn mount(service: MockService, behind_gateway: bool) -> Self {
        let inner = Arc::new(Inner {
            state: Mutex::new(State::default()),
            clock: tokio::runtime::Handle::try_current().ok(),
            before_deregistering: Mutex::new(None),
            started: std::time::Instant::now(),
            events: tokio::sync::watch::Sender::new(0),
        });
        Mock::given(WhileDown {
            inner: Arc::clone(&inner),
            behind_gateway,
        })
        .respond_with(unavailable())
        .with_priority(1)
        .named("registry down (503)")
        .mount(service.server())
        .await;
        for (route, method, path) in Route::ALL {
            let answer = Answer {
                inner: Arc::clone(&inner),
                route,
            };
            service.answer_by_default(method, path, answer).await;
        }
        Self { inner, service }
    }

    /// A registry client pointed at this mock's own URL (direct mode), acting as the admin
    /// [`ADMIN_USER`](Self::ADMIN_USER) of [`ADMIN_ORG`](Self::ADMIN_ORG)
    /// (`X-User-Roles: admin`). No retries, so a test sees each answer.
    ///
    /// # Panics
    ///
    /// Never in practice: the mock's URL is a valid service URL.
    #[must_use]
    pub fn client(&self) -> RegistryClient {
        let admin = UserContext::new(Self::ADMIN_USER, Self::ADMIN_ORG).with_roles([Role::Admin]);
        RegistryClient::builder()
            .service_url(self.uri())
            .retry_policy(lift_sdk_core::RetryPolicy::none())
            .build()
            .expect("the mock's URL is a valid registry URL")
            .for_context(&admin)
    }

    /// Answers every request with 503 `{"detail":"Service registry unavailable"}` (what the
    /// gateway answers when the registry does not) until [`up`](Self::up). Records are kept.
    pub fn down(&self) {
        self.inner.lock().down = true;
    }

    /// Answers again after [`down`](Self::down).
    pub fn up(&self) {
        self.inner.lock().down = false;
    }

    /// Forgets every record, as the reference does when it restarts (its storage is
    /// in-process): modules must register again, under new ids. Each forgotten record is a
    /// [`Lost`](RegistryEventKind::Lost) event.
    pub fn restart(&self) {
        let at = self.inner.now();
        let mut state = self.inner.lock();
        while !state.records.is_empty() {
            state.remove(0, RegistryEventKind::Lost, at);
        }
        drop(state);
        self.inner.wake();
    }

    /// Forgets record `module_id` alone; whether it was held.
    #[allow(clippy::must_use_candidate, reason = "losing an unknown id is fine")]
    pub fn lose(&self, module_id: &str) -> bool {
        let at = self.inner.now();
        let mut state = self.inner.lock();
        let position = state.find(module_id);
        position.map(|at_position| state.remove(at_position, RegistryEventKind::Lost, at));
        drop(state);
        self.inner.wake();
        position.is_some()
    }

    /// Stores a record as if another client had registered `name` at `base_url` (version
    /// `0.9.0`, registered by [`ADMIN_USER`](Self::ADMIN_USER)); returns its id. It is a
    /// [`Registered`](RegistryEventKind::Registered) (or re-registered) event, with no request.
    #[allow(clippy::must_use_candidate, reason = "the id is there when wanted")]
    pub fn seed(&self, name: &str, base_url: &str) -> String {
        let at = self.inner.now();
        let mut body = serde_json::Map::new();
        body.insert("name".into(), Value::from(name));
        body.insert("version".into(), Value::from("0.9.0"));
        body.insert("base_url".into(), Value::from(base_url));
        let record = self.inner.lock().register(&body, Self::ADMIN_USER, at);
        self.inner.wake();
        record["id"].as_str().unwrap_or_default().to_owned()
    }

    /// Runs `hook` before each `DELETE` of a held record is answered (from wiremock's
    /// thread, not under the mock's lock): e.g. to see what the module's `/ready` says while
    /// it deregisters.
    pub fn before_deregistering(&self, hook: impl Fn() + Send + Sync + 'static) {
        *self
            .inner
            .before_deregistering
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(hook));
    }

    /// What happened to module records, in order.
    #[must_use]
    pub fn timeline(&self) -> Vec<RegistryEvent> {
        self.inner.lock().timeline.clone()
    }

    /// Waits until the timeline fits `done`, and returns it: how a test waits for a module
    /// to register, be checked `n` times or deregister without sleeping. On a paused clock,
    /// time jumps to the module's next timer while the test waits here.
    ///
    /// Wrap it in `tokio::time::timeout` for a safety net (on a paused clock, a virtual
    /// one).
    pub async fn until(&self, done: impl Fn(&[RegistryEvent]) -> bool) -> Vec<RegistryEvent> {
        let mut changes = self.inner.events.subscribe();
        loop {
            changes.borrow_and_update();
            let timeline = self.timeline();
            if done(&timeline) {
                return timeline;
            }
            // The sender lives as long as `self`: `changed` cannot fail while we wait.
            let _ = changes.changed().await;
        }
    }

    /// On a paused clock, moves time forward `step` at a time until the timeline fits
    /// `done`, and returns it: how a test drives a client whose timers cannot be lifted
    /// (see "Time" above). Between steps the test's runtime polls its sockets, so the
    /// client's calls complete while time moves at most `step` per turn of the runtime; keep
    /// `step` far below the client's shortest time-out (200 µs against the SDK's 30 s
    /// deadline: a call may then take 150 000 turns of the runtime).
    ///
    /// # Panics
    ///
    /// When the clock is not paused (`tokio::time::advance` requires it).
    pub async fn advance_until(
        &self,
        step: std::time::Duration,
        done: impl Fn(&[RegistryEvent]) -> bool,
    ) -> Vec<RegistryEvent> {
        loop {
            let timeline = self.timeline();
            if done(&timeline) {
                return timeline;
            }
            tokio::time::advance(step).await;
        }
    }

    /// How many events of `kind` the timeline holds.
    #[must_use]
    pub fn count(&self, kind: RegistryEventKind) -> usize {
        self.inner
            .lock()
            .timeline
            .iter()
            .filter(|event| event.kind == kind)
            .count()
    }

    /// The records held now, in registration order, decoded with the registry client's
    /// own type.
    #[must_use]
    pub fn modules(&self) -> Vec<ModuleRecord> {
        let state = self.inner.lock();
        (0..state.records.len())
            .filter_map(|position| serde_json::from_value(state.with_health(position)).ok())
            .collect()
    }

    /// The ids of the records held now, in registration order.
    #[must_use]
    pub fn module_ids(&self) -> Vec<String> {
        let state = self.inner.lock();
        state
            .records
            .iter()
            .filter_map(|record| record["id"].as_str().map(str::to_owned))
            .collect()
    }

    /// Every `POST /modules` body received (refused or not), decoded as the registry
    /// client's [`ModuleManifest`], with who sent it.
    #[must_use]
    pub fn registered_manifests(&self) -> Vec<(ModuleManifest, Option<super::Caller>)> {
        self.received_on("POST", "/modules")
            .into_iter()
            .filter_map(|request| Some((request.json().ok()?, request.caller)))
            .collect()
    }

    /// Expects `POST /modules` registering `name`; at least once unless refined. Like every
    /// expectation, it counts requests, answered or refused (a 403 counts).
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_registration(&self, name: &str) -> Expected {
        let wanted = name.to_owned();
        self.expect(format!("registration of `{name}`"), move |request| {
            request.is("POST", "/modules") && body_name(request).as_deref() == Some(&*wanted)
        })
    }

    /// Expects no `POST /modules` at all ([`seed`](Self::seed) sends none).
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_no_registration(&self) -> Expected {
        let expected = self.expect("any registration", |r| r.is("POST", "/modules"));
        expected.never();
        expected
    }

    /// Expects `DELETE /modules/{id}` of a record issued for `name` (one already gone
    /// counts too).
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_deregistration(&self, name: &str) -> Expected {
        self.expect_on_module("DELETE", "deregistration", name)
    }

    /// Expects `GET /modules/{id}` of a record issued for `name`: the module confirming it
    /// is still registered.
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_check(&self, name: &str) -> Expected {
        self.expect_on_module("GET", "check", name)
    }

    fn expect_on_module(&self, method: &'static str, what: &str, name: &str) -> Expected {
        let inner = Arc::clone(&self.inner);
        let wanted = name.to_owned();
        self.expect(format!("{what} of `{name}`"), move |request| {
            request.is(method, "/modules/{module_id}")
                && request.path.split('/').nth(2).is_some_and(|id| {
                    inner.lock().issued.get(id).map(String::as_str) == Some(&*wanted)
                })
        })
    }
}

fn body_name(request: &Received) -> Option<String> {
    request
        .body_json()?
        .get("name")?
        .as_str()
        .map(str::to_owned)
}

impl Deref for MockRegistry {
    type Target = MockService;

    fn deref(&self) -> &MockService {
        &self.service
    }
}

impl std::fmt::Debug for MockRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockRegistry")
            .field("service", &self.service)
            .field("modules", &self.inner.lock().records.len())
            .finish_non_exhaustive()
    }
}
