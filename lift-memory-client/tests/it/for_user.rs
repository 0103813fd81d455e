//! Acting on behalf of a caller: a copy of the client with other credentials.

use std::sync::Arc;

use lift_memory_client::MemoryClient;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

use crate::support::{Absent, Bearer, CONTEXT_HEADERS, envelope, received, transport};

#[tokio::test]
async fn for_provider_binds_each_copy_to_its_caller() {
    // Arrange: one shared client without credentials, as a module holds it.
    let server = MockServer::start().await;
    let stats = envelope(json!({"total_contexts": 1}), json!(null));
    for token in ["alice-token", "bob-token"] {
        Mock::given(method("GET"))
            .and(path("/memory/context/stats"))
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .and(Absent(&CONTEXT_HEADERS))
            .respond_with(stats.clone())
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/memory/context/stats"))
        .and(Absent(&["authorization"]))
        .respond_with(stats)
        .expect(1)
        .mount(&server)
        .await;
    let shared = MemoryClient::new(transport(&format!("{}/memory", server.uri())));

    // Act: two callers at once, then the shared client itself.
    let alice = shared.for_provider(Arc::new(Bearer("alice-token")));
    let bob = shared.for_provider(Arc::new(Bearer("bob-token")));
    let (a, b) = tokio::join!(alice.context_stats(), bob.context_stats());
    shared.context_stats().await.unwrap();

    // Assert
    a.unwrap();
    b.unwrap();
    assert_eq!(received(&server).await.len(), 3);
    assert!(shared.transport().auth().is_none());
    assert!(alice.transport().auth().is_some());
}
