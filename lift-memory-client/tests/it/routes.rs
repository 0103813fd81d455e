//! Every method, in both routing modes: exact method, path, query, headers and body sent,
//! and the contract's answers (§5.2, §11(a)) decoded.

use std::time::Duration;

use lift_memory_client::{BatchSearchRequest, SearchRequest, SearchType, StoreRequest};
use serde_json::json;
use wiremock::matchers::{body_json, header};

use crate::support::{ExactQuery, Harness, Mode, NoBody, envelope};

fn search_data(search_type: &str) -> serde_json::Value {
    json!({
        "results": [{
            "id": "memory_d82f5ff2_1795421411.614596",
            "content": "Q3 campaign lifted signups 12%",
            "score": 0.87,
            "metadata": {"memory_type": "general", "source": "lift_os_core",
                         "organization_id": "d82f5ff2", "timestamp": "2026-11-23T07:26:12.169221",
                         "has_embedding": true, "embedding_model": "kse", "operation_id": "op-1"},
            "memory_type": "general",
            "timestamp": "2026-11-23T07:26:12.169221",
            "conceptual_space": {"space_id": "space_d82f5ff2_fdf5d185", "name": "marketing",
                                 "dimensions": ["channel", "audience"]},
            "embedding_similarity": 0.91
        }],
        "count": 1,
        "search_type": search_type,
        "duration": 0.01,
        "performance_metrics": {"cache_hit_rate": 0.25, "average_operation_time_ms": 1.5,
                                "conceptual_spaces_available": 1}
    })
}

fn search_metadata() -> serde_json::Value {
    json!({"correlation_id": "corr-42", "org_id": "d82f5ff2", "query_length": 13,
           "enhanced_features": ["neural_embeddings"]})
}

#[tokio::test]
async fn store_sends_content_metadata_and_type() {
    for mode in Mode::ALL {
        // Arrange
        let h = Harness::start(mode).await;
        h.given("POST", "/store")
            .and(header("content-type", "application/json"))
            .and(body_json(json!({
                "content": "Q3 campaign lifted signups 12%",
                "metadata": {"source": "crm"},
                "memory_type": "insight"
            })))
            .respond_with(envelope(
                json!({"memory_id": "memory_d82f5ff2_1795421411.61", "memory_type": "insight",
                       "content_length": 30,
                       "enhanced_features": {"embedding_generated": true,
                                             "conceptual_mapping": true, "cache_optimization": true},
                       "performance_metrics": {"storage_time_ms": 12.5, "success_rate": 1.0}}),
                json!({"correlation_id": "corr-1", "org_id": "d82f5ff2", "enhanced_storage": true}),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        // Act
        let stored = h
            .client
            .store(
                StoreRequest::new("Q3 campaign lifted signups 12%")
                    .metadata(json!({"source": "crm"}))
                    .memory_type("insight"),
            )
            .await
            .unwrap();

        // Assert
        assert_eq!(
            stored.memory_id, "memory_d82f5ff2_1795421411.61",
            "{mode:?}"
        );
        assert_eq!(stored.memory_type, "insight");
        assert_eq!(stored.content_length, 30);
        assert!(stored.enhanced_features.embedding_generated);
        let perf = stored.performance_metrics.as_ref().unwrap();
        assert_eq!(perf.storage_time, Duration::from_micros(12_500));
        assert_eq!(stored.correlation_id(), Some("corr-1"));
        assert_eq!(stored.metadata.org_id(), Some("d82f5ff2"));
    }
}

#[tokio::test]
async fn store_sends_empty_metadata_as_an_object_never_null() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("POST", "/store")
            .and(body_json(json!({"content": "direct store", "metadata": {},
                                  "memory_type": "general"})))
            .respond_with(envelope(json!({"memory_id": "memory_x_1"}), json!(null)))
            .expect(1)
            .mount(&h.server)
            .await;

        let stored = h.client.store("direct store").await.unwrap();

        assert_eq!(stored.memory_id, "memory_x_1", "{mode:?}");
        assert!(stored.metadata.is_empty());
    }
}

#[tokio::test]
async fn search_sends_every_field_and_decodes_the_hits() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("POST", "/search")
            .and(ExactQuery(None))
            .and(body_json(json!({
                "query": "campaign lift",
                "search_type": "neural",
                "limit": 5,
                "filters": {"memory_type": {"$in": ["general"]}},
                "memory_type": "general"
            })))
            .respond_with(envelope(search_data("neural"), search_metadata()))
            .expect(1)
            .mount(&h.server)
            .await;

        let found = h
            .client
            .search(
                SearchRequest::new("campaign lift")
                    .search_type(SearchType::Neural)
                    .limit(5)
                    .filters(json!({"memory_type": {"$in": ["general"]}}))
                    .memory_type("general"),
            )
            .await
            .unwrap();

        assert_eq!(found.count, 1, "{mode:?}");
        assert_eq!(found.search_type, SearchType::Neural);
        assert_eq!(found.duration, Duration::from_millis(10));
        assert_eq!(found.correlation_id(), Some("corr-42"));
        let hit = &found.results[0];
        assert_eq!(hit.id, "memory_d82f5ff2_1795421411.614596");
        assert_eq!(hit.content, "Q3 campaign lifted signups 12%");
        assert!((hit.score - 0.87).abs() < f64::EPSILON);
        assert_eq!(hit.metadata["source"], "lift_os_core");
        assert_eq!(
            hit.timestamp.unwrap().to_string(),
            "2026-11-23T07:26:12.169221"
        );
        let space = hit.conceptual_space.as_ref().unwrap();
        assert_eq!(space.name.as_deref(), Some("marketing"));
        assert_eq!(hit.embedding_similarity, Some(0.91));
        let perf = found.performance_metrics.as_ref().unwrap();
        assert_eq!(perf.conceptual_spaces_available, 1);
    }
}

