//! `FakePlatform` through the real SDK clients: every service's health, the config it
//! hands out, a user's flow through the gateway, reset, persistence in a data directory,
//! the request checks every service shares (413, 422, 404), shutdown, and a module run by
//! `ModuleHarness` against it.

use std::time::Duration;

use lift_sdk::auth::RegisterRequest;
use lift_sdk::{ErrorKind, LiftClient, Routing, SearchRequest, StoreRequest};
use lift_testkit::platform::{FakePlatform, SeedUser};
use serde_json::{Value, json};

fn client(platform: &FakePlatform, token: &str) -> LiftClient {
    LiftClient::new(platform.config().token(token)).unwrap()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "lift-fake-{name}-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn every_service_is_healthy_through_the_gateway_and_on_its_own_port() {
    let platform = FakePlatform::start().await.unwrap();
    let client = client(&platform, &platform.admin_token());

    let gateway = client.gateway().health().await.unwrap();
    let auth = client.auth().health().await.unwrap();
    let memory = client.memory().health().await.unwrap();
    let registry = client.registry().health().await.unwrap();

    assert!(gateway.is_healthy(), "{gateway:?}");
    assert_eq!(gateway.service.as_deref(), Some("gateway"));
    assert!(auth.is_healthy(), "{auth:?}");
    assert_eq!(auth.service.as_deref(), Some("auth"));
    assert!(
        ["healthy", "degraded"].contains(&memory.status.as_str()),
        "{memory:?}"
    );
    assert!(registry.is_healthy(), "{registry:?}");
    assert_eq!(client.gateway().ready().await.unwrap().status, "ready");
    let http = reqwest::Client::new();
    for url in [
        platform.gateway_url(),
        platform.auth_url(),
        platform.memory_url(),
        platform.registry_url(),
    ] {
        let answer = http.get(format!("{url}/health")).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{url}");
    }
}

#[tokio::test]
async fn the_config_points_at_the_platform_in_gateway_mode_with_its_secret() {
    let platform = FakePlatform::builder()
        .secret("another-secret-for-this-test-0123456789")
        .start()
        .await
        .unwrap();

    let config = platform.config();

    assert_eq!(config.routing, Routing::Gateway);
    assert_eq!(
        config.gateway_url.as_str(),
        format!("{}/", platform.gateway_url())
    );
    assert_eq!(
        config.auth_url.as_str(),
        format!("{}/", platform.auth_url())
    );
    assert_eq!(
        config.memory_url.as_str(),
        format!("{}/", platform.memory_url())
    );
    assert_eq!(
        config.registry_url.as_str(),
        format!("{}/", platform.registry_url())
    );
    assert_eq!(
        config
            .jwt_secret
            .as_ref()
            .map(|secret| secret.expose().to_owned()),
        Some("another-secret-for-this-test-0123456789".to_owned())
    );
    assert_eq!(platform.secret(), "another-secret-for-this-test-0123456789");
    let claims = lift_sdk::auth::TokenVerifier::hs256(platform.secret())
        .unwrap()
        .verify(&platform.admin_token())
        .unwrap();
    assert_eq!(claims.email, SeedUser::ADMIN_EMAIL);
    assert!(claims.has_role(&lift_sdk::auth::Role::Admin));
}

#[tokio::test]
async fn a_user_registers_logs_in_stores_searches_and_reads_insights_through_the_gateway() {
    let platform = FakePlatform::start().await.unwrap();
    let anonymous = LiftClient::new(platform.config()).unwrap();

    let registered = anonymous
        .auth()
        .register(&RegisterRequest::new(
            "ana@example.com",
            "s3cret!",
            "ana",
            "Ana A",
        ))
        .await
        .unwrap();
    let login = anonymous
        .auth()
        .login("ana@example.com", "s3cret!")
        .await
        .unwrap();
    let ana = client(&platform, login.access_token.expose());
    let stored = ana
        .memory()
        .store(StoreRequest::new("Q3 campaign lifted signups 12%"))
        .await
        .unwrap();
    ana.memory()
        .store(StoreRequest::new("the office moved to Lisbon"))
        .await
        .unwrap();
    let found = ana
        .memory()
        .search(SearchRequest::new("campaign signups"))
        .await
        .unwrap();
    let insights = ana.memory().insights().await.unwrap();

    assert_eq!(
        registered.user.as_ref().map(|u| u.email.as_str()),
        Some("ana@example.com")
    );
    assert_eq!(found.results.len(), 1, "{found:?}");
    assert_eq!(found.results[0].id, stored.memory_id);
    assert_eq!(insights.total_memories, 2);
    let org = registered.user.unwrap().id;
    let memories = platform.memories(&org);
    assert_eq!(memories.len(), 2);
    assert_eq!(memories[0]["content"], "Q3 campaign lifted signups 12%");
    assert!(
        platform
            .users()
            .iter()
            .any(|user| user["email"] == "ana@example.com")
    );
    assert!(platform.memories("another-org").is_empty());
}

