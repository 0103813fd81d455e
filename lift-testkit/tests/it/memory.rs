//! `MockMemory` through the real memory client, directly and through the gateway mock.

use lift_auth::UserContext;
use lift_memory_client::{BatchSearchRequest, SearchRequest, SearchType, StoreRequest};
use lift_testkit::mocks::{MockMemory, MockService, SearchRecord, StoreRecord};
use lift_testkit::openapi::Service;
use lift_testkit::tokens::TestTokens;
use serde_json::{Value, json};

#[tokio::test]
async fn a_store_is_kept_for_the_org_and_found_by_a_search() {
    let memory = MockMemory::start().await;
    memory.expect_store().times(2);
    memory
        .expect_search("campaign signups")
        .as_user(MockMemory::USER_ID)
        .times(1);
    let client = memory.client();

    let stored = client
        .store(
            StoreRequest::new("Q3 campaign lifted signups 12%")
                .metadata(json!({ "source": "sdk-test" })),
        )
        .await
        .unwrap();
    client.store("Email open rate improved").await.unwrap();
    let found = client
        .search(SearchRequest::new("campaign signups").limit(5))
        .await
        .unwrap();

    assert!(
        stored.memory_id.as_str().starts_with("memory_test-org_"),
        "{stored:?}"
    );
    assert_eq!(
        (stored.memory_type.as_str(), stored.content_length),
        ("general", 30)
    );
    assert!(stored.enhanced_features.embedding_generated);
    assert_eq!(stored.metadata.org_id(), Some(MockMemory::ORG_ID));
    assert!(stored.correlation_id().is_some());
    assert_eq!(
        (found.count, found.search_type.clone()),
        (1, SearchType::Hybrid)
    );
    let hit = &found.results[0];
    assert_eq!(hit.id, stored.memory_id);
    assert_eq!(hit.content, "Q3 campaign lifted signups 12%");
    assert!((hit.score - 1.0).abs() < f64::EPSILON);
    assert_eq!(hit.metadata["source"], "sdk-test");
    assert_eq!(hit.metadata["organization_id"], MockMemory::ORG_ID);
    assert!(hit.timestamp.is_some());
    assert_eq!(found.metadata.text("query_length"), None);
    assert_eq!(found.metadata.get("query_length"), Some(&json!(16)));

    let sent = memory.received_on("POST", "/store");
    assert_eq!(
        sent[0].json::<Value>().unwrap(),
        json!({
            "content": "Q3 campaign lifted signups 12%",
            "metadata": { "source": "sdk-test" },
            "memory_type": "general",
        })
    );
    assert_eq!(sent[0].header("x-org-id"), Some(MockMemory::ORG_ID));
    let stored = memory.stored();
    assert_eq!(stored.len(), 2);
    let (record, caller): &(StoreRecord, _) = &stored[0];
    assert_eq!(record.content, "Q3 campaign lifted signups 12%");
    assert_eq!(
        record.metadata,
        json!({ "source": "sdk-test" }).as_object().cloned()
    );
    assert_eq!(record.memory_type, "general");
    let caller = caller.as_ref().unwrap();
    assert_eq!(caller.user_id, MockMemory::USER_ID);
    assert_eq!(caller.org_id.as_deref(), Some(MockMemory::ORG_ID));
    assert!(!caller.by_token);
    let searches = memory.searches();
    let (search, _): &(SearchRecord, _) = &searches[0];
    assert_eq!(
        (search.query.as_str(), search.limit, &search.search_type),
        ("campaign signups", 5, &SearchType::Hybrid)
    );
    assert_eq!(search.path, "/search");
    memory.verify().await;
}

