//! What a running module serves: health, readiness, metrics, auth, and FastAPI-shaped errors.

use std::time::Duration;

use lift_sdk::runtime::Check;
use reqwest::StatusCode;
use serde_json::json;

use super::{Notes, Platform, json_of, start, token};

#[tokio::test]
async fn health_is_the_reference_shape_and_never_calls_a_dependency() {
    let platform = Platform::new().await;
    let failing = Check::new("memory", || async { Err::<(), _>("memory is down") });
    let module = Notes {
        checks: vec![failing],
        ..Notes::default()
    };
    let (running, base) = start(&platform, module).await;

    for path in ["/health", "/health/live"] {
        let response = reqwest::get(format!("{base}{path}")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = json_of(response).await;
        assert_eq!(body["status"], "healthy", "{path}");
        assert_eq!(body["service"], "notes");
        assert_eq!(body["version"], "1.2.0");
        assert!(body["uptime"].is_number(), "{body}");
        let timestamp = body["timestamp"].as_str().unwrap();
        assert!(
            !timestamp.ends_with('Z') && !timestamp.contains('+'),
            "naive UTC: {timestamp}"
        );
    }
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn readiness_reports_every_check_and_fails_only_on_required_ones() {
    let platform = Platform::new().await;
    let optional = Check::new("cache", || async { Err::<(), _>("cache is cold") }).optional();
    let fine = Check::new("memory", || async { Ok::<(), String>(()) });
    let module = Notes {
        checks: vec![optional, fine],
        ..Notes::default()
    };
    let (running, base) = start(&platform, module).await;

    for path in ["/ready", "/health/ready"] {
        let response = reqwest::get(format!("{base}{path}")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let text = response.text().await.unwrap();
        for name in ["registered", "shutting_down", "cache", "memory"] {
            assert!(text.contains(name), "{path}: {text}");
        }
    }
    let response = reqwest::Client::new()
        .get(format!("{base}/health/ready"))
        .header("accept", "application/health+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/health+json")
    );
    let body = json_of(response).await;
    assert_eq!(body["status"], "warn", "{body}");
    assert_eq!(body["checks"]["cache"][0]["status"], "warn", "{body}");
    running.shutdown();
    running.wait().await.unwrap();

    let required = Check::new("memory", || async { Err::<(), _>("memory is down") });
    let module = Notes {
        checks: vec![required],
        ..Notes::default()
    };
    let (running, base) = start(&platform, module).await;
    // Why it failed is for an admin's token only; a probe sees the status.
    let response = reqwest::get(format!("{base}/ready")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(!response.text().await.unwrap().contains("memory is down"));
    let response = reqwest::Client::new()
        .get(format!("{base}/ready"))
        .bearer_auth(token("u-admin", &["admin"]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.text().await.unwrap().contains("memory is down"));
    let response = reqwest::Client::new()
        .get(format!("{base}/ready"))
        .header("accept", "application/health+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json_of(response).await["status"], "fail");
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let platform = Platform::new().await;
    let (running, base) = start(&platform, Notes::default()).await;
    let client = reqwest::Client::new();
    let bearer = format!("Bearer {}", token("u-1", &["user"]));
    for _ in 0..3 {
        let response = client
            .get(format!("{base}/api/v1/whoami"))
            .header("authorization", &bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response = client
        .get(format!("{base}/api/v1/whoami"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let count = |status: &str| {
        metrics
            .lines()
            .find(|line| {
                line.starts_with("http_requests_total")
                    && line.contains("route=\"/api/v1/whoami\"")
                    && line.contains(&format!("status=\"{status}\""))
            })
            .and_then(|line| line.rsplit(' ').next())
            .map(str::to_owned)
    };
    assert_eq!(count("200").as_deref(), Some("3"), "{metrics}");
    assert_eq!(count("401").as_deref(), Some("1"), "{metrics}");
    assert!(
        metrics.contains("http_request_duration_seconds"),
        "{metrics}"
    );
    assert!(metrics.contains("http_requests_in_flight"), "{metrics}");
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("lift_module_registered") && l.ends_with(" 1")),
        "{metrics}"
    );
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn module_routes_sit_behind_the_auth_layer() {
    let platform = Platform::new().await;
    let (running, base) = start(&platform, Notes::default()).await;
    let client = reqwest::Client::new();

    let response = client
        .get(format!("{base}/api/v1/whoami"))
        .header(
            "authorization",
            format!("Bearer {}", token("u-1", &["user"])),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = json_of(response).await;
    assert_eq!(body["user_id"], "u-1");
    assert_eq!(body["module_id"], platform.registry.module_ids()[0]);

    let response = client
        .get(format!("{base}/api/v1/whoami"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");

    // A viewer may not write memory.
    let response = client
        .post(format!("{base}/api/v1/notes"))
        .header(
            "authorization",
            format!("Bearer {}", token("u-2", &["viewer"])),
        )
        .json(&json!({ "text": "hello" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.contains("insufficient_scope"), "{challenge}");

    // Gateway headers are not trusted by default: a forged identity gets nowhere.
    let response = client
        .get(format!("{base}/api/v1/whoami"))
        .header("x-user-id", "admin")
        .header("x-org-id", "org")
        .header("x-user-roles", "admin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn gateway_headers_are_trusted_only_by_opt_in_and_never_when_repeated() {
    let platform = Platform::new().await;
    let running = super::runtime(&platform, Notes::default())
        .await
        .auth(lift_sdk::auth::JwtAuthLayer::gateway_headers())
        .start()
        .await
        .unwrap();
    running.registered().await.unwrap();
    let base = format!("http://{}", running.local_addr());
    let client = reqwest::Client::new();
    let response = client
        .get(format!("{base}/api/v1/whoami"))
        .header("x-user-id", "u-7")
        .header("x-org-id", "o-7")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["user_id"], "u-7");

    let response = client
        .get(format!("{base}/api/v1/whoami"))
        .header("x-user-id", "attacker")
        .header("x-user-id", "u-7")
        .header("x-org-id", "o-7")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn errors_are_fastapi_shaped_and_double_slashes_are_tolerated() {
    let platform = Platform::new().await;
    let (running, base) = start(&platform, Notes::default()).await;
    let client = reqwest::Client::new();
    let bearer = format!("Bearer {}", token("u-1", &["user"]));

    // The reference gateway forwards `//api/v1/...` (contract §4.3).
    let response = client
        .get(format!("{base}//api/v1/whoami"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let response = client
        .get(format!("{base}/api/v1/nowhere"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(response).await, json!({ "detail": "Not Found" }));

    let response = client
        .delete(format!("{base}/api/v1/whoami"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        json_of(response).await,
        json!({ "detail": "Method Not Allowed" })
    );

    let response = client
        .post(format!("{base}/api/v1/notes"))
        .header("authorization", &bearer)
        .header("content-type", "application/json")
        .body("{\"text\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json_of(response).await;
    assert_eq!(body["detail"][0]["loc"][0], "body", "{body}");
    assert!(
        body["detail"][0]["msg"].is_string() && body["detail"][0]["type"].is_string(),
        "{body}"
    );

    let response = client
        .post(format!("{base}/api/v1/notes"))
        .header("authorization", &bearer)
        .json(&json!({ "title": "no text" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json_of(response).await;
    assert_eq!(body["detail"][0]["loc"], json!(["body", "text"]), "{body}");

    let huge = "x".repeat(3 * 1024 * 1024);
    let response = client
        .post(format!("{base}/api/v1/notes"))
        .header("authorization", &bearer)
        .json(&json!({ "text": huge }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json_of(response).await["detail"].is_string());

    // A panic is a 500 JSON answer, and the module keeps serving.
    let response = client
        .get(format!("{base}/api/v1/panic"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        json_of(response).await,
        json!({ "detail": "Internal Server Error" })
    );
    let response = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn readiness_results_are_cached_briefly() {
    let platform = Platform::new().await;
    let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = runs.clone();
    let check = Check::new("memory", move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<(), String>(())
        }
    })
    .timeout(Duration::from_secs(1));
    let module = Notes {
        checks: vec![check],
        ..Notes::default()
    };
    let running = super::runtime(&platform, module)
        .await
        .readiness(
            lift_sdk::runtime::ReadinessSettings::default().cache_ttl(Duration::from_secs(3600)),
        )
        .start()
        .await
        .unwrap();
    running.registered().await.unwrap();
    let base = format!("http://{}", running.local_addr());
    let probes = (0..8).map(|_| reqwest::get(format!("{base}/ready")));
    for response in futures_util_join(probes).await {
        assert_eq!(response.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    running.shutdown();
    running.wait().await.unwrap();
}

/// Runs `futures` concurrently and collects their outputs in order.
async fn futures_util_join<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}