#[tokio::test]
async fn search_from_a_str_uses_the_contract_defaults() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("POST", "/search")
            .and(body_json(
                json!({"query": "campaign lift", "search_type": "hybrid",
                                  "limit": 10, "filters": null}),
            ))
            .respond_with(envelope(search_data("hybrid"), search_metadata()))
            .expect(1)
            .mount(&h.server)
            .await;

        let found = h.client.search("campaign lift").await.unwrap();

        assert_eq!(found.search_type, SearchType::Hybrid, "{mode:?}");
    }
}

#[tokio::test]
async fn type_specific_searches_use_their_routes() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        for kind in ["neural", "conceptual", "knowledge"] {
            h.given("POST", &format!("/search/{kind}"))
                .and(body_json(
                    json!({"query": "churn", "search_type": kind, "limit": 3,
                                      "filters": null}),
                ))
                .respond_with(envelope(search_data(kind), search_metadata()))
                .expect(1)
                .mount(&h.server)
                .await;
        }
        // The route decides the type, whatever the request said.
        let request = SearchRequest::new("churn")
            .limit(3)
            .search_type(SearchType::Hybrid);

        let neural = h.client.search_neural(request.clone()).await.unwrap();
        let conceptual = h.client.search_conceptual(request.clone()).await.unwrap();
        let knowledge = h.client.search_knowledge(request).await.unwrap();

        assert_eq!(neural.search_type, SearchType::Neural, "{mode:?}");
        assert_eq!(conceptual.search_type, SearchType::Conceptual);
        assert_eq!(knowledge.search_type, SearchType::Knowledge);
    }
}

#[tokio::test]
async fn search_batch_sends_a_bare_array_and_query_parameters() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("POST", "/search/batch")
            .and(ExactQuery(Some("search_type=knowledge&limit=3")))
            .and(header("content-type", "application/json"))
            .and(body_json(json!(["campaign lift", "churn drivers"])))
            .respond_with(envelope(
                json!({"workflow_id": "wf_d82f5ff2_1a2b3c4d",
                       "results": {"task_0": {"results": []}, "task_1": {"results": []}},
                       "queries_processed": 2, "execution_time_ms": 42.0, "duration": 0.05}),
                json!({"correlation_id": "corr-b"}),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let batch = h
            .client
            .search_batch(
                BatchSearchRequest::new(["campaign lift", "churn drivers"])
                    .search_type(SearchType::Knowledge)
                    .limit(3),
            )
            .await
            .unwrap();

        assert_eq!(batch.workflow_id, "wf_d82f5ff2_1a2b3c4d", "{mode:?}");
        assert_eq!(batch.queries_processed, 2);
        assert_eq!(batch.results.len(), 2);
        assert_eq!(batch.execution_time, Duration::from_millis(42));
        assert_eq!(batch.duration, Duration::from_millis(50));
        assert_eq!(batch.metadata.correlation_id(), Some("corr-b"));
    }
}

