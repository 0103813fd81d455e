//! The fake platform driven through the real SDK clients in whole flows (issue 10, "Done
//! when"): sign up and log in → store → search → insights; a module registers, is called
//! through the gateway as a user, stores memory as that user, and deregisters; another
//! organisation sees none of it; the quirk switches are observed.

use lift_sdk::{DirectIdentity, LiftClient, LiftConfig};
use lift_sdk::{ModuleId, ModuleManifest, Routing, SearchRequest, StoreRequest};
use lift_testkit::platform::{FakePlatform, Quirks};
use serde_json::{Value, json};

use crate::fake_support::{admin, anonymous, gateway, notes_module, platform, sign_up};

#[tokio::test]
async fn a_user_signs_up_logs_in_stores_searches_and_gets_insights_of_what_they_stored() {
    // Arrange: a user who signed up, then logged in again.
    let platform = platform().await;
    let _signed_up = sign_up(&platform, "ana").await;
    let login = anonymous(&platform)
        .auth()
        .login("ana@example.com", "s3cret!")
        .await
        .unwrap();
    let ana = crate::fake_support::with_token(&platform, login.access_token.expose());
    assert_eq!(login.user.unwrap().email, "ana@example.com");

    // Act: three memories, then searches and insights.
    let signups = ana
        .memory()
        .store(StoreRequest::new(
            "Q3 campaign lifted signups by twelve percent",
        ))
        .await
        .unwrap();
    let budget = ana
        .memory()
        .store(
            StoreRequest::new("Holiday campaign budget doubled for paid search")
                .memory_type("campaign"),
        )
        .await
        .unwrap();
    let coffee = ana
        .memory()
        .store(StoreRequest::new("The office coffee machine was replaced").memory_type("general"))
        .await
        .unwrap();
    let found = ana
        .memory()
        .search(SearchRequest::new("campaign signups"))
        .await
        .unwrap();
    let again = ana
        .memory()
        .search(SearchRequest::new("campaign signups"))
        .await
        .unwrap();
    let insights = ana.memory().insights().await.unwrap();

    // Assert: the memory with both terms first, then the one with one term; the unrelated
    // one not at all; the same ranking every time; insights count what was stored.
    assert_eq!(signups.content_length, 44);
    assert_eq!(signups.memory_type, "general");
    let ids: Vec<_> = found.results.iter().map(|hit| hit.id.clone()).collect();
    assert_eq!(
        ids,
        [signups.memory_id.clone(), budget.memory_id.clone()],
        "{found:?}"
    );
    assert_eq!(found.count, 2);
    assert!(found.results[0].score > found.results[1].score, "{found:?}");
    assert!(!ids.contains(&coffee.memory_id));
    assert_eq!(found.results[1].memory_type, "campaign");
    let scores = |response: &lift_sdk::memory::SearchResponse| {
        response
            .results
            .iter()
            .map(|hit| (hit.id.clone(), hit.score))
            .collect::<Vec<_>>()
    };
    assert_eq!(scores(&found), scores(&again));
    for search in [
        ana.memory()
            .search_neural(SearchRequest::new("coffee"))
            .await
            .unwrap(),
        ana.memory()
            .search_conceptual(SearchRequest::new("coffee"))
            .await
            .unwrap(),
        ana.memory()
            .search_knowledge(SearchRequest::new("coffee"))
            .await
            .unwrap(),
    ] {
        assert_eq!(
            search.results.first().map(|hit| &hit.id),
            Some(&coffee.memory_id)
        );
    }
    assert_eq!(insights.total_memories, 3);
    assert_eq!(insights.memory_types.get("general"), Some(&2));
    assert_eq!(insights.memory_types.get("campaign"), Some(&1));
    assert!(
        insights
            .dominant_concepts
            .iter()
            .any(|concept| concept == "campaign"),
        "{insights:?}"
    );
}