#[tokio::test]
async fn reset_goes_back_to_the_seeded_users_and_nothing_else() {
    let platform = FakePlatform::builder()
        .seed_user(SeedUser::new("bo@example.com", "pw-bo", "bo").org_id("org-bo"))
        .start()
        .await
        .unwrap();
    let bo = client(&platform, &platform.token_for("bo@example.com").unwrap());
    bo.memory()
        .store(StoreRequest::new("kept until reset"))
        .await
        .unwrap();
    LiftClient::new(platform.config())
        .unwrap()
        .auth()
        .register(&RegisterRequest::new("cy@example.com", "pw", "cy", "Cy"))
        .await
        .unwrap();
    assert_eq!(platform.memories("org-bo").len(), 1);
    assert_eq!(platform.users().len(), 3);

    platform.reset();

    assert!(platform.memories("org-bo").is_empty());
    assert!(platform.modules().is_empty());
    let emails: Vec<Value> = platform
        .users()
        .iter()
        .map(|u| u["email"].clone())
        .collect();
    assert_eq!(emails, [json!("admin@lift.dev"), json!("bo@example.com")]);
    assert!(platform.token_for("cy@example.com").is_none());
}

#[tokio::test]
async fn a_data_dir_keeps_users_and_memories_across_restarts() {
    let dir = temp_dir("restart");
    let first = FakePlatform::builder()
        .data_dir(&dir)
        .start()
        .await
        .unwrap();
    let anonymous = LiftClient::new(first.config()).unwrap();
    let ana = anonymous
        .auth()
        .register(&RegisterRequest::new(
            "ana@example.com",
            "s3cret!",
            "ana",
            "Ana",
        ))
        .await
        .unwrap();
    let org = ana.user.unwrap().id;
    client(&first, ana.access_token.expose())
        .memory()
        .store(StoreRequest::new("survives a restart"))
        .await
        .unwrap();
    first.shutdown().await;

    let second = FakePlatform::builder()
        .data_dir(&dir)
        .start()
        .await
        .unwrap();
    let login = LiftClient::new(second.config())
        .unwrap()
        .auth()
        .login("ana@example.com", "s3cret!")
        .await
        .unwrap();
    let found = client(&second, login.access_token.expose())
        .memory()
        .search(SearchRequest::new("restart"))
        .await
        .unwrap();

    assert_eq!(found.results.len(), 1);
    assert_eq!(found.results[0].content, "survives a restart");
    assert_eq!(second.memories(&org).len(), 1);
    second.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_json_on_every_port() {
    let platform = FakePlatform::builder()
        .body_limit(1024)
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let big = json!({ "content": "x".repeat(4096), "metadata": {} }).to_string();
    let token = platform.admin_token();

    for url in [
        format!("{}/memory/store", platform.gateway_url()),
        format!("{}/store", platform.memory_url()),
        format!("{}/login", platform.auth_url()),
        format!("{}/modules", platform.registry_url()),
    ] {
        let answer = http
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 413, "{url}");
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body, json!({ "detail": "Request body too large" }), "{url}");
    }
}