#[tokio::test]
async fn every_search_type_searches_what_was_stored() {
    let memory = MockMemory::start().await;
    memory.seed(
        MockMemory::ORG_ID,
        "Campaign paused for the holidays",
        json!({}),
    );
    let client = memory.client();

    let by_body = client
        .search(SearchRequest::new("campaign").search_type(SearchType::Knowledge))
        .await
        .unwrap();
    let neural = client.search_neural("campaign").await.unwrap();
    let conceptual = client.search_conceptual("CAMPAIGN").await.unwrap();
    let knowledge = client.search_knowledge("holidays campaign").await.unwrap();

    let types = [&by_body, &neural, &conceptual, &knowledge].map(|r| r.search_type.clone());
    assert_eq!(
        types,
        [
            SearchType::Knowledge,
            SearchType::Neural,
            SearchType::Conceptual,
            SearchType::Knowledge
        ]
    );
    assert!(
        [&by_body, &neural, &conceptual, &knowledge]
            .iter()
            .all(|r| r.count == 1 && r.results[0].content == "Campaign paused for the holidays")
    );
    let recorded: Vec<(String, SearchType)> = memory
        .searches()
        .into_iter()
        .map(|(search, _)| (search.path, search.search_type))
        .collect();
    assert_eq!(
        recorded,
        [
            ("/search".to_owned(), SearchType::Knowledge),
            ("/search/neural".to_owned(), SearchType::Neural),
            ("/search/conceptual".to_owned(), SearchType::Conceptual),
            ("/search/knowledge".to_owned(), SearchType::Knowledge),
        ]
    );
}

#[tokio::test]
async fn an_org_never_sees_another_org_s_memories() {
    let memory = MockMemory::start().await;
    memory.seed("other-org", "campaign secrets of another org", json!({}));
    let client = memory.client();
    let other = client.for_context(&UserContext::new("u-2", "other-org"));

    let mine = client.search("campaign").await.unwrap();
    let theirs = other.search("campaign").await.unwrap();
    client.store("my campaign").await.unwrap();
    let insights = other.insights().await.unwrap();

    assert_eq!(mine.count, 0);
    assert_eq!(theirs.count, 1);
    assert_eq!(insights.total_memories, 1);
    assert_eq!(memory.memories("other-org").len(), 1);
    let own: Vec<String> = memory
        .memories(MockMemory::ORG_ID)
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(own, ["my campaign"]);
}

#[tokio::test]
async fn through_the_gateway_the_org_and_the_caller_come_from_the_token() {
    let gateway = MockService::start(Service::Gateway).await;
    let memory = MockMemory::behind(&gateway).await;
    let tokens = TestTokens::hs256();
    let acme = memory.gateway_client(tokens.user("u-9").org("acme").issue());
    let globex = memory.gateway_client(tokens.user("u-3").org("globex").issue());
    memory.expect_search("lift").as_user("u-3").times(1);

    let stored = acme.store("acme lift results").await.unwrap();
    let acme_found = acme.search("lift").await.unwrap();
    let globex_found = globex.search("lift").await.unwrap();

    assert!(stored.memory_id.as_str().starts_with("memory_acme_"));
    assert_eq!((acme_found.count, globex_found.count), (1, 0));
    assert_eq!(memory.memories("acme")[0].id, stored.memory_id.as_str());
    let (record, caller) = &memory.stored()[0];
    assert_eq!(record.content, "acme lift results");
    let caller = caller.as_ref().unwrap();
    assert_eq!(
        (caller.user_id.as_str(), caller.org_id.as_deref()),
        ("u-9", Some("acme"))
    );
    assert!(caller.by_token);
    let received = memory.received();
    assert!(received.iter().all(|r| r.through_gateway), "{received:?}");
    assert!(received.iter().all(|r| r.header("x-user-id").is_none()));
    memory.verify().await;
}

#[tokio::test]
async fn without_user_context_the_answer_is_the_reference_s_401() {
    let memory = MockMemory::start().await;
    memory.expect_no_store();

    let answer = reqwest::Client::new()
        .post(format!("{}/search", memory.uri()))
        .header("x-user-id", "u-1")
        .json(&json!({ "query": "campaign" }))
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status().as_u16(), 401);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body, json!({ "detail": "User context required" }));
    memory.verify().await;
}

#[tokio::test]
async fn an_invalid_request_gets_422_and_changes_nothing() {
    let memory = MockMemory::start().await;
    let raw = reqwest::Client::new();

    let limit_zero = raw
        .post(format!("{}/memory/search", memory.uri()))
        .header("x-user-id", "u-1")
        .header("x-org-id", "o-1")
        .json(&json!({ "query": "campaign", "limit": 0 }))
        .send()
        .await
        .unwrap();
    let no_content = raw
        .post(format!("{}/store", memory.uri()))
        .header("x-user-id", "u-1")
        .header("x-org-id", "o-1")
        .json(&json!({ "metadata": {} }))
        .send()
        .await
        .unwrap();

    assert_eq!(limit_zero.status().as_u16(), 422);
    let body: Value = limit_zero.json().await.unwrap();
    assert_eq!(body["detail"][0]["loc"], json!(["body", "limit"]));
    assert_eq!(body["detail"][0]["input"], 0);
    assert_eq!(no_content.status().as_u16(), 422);
    let body: Value = no_content.json().await.unwrap();
    assert_eq!(body["detail"][0]["loc"], json!(["body", "content"]));
    assert!(memory.memories("o-1").is_empty());
    assert!(memory.stored().is_empty(), "the body does not decode");
}

