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

use std::path::Path;

use anyhow::Context as _;
use lift_sdk::memory::StoreRequest;
use lift_sdk::registry::{ModuleManifest, ModuleStatus};
use lift_sdk::{LiftClient, LiftConfig};
use lift_testkit::replay::{Capture, Replay};

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
    let recorded = fixtures.join("liftos-captures/compat");
    let captures = REPLAYED
        .iter()
        .map(|id| Capture::load(recorded.join(format!("{id}.json"))))
        .collect::<Result<Vec<_>, _>>()?;
    // Each recorded request gets its recorded answer, byte for byte. The query is not
    // compared: the SDK pages through the registry (`?page=1&size=100`), the recording
    // listed without one.
    let platform = Replay::builder().ignore_query().serve(captures).await;
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

    // The stand-in saw nothing it had no recording for.
    platform.verify().await?;
    Ok(())
}
