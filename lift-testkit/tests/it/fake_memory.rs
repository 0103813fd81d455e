//! The fake platform's memory service over real HTTP, through the real memory client in
//! direct mode (the user context as the gateway would inject it).

use std::net::SocketAddr;
use std::path::Path;

use lift_auth::{Role, UserContext};
use lift_memory_client::{
    BatchSearchRequest, MemoryClient, SearchRequest, SearchType, StoreRequest, WorkflowId,
};
use lift_testkit::platform::FakePlatform;
use serde_json::{Value, json};

/// Starts a fake platform (state in memory, or in `dir`) serving until the test ends, and
/// returns the address of its memory service.
async fn serve(dir: Option<&Path>) -> SocketAddr {
    let builder = FakePlatform::builder();
    let builder = match dir {
        Some(dir) => builder.data_dir(dir),
        None => builder,
    };
    let platform = builder.start().await.unwrap();
    let addr = platform
        .memory_url()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    tokio::spawn(async move {
        let _serving = platform;
        std::future::pending::<()>().await;
    });
    addr
}

/// A direct-mode client acting for `user` of `org`.
fn client(addr: SocketAddr, user: &str, org: &str) -> MemoryClient {
    MemoryClient::builder()
        .service_url(format!("http://{addr}"))
        .build()
        .unwrap()
        .for_context(&UserContext::new(user, org))
}

fn ids(found: &lift_memory_client::SearchResponse) -> Vec<String> {
    found.results.iter().map(|hit| hit.id.to_string()).collect()
}

#[tokio::test]
async fn store_then_every_search_type_then_insights() {
    let addr = serve(None).await;
    let acme = client(addr, "u-1", "acme");

    let stored = acme
        .store(
            StoreRequest::new("Q3 campaign lifted signups 12%")
                .metadata(json!({ "source": "sdk-test" })),
        )
        .await
        .unwrap();
    let second = acme
        .store(
            StoreRequest::new("Email open rate improved after subject-line test")
                .memory_type("insight"),
        )
        .await
        .unwrap();

    assert!(
        stored.memory_id.as_str().starts_with("memory_acme_"),
        "{stored:?}"
    );
    assert_ne!(stored.memory_id, second.memory_id);
    assert_eq!(
        (stored.memory_type.as_str(), stored.content_length),
        ("general", 30)
    );
    assert!(stored.enhanced_features.embedding_generated);
    assert_eq!(stored.metadata.org_id(), Some("acme"));
    assert!(stored.correlation_id().is_some());

    for search_type in [
        SearchType::Hybrid,
        SearchType::Neural,
        SearchType::Conceptual,
        SearchType::Knowledge,
    ] {
        let found = acme
            .search(
                SearchRequest::new("campaign signups")
                    .search_type(search_type.clone())
                    .limit(5),
            )
            .await
            .unwrap();
        assert_eq!(found.search_type, search_type);
        assert_eq!(
            ids(&found),
            [stored.memory_id.to_string()],
            "{search_type:?}"
        );
        let hit = &found.results[0];
        assert_eq!(hit.content, "Q3 campaign lifted signups 12%");
        assert_eq!(hit.memory_type, "general");
        assert!(hit.score > 0.0);
        assert!(hit.timestamp.is_some());
        assert_eq!(hit.metadata["source"], "sdk-test");
        assert_eq!(hit.metadata["organization_id"], "acme");
        assert_eq!(found.metadata.org_id(), Some("acme"));
        assert_eq!(found.metadata.get("query_length"), Some(&json!(16)));
    }
    let neural = acme.search_neural("email").await.unwrap();
    assert_eq!(ids(&neural), [second.memory_id.to_string()]);
    assert_eq!(neural.results[0].embedding_similarity, Some(1.0));
    assert_eq!(
        acme.search_knowledge("email campaign").await.unwrap().count,
        0
    );
    assert_eq!(
        acme.search_conceptual("email campaign")
            .await
            .unwrap()
            .count,
        2
    );
    let filtered = acme
        .search(SearchRequest::new("email campaign").filters(json!({ "memory_type": "insight" })))
        .await
        .unwrap();
    assert_eq!(ids(&filtered), [second.memory_id.to_string()]);

    let insights = acme.insights().await.unwrap();
    assert_eq!(insights.total_memories, 2);
    assert_eq!(
        insights.memory_types,
        [("general".to_owned(), 1), ("insight".to_owned(), 1)].into()
    );
    // Every term occurs in one memory: the five first alphabetically (no numbers, no
    // stopwords).
    assert_eq!(
        insights.dominant_concepts,
        ["campaign", "email", "improved", "lifted", "line"]
    );
    assert!(
        (insights.knowledge_density - 13.0 / 13.0).abs() < 1e-12,
        "{insights:?}"
    );
    assert_eq!(insights.semantic_clusters.len(), 5);
    assert!(insights.temporal_patterns.contains_key("memories_by_day"));
}

