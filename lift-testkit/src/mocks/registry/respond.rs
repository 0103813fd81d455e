//! How the registry mock answers each route, over its shared state.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::{Map, Value, json};
use wiremock::{Match, Request, Respond, ResponseTemplate};

use super::state::{State, page};
use super::timeline::RegistryEventKind;
use crate::mocks::fastapi::json_answer;
use crate::mocks::received::Caller;
use crate::mocks::{envelope, naive_utc_now};

/// The gateway prefix of the registry.
const PREFIX: &str = "/registry";

/// A hook run before a module is deregistered.
pub(super) type Hook = Arc<dyn Fn() + Send + Sync>;

/// What the mock's answers and controls share.
pub(super) struct Inner {
    pub(super) state: Mutex<State>,
    /// The test's runtime, whose (possibly paused) clock stamps the timeline.
    pub(super) clock: Option<tokio::runtime::Handle>,
    /// Run (outside the lock) before each `DELETE` of a record is answered.
    pub(super) before_deregistering: Mutex<Option<Hook>>,
    /// When the mock started, for `/health`'s `uptime`.
    pub(super) started: std::time::Instant,
    /// Bumped at every timeline event, to wake [`until`](super::MockRegistry::until).
    pub(super) events: tokio::sync::watch::Sender<usize>,
}

impl Inner {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wakes whoever waits on the timeline (call after the lock is released).
    pub(super) fn wake(&self) {
        self.events.send_modify(|count| *count += 1);
    }

    /// Now on the test's clock, as the journal stamps requests.
    pub(super) fn now(&self) -> tokio::time::Instant {
        match &self.clock {
            Some(handle) => {
                let _entered = handle.enter();
                tokio::time::Instant::now()
            }
            None => tokio::time::Instant::now(),
        }
    }
}

/// The registry's routes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Route {
    Health,
    Ready,
    Root,
    Register,
    List,
    Get,
    Update,
    Unregister,
    ModuleHealth,
    HealthSummary,
}

impl Route {
    /// Every route with its method and path template.
    pub(super) const ALL: [(Self, &'static str, &'static str); 10] = [
        (Self::Health, "GET", "/health"),
        (Self::Ready, "GET", "/ready"),
        (Self::Root, "GET", "/"),
        (Self::Register, "POST", "/modules"),
        (Self::List, "GET", "/modules"),
        (Self::Get, "GET", "/modules/{module_id}"),
        (Self::Update, "PUT", "/modules/{module_id}"),
        (Self::Unregister, "DELETE", "/modules/{module_id}"),
        (Self::ModuleHealth, "GET", "/modules/{module_id}/health"),
        (Self::HealthSummary, "GET", "/health-summary"),
    ];
}

/// Answers one route from the shared state.
pub(super) struct Answer {
    pub(super) inner: Arc<Inner>,
    pub(super) route: Route,
}

impl Respond for Answer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let answer = self.answer(request);
        // After every answer, under no lock: the timeline may have changed.
        self.inner.wake();
        answer
    }
}

impl Answer {
    fn answer(&self, request: &Request) -> ResponseTemplate {
        let (path, through_gateway) = match request.url.path().strip_prefix(PREFIX) {
            Some(rest) if rest.starts_with('/') => (rest, true),
            _ => (request.url.path(), false),
        };
        let id = path.split('/').nth(2).unwrap_or_default().to_owned();
        match self.route {
            Route::Health => self.health(),
            Route::Ready => json_answer(
                200,
                &json!({ "status": "ready", "service": "registry",
                         "timestamp": naive_utc_now(), "checks": {} }),
            ),
            Route::Root => {
                let count = self.inner.lock().records.len();
                ok(
                    "Lift OS Core Registry Service",
                    json!({ "version": "1.0.0", "registered_modules": count, "docs": "/docs" }),
                )
            }
            route => match user(request, through_gateway) {
                None => json_answer(401, &json!({ "detail": "User context required" })),
                Some((user_id, roles)) => self.user_route(route, request, &id, &user_id, &roles),
            },
        }
    }

    fn health(&self) -> ResponseTemplate {
        let state = self.inner.lock();
        let active = state
            .records
            .iter()
            .filter(|m| m["status"] == "active")
            .count();
        json_answer(
            200,
            &json!({
                "status": "healthy",
                "timestamp": naive_utc_now(),
                "version": "1.0.0",
                "dependencies": {
                    "registered_modules": state.records.len().to_string(),
                    "active_modules": active.to_string(),
                },
                "uptime": self.inner.started.elapsed().as_secs_f64(),
            }),
        )
    }

