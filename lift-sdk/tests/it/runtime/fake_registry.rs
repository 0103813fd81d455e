//! A registry that keeps modules in memory like the reference (§6), behind the gateway
//! prefix `/registry`, for the runtime's end-to-end tests: it can be down, and it can
//! restart (losing every record).

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

type Probe = Box<dyn Fn() -> u16 + Send + Sync>;

#[derive(Default)]
struct Records {
    modules: Vec<Value>,
    issued: u32,
    down: bool,
    on_delete: Option<Arc<Probe>>,
    probed: Vec<u16>,
}

/// The fake registry; clones share it.
#[derive(Clone, Default)]
pub(crate) struct FakeRegistry {
    records: Arc<Mutex<Records>>,
}

impl FakeRegistry {
    /// Mounts the registry's routes on `server` under `/registry`.
    pub(crate) async fn mount(&self, server: &MockServer) {
        Mock::given(path_regex("^/registry/modules"))
            .respond_with(self.clone())
            .mount(server)
            .await;
    }

    /// Answers every call with 503 while `down`.
    pub(crate) fn set_down(&self, down: bool) {
        self.records.lock().unwrap().down = down;
    }

    /// Forgets every record, as the reference does when it restarts.
    pub(crate) fn restart(&self) {
        self.records.lock().unwrap().modules.clear();
    }

    /// Adds a record as another client would have registered it; returns its id.
    pub(crate) fn insert(&self, name: &str, base_url: &str) -> String {
        let mut records = self.records.lock().unwrap();
        let id = next_id(&mut records);
        let record = record(
            &id,
            &json!({ "name": name, "version": "0.9.0", "base_url": base_url }),
        );
        records.modules.push(record);
        id
    }

    /// Runs `probe` whenever a module is deleted, keeping what it returns.
    pub(crate) fn on_delete(&self, probe: impl Fn() -> u16 + Send + Sync + 'static) {
        self.records.lock().unwrap().on_delete = Some(Arc::new(Box::new(probe)));
    }

    /// What the `on_delete` probe returned, delete by delete.
    pub(crate) fn ready_at_delete(&self) -> Vec<u16> {
        self.records.lock().unwrap().probed.clone()
    }

    /// The ids of the records held now.
    pub(crate) fn ids(&self) -> Vec<String> {
        let records = self.records.lock().unwrap();
        records
            .modules
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn next_id(records: &mut Records) -> String {
    records.issued += 1;
    format!("00000000-0000-4000-8000-{:012}", records.issued)
}

fn record(id: &str, body: &Value) -> Value {
    let mut base_url = body["base_url"].as_str().unwrap_or_default().to_owned();
    // Stored normalised: a trailing slash when the path is empty (contract §6.1).
    if url::Url::parse(&base_url).is_ok_and(|url| url.path() == "/") && !base_url.ends_with('/') {
        base_url.push('/');
    }
    json!({
        "id": id,
        "name": body["name"],
        "version": body["version"],
        "base_url": base_url,
        "health_endpoint": body.get("health_endpoint").cloned().unwrap_or(json!("/health")),
        "api_prefix": body.get("api_prefix").cloned().unwrap_or(json!("/api/v1")),
        "status": "active",
        "features": body.get("features").cloned().unwrap_or(json!([])),
        "permissions": body.get("permissions").cloned().unwrap_or(json!([])),
        "memory_requirements": body.get("memory_requirements").cloned().unwrap_or(json!({})),
        "ui_components": body.get("ui_components").cloned().unwrap_or(json!([])),
        "metadata": body.get("metadata").cloned().unwrap_or(json!({})),
        "created_at": "2026-12-01T08:09:03.503854",
        "updated_at": null,
        "registered_by": "lift-module"
    })
}

fn ok(message: &str, data: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "success": true, "message": message, "data": data, "errors": null, "metadata": null
    }))
}

fn not_found() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({ "detail": "Module not found" }))
}

impl Respond for FakeRegistry {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut records = self.records.lock().unwrap();
        if records.down {
            return ResponseTemplate::new(503)
                .set_body_json(json!({ "detail": "Service registry unavailable" }));
        }
        let path = request.url.path().trim_start_matches("/registry/modules");
        let id = path.trim_matches('/');
        let position = records.modules.iter().position(|m| m["id"] == id);
        match (request.method.as_str(), id.is_empty(), position) {
            ("POST", true, _) => {
                let body: Value = serde_json::from_slice(&request.body).unwrap();
                let id = next_id(&mut records);
                let module = record(&id, &body);
                records.modules.push(module.clone());
                ok(
                    "Module registered successfully",
                    &json!({ "module_id": id, "module": module, "health": { "status": "healthy" } }),
                )
            }
            ("GET", true, _) => {
                let total = records.modules.len();
                ok(
                    "Modules retrieved successfully",
                    &json!({ "items": records.modules, "total": total, "page": 1, "size": 100,
                            "pages": 1, "has_next": false, "has_prev": false }),
                )
            }
            ("GET", false, Some(at)) => ok(
                "Module retrieved successfully",
                &records.modules[at].clone(),
            ),
            ("DELETE", false, Some(at)) => {
                records.modules.remove(at);
                if let Some(probe) = records.on_delete.clone() {
                    // Not under the lock: the probe calls the module, which may call back.
                    drop(records);
                    let status = probe();
                    self.records.lock().unwrap().probed.push(status);
                }
                ok(
                    "Module unregistered successfully",
                    &json!({ "module_id": id }),
                )
            }
            _ => not_found(),
        }
    }
}
