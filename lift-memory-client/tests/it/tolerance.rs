//! The reference's quirks the client tolerates: unknown and missing fields, four timestamp
//! formats, `null` or missing `data`, envelopes without `metadata`, every error shape.

use lift_memory_client::SearchType;
use lift_sdk_core::{ErrorDetail, ErrorKind};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{Harness, Mode, envelope};

#[tokio::test]
async fn unknown_fields_are_ignored_and_missing_optional_fields_default() {
    let h = Harness::start(Mode::Gateway).await;
    h.given("POST", "/search")
        .respond_with(envelope(
            json!({
                "results": [{"id": "memory_a_1", "content": "only the basics", "score": 0.5,
                             "brand_new_field": {"nested": [1, 2]}}],
                "count": 1,
                "search_type": "semantic",
                "duration": null,
                "shiny_new_stat": 7
            }),
            json!({"correlation_id": "c", "unheard_of": true}),
        ))
        .mount(&h.server)
        .await;

    let found = h.client.search("basics").await.unwrap();

    let hit = &found.results[0];
    assert_eq!(hit.content, "only the basics");
    assert!(hit.metadata.is_empty());
    assert_eq!(hit.memory_type, "");
    assert_eq!(hit.timestamp, None);
    assert_eq!(hit.conceptual_space, None);
    assert_eq!(hit.embedding_similarity, None);
    assert_eq!(found.search_type, SearchType::Other("semantic".to_owned()));
    assert_eq!(found.duration, std::time::Duration::ZERO);
    assert_eq!(found.performance_metrics, None);
    assert_eq!(found.metadata.get("unheard_of"), Some(&json!(true)));
}

#[tokio::test]
async fn all_four_timestamp_formats_are_read() {
    let h = Harness::start(Mode::Direct).await;
    let hit = |timestamp: serde_json::Value| json!({"id": "m", "content": "c", "score": 1.0, "timestamp": timestamp});
    h.given("POST", "/search")
        .respond_with(envelope(
            json!({"results": [
                hit(json!("2024-01-02T03:04:05")),
                hit(json!("2024-01-02T03:04:05.000000+00:00")),
                hit(json!("2024-01-02T03:04:05Z")),
                hit(json!(1_704_164_645.0)),
                hit(json!(1_704_164_645)),
            ], "count": 5}),
            json!(null),
        ))
        .mount(&h.server)
        .await;

    let found = h.client.search("when").await.unwrap();

    let seconds: Vec<_> = found
        .results
        .iter()
        .map(|hit| hit.timestamp.unwrap().unix_seconds())
        .collect();
    assert_eq!(seconds, [1_704_164_645; 5]);
}

#[tokio::test]
async fn null_or_missing_data_is_an_empty_answer() {
    for data in [json!(null), json!({})] {
        let h = Harness::start(Mode::Gateway).await;
        for route in ["/search", "/context/initialize"] {
            h.given("POST", route)
                .respond_with(envelope(data.clone(), json!(null)))
                .mount(&h.server)
                .await;
        }
        h.given("GET", "/insights")
            .respond_with(ResponseTemplate::new(200).set_body_json(
                // A module-style envelope: no `data`, no `metadata` at all.
                json!({"success": true, "message": "Success"}),
            ))
            .mount(&h.server)
            .await;
        h.given("DELETE", "/context/o")
            .respond_with(envelope(data.clone(), json!(null)))
            .mount(&h.server)
            .await;

        let found = h.client.search("nothing").await.unwrap();
        let insights = h.client.insights().await.unwrap();
        let context = h.client.context_initialize("general").await.unwrap();
        let deleted = h.client.delete_context("o").await.unwrap();

        assert!(found.is_empty(), "{data}");
        assert_eq!(found.count, 0);
        assert!(found.metadata.is_empty());
        assert_eq!(insights.total_memories, 0);
        assert_eq!(context.context_id, "");
        assert_eq!(deleted.org_id, "");
    }
}