    fn user_route(
        &self,
        route: Route,
        request: &Request,
        id: &str,
        user_id: &str,
        roles: &[String],
    ) -> ResponseTemplate {
        let writer = roles
            .iter()
            .any(|role| role == "admin" || role == "developer");
        let refused = |action: &str| {
            json_answer(
                403,
                &json!({ "detail": format!("Admin role required to {action} modules") }),
            )
        };
        let at = self.inner.now();
        match route {
            Route::Register if !writer => refused("register"),
            Route::Update if !writer => refused("update"),
            Route::Unregister if !writer => refused("unregister"),
            Route::Register => {
                let body = object(&request.body);
                let mut state = self.inner.lock();
                let record = state.register(&body, user_id, at);
                let health = record["id"]
                    .as_str()
                    .and_then(|id| state.health.get(id).cloned());
                let data = json!({ "module_id": record["id"], "module": record, "health": health });
                ok("Module registered successfully", data)
            }
            Route::List => {
                let state = self.inner.lock();
                let items = (0..state.records.len())
                    .map(|at| state.with_health(at))
                    .collect();
                let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
                match page(items, &query) {
                    Some(page) => ok("Modules retrieved successfully", page),
                    None => internal_error(),
                }
            }
            Route::Get => {
                let mut state = self.inner.lock();
                let Some(position) = state.find(id) else {
                    if state.issued.contains_key(id) {
                        state.event(RegistryEventKind::Missing, id, at);
                    }
                    return module_not_found();
                };
                state.event(RegistryEventKind::Checked, id, at);
                ok("Module retrieved successfully", state.probed(position).0)
            }
            Route::Update => {
                let mut state = self.inner.lock();
                let Some(position) = state.find(id) else {
                    return module_not_found();
                };
                let body = object(&request.body);
                let mut module = state.update(position, &body);
                module["health"] = state.health.get(id).cloned().unwrap_or(Value::Null);
                state.event(RegistryEventKind::Updated, id, at);
                let health =
                    if body.contains_key("base_url") || body.contains_key("health_endpoint") {
                        state.probed(position).1
                    } else {
                        state
                            .health
                            .get(id)
                            .cloned()
                            .unwrap_or(json!({ "status": "unknown" }))
                    };
                ok(
                    "Module updated successfully",
                    json!({ "module": module, "health": health }),
                )
            }
            Route::Unregister => {
                if self.inner.lock().find(id).is_none() {
                    return module_not_found();
                }
                let hook = self
                    .inner
                    .before_deregistering
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                // Not under the lock: the hook may call the module, which may call back.
                if let Some(hook) = hook {
                    hook();
                }
                let mut state = self.inner.lock();
                let Some(position) = state.find(id) else {
                    return module_not_found();
                };
                state.remove(position, RegistryEventKind::Deregistered, at);
                ok(
                    "Module unregistered successfully",
                    json!({ "module_id": id }),
                )
            }
            Route::ModuleHealth => {
                let mut state = self.inner.lock();
                let Some(position) = state.find(id) else {
                    return module_not_found();
                };
                let health = state.probed(position).1;
                ok(
                    "Module health checked",
                    json!({ "module_id": id, "health": health }),
                )
            }
            Route::HealthSummary => self.health_summary(),
            Route::Health | Route::Ready | Route::Root => internal_error(),
        }
    }

    fn health_summary(&self) -> ResponseTemplate {
        let mut state = self.inner.lock();
        let modules: Vec<Value> = (0..state.records.len())
            .map(|position| {
                let (record, health) = state.probed(position);
                json!({ "module_id": record["id"], "name": record["name"],
                        "status": health["status"], "last_check": health["last_check"] })
            })
            .collect();
        let count = |status: &str| modules.iter().filter(|m| m["status"] == status).count();
        let data = json!({
            "total_modules": modules.len(),
            "healthy": count("healthy"),
            "unhealthy": count("unhealthy"),
            "unreachable": count("unreachable"),
            "unknown": count("unknown"),
            "modules": modules,
        });
        ok("Health summary retrieved", data)
    }
}

/// The caller's user id and roles as the registry reads them, or `None` (a 401).
///
/// Directly, the registry reads `X-User-ID` and `X-Org-ID` (both required) and splits
/// `X-User-Roles` on `,` **without trimming** (contract §6). Through the gateway prefix, the
/// gateway would have turned the bearer token into those headers, so the token's claims
/// count.
fn user(request: &Request, through_gateway: bool) -> Option<(String, Vec<String>)> {
    let headers = &request.headers;
    let caller = Caller::of(headers)?;
    if caller.by_token {
        return through_gateway.then_some((caller.user_id, caller.roles));
    }
    caller.org_id.as_ref()?;
    let roles = headers
        .get("x-user-roles")
        .and_then(|value| value.to_str().ok())
        .map(|roles| roles.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    Some((caller.user_id, roles))
}

/// The body as a JSON object (the request check has refused anything else).
fn object(body: &[u8]) -> Map<String, Value> {
    serde_json::from_slice(body).unwrap_or_default()
}

fn ok(message: &str, data: Value) -> ResponseTemplate {
    json_answer(200, &envelope(message, data))
}

fn module_not_found() -> ResponseTemplate {
    json_answer(404, &json!({ "detail": "Module not found" }))
}

/// What the reference answers to pagination it refuses late: a plain-text 500.
fn internal_error() -> ResponseTemplate {
    ResponseTemplate::new(500)
        .insert_header("content-type", "text/plain; charset=utf-8")
        .set_body_string("Internal Server Error")
}

/// Matches every request of the registry's while the mock is down.
pub(super) struct WhileDown {
    pub(super) inner: Arc<Inner>,
    /// Only under the gateway prefix (the mock shares the gateway mock's server).
    pub(super) behind_gateway: bool,
}

impl Match for WhileDown {
    fn matches(&self, request: &Request) -> bool {
        let ours = !self.behind_gateway
            || request
                .url
                .path()
                .strip_prefix(PREFIX)
                .is_some_and(|rest| rest.starts_with('/'));
        ours && self.inner.lock().down
    }
}

/// What the gateway answers when the registry does not: `503`.
pub(super) fn unavailable() -> ResponseTemplate {
    json_answer(503, &json!({ "detail": "Service registry unavailable" }))
}
