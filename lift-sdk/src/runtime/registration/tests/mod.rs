//! Tests of the registration part against wiremock registries.
//!
//! Time: the registrar's tests run on tokio's paused clock, and wiremock answers from its own
//! thread. The paused clock jumps to the next timer whenever the runtime is idle, also while
//! it waits for a socket, so these tests keep every timer away from waiting network calls:
//! no per-call time-outs or deadlines, no pool-idle timer, and the tests wait for requests
//! and states through channels, never with a sleep.

mod credentials;
mod deregister;
mod observability;
mod registrar;

use std::sync::Arc;
use std::time::Duration;

use lift_registry_client::{ModuleId, ModuleManifest, RegistryClient};
use lift_sdk_core::RetryPolicy;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::{Registrar, RegistrationSettings, registry_client_with};
use crate::config::{DirectIdentity, LiftConfig, Routing};
use crate::runtime::state::{RegistrationState, RuntimeState};

/// The module every test registers.
const NAME: &str = "echo-module";
/// Its public base URL.
const PUBLIC_URL: &str = "http://127.0.0.1:9100";
/// A secret long enough for HS256.
const SECRET: &str = "lift-shared-secret-for-tests-0123456789abcdef";

/// An HTTP client with no timer of its own (see the module docs).
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// No attempt time-out and no deadline.
fn untimed(config: LiftConfig) -> LiftConfig {
    config.timeout(Duration::MAX)
}

/// Direct routing to `registry` as a developer.
fn direct_config(registry: &str) -> LiftConfig {
    untimed(
        LiftConfig::default()
            .routing(Routing::Direct)
            .service_url("registry", registry)
            .unwrap()
            .direct_identity(DirectIdentity::new("ops", "ops-org").roles(["developer"])),
    )
}

/// The registration client for `config`: one request per call, no deadline.
fn client(config: &LiftConfig) -> RegistryClient {
    let policy = RetryPolicy::none().deadline(Duration::MAX);
    registry_client_with(config, http(), NAME, policy, None).unwrap()
}

/// The reference's envelope around `data`.
fn envelope(data: &Value) -> Value {
    json!({"success": true, "message": "Success", "data": data, "errors": null, "metadata": null})
}

/// A stored record, as the registry answers it (base URL with its added `/`).
fn record(id: &str, name: &str, base_url: &str) -> Value {
    json!({
        "id": id, "name": name, "version": "1.0.0", "base_url": base_url,
        "health_endpoint": "/health", "api_prefix": "/api/v1", "status": "active",
        "features": [], "permissions": [], "memory_requirements": {}, "ui_components": [],
        "metadata": {}, "created_at": "2026-12-01T04:10:31.123456", "updated_at": null,
        "registered_by": "ops",
    })
}

/// `GET /modules` answering one page with `records`.
fn listing(records: &[Value]) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(envelope(&json!({
        "items": records, "total": records.len(), "page": 1, "size": 100,
        "pages": 1, "has_next": false, "has_prev": false,
    })))
}

/// `POST /modules` answering `id`.
fn registered(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(envelope(&json!({
        "module_id": id,
        "module": record(id, NAME, &format!("{PUBLIC_URL}/")),
        "health": {"status": "healthy", "last_check": "2026-12-01T04:10:31.5"},
    })))
}

/// A responder that reports each request it answers on a channel.
struct Notify {
    sender: mpsc::UnboundedSender<()>,
    answer: ResponseTemplate,
}

impl Respond for Notify {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let _ = self.sender.send(());
        self.answer.clone()
    }
}

/// `answer`, reported on the returned channel each time it is given.
fn notify(answer: ResponseTemplate) -> (Notify, mpsc::UnboundedReceiver<()>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    (Notify { sender, answer }, receiver)
}

fn id(id: &str) -> ModuleId {
    ModuleId::new(id).unwrap()
}

fn registered_as(module: &str, registrations: u64) -> RegistrationState {
    RegistrationState::Registered {
        id: id(module),
        registrations,
    }
}

/// A module running its registrar in a task.
struct Running {
    state: Arc<RuntimeState>,
    registrar: Arc<Registrar>,
    task: JoinHandle<()>,
}

impl Running {
    fn start(config: &LiftConfig) -> Self {
        Self::start_with(config, RegistrationSettings::default())
    }

    fn start_with(config: &LiftConfig, settings: RegistrationSettings) -> Self {
        // Registered with a trailing slash: it is sent without.
        let public: Url = format!("{PUBLIC_URL}/").parse().unwrap();
        let manifest = ModuleManifest::new(NAME, "1.0.0");
        let registrar = Registrar::new(client(config), manifest, &public, settings).unwrap();
        let registrar = Arc::new(registrar);
        let state = Arc::new(RuntimeState::new(NAME, "1.0.0", true));
        let task = tokio::spawn({
            let (registrar, state) = (registrar.clone(), state.clone());
            async move {
                let _ = registrar.run(&state).await;
            }
        });
        Self {
            state,
            registrar,
            task,
        }
    }

    async fn until(&self, done: impl FnMut(&RegistrationState) -> bool) -> RegistrationState {
        let mut states = self.state.watch_registration();
        states.wait_for(done).await.unwrap().clone()
    }

    /// Starts shutdown and waits for `run` to return.
    async fn stop(&mut self) {
        self.state.begin_shutdown();
        (&mut self.task).await.unwrap();
    }
}

async fn requests(server: &MockServer, verb: &str) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .filter(|request| request.method.as_str() == verb)
        .map(|request| request.url.path().to_owned())
        .collect()
}

async fn mount_listing(server: &MockServer, records: &[Value]) {
    Mock::given(method("GET"))
        .and(path("/modules"))
        .respond_with(listing(records))
        .mount(server)
        .await;
}
