//! A round trip through `Transport` next to the same request with bare `reqwest`.
//!
//! Both sides hit the same local axum server, send the same JSON body and decode the same
//! envelope into the same struct; the difference is the SDK's work per call (URL joining,
//! request id, traceparent, span, breaker and budget bookkeeping, envelope decoding).

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;

use axum::routing::post;
use axum::{Json, Router};
use criterion::{Criterion, criterion_group, criterion_main};
use lift_sdk_core::{ApiResponse, Transport};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Hit {
    id: String,
    content: String,
    score: f64,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Found {
    results: Vec<Hit>,
    count: u64,
}

fn answer() -> Value {
    let results: Vec<Value> = (0..10)
        .map(|i| json!({"id": format!("memory_org_{i}"), "content": "Q3 campaign lifted signups 12%", "score": 0.9, "metadata": {"source": "lift_os_core"}}))
        .collect();
    json!({"success": true, "message": "Success", "data": {"results": results, "count": 10}, "errors": null, "metadata": {"correlation_id": "c"}})
}

fn start_server(runtime: &tokio::runtime::Runtime) -> SocketAddr {
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let body = answer();
        let app = Router::new().route("/search", post(move || async move { Json(body) }));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    })
}

fn round_trip(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = start_server(&runtime);
    let url = format!("http://{addr}/search");
    let request = json!({"query": "campaign lift", "search_type": "hybrid", "limit": 10});

    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let transport = Transport::builder(format!("http://{addr}"))
        .http_client(bare.clone())
        .build()
        .unwrap();

    let mut group = c.benchmark_group("round_trip");
    group.bench_function("bare_reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = bare.post(&url).json(&request).send().await.unwrap();
            let bytes = response.error_for_status().unwrap().bytes().await.unwrap();
            let envelope: ApiResponse<Found> = serde_json::from_slice(&bytes).unwrap();
            envelope.data.unwrap()
        });
    });
    group.bench_function("lift_transport", |b| {
        b.to_async(&runtime).iter(|| async {
            transport
                .post("/search")
                .json(&request)
                .idempotent(true)
                .send_data::<Found>()
                .await
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