#[tokio::test]
async fn insights_are_decoded() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("GET", "/insights")
            .and(ExactQuery(None))
            .respond_with(envelope(
                json!({"total_memories": 12, "dominant_concepts": ["campaign", "signups"],
                       "knowledge_density": 0.4, "temporal_patterns": {"weekly": [1, 2]},
                       "semantic_clusters": [{"label": "growth"}],
                       "memory_types": {"general": 10, "insight": 2}}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let insights = h.client.insights().await.unwrap();

        assert_eq!(insights.total_memories, 12, "{mode:?}");
        assert_eq!(insights.dominant_concepts, ["campaign", "signups"]);
        assert_eq!(insights.memory_types["insight"], 2);
        assert_eq!(insights.semantic_clusters.len(), 1);
        assert!(insights.temporal_patterns.contains_key("weekly"));
    }
}

#[tokio::test]
async fn context_initialize_sends_the_domain_as_query_and_no_body() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("POST", "/context/initialize")
            .and(ExactQuery(Some("domain=marketing+ops")))
            .and(NoBody)
            .respond_with(envelope(
                json!({"context_id": "org_d82f5ff2", "org_id": "d82f5ff2",
                       "domain": "marketing ops"}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let context = h.client.context_initialize("marketing ops").await.unwrap();

        assert_eq!(context.context_id, "org_d82f5ff2", "{mode:?}");
        assert_eq!(context.domain, "marketing ops");
    }
}

#[tokio::test]
async fn context_stats_are_decoded() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("GET", "/context/stats")
            .respond_with(envelope(
                json!({"total_contexts": 3, "active_contexts": 2, "backend": "universal_kse"}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let stats = h.client.context_stats().await.unwrap();

        assert_eq!(
            (stats.total_contexts, stats.active_contexts),
            (3, 2),
            "{mode:?}"
        );
        assert_eq!(stats.backend, "universal_kse");
    }
}

#[tokio::test]
async fn delete_context_encodes_the_org_id_as_one_segment() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("DELETE", "/context/org%2F1%20x")
            .and(NoBody)
            .respond_with(envelope(json!({"org_id": "org/1 x"}), json!(null)))
            .expect(1)
            .mount(&h.server)
            .await;

        let deleted = h.client.delete_context("org/1 x").await.unwrap();

        assert_eq!(deleted.org_id, "org/1 x", "{mode:?}");
    }
}

#[tokio::test]
async fn create_conceptual_space_sends_name_as_query_and_dimensions_as_array() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("POST", "/conceptual-spaces/create")
            .and(ExactQuery(Some("name=marketing")))
            .and(body_json(json!(["channel", "audience", "season"])))
            .respond_with(envelope(
                json!({"space_id": "space_d82f5ff2_fdf5d185", "name": "marketing",
                       "dimensions": ["channel", "audience", "season"], "org_id": "d82f5ff2"}),
                json!({"correlation_id": "corr-s", "enhanced_feature": "conceptual_spaces"}),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let space = h
            .client
            .create_conceptual_space("marketing", ["channel", "audience", "season"])
            .await
            .unwrap();

        assert_eq!(space.space_id, "space_d82f5ff2_fdf5d185", "{mode:?}");
        assert_eq!(space.dimensions, ["channel", "audience", "season"]);
        assert_eq!(space.metadata.correlation_id(), Some("corr-s"));
    }
}

#[tokio::test]
async fn conceptual_spaces_are_listed_with_epoch_timestamps() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("GET", "/conceptual-spaces")
            .respond_with(envelope(
                json!({"conceptual_spaces": {"space_a_1": {
                    "name": "marketing", "dimensions": ["channel"], "concepts_count": 4,
                    "relationships_count": 1, "created_at": 1795421411.614596,
                    "updated_at": 1795421411.614597}}, "count": 1}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let spaces = h.client.conceptual_spaces().await.unwrap();

        assert_eq!(spaces.count, 1, "{mode:?}");
        let space = spaces.get("space_a_1").unwrap();
        assert_eq!(space.concepts_count, 4);
        assert_eq!(space.created_at.unwrap().unix_seconds(), 1_795_421_411);
    }
}

#[tokio::test]
async fn performance_metrics_are_decoded() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("GET", "/performance/metrics")
            .respond_with(envelope(
                json!({"memory_performance": {"total_operations": 3},
                       "embedding_cache": {"hit_rate": 0.0}, "orchestration": {},
                       "observability": {"service_name": "memory"},
                       "summary": {"total_operations": 3, "success_rate": 0.5,
                                   "cache_hit_rate": 0.0, "average_response_time_ms": 0.25,
                                   "conceptual_spaces_count": 1, "active_workflows": 0}}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let metrics = h.client.performance_metrics().await.unwrap();

        assert_eq!(metrics.summary.total_operations, 3, "{mode:?}");
        assert_eq!(
            metrics.summary.average_response_time,
            Duration::from_micros(250)
        );
        assert_eq!(metrics.observability["service_name"], "memory");
    }
}

#[tokio::test]
async fn info_keeps_the_trailing_slash_of_the_root() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("GET", "/")
            .respond_with(envelope(
                json!({"version": "1.0.0", "kse_integration": "active", "docs": "/docs"}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let info = h.client.info().await.unwrap();

        assert_eq!(info.version, "1.0.0", "{mode:?}");
        assert_eq!(info.kse_integration, "active");
    }
}

#[tokio::test]
async fn searches_are_retried_and_stores_are_not() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        let unavailable = wiremock::ResponseTemplate::new(503)
            .set_body_json(json!({"detail": "Service memory unavailable"}));
        h.given("POST", "/search")
            .respond_with(unavailable.clone())
            .up_to_n_times(1)
            .expect(1)
            .mount(&h.server)
            .await;
        h.given("POST", "/search")
            .respond_with(envelope(search_data("hybrid"), search_metadata()))
            .expect(1)
            .mount(&h.server)
            .await;
        h.given("POST", "/store")
            .respond_with(unavailable)
            .expect(1)
            .mount(&h.server)
            .await;

        let found = h.client.search("campaign").await.unwrap();
        let err = h.client.store("x").await.unwrap_err();

        assert_eq!(found.count, 1, "{mode:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(err.attempts(), 1);
    }
}