#[tokio::test]
async fn garbage_bodies_get_fastapi_422s_never_a_500() {
    let platform = FakePlatform::start().await.unwrap();
    let http = reqwest::Client::new();
    let token = platform.admin_token();
    let garbage: [&[u8]; 6] = [
        b"{\"query\": ",
        b"not json at all",
        b"[1,2,3]",
        b"{\"query\": 5, \"limit\": \"many\"}",
        b"\xff\xfe\x00garbage",
        b"",
    ];
    let routes = [
        "/memory/search",
        "/memory/store",
        "/registry/modules",
        "/auth/login",
        "/auth/register",
    ];

    for route in routes {
        for body in garbage {
            let answer = http
                .post(format!("{}{route}", platform.gateway_url()))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            let status = answer.status().as_u16();
            let text = answer.text().await.unwrap();
            assert_eq!(status, 422, "{route} {body:?}: {text}");
            let detail: Value = serde_json::from_str(&text).unwrap();
            let items = detail["detail"].as_array().unwrap();
            assert!(!items.is_empty());
            for item in items {
                assert!(item["type"].is_string() && item["loc"].is_array(), "{item}");
                assert!(
                    item["msg"].is_string() && item.get("input").is_some(),
                    "{item}"
                );
            }
        }
    }
    let malformed = http
        .post(format!("{}/memory/search", platform.gateway_url()))
        .bearer_auth(&token)
        .body("{\"query\": ")
        .send()
        .await
        .unwrap();
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["detail"][0]["type"], "json_invalid");
    // Still serving, nothing lost.
    assert!(
        LiftClient::new(platform.config().token(token))
            .unwrap()
            .memory()
            .insights()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_get_fastapis_404_and_405() {
    let platform = FakePlatform::start().await.unwrap();
    let http = reqwest::Client::new();
    let token = platform.admin_token();

    let unknown = http
        .get(format!("{}/memory/no-such-route", platform.gateway_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let wrong_method = http
        .get(format!("{}/search", platform.memory_url()))
        .send()
        .await
        .unwrap();
    let gateway_unknown = http
        .get(format!("{}/nowhere", platform.gateway_url()))
        .send()
        .await
        .unwrap();

    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<Value>().await.unwrap(),
        json!({ "detail": "Not Found" })
    );
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(
        wrong_method.json::<Value>().await.unwrap(),
        json!({ "detail": "Method Not Allowed" })
    );
    assert_eq!(gateway_unknown.status(), 404);
    assert_eq!(
        gateway_unknown.json::<Value>().await.unwrap(),
        json!({ "detail": "Not Found" })
    );
}

#[tokio::test]
async fn after_shutdown_nothing_answers() {
    let platform = FakePlatform::start().await.unwrap();
    let url = format!("{}/health", platform.gateway_url());
    let http = reqwest::Client::new();
    assert_eq!(http.get(&url).send().await.unwrap().status(), 200);

    tokio::time::timeout(Duration::from_secs(10), platform.shutdown())
        .await
        .unwrap();

    let refused = reqwest::Client::new().get(&url).send().await;
    assert!(refused.is_err(), "{refused:?}");
}

#[tokio::test]
async fn a_token_of_another_secret_is_refused_by_the_sdk_as_unauthorized() {
    let platform = FakePlatform::start().await.unwrap();
    let wrong =
        lift_testkit::tokens::TestTokens::with_secret("a-different-secret-0123456789abcdef")
            .unwrap()
            .admin();

    let err = client(&platform, &wrong)
        .memory()
        .insights()
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Status);
    assert!(err.is_unauthorized(), "{err:?}");
}

#[test]
fn the_platform_and_its_builder_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<FakePlatform>();
    send_sync::<lift_testkit::platform::FakePlatformBuilder>();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_users_storing_through_the_gateway_lose_nothing() {
    let platform = FakePlatform::builder()
        .no_rate_limit()
        .start()
        .await
        .unwrap();
    let orgs: Vec<String> = (0..4).map(|n| format!("org-{n}")).collect();
    let mut writers = Vec::new();
    for org in &orgs {
        let token = platform.sign(
            &platform
                .claims(&format!("user-{org}"), org, "w@example.com")
                .roles([lift_sdk::Role::User]),
        );
        for n in 0..15 {
            let client = client(&platform, &token);
            let org = org.clone();
            writers.push(tokio::spawn(async move {
                client
                    .memory()
                    .store(StoreRequest::new(format!("note {n} of {org}")))
                    .await
                    .map(|stored| stored.memory_id)
            }));
        }
    }

    let mut ids = Vec::new();
    for writer in writers {
        ids.push(writer.await.unwrap().unwrap());
    }

    ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    ids.dedup();
    assert_eq!(ids.len(), 60, "every store got its own id");
    for org in &orgs {
        let memories = platform.memories(org);
        assert_eq!(memories.len(), 15, "{org}");
        let mut contents: Vec<String> = memories
            .iter()
            .map(|memory| memory["content"].as_str().unwrap().to_owned())
            .collect();
        contents.sort();
        let mut expected: Vec<String> = (0..15).map(|n| format!("note {n} of {org}")).collect();
        expected.sort();
        assert_eq!(contents, expected);
    }
}

#[tokio::test]
async fn the_registry_checks_the_user_context_before_the_body_as_the_reference() {
    let platform = FakePlatform::start().await.unwrap();
    let http = reqwest::Client::new();
    let post = |headers: &[(&str, &str)]| {
        let mut request = http
            .post(format!("{}/modules", platform.registry_url()))
            .header("content-type", "application/json")
            .body("{\"name\": ");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };

    let anonymous = post(&[]).await.unwrap();
    let with_context = post(&[
        ("x-user-id", "u-1"),
        ("x-org-id", "o-1"),
        ("x-user-roles", "admin"),
    ])
    .await
    .unwrap();

    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.json::<Value>().await.unwrap(),
        json!({ "detail": "User context required" })
    );
    assert_eq!(with_context.status(), 422);
    let body: Value = with_context.json().await.unwrap();
    assert_eq!(body["detail"][0]["type"], "json_invalid");
}

#[tokio::test]
async fn a_refused_query_parameter_is_echoed_in_the_422_as_pydantic_does() {
    let platform = FakePlatform::start().await.unwrap();

    let answer = reqwest::Client::new()
        .get(format!(
            "{}/registry/modules?status_filter=bogus",
            platform.gateway_url()
        ))
        .bearer_auth(platform.admin_token())
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), 422);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["detail"][0]["loc"], json!(["query", "status_filter"]));
    assert_eq!(body["detail"][0]["input"], "bogus");
}