/// BM25 (k1 = 1.2, b = 0.75) by hand.
#[allow(
    clippy::suboptimal_flops,
    clippy::imprecise_flops,
    reason = "the textbook formula"
)]
fn bm25(tf: f64, dl: f64, avgdl: f64, n: f64, df: f64) -> f64 {
    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * dl / avgdl))
}

#[tokio::test]
async fn ranking_is_bm25_with_ties_broken_by_id() {
    let addr = serve(None).await;
    let acme = client(addr, "u-1", "acme");
    let mut stored = Vec::new();
    for content in [
        "campaign campaign signups",
        "campaign email",
        "email open rate improved",
        "Signups grew",
    ] {
        stored.push(acme.store(content).await.unwrap().memory_id.to_string());
    }

    let found = acme
        .search(SearchRequest::new("Campaign, signups!"))
        .await
        .unwrap();

    // N = 4 memories, 11 terms (avgdl 2.75); "campaign" and "signups" are each in 2.
    let first = bm25(2.0, 3.0, 2.75, 4.0, 2.0) + bm25(1.0, 3.0, 2.75, 4.0, 2.0);
    let tied = bm25(1.0, 2.0, 2.75, 4.0, 2.0);
    assert_eq!(
        ids(&found),
        [stored[0].clone(), stored[1].clone(), stored[3].clone()]
    );
    let scores: Vec<f64> = found.results.iter().map(|hit| hit.score).collect();
    for (score, expected) in scores.iter().zip([first, tied, tied]) {
        assert!((score - expected).abs() < 1e-9, "{scores:?}");
    }
    let limited = acme
        .search(SearchRequest::new("campaign signups").limit(2))
        .await
        .unwrap();
    assert_eq!(ids(&limited), [stored[0].clone(), stored[1].clone()]);
    let again = acme.search("campaign signups").await.unwrap();
    assert_eq!(ids(&again), ids(&found));
}

#[tokio::test]
async fn one_org_never_reads_another_org_s_data() {
    let addr = serve(None).await;
    let acme = client(addr, "u-1", "acme");
    let globex = client(addr, "u-2", "globex");
    acme.store("acme campaign secrets").await.unwrap();
    acme.create_conceptual_space("acme-space", ["channel"])
        .await
        .unwrap();
    let workflow = acme.create_workflow("acme-flow").await.unwrap();
    acme.context_initialize("marketing").await.unwrap();

    assert_eq!(globex.search("campaign secrets").await.unwrap().count, 0);
    assert_eq!(globex.search_knowledge("acme").await.unwrap().count, 0);
    let batch = globex
        .search_batch(BatchSearchRequest::new(["acme"]))
        .await
        .unwrap();
    assert_eq!(batch.results["search_0"]["count"], 0);
    let insights = globex.insights().await.unwrap();
    assert_eq!(
        (insights.total_memories, insights.dominant_concepts.len()),
        (0, 0)
    );
    assert!(globex.conceptual_spaces().await.unwrap().is_empty());
    let status = globex
        .workflow_status(&workflow.workflow_id)
        .await
        .unwrap_err();
    assert_eq!(status.status().map(|s| s.as_u16()), Some(404));
    let denied = globex.delete_context("acme").await.unwrap_err();
    assert_eq!(denied.status().map(|s| s.as_u16()), Some(403));

    // Acme still sees its own; an admin of another org may deactivate the context.
    assert_eq!(acme.search("campaign").await.unwrap().count, 1);
    assert_eq!(acme.insights().await.unwrap().total_memories, 1);
    assert_eq!(acme.conceptual_spaces().await.unwrap().count, 1);
    let stats = acme.context_stats().await.unwrap();
    assert_eq!((stats.total_contexts, stats.active_contexts), (1, 1));
    let admin = MemoryClient::builder()
        .service_url(format!("http://{addr}"))
        .build()
        .unwrap()
        .for_context(&UserContext::new("u-3", "globex").with_roles([Role::Admin]));
    assert_eq!(admin.delete_context("acme").await.unwrap().org_id, "acme");
    let stats = acme.context_stats().await.unwrap();
    assert_eq!((stats.total_contexts, stats.active_contexts), (1, 0));
}