#[tokio::test]
async fn a_store_answer_without_a_memory_id_is_a_decode_error() {
    let h = Harness::start(Mode::Gateway).await;
    h.given("POST", "/store")
        .respond_with(envelope(json!(null), json!(null)))
        .mount(&h.server)
        .await;
    h.given("POST", "/conceptual-spaces/create")
        .respond_with(envelope(json!({"name": "no id"}), json!(null)))
        .mount(&h.server)
        .await;

    let store = h.client.store("x").await.unwrap_err();
    let space = h
        .client
        .create_conceptual_space("n", ["d"])
        .await
        .unwrap_err();

    assert_eq!(store.kind(), ErrorKind::Decode);
    assert!(store.to_string().contains("/store"), "{store}");
    assert!(
        store.to_string().contains("data is null or missing"),
        "{store}"
    );
    assert_eq!(space.kind(), ErrorKind::Decode);
    let source = std::error::Error::source(&space).unwrap().to_string();
    assert!(source.contains("space_id"), "{source}");
}

#[tokio::test]
async fn a_mistyped_field_is_kept_raw_and_never_fails_the_other_hits() {
    let h = Harness::start(Mode::Gateway).await;
    h.given("POST", "/search")
        .respond_with(envelope(
            json!({"results": [
                {"id": "m", "score": "high", "metadata": null},
                {"content": "no id", "score": 0.2, "timestamp": "yesterday"},
                {"id": "ok", "score": 0.5, "embedding_similarity": "n/a"}
            ], "count": "3", "duration": "0.5", "search_type": 7}),
            json!(null),
        ))
        .mount(&h.server)
        .await;

    let found = h.client.search("x").await.unwrap();

    let [high, no_id, ok] = &found.results[..] else {
        panic!("three hits")
    };
    assert_eq!(high.score, 0.0);
    assert_eq!(high.mistyped["score"], "high");
    assert!(high.metadata.is_empty() && !high.mistyped.contains_key("metadata"));
    assert!(no_id.id.is_empty() && no_id.content == "no id");
    assert_eq!(no_id.mistyped["timestamp"], "yesterday");
    assert_eq!((ok.id.as_str(), ok.score), ("ok", 0.5));
    assert_eq!(ok.mistyped["embedding_similarity"], "n/a");
    assert_eq!(found.count, 0);
    assert_eq!(found.mistyped["count"], "3");
    assert_eq!(found.duration, std::time::Duration::from_millis(500));
    assert_eq!(found.search_type, SearchType::Other("7".to_owned()));
}

#[tokio::test]
async fn error_bodies_of_every_shape_are_typed() {
    let h = Harness::start(Mode::Gateway).await;
    h.given("GET", "/insights")
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"detail": "Memory insights failed: boom"})),
        )
        .mount(&h.server)
        .await;
    h.given("POST", "/search")
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"detail": [
            {"type": "greater_than_equal", "loc": ["body", "limit"],
             "msg": "Input should be greater than or equal to 1", "input": 0, "ctx": {"ge": 1}}
        ]})))
        .mount(&h.server)
        .await;
    h.given("GET", "/context/stats")
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_raw("Internal Server Error", "text/plain; charset=utf-8"),
        )
        .mount(&h.server)
        .await;
    h.given("GET", "/conceptual-spaces")
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", "http://memory:8003/conceptual-spaces"),
        )
        .mount(&h.server)
        .await;

    let message = h.client.insights().await.unwrap_err();
    let validation = h.client.search("x").await.unwrap_err();
    let text = h.client.context_stats().await.unwrap_err();
    let redirect = h.client.conceptual_spaces().await.unwrap_err();

    let detail = message.api_error().unwrap().message();
    assert_eq!(detail, Some("Memory insights failed: boom"));
    let items = validation.api_error().unwrap().validation_items();
    assert_eq!(items[0].loc.len(), 2);
    assert_eq!(items[0].url, None);
    assert!(
        matches!(text.api_error().unwrap().detail(), ErrorDetail::Text(t) if t == "Internal Server Error")
    );
    assert_eq!(redirect.kind(), ErrorKind::Redirect);
    assert_eq!(
        redirect.location(),
        Some("http://memory:8003/conceptual-spaces")
    );
}

#[test]
fn the_search_type_is_the_core_one() {
    // One `SearchType` across the clients: the registry's manifests use the same type.
    let sent: lift_sdk_core::SearchType = SearchType::Conceptual;
    let request = lift_memory_client::SearchRequest::new("q").search_type(sent);
    assert_eq!(
        serde_json::to_value(&request).unwrap()["search_type"],
        "conceptual"
    );
}
