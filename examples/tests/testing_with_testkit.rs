//! `testing_with_testkit`: how a module's own tests look with `lift-testkit`, shown on the
//! `module_server` example's module (`whoami`, in `src/module_server.rs`).
//!
//! - the **mocks**: a gateway mock that checks bearer tokens, with the registry and memory
//!   mocks behind it, so the module's gateway-mode clients reach them all at one URL;
//! - **tokens** of chosen users and permissions from `TestTokens`, which the module's auth
//!   layer verifies for real;
//! - a **failure scenario** on the memory mock (`503`, then the happy answer);
//! - the **harness**, which runs the module with the production runtime on `127.0.0.1:0`,
//!   calls it as a user, and shuts it down;
//! - **expectations** the mocks verify on `verify().await` and when they drop.
//!
//! Run it with `cargo test -p lift-examples --test testing_with_testkit`.

use lift_examples::module_server::{NAME, Whoami};
use lift_sdk::LiftConfig;
use lift_sdk::auth::Role;
use lift_sdk::serde_json::{Value, json};
use lift_testkit::harness::ModuleHarness;
use lift_testkit::mocks::{MockGateway, MockMemory, MockRegistry};
use lift_testkit::scenario::{Scenario, Step};
use lift_testkit::tokens::TestTokens;

/// The platform's mocks, and the module running against them.
struct World {
    gateway: MockGateway,
    registry: MockRegistry,
    memory: MockMemory,
    harness: ModuleHarness,
}

/// Mocks first (the gateway admits the tokens' users), then the module, registered.
async fn start() -> Result<World, Box<dyn std::error::Error>> {
    let tokens = TestTokens::hs256();
    let gateway = MockGateway::with_tokens(&tokens).await;
    let registry = MockRegistry::behind(&gateway).await;
    let memory = MockMemory::behind(&gateway).await;
    // The module registers through the gateway with a service token signed with this secret,
    // and its auth layer accepts the tokens' users.
    let secret = tokens.secret().unwrap_or_default().to_owned();
    let config = LiftConfig::new(&gateway.uri())?.jwt_secret(secret);
    let harness = ModuleHarness::builder(Whoami)
        .config(config)
        .tokens(tokens)
        .start()
        .await?;
    Ok(World {
        gateway,
        registry,
        memory,
        harness,
    })
}

#[tokio::test]
async fn the_module_registers_once_and_deregisters_on_shutdown() {
    let world = start().await.unwrap();
    world.registry.expect_registration(NAME).times(1);
    world.registry.expect_deregistration(NAME).times(1);

    world.harness.shutdown().await.unwrap();

    let (manifest, caller) = &world.registry.registered_manifests()[0];
    assert_eq!(manifest.name, NAME);
    assert_eq!(caller.as_ref().map(|c| c.by_token), Some(true));
    assert!(world.registry.modules().is_empty());
    world.registry.verify().await;
}

#[tokio::test]
async fn a_note_is_stored_once_as_the_caller_and_never_without_the_permission() {
    let world = start().await.unwrap();
    world.memory.expect_store().as_user("u-1").times(1);

    let stored = world
        .harness
        .post("/notes")
        .as_user("u-1")
        .org("acme")
        .permissions(["memory:write"])
        .json(&json!({ "text": "Q3 campaign lifted signups" }))
        .send()
        .await
        .unwrap();
    let refused = world
        .harness
        .post("/notes")
        .as_user("u-2")
        .roles([Role::Viewer])
        .permissions(["memory:read"])
        .json(&json!({ "text": "not allowed" }))
        .send()
        .await
        .unwrap();

    assert_eq!(stored.status(), 200, "{}", stored.text());
    assert_eq!(stored.json::<Value>().unwrap()["stored_for"], "u-1");
    assert_eq!(refused.status(), 403);
    let memories = world.memory.memories("acme");
    assert_eq!(memories.len(), 1);
    assert_eq!(memories[0].content, "Q3 campaign lifted signups");
    world.memory.verify().await;
}

#[tokio::test]
async fn a_search_the_memory_service_refuses_once_is_retried_by_the_module() {
    let world = start().await.unwrap();
    world
        .memory
        .seed("acme", "churn fell after onboarding", json!({}));
    let flaky = Scenario::new().then(Step::service_unavailable());
    let scenario = world.memory.scenario("POST", "/search", flaky).await;

    let found = world
        .harness
        .get("/notes/search?q=churn")
        .as_user("u-1")
        .org("acme")
        .permissions(["memory:read"])
        .send()
        .await
        .unwrap();

    assert_eq!(found.status(), 200, "{}", found.text());
    assert_eq!(
        found.json::<Value>().unwrap(),
        json!({ "count": 1, "texts": ["churn fell after onboarding"] })
    );
    // The 503 was answered once; the module's client asked again and got the happy answer.
    assert_eq!(scenario.calls(), 1);
    assert_eq!(world.memory.received_on("POST", "/search").len(), 2);
    let through_gateway = world.gateway.received();
    let searches = through_gateway
        .iter()
        .filter(|r| r.path == "/memory/search");
    assert_eq!(searches.count(), 2);
}

#[tokio::test]
async fn a_bad_token_never_reaches_the_module_s_handlers() {
    let world = start().await.unwrap();
    world.memory.expect_no_store();

    let expired = world
        .harness
        .tokens()
        .expect("the harness holds the tokens")
        .expired();
    let answer = world
        .harness
        .post("/notes")
        .bearer(expired)
        .json(&json!({ "text": "x" }))
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), 401);
    world.memory.verify().await;
}
