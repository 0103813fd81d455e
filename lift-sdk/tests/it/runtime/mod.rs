//! The module runtime end to end: a real module on `127.0.0.1:0`, the test kit's
//! `MockRegistry` and memory behind a gateway mock.

mod endpoints;
mod lifecycle;
mod propagation;
mod registration;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use lift_sdk::auth::layer::{RequirePermission, perm::MemoryWrite};
use lift_sdk::auth::{Role, TokenIssuer};
use lift_sdk::memory::StoreRequest;
use lift_sdk::runtime::{
    Check, HttpError, Json, LiftModule, ManifestSource, ModuleContext, RegistrationSettings,
    RunningModule, Runtime,
};
use lift_sdk::{LiftConfig, ModuleManifest};
use lift_testkit::mocks::{MockRegistry, MockService};
use lift_testkit::openapi::Service;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};

pub(crate) const SECRET: &str = "lift-shared-secret-for-tests-0123456789abcdef";

/// A gateway mock with the kit's registry mock behind `/registry` (tests mount their own
/// memory answers on `gateway.server()`).
pub(crate) struct Platform {
    // Declared first: the registry's expectations are verified before the server stops.
    pub(crate) registry: MockRegistry,
    pub(crate) gateway: MockService,
}

impl Platform {
    pub(crate) async fn new() -> Self {
        let gateway = MockService::start(Service::Gateway).await;
        let registry = MockRegistry::behind(&gateway).await;
        Self { registry, gateway }
    }

    pub(crate) fn config(&self) -> LiftConfig {
        LiftConfig::new(&self.gateway.uri())
            .unwrap()
            .jwt_secret(SECRET)
    }
}

/// A bearer token for `sub` with `roles`, signed with [`SECRET`].
pub(crate) fn token(sub: &str, roles: &[&str]) -> String {
    let issuer = TokenIssuer::hs256(SECRET).unwrap();
    let claims = issuer
        .claims(sub, format!("org-{sub}"), format!("{sub}@lift.dev"))
        .roles(roles.iter().map(|role| Role::from(*role)));
    issuer.issue(&claims).unwrap()
}

/// Holds `/api/v1/slow` requests until released, counting those that entered.
pub(crate) struct Gate {
    pub(crate) entered: Semaphore,
    pub(crate) release: Notify,
    pub(crate) open: AtomicBool,
}

impl Default for Gate {
    fn default() -> Self {
        Self {
            entered: Semaphore::new(0),
            release: Notify::new(),
            open: AtomicBool::new(false),
        }
    }
}

/// The module under test: a notes service.
#[derive(Clone, Default)]
pub(crate) struct Notes {
    pub(crate) gate: Arc<Gate>,
    pub(crate) checks: Vec<Check>,
    pub(crate) stopped: Arc<AtomicBool>,
}

#[derive(serde::Deserialize)]
struct Note {
    text: String,
}

impl LiftModule for Notes {
    fn manifest(&self) -> ManifestSource {
        let mut manifest = ModuleManifest::new("notes", "1.2.0");
        manifest.features = vec!["notes".into()];
        manifest.into()
    }

    fn routes(&self) -> Router {
        let gate = self.gate.clone();
        Router::new()
            .route(
                "/notes",
                post(|ctx: ModuleContext, Json(note): Json<Note>| async move {
                    let stored = ctx.memory().store(StoreRequest::new(note.text)).await?;
                    Ok::<_, HttpError>(Json(json!({ "memory_id": stored.memory_id })))
                }),
            )
            .route_layer(RequirePermission::<MemoryWrite>::layer())
            .route(
                "/whoami",
                get(|ctx: ModuleContext| async move {
                    Json(json!({
                        "user_id": ctx.user().user_id(),
                        "module_id": ctx.module_id().map(|id| id.to_string()),
                        "request_id": ctx.request_id().as_str(),
                    }))
                }),
            )
            .route("/panic", get(panics))
            .route(
                "/slow",
                get(move || async move {
                    gate.entered.add_permits(1);
                    if !gate.open.load(Ordering::SeqCst) {
                        gate.release.notified().await;
                    }
                    "done"
                }),
            )
    }

    fn readiness_checks(&self) -> Vec<Check> {
        self.checks.clone()
    }

    async fn on_shutdown(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }
}

async fn panics() -> &'static str {
    panic!("a bug in a handler")
}

/// Fast registration settings, so the tests never wait long on real time.
pub(crate) fn fast_registration() -> RegistrationSettings {
    RegistrationSettings::default()
        .retry_initial(Duration::from_millis(5))
        .retry_max(Duration::from_millis(20))
        .check_interval(Duration::from_millis(20))
}

/// The runtime for `module` on `127.0.0.1:0`, registering with `platform`, stopped only
/// by [`RunningModule::shutdown`].
pub(crate) async fn runtime(platform: &Platform, module: Notes) -> Runtime<Notes> {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    Runtime::new(module)
        .config(platform.config())
        .listener(listener)
        .registration(fast_registration())
        .shutdown_signal(std::future::pending())
}

/// Starts `module` and waits until it is registered.
pub(crate) async fn start(platform: &Platform, module: Notes) -> (RunningModule, String) {
    let running = runtime(platform, module).await.start().await.unwrap();
    running.registered().await.expect("the module registers");
    let base = format!("http://{}", running.local_addr());
    (running, base)
}

pub(crate) async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}
