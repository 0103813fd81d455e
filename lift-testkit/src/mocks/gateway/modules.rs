//! The module route `/modules/{module_id}/{path}`: which modules exist, what they answer,
//! and the calls forwarded to them (contract §4.1, §4.3).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::HeaderMap;
use lift_sdk::ModuleId;
use serde_json::{Value, json};
use wiremock::{Match, Mock, Request, Respond, ResponseTemplate};

use super::MockGateway;
use super::call::ModuleCall;
use super::correlation::WithCorrelationId;
use super::gate::Gate;
use crate::mocks::Expected;
use crate::mocks::received::path_matches;

/// Priority of the module answers: wiremock's default, as a test's own mocks.
const MODULE_PRIORITY: u8 = 5;

/// The module id and the module's path of a module-route path (`/modules/m-1/api` →
/// `("m-1", "/api")`), or `None` when `path` is not one (no id, or no slash after it).
pub(crate) fn module_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/modules/")?;
    let slash = rest.find('/')?;
    let (id, path) = rest.split_at(slash);
    (!id.is_empty()).then_some((id, path))
}

/// What the gateway knows about modules: the ids that exist and the calls forwarded.
#[derive(Debug)]
pub(crate) struct Modules {
    gate: Gate,
    known: Mutex<BTreeSet<String>>,
    calls: Mutex<Vec<ModuleCall>>,
    /// The test's runtime, whose (possibly paused) clock stamps each call.
    clock: Option<tokio::runtime::Handle>,
}

impl Modules {
    pub(crate) fn new(gate: Gate) -> Self {
        Self {
            gate,
            known: Mutex::new(BTreeSet::new()),
            calls: Mutex::new(Vec::new()),
            clock: tokio::runtime::Handle::try_current().ok(),
        }
    }

    pub(crate) fn gate(&self) -> &Gate {
        &self.gate
    }

    pub(crate) fn add(&self, module_id: &str) {
        lock(&self.known).insert(module_id.to_owned());
    }

    pub(crate) fn knows(&self, module_id: &str) -> bool {
        lock(&self.known).contains(module_id)
    }

    pub(crate) fn calls(&self) -> Vec<ModuleCall> {
        lock(&self.calls).clone()
    }

    /// Whether the gateway forwards `request` to a module: a module path, a bearer it
    /// admits and a module it knows.
    pub(crate) fn forwards(&self, path: &str, headers: &HeaderMap) -> bool {
        module_path(path).is_some_and(|(id, _)| self.knows(id)) && self.gate.admit(headers).is_ok()
    }

    /// The call the gateway forwards for `request`, when it forwards it to a module.
    fn forwarded(&self, request: &Request) -> Option<ModuleCall> {
        let (id, path) = module_path(request.url.path())?;
        if !self.knows(id) {
            return None;
        }
        let claims = self.gate.admit(&request.headers).ok()?;
        let at = match &self.clock {
            Some(handle) => {
                let _entered = handle.enter();
                tokio::time::Instant::now()
            }
            None => tokio::time::Instant::now(),
        };
        Some(ModuleCall::forwarded(request, id, path, &claims, at))
    }

    fn record(&self, request: &Request) {
        if let Some(call) = self.forwarded(request) {
            lock(&self.calls).push(call);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Records each call forwarded to a module; never matches, so it answers nothing.
pub(crate) struct ModuleJournal(pub(crate) Arc<Modules>);

impl Match for ModuleJournal {
    fn matches(&self, request: &Request) -> bool {
        self.0.record(request);
        false
    }
}

/// Matches a module call naming a module the gateway does not know; answers what the
/// reference answers when the registry lookup fails (captures 75 and 77).
pub(crate) struct UnknownModule(pub(crate) Arc<Modules>);

impl Match for UnknownModule {
    fn matches(&self, request: &Request) -> bool {
        module_path(request.url.path()).is_some_and(|(id, _)| !self.0.knows(id))
    }
}

impl Respond for UnknownModule {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let id = module_path(request.url.path()).map_or("", |(id, _)| id);
        ResponseTemplate::new(404)
            .set_body_json(json!({ "detail": format!("Module {id} not found") }))
    }
}

/// Answers a module call with what a closure makes of the forwarded call.
struct AnswerWith<F> {
    modules: Arc<Modules>,
    answer: F,
}

impl<F> Respond for AnswerWith<F>
where
    F: Fn(&ModuleCall) -> ResponseTemplate + Send + Sync + 'static,
{
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self.modules.forwarded(request) {
            Some(call) => (self.answer)(&call),
            // Never in practice: the gate and the unknown-module check answer first.
            None => ResponseTemplate::new(404).set_body_json(json!({ "detail": "Not Found" })),
        }
    }
}

/// Matches one method and module path template of one module.
#[derive(Debug, Clone)]
struct ModuleRoute {
    module_id: String,
    method: String,
    path: String,
}

impl Match for ModuleRoute {
    fn matches(&self, request: &Request) -> bool {
        request.method.as_str() == self.method
            && module_path(request.url.path())
                .is_some_and(|(id, path)| id == self.module_id && path_matches(&self.path, path))
    }
}

/// A module reached through the gateway mock at `/modules/{module_id}/…`, from
/// [`MockGateway::module`]: mount its answers, read the calls it received.
///
/// Paths are the module's own (`/api/v1/ping`; `{name}` matches one segment). Answers carry
/// the gateway's `X-Correlation-ID`. A call to a path of the module with no answer mounted
/// gets FastAPI's 404 `{"detail":"Not Found"}`, as a module would answer it.
#[derive(Debug)]
pub struct MockModule<'g> {
    gateway: &'g MockGateway,
    module_id: ModuleId,
}

