//! `MemoryClient::search` round trip next to the same request with bare `reqwest`.
//!
//! Both sides hit the same local axum server, send the same JSON body with the same bearer
//! token and decode the same realistic answer (ten hits with metadata, timestamps and the
//! optional extras) into equivalent structs. The difference is the SDK's work per call:
//! input validation, URL joining, request id, traceparent, span, breaker and budget
//! bookkeeping, the credential provider, and envelope and metadata handling.
//!
//! Run: `cargo bench -p lift-memory-client --bench search -- --warm-up-time 1 --measurement-time 5`

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use std::net::SocketAddr;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use criterion::{Criterion, criterion_group, criterion_main};
use lift_memory_client::{MemoryClient, SearchRequest, SearchType};
use lift_sdk_core::{Timestamp, Transport};
use serde::Deserialize;
use serde_json::{Map, Value, json};

const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.bench.token";

/// What the bare side decodes into: the same fields as `SearchResponse`/`SearchHit`.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Envelope {
    data: Option<Found>,
    metadata: Option<Map<String, Value>>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Found {
    results: Vec<Hit>,
    count: u64,
    search_type: String,
    duration: f64,
    performance_metrics: Option<Map<String, Value>>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Hit {
    id: String,
    content: String,
    score: f64,
    metadata: Map<String, Value>,
    memory_type: String,
    timestamp: Option<Timestamp>,
    conceptual_space: Option<Value>,
    embedding_similarity: Option<f64>,
}

/// A realistic answer of contract §5.2: ten hits, envelope and metadata.
fn answer() -> Vec<u8> {
    let org = "d82f5ff2-d741-476d-9420-37360d8f4edc";
    let results: Vec<Value> = (0..10)
        .map(|i| {
            json!({
                "id": format!("memory_{org}_1795421411.61459{i}"),
                "content": "Q3 campaign lifted signups 12% after the subject-line test on the spring cohort",
                "score": f64::from(i).mul_add(-0.05, 0.9),
                "metadata": {"memory_type": "general", "source": "lift_os_core",
                             "organization_id": org, "timestamp": "2026-11-23T07:26:12.169221",
                             "campaign": "q3-spring", "has_embedding": true,
                             "embedding_model": "kse-universal", "operation_id": format!("op-{i}")},
                "memory_type": "general",
                "timestamp": "2026-11-23T07:26:12.169221",
                "conceptual_space": {"space_id": format!("space_{org}_fdf5d185"), "name": "marketing",
                                     "dimensions": ["channel", "audience", "season"]},
                "embedding_similarity": 0.87
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "success": true, "message": "Enhanced memory search completed",
        "data": {"results": results, "count": 10, "search_type": "neural", "duration": 0.0123,
                 "performance_metrics": {"cache_hit_rate": 0.5, "average_operation_time_ms": 1.7,
                                         "conceptual_spaces_available": 1}},
        "errors": null,
        "metadata": {"correlation_id": "8f690858-c706-4861-bf7d-75261cd63735", "org_id": org,
                     "query_length": 13, "enhanced_features": ["neural_embeddings"]}
    }))
    .unwrap()
}

fn start_server(runtime: &tokio::runtime::Runtime) -> SocketAddr {
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let body = bytes_body(answer());
        let app = Router::new().route(
            "/memory/search",
            post(move || {
                let body = body.clone();
                async move { ([(CONTENT_TYPE, "application/json")], body) }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    })
}

fn bytes_body(body: Vec<u8>) -> axum::body::Bytes {
    axum::body::Bytes::from(body)
}

fn search(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = start_server(&runtime);
    let url = format!("http://{addr}/memory/search");
    let body = json!({"query": "campaign lift", "search_type": "neural", "limit": 10,
                      "filters": null});

    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let transport = Transport::builder(format!("http://{addr}/memory"))
        .service("memory")
        .http_client(bare.clone())
        .build()
        .unwrap();
    let memory = MemoryClient::through_gateway(transport).for_token(TOKEN);
    let request = SearchRequest::new("campaign lift").search_type(SearchType::Neural);

    let mut group = c.benchmark_group("search");
    group.bench_function("bare_reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = bare
                .post(&url)
                .bearer_auth(TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap();
            let bytes = response.error_for_status().unwrap().bytes().await.unwrap();
            let envelope: Envelope = serde_json::from_slice(&bytes).unwrap();
            envelope.data.unwrap()
        });
    });
    group.bench_function("memory_client", |b| {
        b.to_async(&runtime)
            .iter(|| async { memory.search(request.clone()).await.unwrap() });
    });
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
