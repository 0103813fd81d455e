//! The fake registry service (contract §6): modules registered with server-assigned UUIDs,
//! listed with pagination, a status filter and sorting, updated and unregistered by
//! callers with the `admin` or `developer` role, and probed for health on demand.
//!
//! Registrations are saved (collection `modules`) before any write is acknowledged; probe
//! results are observations, kept in memory only.

mod answer;
mod base_url;
mod listing;
mod module;
mod probe;
mod routes;

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use serde_json::Value;

use self::answer::Refusal;
use self::module::Module;
use super::Quirks;
use super::store::Durable;

#[allow(
    unused_imports,
    reason = "the platform core composes the services; its branch wires this in"
)]
pub(crate) use self::routes::router;

/// The collection registrations are saved in.
const COLLECTION: &str = "modules";

/// The registry's state: the registered modules, in registration order, and the last probe
/// result of each.
pub(crate) struct RegistryState {
    store: Arc<dyn Durable>,
    quirks: Quirks,
    http: reqwest::Client,
    started: Instant,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    modules: Vec<Module>,
    health: HashMap<String, Value>,
}

impl std::fmt::Debug for RegistryState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryState")
            .field("quirks", &self.quirks)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl RegistryState {
    /// The registry with the modules saved in `store`, storing `base_url` as `quirks` say
    /// and probing modules with `http`.
    ///
    /// # Errors
    ///
    /// The store's error, or `InvalidData` when what it holds is not a list of modules.
    pub(crate) fn open(
        store: Arc<dyn Durable>,
        quirks: Quirks,
        http: reqwest::Client,
    ) -> io::Result<Self> {
        let modules = match store.load(COLLECTION)? {
            None => Vec::new(),
            Some(saved) => serde_json::from_value(saved).map_err(|err| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the saved modules cannot be read: {err}"),
                )
            })?,
        };
        Ok(Self {
            store,
            quirks,
            http,
            started: Instant::now(),
            inner: Mutex::new(Inner {
                modules,
                health: HashMap::new(),
            }),
        })
    }

    /// Back to the seeded start: no module. The empty registry is saved too; if that save
    /// fails, the registry is emptied in memory anyway (a test asked for it).
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        // A reset cannot report an error: the in-memory state is what tests observe.
        let _ = self.store.save(COLLECTION, &Value::Array(Vec::new()));
        *inner = Inner::default();
    }

    /// The `base_url` module `id` is registered with, as stored (with the quirk's trailing
    /// `/` if it is on).
    #[cfg(test)]
    pub(crate) fn base_url(&self, id: &str) -> Option<String> {
        self.module(id).map(|module| module.base_url)
    }

    /// Where the gateway sends a call to module `id`: its `base_url` (as
    /// [`base_url`](Self::base_url) gives it) and its `api_prefix`.
    pub(crate) fn route(&self, id: &str) -> Option<(String, String)> {
        self.module(id)
            .map(|module| (module.base_url, module.api_prefix))
    }

    /// Every registered module as `GET /modules` lists it (with `health` when probed), in
    /// registration order.
    pub(crate) fn modules(&self) -> Vec<Value> {
        let inner = self.lock();
        inner
            .modules
            .iter()
            .map(|module| view(module, inner.health.get(&module.id)))
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn module(&self, id: &str) -> Option<Module> {
        self.lock()
            .modules
            .iter()
            .find(|module| module.id == id)
            .cloned()
    }

    fn cached_health(&self, id: &str) -> Option<Value> {
        self.lock().health.get(id).cloned()
    }

    /// Keeps `health` as the last probe of module `id`, if it is still registered.
    fn remember(&self, id: &str, health: &Value) {
        let mut inner = self.lock();
        if inner.modules.iter().any(|module| module.id == id) {
            inner.health.insert(id.to_owned(), health.clone());
        }
    }

    /// Applies `change` to a copy of the modules, saves the copy, and only then makes it
    /// the registry's: a refused change or a failed save changes nothing.
    fn commit<T>(
        &self,
        change: impl FnOnce(&mut Vec<Module>) -> Result<T, Refusal>,
    ) -> Result<T, Refusal> {
        let mut inner = self.lock();
        let mut modules = inner.modules.clone();
        let outcome = change(&mut modules)?;
        let saved = serde_json::to_value(&modules)
            .map_err(io::Error::from)
            .and_then(|document| self.store.save(COLLECTION, &document));
        saved.map_err(|err| Refusal::not_saved(&err))?;
        let kept: std::collections::HashSet<&str> =
            modules.iter().map(|module| module.id.as_str()).collect();
        let health = std::mem::take(&mut inner.health)
            .into_iter()
            .filter(|(id, _)| kept.contains(id.as_str()))
            .collect();
        inner.health = health;
        inner.modules = modules;
        Ok(outcome)
    }
}

/// `module` as the registry serialises it, with `health` when there is one.
fn view(module: &Module, health: Option<&Value>) -> Value {
    let mut value = serde_json::to_value(module).unwrap_or(Value::Null);
    if let (Some(health), Value::Object(fields)) = (health, &mut value) {
        fields.insert("health".into(), health.clone());
    }
    value
}

#[cfg(test)]
mod tests;