#[tokio::test]
async fn insights_and_batch_searches_are_computed_from_what_was_stored() {
    let memory = MockMemory::start().await;
    let client = memory.client();
    client.store("campaign signups campaign").await.unwrap();
    client
        .store(StoreRequest::new("signups dropped").memory_type("insight"))
        .await
        .unwrap();

    let insights = client.insights().await.unwrap();
    let batch = client
        .search_batch(BatchSearchRequest::new(["signups", "campaign", "nothing"]).limit(1))
        .await
        .unwrap();

    assert_eq!(insights.total_memories, 2);
    assert_eq!(
        insights.dominant_concepts,
        ["campaign", "signups", "dropped"]
    );
    assert_eq!(insights.memory_types.get("general"), Some(&1));
    assert_eq!(insights.memory_types.get("insight"), Some(&1));
    assert!((insights.knowledge_density - 0.6).abs() < 1e-9);
    assert_eq!(batch.queries_processed, 3);
    assert!(batch.workflow_id.as_str().starts_with("wf_test-org_"));
    let counts: Vec<Value> = ["search_0", "search_1", "search_2"]
        .iter()
        .map(|task| batch.results[*task]["count"].clone())
        .collect();
    assert_eq!(counts, [json!(1), json!(1), json!(0)]);
    let status = client.workflow_status(&batch.workflow_id).await.unwrap();
    assert_eq!(status.status.as_deref(), Some("completed"));
}

#[tokio::test]
async fn contexts_spaces_workflows_and_health_answer_like_the_reference() {
    let memory = MockMemory::start().await;
    let client = memory.client();

    let context = client.context_initialize("marketing").await.unwrap();
    let stats = client.context_stats().await.unwrap();
    let refused = client.delete_context("someone-else").await.unwrap_err();
    let deleted = client.delete_context(MockMemory::ORG_ID).await.unwrap();
    let space = client
        .create_conceptual_space("marketing", ["channel", "season"])
        .await
        .unwrap();
    let spaces = client.conceptual_spaces().await.unwrap();
    let workflow = client
        .create_workflow(
            lift_memory_client::WorkflowRequest::new("nightly").metadata(json!({ "k": 1 })),
        )
        .await
        .unwrap();
    let health = client.health().await.unwrap();
    let ready = client.ready().await.unwrap();
    let info = client.info().await.unwrap();

    assert_eq!(
        (context.context_id.as_str(), context.domain.as_str()),
        ("org_test-org", "marketing")
    );
    assert_eq!((stats.total_contexts, stats.active_contexts), (1, 1));
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(
        refused.api_error().and_then(|e| e.message()),
        Some("Access denied to organization context")
    );
    assert_eq!(deleted.org_id, MockMemory::ORG_ID);
    assert!(space.space_id.as_str().starts_with("space_test-org_"));
    assert_eq!(spaces.count, 1);
    assert!(workflow.workflow_id.as_str().starts_with("wf_test-org_"));
    assert_eq!(workflow.metadata["k"], 1);
    assert_eq!(
        (health.status.as_str(), ready.status.as_str()),
        ("healthy", "ready")
    );
    assert_eq!(info.version, "1.0.0");
}

#[tokio::test]
async fn null_metadata_crashes_the_store_as_in_the_reference() {
    let memory = MockMemory::start().await;

    let answer = reqwest::Client::new()
        .post(format!("{}/store", memory.uri()))
        .header("x-user-id", "u-1")
        .header("x-org-id", "o-1")
        .json(&json!({ "content": "x", "metadata": null }))
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status().as_u16(), 500);
    let body: Value = answer.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Enhanced memory storage failed")
    );
    assert!(memory.memories("o-1").is_empty());
    assert_eq!(memory.stored()[0].0.metadata, None);
}