impl<'g> MockModule<'g> {
    pub(crate) fn new(gateway: &'g MockGateway, module_id: ModuleId) -> Self {
        Self { gateway, module_id }
    }

    /// The module id the gateway routes.
    #[must_use]
    pub fn id(&self) -> &ModuleId {
        &self.module_id
    }

    /// Answers `method` `path` of this module with `answer` (any wiremock
    /// [`Respond`], such as a [`ResponseTemplate`]).
    pub async fn answer(&self, method: &str, path: &str, answer: impl Respond + 'static) -> &Self {
        let route = ModuleRoute {
            module_id: self.module_id.as_str().to_owned(),
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
        };
        Mock::given(route)
            .respond_with(WithCorrelationId(answer))
            .with_priority(MODULE_PRIORITY)
            .named(format!("module {} {method} {path}", self.module_id))
            .mount(self.gateway.server())
            .await;
        self
    }

    /// Answers `method` `path` of this module with what `answer` makes of the call, as
    /// the module receives it (the injected `X-User-*` headers included): for a module
    /// that answers per caller.
    ///
    /// ```
    /// use lift_testkit::mocks::MockGateway;
    /// use serde_json::{Value, json};
    /// use wiremock::ResponseTemplate;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), lift_sdk::Error> {
    /// let gateway = MockGateway::start().await;
    /// let id = lift_sdk::ModuleId::new("m-1")?;
    /// gateway
    ///     .module(&id)
    ///     .answer_with("GET", "/whoami", |call| {
    ///         ResponseTemplate::new(200).set_body_json(json!({ "user": call.user_id() }))
    ///     })
    ///     .await;
    ///
    /// let me: Value = gateway.client().module(&id).get_json("/whoami").await?;
    /// assert_eq!(me, json!({ "user": "u-gateway" }));
    /// # Ok(()) }
    /// ```
    pub async fn answer_with(
        &self,
        method: &str,
        path: &str,
        answer: impl Fn(&ModuleCall) -> ResponseTemplate + Send + Sync + 'static,
    ) -> &Self {
        let modules = Arc::clone(&self.gateway.modules);
        self.answer(method, path, AnswerWith { modules, answer })
            .await
    }

    /// Answers `method` `path` of this module with 200 and `body` as JSON.
    pub async fn json(&self, method: &str, path: &str, body: Value) -> &Self {
        self.answer(method, path, ResponseTemplate::new(200).set_body_json(body))
            .await
    }

    /// The calls forwarded to this module so far, in arrival order.
    #[must_use]
    pub fn calls(&self) -> Vec<ModuleCall> {
        self.gateway
            .module_calls()
            .into_iter()
            .filter(|call| call.module_id == self.module_id.as_str())
            .collect()
    }

    /// Expects calls to `method` `path` of this module (see
    /// [`MockGateway::expect_module_call`]).
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_call(&self, method: &str, path: &str) -> Expected {
        self.gateway
            .expect_module_call(&self.module_id, method, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_path_names_the_module_and_its_own_path() {
        assert_eq!(module_path("/modules/m-1/api/v1"), Some(("m-1", "/api/v1")));
        assert_eq!(module_path("/modules/m-1/"), Some(("m-1", "/")));
        assert_eq!(module_path("/modules/m-1"), None);
        assert_eq!(module_path("/modules//x"), None);
        assert_eq!(module_path("/memory/search"), None);
    }
}