fn manifest(base_url: &str) -> ModuleManifest {
    ModuleManifest::builder("notes", "1.0.0")
        .base_url(base_url)
        .feature("notes")
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_module_registers_is_called_as_a_user_stores_memory_as_that_user_and_deregisters() {
    // Arrange: the module runs; the admin registers it; two users in two organisations.
    let platform = platform().await;
    let module_url = notes_module(&platform).await;
    let admin = admin(&platform);
    let registered = admin
        .registry()
        .register(&manifest(&module_url))
        .await
        .unwrap();
    let id: ModuleId = registered.module_id.clone();
    let ana = sign_up(&platform, "ana").await;
    let bob = sign_up(&platform, "bob").await;

    // Act: ana calls the module through the gateway; it stores a note as ana.
    let note: Value = ana
        .client
        .gateway()
        .module(&id)
        .post_json(
            "/api/v1/notes?draft=1",
            &json!({"content": "Churn fell after the onboarding emails"}),
        )
        .await
        .unwrap();

    // Assert: the module saw ana's context, once each, on a path without `//`…
    assert!(
        registered.health.status.is_healthy(),
        "{:?}",
        registered.health
    );
    assert_eq!(registered.module.base_url.trim_end_matches('/'), module_url);
    assert_eq!(note["path"], "/api/v1/notes", "{note}");
    assert_eq!(note["query"], "draft=1", "{note}");
    assert_eq!(note["user_id"], json!([ana.id]), "{note}");
    assert_eq!(note["org_id"], json!([ana.id]), "{note}");
    assert_eq!(note["roles"], json!(["user"]), "{note}");
    assert_eq!(note["module_id"], json!([id.as_str()]), "{note}");
    assert_eq!(
        note["memory_context"],
        json!([format!("org_{}_context", ana.id)]),
        "{note}"
    );
    // …the note is ana's memory…
    let found = ana
        .client
        .memory()
        .search(SearchRequest::new("churn onboarding"))
        .await
        .unwrap();
    assert_eq!(found.count, 1, "{found:?}");
    assert_eq!(
        found.results[0].id.as_str(),
        note["memory_id"].as_str().unwrap()
    );
    assert_eq!(found.results[0].memory_type, "note");
    // …and bob's organisation sees none of it, nor may bob remove the module.
    let bobs = bob
        .client
        .memory()
        .search(SearchRequest::new("churn onboarding"))
        .await
        .unwrap();
    assert_eq!(bobs.count, 0, "{bobs:?}");
    assert!(bobs.results.is_empty());
    assert_eq!(
        bob.client.memory().insights().await.unwrap().total_memories,
        0
    );
    let refused = bob.client.registry().unregister(&id).await.unwrap_err();
    assert_eq!(
        refused.status().map(|status| status.as_u16()),
        Some(403),
        "{refused}"
    );

    // Act: the admin deregisters the module.
    admin.registry().unregister(&id).await.unwrap();

    // Assert: gone from the registry and from the gateway.
    assert!(admin.registry().get(&id).await.unwrap_err().is_not_found());
    let gone = ana
        .client
        .gateway()
        .module(&id)
        .get_json::<Value>("/api/v1/whoami")
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn the_gateway_replaces_user_headers_a_client_sends_with_the_tokens_own() {
    // Arrange
    let platform = platform().await;
    let module_url = notes_module(&platform).await;
    let id = admin(&platform)
        .registry()
        .register(&manifest(&module_url))
        .await
        .unwrap()
        .module_id;
    let ana = sign_up(&platform, "ana").await;

    // Act: a raw client (the SDK never sends these) claims to be someone else, as admin.
    let seen: Value = reqwest::Client::new()
        .get(format!("{}/modules/{id}/api/v1/whoami", gateway(&platform)))
        .bearer_auth(&ana.token)
        .header("X-User-ID", "someone-else")
        .header("X-Org-ID", "someone-elses-org")
        .header("X-User-Roles", "admin")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    // Assert
    assert_eq!(seen["user_id"], json!([ana.id]), "{seen}");
    assert_eq!(seen["org_id"], json!([ana.id]), "{seen}");
    assert_eq!(seen["roles"], json!(["user"]), "{seen}");
}

#[tokio::test]
async fn with_the_reference_quirks_the_traps_are_reproduced() {
    // Arrange: every quirk on.
    let platform = FakePlatform::builder()
        .quirks(Quirks::reference())
        .start()
        .await
        .unwrap();
    let module_url = notes_module(&platform).await;
    let registered = admin(&platform)
        .registry()
        .register(&manifest(&module_url))
        .await
        .unwrap();
    let ana = sign_up(&platform, "ana").await;

    // Act: a spoofing client through the gateway.
    let seen: Value = reqwest::Client::new()
        .get(format!(
            "{}/modules/{}/api/v1/whoami",
            gateway(&platform),
            registered.module_id
        ))
        .bearer_auth(&ana.token)
        .header("X-User-ID", "someone-else")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    // Assert: `base_url` stored with a trailing `/`, the module reached at `//api/v1/…`,
    // and the client's `X-User-ID` forwarded first.
    assert_eq!(registered.module.base_url, format!("{module_url}/"));
    assert_eq!(seen["path"], "//api/v1/whoami", "{seen}");
    assert_eq!(seen["user_id"], json!(["someone-else", ana.id]), "{seen}");
}

#[tokio::test]
async fn an_organisation_calling_memory_directly_sees_only_its_own_memories() {
    // Arrange: ana stores through the gateway; a direct client (the module-inside-the-
    // network way, contract §7.3) acts for another organisation.
    let platform = platform().await;
    let ana = sign_up(&platform, "ana").await;
    ana.client
        .memory()
        .store(StoreRequest::new("Pricing experiment raised conversion"))
        .await
        .unwrap();
    let direct = |org: &str| {
        let config = LiftConfig::new(&gateway(&platform))
            .unwrap()
            .service_url("memory", platform.memory_url())
            .unwrap()
            .routing(Routing::Direct)
            .direct_identity(DirectIdentity::new(format!("user-of-{org}"), org));
        LiftClient::new(config).unwrap()
    };

    // Act
    let other = direct("other-org")
        .memory()
        .search(SearchRequest::new("pricing conversion"))
        .await
        .unwrap();
    let own = direct(&ana.id)
        .memory()
        .search(SearchRequest::new("pricing conversion"))
        .await
        .unwrap();

    // Assert
    assert_eq!(other.count, 0, "{other:?}");
    assert_eq!(own.count, 1, "{own:?}");
}

#[tokio::test]
async fn the_rate_limit_answers_429_and_with_the_quirk_a_text_500_but_never_on_health() {
    for (quirks, status) in [(Quirks::default(), 429), (Quirks::reference(), 500)] {
        // Arrange: two requests a minute.
        let platform = FakePlatform::builder()
            .quirks(quirks)
            .rate_limit(2, std::time::Duration::from_secs(60))
            .start()
            .await
            .unwrap();
        let http = reqwest::Client::new();
        let root = format!("{}/", gateway(&platform));

        // Act
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(http.get(&root).send().await.unwrap().status().as_u16());
        }
        let health = http
            .get(format!("{}/health", gateway(&platform)))
            .send()
            .await
            .unwrap();

        // Assert
        assert_eq!(statuses, [200, 200, status], "{quirks:?}");
        assert_eq!(health.status(), 200, "{quirks:?}");
    }
}
