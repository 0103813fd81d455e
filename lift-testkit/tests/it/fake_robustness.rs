//! The fake platform under abuse: garbage bodies get FastAPI's 422 (never a panic, never a
//! lost memory), huge bodies get 413, and concurrent clients storing in parallel lose
//! nothing, in memory or on disk across a restart.

use std::collections::BTreeSet;

use lift_sdk::{SearchRequest, StoreRequest};
use lift_testkit::platform::{DEFAULT_BODY_LIMIT, FakePlatform};
use serde_json::Value;

use crate::fake_support::{gateway, platform, sign_up, with_token};

/// Bodies no JSON parser should choke on, and JSON of every wrong shape.
fn garbage() -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = [
        &b""[..],
        b"\x00\xff\xfe garbage",
        b"{",
        b"{\"content\":",
        b"null",
        b"[]",
        b"42",
        b"\"content\"",
        b"{\"content\": 42}",
        b"{\"content\": null}",
        b"{\"content\": \"x\", \"metadata\": \"not an object\"}",
        b"{\"query\": \"x\", \"limit\": 1e999}",
    ]
    .iter()
    .map(|body| body.to_vec())
    .collect();
    // Nesting deeper than any recursive parser should follow.
    bodies.push([b"[".repeat(100_000), b"]".repeat(100_000)].concat());
    bodies.push(format!("{{\"content\": {}}}", "{\"a\":".repeat(50_000)).into_bytes());
    bodies
}

#[tokio::test]
async fn garbage_bodies_get_422_json_and_lose_nothing() {
    // Arrange: a user with one memory.
    let platform = platform().await;
    let ana = sign_up(&platform, "ana").await;
    ana.client
        .memory()
        .store(StoreRequest::new("kept safe"))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let gw = gateway(&platform);

    // Act + Assert: every garbage body on every JSON route is a 4xx with a JSON `detail`.
    for path in [
        "/memory/store",
        "/memory/search",
        "/auth/login",
        "/auth/register",
        "/registry/modules",
    ] {
        for body in garbage() {
            let response = http
                .post(format!("{gw}{path}"))
                .bearer_auth(platform.admin_token())
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let shown = String::from_utf8_lossy(&body[..body.len().min(40)]).into_owned();
            let text = response.text().await.unwrap();
            assert_eq!(status, 422, "{path} {shown:?}: {status} {text}");
            let json: Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path} {shown:?}: {text}"));
            assert!(json["detail"].is_array(), "{path} {shown:?}: {text}");
        }
    }

    // Assert: the platform still answers, and the memory is still there, alone.
    let insights = ana.client.memory().insights().await.unwrap();
    assert_eq!(insights.total_memories, 1);
    let found = ana
        .client
        .memory()
        .search(SearchRequest::new("kept safe"))
        .await
        .unwrap();
    assert_eq!(found.count, 1);
}

#[tokio::test]
async fn a_huge_body_gets_413_on_the_gateway_and_on_each_service() {
    // Arrange: far over any sensible limit.
    let platform = platform().await;
    let ana = sign_up(&platform, "ana").await;
    let huge = format!(
        "{{\"content\": \"{}\"}}",
        "x".repeat(2 * DEFAULT_BODY_LIMIT)
    );
    let http = reqwest::Client::new();
    let targets = [
        format!("{}/memory/store", gateway(&platform)),
        format!("{}/store", platform.memory_url().trim_end_matches('/')),
        format!("{}/modules", platform.registry_url().trim_end_matches('/')),
        format!("{}/login", platform.auth_url().trim_end_matches('/')),
    ];

    for url in targets {
        // Act
        let response = http
            .post(&url)
            .bearer_auth(&ana.token)
            .header("x-user-id", &ana.id)
            .header("x-org-id", &ana.id)
            .header("content-type", "application/json")
            .body(huge.clone())
            .send()
            .await;

        // Assert: a 413 with a JSON detail (or, if the server closed the connection while
        // the body was still coming, no answer at all; never a stored memory).
        if let Ok(response) = response {
            assert_eq!(response.status(), 413, "{url}");
            let body: Value = response.json().await.unwrap();
            assert!(body["detail"].is_string(), "{url}: {body}");
        }
    }
    assert_eq!(
        ana.client.memory().insights().await.unwrap().total_memories,
        0
    );
}

/// `users` users store `each` memories each, all at once; returns the users' tokens.
async fn store_in_parallel(
    platform: &FakePlatform,
    users: usize,
    each: usize,
) -> Vec<(String, String)> {
    let mut signed_up = Vec::new();
    for user in 0..users {
        let user = sign_up(platform, &format!("user{user}")).await;
        signed_up.push((user.id, user.token));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (user, (_, token)) in signed_up.iter().enumerate() {
        for n in 0..each {
            let client = with_token(platform, token);
            tasks.spawn(async move {
                client
                    .memory()
                    .store(StoreRequest::new(format!(
                        "note {n} of user{user} about parallel writes"
                    )))
                    .await
                    .map(|stored| stored.memory_id)
            });
        }
    }
    let mut ids = BTreeSet::new();
    while let Some(stored) = tasks.join_next().await {
        assert!(
            ids.insert(stored.unwrap().unwrap()),
            "a memory id was given twice"
        );
    }
    assert_eq!(ids.len(), users * each);
    signed_up
}

/// Every user finds exactly their `each` memories, with the contents they stored.
async fn assert_all_there(platform: &FakePlatform, signed_up: &[(String, String)], each: usize) {
    for (user, (_, token)) in signed_up.iter().enumerate() {
        let client = with_token(platform, token);
        assert_eq!(
            client.memory().insights().await.unwrap().total_memories,
            each as u64
        );
        let found = client
            .memory()
            .search(SearchRequest::new("parallel writes").limit(100))
            .await
            .unwrap();
        let contents: BTreeSet<_> = found
            .results
            .iter()
            .map(|hit| hit.content.clone())
            .collect();
        let expected: BTreeSet<_> = (0..each)
            .map(|n| format!("note {n} of user{user} about parallel writes"))
            .collect();
        assert_eq!(contents, expected, "user{user}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_clients_storing_in_parallel_lose_nothing() {
    // Arrange
    let platform = platform().await;

    // Act: 8 users × 25 memories, all in flight together.
    let users = store_in_parallel(&platform, 8, 25).await;

    // Assert: the count and the contents of each user's memories.
    assert_all_there(&platform, &users, 25).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_acknowledged_are_on_disk_after_a_restart() {
    // Arrange: a platform with a data directory.
    let dir = std::env::temp_dir().join(format!("lift-fake-parallel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let platform = FakePlatform::builder()
        .no_rate_limit()
        .data_dir(dir.clone())
        .start()
        .await
        .unwrap();
    store_in_parallel(&platform, 4, 25).await;

    // Act: stop, and start again on the same directory.
    platform.shutdown().await;
    let platform = FakePlatform::builder()
        .no_rate_limit()
        .data_dir(dir.clone())
        .start()
        .await
        .unwrap();

    // Assert: the users can log in again and find all their memories.
    let mut users = Vec::new();
    for user in 0..4 {
        let login = crate::fake_support::anonymous(&platform)
            .auth()
            .login(&format!("user{user}@example.com"), "s3cret!")
            .await
            .unwrap();
        users.push((String::new(), login.access_token.expose().to_owned()));
    }
    assert_all_there(&platform, &users, 25).await;
    platform.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