#[tokio::test]
async fn batch_search_runs_as_a_workflow_and_workflows_report_their_status() {
    let addr = serve(None).await;
    let acme = client(addr, "u-1", "acme");
    let email = acme.store("email open rate").await.unwrap().memory_id;
    acme.store("campaign signups").await.unwrap();

    let batch = acme
        .search_batch(BatchSearchRequest::new(["email", "nothing"]).limit(3))
        .await
        .unwrap();
    let created = acme
        .create_workflow(
            lift_memory_client::WorkflowRequest::new("nightly").metadata(json!({ "k": "v" })),
        )
        .await
        .unwrap();

    assert!(
        batch.workflow_id.as_str().starts_with("wf_acme_"),
        "{batch:?}"
    );
    assert_eq!(batch.queries_processed, 2);
    assert_eq!(
        batch.results["search_0"]["results"][0]["id"],
        json!(email.as_str())
    );
    assert_eq!(batch.results["search_1"]["count"], 0);
    let status = acme.workflow_status(&batch.workflow_id).await.unwrap();
    assert_eq!(status.status.as_deref(), Some("completed"));
    assert!(created.workflow_id.as_str().starts_with("wf_acme_"));
    assert_eq!(
        (created.name.as_str(), created.org_id.as_deref()),
        ("nightly", Some("acme"))
    );
    assert_eq!(created.metadata["k"], "v");
    let status = acme.workflow_status(&created.workflow_id).await.unwrap();
    assert_eq!(status.status.as_deref(), Some("created"));
    let unknown = acme
        .workflow_status(&WorkflowId::new("wf_acme_00000000").unwrap())
        .await
        .unwrap_err();
    assert_eq!(unknown.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_reload_from_the_data_dir_rebuilds_the_index() {
    let dir = std::env::temp_dir().join(format!("lift-fake-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let first = client(serve(Some(&dir)).await, "u-1", "acme");
    first.store("campaign campaign signups").await.unwrap();
    first.store("email campaign").await.unwrap();
    client(serve(Some(&dir)).await, "u-2", "globex")
        .store("globex campaign")
        .await
        .unwrap();
    let space = first
        .create_conceptual_space("m", ["channel"])
        .await
        .unwrap();
    let before = first.search("campaign signups").await.unwrap();

    // A second service over the same directory: what it loads, not what the first holds.
    let reloaded = client(serve(Some(&dir)).await, "u-1", "acme");
    let after = reloaded.search("campaign signups").await.unwrap();
    let third = reloaded.store("third campaign").await.unwrap();

    assert_eq!(ids(&after), ids(&before));
    let scores = |found: &lift_memory_client::SearchResponse| -> Vec<f64> {
        found.results.iter().map(|hit| hit.score).collect()
    };
    assert_eq!(scores(&after), scores(&before));
    assert_eq!(reloaded.insights().await.unwrap().total_memories, 3);
    assert!(
        reloaded
            .conceptual_spaces()
            .await
            .unwrap()
            .get(space.space_id.as_str())
            .is_some()
    );
    assert!(!ids(&after).contains(&third.memory_id.to_string()));
    assert_eq!(reloaded.search("campaign").await.unwrap().count, 3);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn the_reference_s_answers_without_context_and_to_invalid_requests() {
    let addr = serve(None).await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("http://{addr}{path}");

    let anonymous = http
        .post(url("/store"))
        .json(&json!({ "content": "x", "metadata": {} }));
    let anonymous = anonymous.send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.json::<Value>().await.unwrap(),
        json!({ "detail": "User context required" })
    );
    let with_context = |path: &str| {
        http.post(url(path))
            .header("X-User-ID", "u-1")
            .header("X-Org-ID", "acme")
    };
    let fuzzy = with_context("/search")
        .json(&json!({ "query": "campaign", "search_type": "fuzzy" }))
        .send()
        .await
        .unwrap();
    assert_eq!(fuzzy.status(), 422);
    let body: Value = fuzzy.json().await.unwrap();
    assert_eq!(body["detail"][0]["type"], "string_pattern_mismatch");
    assert_eq!(body["detail"][0]["loc"], json!(["body", "search_type"]));
    let zero = with_context("/search")
        .json(&json!({ "query": "campaign", "limit": 0 }))
        .send()
        .await
        .unwrap();
    let body: Value = zero.json().await.unwrap();
    assert_eq!(body["detail"][0]["ctx"], json!({ "ge": 1 }));
    let null_metadata = with_context("/store")
        .json(&json!({ "content": "x", "metadata": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(null_metadata.status(), 200);
    let body: Value = null_metadata.json().await.unwrap();
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["data", "errors", "message", "metadata", "success"]
    );
    let malformed = with_context("/search")
        .body("{\"query\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 422);

    let health: Value = http
        .get(url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "healthy");
    assert_eq!(health["dependencies"]["memory_operations"], "1");
    let ready: Value = http
        .get(url("/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["checks"], json!({}));
    let info = client(addr, "u-1", "acme").info().await.unwrap();
    assert_eq!(info.kse_integration, "active");
}
