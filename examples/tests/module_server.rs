//! The `module_server` example's module, run by the harness against the fake platform:
//! whoami answers the caller's claims, notes are stored and searched in the caller's memory
//! with the right permission, and refused with `403` without it.

use lift_examples::module_server::{NAME, Whoami};
use lift_sdk::auth::Role;
use lift_sdk::serde_json::{Value, json};
use lift_testkit::harness::ModuleHarness;
use lift_testkit::platform::FakePlatform;

/// A token of `user` (its own organisation) with exactly `permissions` and no role.
fn token(platform: &FakePlatform, user: &str, permissions: &[&str]) -> String {
    let mut claims = platform.claims(user, user, &format!("{user}@example.com"));
    claims.permissions = permissions.iter().map(|&p| p.to_owned()).collect();
    platform.sign(&claims)
}

/// The fake platform, and the module running against it, registered.
async fn start() -> Result<(FakePlatform, ModuleHarness), Box<dyn std::error::Error>> {
    let platform = FakePlatform::start().await?;
    let harness = ModuleHarness::builder(Whoami)
        .config(platform.config())
        .start()
        .await?;
    Ok((platform, harness))
}

#[tokio::test]
async fn the_module_registers_and_deregisters_on_shutdown() {
    // Arrange
    let (platform, harness) = start().await.unwrap();

    // Act
    let listed: Vec<Value> = platform.modules();
    harness.shutdown().await.unwrap();

    // Assert
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["name"], NAME);
    assert!(platform.modules().is_empty(), "{:?}", platform.modules());
}

#[tokio::test]
async fn whoami_answers_the_callers_claims_and_needs_a_token() {
    // Arrange
    let (platform, harness) = start().await.unwrap();
    let claims = platform
        .claims("u-1", "org-1", "ana@example.com")
        .roles([Role::Viewer]);
    let token = platform.sign(&claims);

    // Act
    let answer = harness.get("/whoami").bearer(token).send().await.unwrap();
    let anonymous = harness.get("/whoami").send().await.unwrap();

    // Assert
    assert_eq!(answer.status(), 200, "{}", answer.text());
    let body: Value = answer.json().unwrap();
    assert_eq!(body, lift_sdk::serde_json::to_value(&claims).unwrap());
    assert_eq!(body["sub"], "u-1");
    assert_eq!(body["org_id"], "org-1");
    assert_eq!(body["email"], "ana@example.com");
    assert_eq!(body["roles"], json!(["viewer"]));
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn notes_are_stored_and_searched_in_the_callers_memory_with_the_permissions() {
    // Arrange
    let (platform, harness) = start().await.unwrap();
    let writer = token(&platform, "u-1", &["memory:write", "memory:read"]);

    // Act
    let stored = harness
        .post("/notes")
        .bearer(writer.clone())
        .json(&json!({ "text": "Churn fell after the onboarding emails" }))
        .send()
        .await
        .unwrap();
    let found = harness
        .get("/notes/search?q=onboarding+churn")
        .bearer(writer)
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(stored.status(), 200, "{}", stored.text());
    let stored: Value = stored.json().unwrap();
    assert_eq!(stored["stored_for"], "u-1");
    let memories = platform.memories("u-1");
    assert_eq!(memories.len(), 1, "{memories:?}");
    assert_eq!(
        memories[0]["content"],
        "Churn fell after the onboarding emails"
    );
    assert_eq!(memories[0]["id"], stored["memory_id"]);
    assert_eq!(found.status(), 200, "{}", found.text());
    let found: Value = found.json().unwrap();
    assert_eq!(found["count"], 1);
    assert_eq!(
        found["texts"],
        json!(["Churn fell after the onboarding emails"])
    );
}

#[tokio::test]
async fn notes_without_the_permission_are_refused_with_403_and_nothing_is_stored() {
    // Arrange
    let (platform, harness) = start().await.unwrap();
    let reader = token(&platform, "u-2", &["memory:read"]);
    let writer = token(&platform, "u-3", &["memory:write"]);

    // Act
    let store = harness
        .post("/notes")
        .bearer(reader)
        .json(&json!({ "text": "not allowed" }))
        .send()
        .await
        .unwrap();
    let search = harness
        .get("/notes/search?q=anything")
        .bearer(writer)
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(store.status(), 403, "{}", store.text());
    let detail: Value = store.json().unwrap();
    assert_eq!(
        detail,
        json!({ "detail": "insufficient permissions: memory:write" })
    );
    assert_eq!(search.status(), 403, "{}", search.text());
    let detail: Value = search.json().unwrap();
    assert_eq!(
        detail,
        json!({ "detail": "insufficient permissions: memory:read" })
    );
    assert!(platform.memories("u-2").is_empty());
}
