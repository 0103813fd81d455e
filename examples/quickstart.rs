//! Quickstart: a tour of the SDK against answers recorded from the reference services.
//!
//! A local stand-in of the platform replays exchanges recorded from the reference Lift OS
//! Core services (`fixtures/liftos-captures/compat`), headers and all, on `127.0.0.1`. The
//! SDK logs in as the seeded admin, checks the gateway, loads a reference `module.json`,
//! registers the module the recording registered, finds it again by name, reads memory statistics, survives the reference's
//! broken `/memory/store` (a typed error, not a panic) and unregisters the module.
//!
//! Run it with `cargo run --example quickstart`. Point `LiftConfig` at a real gateway
//! instead of the stand-in and the same code runs against the platform.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use lift_sdk::memory::StoreRequest;
use lift_sdk::registry::{ModuleManifest, ModuleStatus};
use lift_sdk::{LiftClient, LiftConfig};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The recorded exchanges the stand-in replays, in the order the tour uses them.
const REPLAYED: &[&str] = &[
    "01-gateway-health",
    "15-auth-login-admin",
    "58-registry-register",
    "63-registry-list",
    "72-registry-module-health",
    "39-memory-context-stats",
    "27-memory-store",
    "82-registry-unregister",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let platform = stand_in(&fixtures.join("liftos-captures/compat")).await?;
    println!(
        "stand-in platform replaying {} recorded exchanges at {}",
        REPLAYED.len(),
        platform.uri()
    );

    // 1. One client for every service: gateway routing, logged in as the seeded admin.
    let config = LiftConfig::new(&platform.uri())?.login("admin@lift.dev", "admin123");
    let client = LiftClient::new(config)?;
    let health = client.gateway().health().await?;
    println!("gateway: {} (uptime {:?})", health.status, health.uptime);

    // 2. Manifests: a reference module.json loads and validates...
    let template = ModuleManifest::from_path(fixtures.join("module-manifests/_template.json"))
        .context("loading the module manifest")?;
    template.validate_for_registration()?;
    println!(
        "loaded `{}` {} from module.json",
        template.name, template.version
    );
    // ...and the module the recording registered is built in code. Registering logs in
    // first: the login happens on the first call that needs a token.
    let manifest = ModuleManifest::builder("echo-module", "1.0.0")
        .base_url("http://127.0.0.1:9100")
        .feature("echo")
        .permission("echo:read")
        .build()?;
    let registration = client.registry().register(&manifest).await?;
    println!(
        "registered `{}` as {} (first health probe: {})",
        manifest.name, registration.module_id, registration.health.status
    );

    // 3. The registry assigns a new id at every registration: find modules by name.
    let found = client.registry().find_by_name("echo-module").await?;
    if let Some(module) = &found {
        let active = module.status == ModuleStatus::Active;
        println!(
            "found `{}` again by name: id {}, active: {active}",
            module.name, module.id
        );
        let report = client.registry().module_health(&module.id).await?;
        println!("its health now: {}", report.health.status);
    }

    // 4. Memory, as the logged-in user.
    let stats = client.memory().context_stats().await?;
    println!(
        "memory contexts: {} active of {}",
        stats.active_contexts, stats.total_contexts
    );
    match client
        .memory()
        .store(StoreRequest::new("Q3 campaign lifted signups 12%"))
        .await
    {
        Ok(stored) => println!("stored memory {}", stored.memory_id),
        // The reference's /store fails as committed (contract §0): the SDK reports it.
        Err(err) => println!("store failed as the reference does: {err}"),
    }

    // 5. Clean up.
    let gone = client
        .registry()
        .unregister(&registration.module_id)
        .await?;
    println!("unregistered {gone}");
    Ok(())
}

/// A local server that answers each recorded request with its recorded response.
async fn stand_in(captures: &Path) -> anyhow::Result<MockServer> {
    let server = MockServer::start().await;
    for id in REPLAYED {
        let file: PathBuf = captures.join(format!("{id}.json"));
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let capture: Value =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", file.display()))?;
        let request = &capture["request"];
        let response = &capture["response"];
        let recorded_path = request["path"].as_str().unwrap_or_default();
        let only_path = recorded_path
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();
        let status = response["status"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(500);
        let mut template = ResponseTemplate::new(status);
        let mut mime = "application/json".to_owned();
        for pair in response["headers"].as_array().into_iter().flatten() {
            match (pair[0].as_str(), pair[1].as_str()) {
                (Some("content-type"), Some(value)) => value.clone_into(&mut mime),
                (Some(name), Some(value))
                    if name != "content-length" && name != "transfer-encoding" =>
                {
                    template = template.append_header(name, value);
                }
                _ => {}
            }
        }
        let body = response["body_raw"]
            .as_str()
            .unwrap_or_default()
            .as_bytes()
            .to_vec();
        Mock::given(method(request["method"].as_str().unwrap_or("GET")))
            .and(path(only_path))
            .respond_with(template.set_body_raw(body, &mime))
            .mount(&server)
            .await;
    }
    Ok(server)
}
