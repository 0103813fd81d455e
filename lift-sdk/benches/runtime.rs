//! The module runtime under load, next to a bare axum server with the same handlers, and
//! the time from `start` to registered-and-ready.
//!
//! Load: 32 concurrent keep-alive connections, each sending 8 requests per iteration
//! (256 requests), to `/health` and to a protected JSON route. The bare server has the
//! same handlers and the same auth layer (the same verifier, so the same token cache); the
//! difference is the runtime's own work per request (request id and trace context, span,
//! metrics, limits, panic catching, `//` tolerance, FastAPI error shaping). Next to
//! criterion's figures, the group prints a paired ratio per route (alternating rounds),
//! which the machine's drift between two runs cannot skew. Target: ≥ 0.85×.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::{Json, Router};
use chrono::{SecondsFormat, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lift_sdk::auth::{Claims, JwtAuthLayer, TokenIssuer, TokenVerifier};
use lift_sdk::runtime::{LiftModule, ManifestSource, Runtime};
use lift_sdk::{LiftConfig, ModuleManifest};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "lift-shared-secret-for-tests-0123456789abcdef";
const CONNECTIONS: usize = 32;
const PER_CONNECTION: usize = 8;
static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);

async fn profile(claims: Claims) -> Json<Value> {
    Json(json!({ "user_id": claims.sub, "org_id": claims.org_id, "roles": claims.roles }))
}

/// The body the runtime's `/health` answers, built the same way.
async fn health() -> Json<Value> {
    let mut timestamp = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    timestamp.pop();
    Json(json!({
        "status": "healthy",
        "service": "bench",
        "timestamp": timestamp,
        "version": "1.0.0",
        "dependencies": {},
        "uptime": STARTED.elapsed().as_secs_f64(),
    }))
}

struct Bench;

impl LiftModule for Bench {
    fn manifest(&self) -> ManifestSource {
        ModuleManifest::new("bench", "1.0.0").into()
    }

    fn routes(&self) -> Router {
        Router::new().route("/profile", get(profile))
    }
}

fn verifier() -> TokenVerifier {
    TokenVerifier::hs256(SECRET).unwrap()
}

fn token() -> String {
    let issuer = TokenIssuer::hs256(SECRET).unwrap();
    issuer
        .issue(&issuer.claims("u-1", "o-1", "u-1@lift.dev"))
        .unwrap()
}

async fn bare_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .nest(
            "/api/v1",
            Router::new()
                .route("/profile", get(profile))
                .layer(JwtAuthLayer::new(verifier())),
        )
        .route("/health", get(health));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

async fn runtime_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = LiftConfig::new("http://127.0.0.1:9")
        .unwrap()
        .jwt_secret(SECRET);
    let running = Runtime::new(Bench)
        .config(config)
        .listener(listener)
        .auth(JwtAuthLayer::new(verifier()))
        .without_registration()
        .shutdown_signal(std::future::pending())
        .start()
        .await
        .unwrap();
    // Dropping the handle leaves the module running, for the whole benchmark.
    running.local_addr()
}

/// 32 connections × 8 requests, each checked for a 200.
async fn load(clients: &[reqwest::Client], url: &str, bearer: &str) {
    let mut tasks = tokio::task::JoinSet::new();
    for client in clients {
        let (client, url, bearer) = (client.clone(), url.to_owned(), bearer.to_owned());
        tasks.spawn(async move {
            for _ in 0..PER_CONNECTION {
                let response = client
                    .get(&url)
                    .header("authorization", &bearer)
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success());
                response.bytes().await.unwrap();
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}

fn throughput(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (bare, module) = rt.block_on(async { (bare_server().await, runtime_server().await) });
    // One client per connection, so that each keeps exactly one connection alive.
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap()
        })
        .collect();
    let bearer = format!("Bearer {}", token());

    let mut group = c.benchmark_group("requests_32_connections");
    group.throughput(Throughput::Elements((CONNECTIONS * PER_CONNECTION) as u64));
    for (name, addr) in [("bare_axum", bare), ("lift_runtime", module)] {
        let url = format!("http://{addr}/health");
        group.bench_function(format!("health/{name}"), |b| {
            b.to_async(&rt).iter(|| load(&clients, &url, &bearer));
        });
        let url = format!("http://{addr}/api/v1/profile");
        group.bench_function(format!("protected_json/{name}"), |b| {
            b.to_async(&rt).iter(|| load(&clients, &url, &bearer));
        });
    }
    group.finish();
    rt.block_on(paired_ratios(&clients, bare, module, &bearer));
}

/// The runtime/bare throughput ratio per route, from rounds that alternate the two servers:
/// drift of the machine's speed (other tenants, frequency changes) hits both sides of a
/// round alike and cancels out, where it can skew two criterion runs minutes apart.
async fn paired_ratios(
    clients: &[reqwest::Client],
    bare: SocketAddr,
    module: SocketAddr,
    bearer: &str,
) {
    const ROUNDS: usize = 41;
    const LOADS_PER_ROUND: usize = 8;
    for route in ["/health", "/api/v1/profile"] {
        let time = async |addr: SocketAddr| {
            let url = format!("http://{addr}{route}");
            let started = Instant::now();
            for _ in 0..LOADS_PER_ROUND {
                load(clients, &url, bearer).await;
            }
            started.elapsed().as_secs_f64()
        };
        let mut ratios = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            // Throughput ratio: the bare server's time over the runtime's.
            ratios.push(time(bare).await / time(module).await);
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "{route}: lift_runtime over bare_axum throughput, paired: median {:.3}x (quartiles {:.3}x to {:.3}x, {ROUNDS} rounds)",
            ratios[ROUNDS / 2],
            ratios[ROUNDS / 4],
            ratios[3 * ROUNDS / 4],
        );
    }
}

/// A registry on loopback that accepts every registration.
async fn local_registry() -> MockServer {
    let registry = MockServer::start().await;
    let record = json!({ "id": "00000000-0000-4000-8000-000000000001", "name": "bench", "version": "1.0.0",
                         "base_url": "http://127.0.0.1:1/", "status": "active" });
    Mock::given(method("POST"))
        .and(path("/registry/modules"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": { "module_id": "00000000-0000-4000-8000-000000000001", "module": record, "health": { "status": "healthy" } }
        })))
        .mount(&registry)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/registry/modules"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": { "items": [], "total": 0, "page": 1, "size": 100, "pages": 0 }
        })))
        .mount(&registry)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "success": true, "data": {} })),
        )
        .mount(&registry)
        .await;
    registry
}

fn start_to_ready(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let registry = rt.block_on(local_registry());
    let config = LiftConfig::new(&registry.uri()).unwrap().jwt_secret(SECRET);
    let probe = reqwest::Client::new();
    // Only start → registered → first `/ready` 200 is timed; the shutdown that follows is not.
    c.bench_function("start_to_registered_and_ready", |b| {
        b.to_async(&rt).iter_custom(|iterations| {
            let (config, probe) = (config.clone(), probe.clone());
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let started = Instant::now();
                    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                    let running = Runtime::new(Bench)
                        .config(config.clone())
                        .listener(listener)
                        .shutdown_signal(std::future::pending())
                        .start()
                        .await
                        .unwrap();
                    running.registered().await.unwrap();
                    let url = format!("http://{}/ready", running.local_addr());
                    assert_eq!(probe.get(url).send().await.unwrap().status(), 200);
                    total += started.elapsed();
                    running.shutdown();
                    running.wait().await.unwrap();
                }
                total
            }
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(5));
    targets = throughput, start_to_ready
}
criterion_main!(benches);
