//! Input the service would refuse never reaches the network.

use lift_memory_client::{BatchSearchRequest, SearchRequest, StoreRequest};
use lift_sdk_core::ErrorKind;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Harness, Mode, received};

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    for mode in Mode::ALL {
        // Arrange: a server that must see nothing.
        let h = Harness::start(mode).await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&h.server)
            .await;
        let c = &h.client;

        // Act
        let errors = [
            c.search(SearchRequest::new("q").limit(0)).await.map(drop),
            c.search(SearchRequest::new("q").limit(101)).await.map(drop),
            c.search("").await.map(drop),
            c.search("   ").await.map(drop),
            c.search(SearchRequest::new("q").filters(json!([1])))
                .await
                .map(drop),
            c.search_neural(SearchRequest::new("q").limit(0))
                .await
                .map(drop),
            c.search_conceptual("").await.map(drop),
            c.search_knowledge(SearchRequest::new("q").limit(1000))
                .await
                .map(drop),
            c.search_batch(BatchSearchRequest::new(Vec::<String>::new()))
                .await
                .map(drop),
            c.search_batch(BatchSearchRequest::new(["ok", ""]))
                .await
                .map(drop),
            c.search_batch(BatchSearchRequest::new(["ok"]).limit(0))
                .await
                .map(drop),
            c.store("").await.map(drop),
            c.store(StoreRequest::new("x").metadata(json!("not an object")))
                .await
                .map(drop),
            c.store(StoreRequest::new("x").memory_type(" "))
                .await
                .map(drop),
            c.context_initialize("").await.map(drop),
            c.delete_context("").await.map(drop),
            c.delete_context("  ").await.map(drop),
            c.context_initialize(" ").await.map(drop),
            c.create_conceptual_space("", ["d"]).await.map(drop),
            c.create_conceptual_space(" ", ["d"]).await.map(drop),
        ];

        // Assert
        for (i, result) in errors.into_iter().enumerate() {
            let err = result.expect_err(&format!("case {i}"));
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "case {i}: {err}");
            assert_eq!(err.attempts(), 0, "case {i}");
        }
        assert!(received(&h.server).await.is_empty(), "{mode:?}");
    }
}

#[tokio::test]
async fn the_limit_error_says_what_is_allowed() {
    let h = Harness::start(Mode::Gateway).await;

    let err = h
        .client
        .search(SearchRequest::new("q").limit(101))
        .await
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        "invalid input: limit must be between 1 and 100, got 101"
    );
}

#[tokio::test]
async fn limits_1_and_100_are_sent() {
    let h = Harness::start(Mode::Direct).await;
    Mock::given(any())
        .respond_with(crate::support::envelope(
            json!({"results": []}),
            json!(null),
        ))
        .expect(2)
        .mount(&h.server)
        .await;

    for limit in [1, 100] {
        h.client
            .search(SearchRequest::new("q").limit(limit))
            .await
            .unwrap();
    }
}
