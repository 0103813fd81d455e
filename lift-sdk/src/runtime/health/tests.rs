//! The health routes on a real listener, called over HTTP.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lift_auth::{JwtAuthLayer, Role, TokenIssuer, TokenVerifier};
use lift_registry_client::ModuleId;
use serde_json::{Value, json};

use super::{Check, Readiness, ReadinessSettings, health_router};
use crate::runtime::state::{RegistrationState, RuntimeState};

const SECRET: &str = "lift-shared-secret-for-tests-0123456789abcdef";

/// A token the module's auth layer verifies, with `roles`.
fn token(roles: &[Role]) -> String {
    let issuer = TokenIssuer::hs256(SECRET).expect("a valid secret");
    let claims = issuer
        .claims("user-1", "org-1", "ana@example.com")
        .roles(roles.iter().cloned());
    issuer.issue(&claims).expect("a token")
}

/// An admin's token: the only caller who sees why a check failed.
fn admin() -> Option<String> {
    Some(token(&[Role::Admin]))
}

/// A module named `reports` 1.2.0, registered as `2f1c`.
fn registered_state() -> Arc<RuntimeState> {
    let state = Arc::new(RuntimeState::new("reports", "1.2.0", true));
    state.set_registration(RegistrationState::Registered {
        id: ModuleId::new("2f1c").expect("a valid id"),
        registrations: 1,
    });
    state
}

/// The health routes served on `127.0.0.1:0`, and a client for them.
struct Server {
    base: String,
    client: reqwest::Client,
}

/// Serves the health routes.
async fn serve(state: Arc<RuntimeState>, checks: Vec<Check>) -> Server {
    let readiness = Readiness::new(checks, ReadinessSettings::default()).expect("valid checks");
    let auth = JwtAuthLayer::new(TokenVerifier::hs256(SECRET).expect("a valid secret"));
    let app: axum::Router = health_router(state, Arc::new(readiness), auth);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server {
        base: format!("http://{address}"),
        client: reqwest::Client::new(),
    }
}

/// A check that counts its runs and fails with `error` when given one.
fn counted(name: &str, runs: &Arc<AtomicUsize>, error: Option<&'static str>) -> Check {
    let runs = runs.clone();
    Check::new(name, move || {
        runs.fetch_add(1, Ordering::SeqCst);
        async move { error.map_or(Ok(()), Err) }
    })
}

struct Answer {
    status: u16,
    content_type: String,
    body: Value,
}

impl Server {
    /// An anonymous `GET`, as a probe sends it.
    async fn get(&self, path: &str, accept: Option<&str>) -> Answer {
        self.get_as(path, accept, None).await
    }

    /// A `GET` with `Authorization: Bearer {bearer}` when given.
    async fn get_as(&self, path: &str, accept: Option<&str>, bearer: Option<String>) -> Answer {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let response = request.send().await.expect("an answer");
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let body = response.json().await.expect("a JSON body");
        Answer {
            status,
            content_type,
            body,
        }
    }
}

/// Checks a naive-UTC timestamp with microseconds (`2026-12-01T04:10:31.123456`) and
/// removes it, so the rest of the body compares exactly.
fn take_naive_timestamp(body: &mut Value) {
    let timestamp = body["timestamp"].take();
    let text = timestamp.as_str().expect("a timestamp string");
    assert!(
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.6f").is_ok()
            && text.len() == 26,
        "{text}"
    );
    body.as_object_mut().expect("an object").remove("timestamp");
}

#[tokio::test]
async fn liveness_has_the_reference_shape_and_never_runs_a_check() {
    let runs = Arc::new(AtomicUsize::new(0));
    let server = serve(
        registered_state(),
        vec![counted("memory", &runs, Some("memory down"))],
    )
    .await;

    for path in ["/health", "/health/live"] {
        let mut answer = server.get(path, None).await;

        assert_eq!(answer.status, 200);
        assert_eq!(answer.content_type, "application/json");
        take_naive_timestamp(&mut answer.body);
        assert!(answer.body["uptime"].as_f64().expect("seconds") >= 0.0);
        answer.body["uptime"] = json!(0);
        // A UUID per process: replicas that share a base URL tell each other apart by it.
        let instance = answer.body["instance_id"].take();
        assert_eq!(instance.as_str().map(str::len), Some(36), "{instance}");
        answer.body["instance_id"] = json!("id");
        assert_eq!(
            answer.body,
            json!({"status": "healthy", "service": "reports", "version": "1.2.0", "instance_id": "id", "dependencies": {}, "uptime": 0})
        );
    }
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn readiness_reports_every_check_and_answers_200_when_all_pass() {
    let runs = Arc::new(AtomicUsize::new(0));
    let server = serve(registered_state(), vec![counted("memory", &runs, None)]).await;

    for path in ["/ready", "/health/ready"] {
        let mut answer = server.get(path, None).await;

        assert_eq!(answer.status, 200);
        assert_eq!(answer.content_type, "application/json");
        take_naive_timestamp(&mut answer.body);
        assert!(answer.body["checks"]["memory"]["result"]["duration"].is_f64());
        answer.body["checks"]["memory"]["result"]["duration"] = json!(0);
        assert_eq!(
            answer.body,
            json!({
                "status": "ready",
                "service": "reports",
                "checks": {
                    "registered": {"status": "ready", "result": {"module_id": "2f1c"}},
                    "shutting_down": {"status": "ready", "result": {}},
                    "memory": {"status": "ready", "result": {"duration": 0}},
                },
            })
        );
    }
}

#[tokio::test]
async fn a_failed_required_check_answers_503_with_the_reason() {
    let runs = Arc::new(AtomicUsize::new(0));
    let checks = vec![
        counted("memory", &runs, Some("connection refused")),
        counted("cache", &runs, None).optional(),
    ];
    let server = serve(registered_state(), checks).await;

    let answer = server.get_as("/ready", None, admin()).await;

    assert_eq!(answer.status, 503);
    assert_eq!(answer.body["detail"], "Service reports not ready");
    assert_eq!(answer.body["status"], "not_ready");
    assert_eq!(
        answer.body["checks"]["memory"]["status"], "not_ready",
        "{}",
        answer.body
    );
    assert_eq!(
        answer.body["checks"]["memory"]["result"]["output"],
        "connection refused"
    );
    assert_eq!(answer.body["checks"]["cache"]["status"], "ready");
}

#[tokio::test]
async fn a_failed_optional_check_warns_and_stays_ready() {
    let runs = Arc::new(AtomicUsize::new(0));
    let checks = vec![counted("cache", &runs, Some("redis unreachable")).optional()];
    let server = serve(registered_state(), checks).await;

    let answer = server.get_as("/ready", None, admin()).await;
    let ietf = server
        .get_as("/ready", Some("application/health+json"), admin())
        .await;

    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["status"], "ready");
    assert_eq!(answer.body["checks"]["cache"]["status"], "warn");
    assert_eq!(
        answer.body["checks"]["cache"]["result"]["output"],
        "redis unreachable"
    );
    assert_eq!(ietf.status, 200);
    assert_eq!(ietf.body["status"], "warn");
    assert_eq!(ietf.body["checks"]["cache"][0]["status"], "warn");
}

#[tokio::test(start_paused = true)]
async fn a_hung_check_fails_by_its_timeout() {
    let hung = Check::new("search", std::future::pending::<Result<(), String>>)
        .timeout(Duration::from_millis(1500));
    let server = serve(registered_state(), vec![hung]).await;

    let answer = server.get_as("/ready", None, admin()).await;

    assert_eq!(answer.status, 503);
    assert_eq!(
        answer.body["checks"]["search"]["result"]["output"],
        "no answer within 1.5s"
    );
}

#[tokio::test]
async fn a_panicking_check_fails_without_taking_readiness_down() {
    let panics = Check::new("broken", || async {
        if true {
            panic!("bug in the check");
        }
        Ok::<_, String>(())
    });
    let server = serve(registered_state(), vec![panics]).await;

    let answer = server.get_as("/ready", None, admin()).await;

    assert_eq!(answer.status, 503);
    assert_eq!(
        answer.body["checks"]["broken"]["result"]["output"],
        "the check panicked"
    );
}

#[tokio::test]
async fn shutdown_turns_readiness_503_at_once_even_with_a_cached_200() {
    let runs = Arc::new(AtomicUsize::new(0));
    let state = registered_state();
    let server = serve(state.clone(), vec![counted("memory", &runs, None)]).await;
    assert_eq!(server.get("/ready", None).await.status, 200);

    state.begin_shutdown();
    let answer = server.get_as("/ready", None, admin()).await;

    assert_eq!(answer.status, 503);
    assert_eq!(
        answer.body["checks"]["shutting_down"],
        json!({"status": "not_ready", "result": {"output": "shutting down"}})
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    // Liveness still answers while the process drains.
    assert_eq!(server.get("/health", None).await.status, 200);
}

#[tokio::test]
async fn readiness_waits_for_registration() {
    let state = Arc::new(RuntimeState::new("reports", "1.2.0", true));
    state.set_registration(RegistrationState::Pending {
        attempts: 3,
        last_error: Some("connection refused".to_owned()),
    });
    let server = serve(state.clone(), Vec::new()).await;

    let pending = server.get_as("/ready", None, admin()).await;
    state.set_registration(RegistrationState::Registered {
        id: ModuleId::new("9a7e").expect("a valid id"),
        registrations: 1,
    });
    let registered = server.get_as("/ready", None, admin()).await;

    assert_eq!(pending.status, 503);
    assert_eq!(
        pending.body["checks"]["registered"],
        json!({"status": "not_ready", "result": {"output": "not registered after 3 attempts: connection refused"}})
    );
    assert_eq!(registered.status, 200);
    assert_eq!(
        registered.body["checks"]["registered"]["result"]["module_id"],
        "9a7e"
    );
}

#[tokio::test]
async fn health_json_is_served_on_every_route_with_its_content_type() {
    let runs = Arc::new(AtomicUsize::new(0));
    let server = serve(
        registered_state(),
        vec![counted("memory", &runs, Some("down"))],
    )
    .await;
    let accept = Some("application/health+json");

    for path in ["/health", "/health/live"] {
        let mut answer = server.get(path, accept).await;

        assert_eq!(answer.status, 200);
        assert_eq!(answer.content_type, "application/health+json");
        let uptime = &mut answer.body["checks"]["uptime"][0];
        assert!(uptime["time"].as_str().expect("a time").ends_with('Z'));
        uptime["time"] = json!("t");
        uptime["observedValue"] = json!(0);
        assert_eq!(
            answer.body,
            json!({
                "status": "pass",
                "version": "1.2.0",
                "serviceId": "2f1c",
                "description": "liveness of reports",
                "checks": {"uptime": [{"componentType": "system", "observedValue": 0, "observedUnit": "s", "status": "pass", "time": "t"}]},
            })
        );
    }
    for path in ["/ready", "/health/ready"] {
        let mut answer = server.get_as(path, accept, admin()).await;

        assert_eq!(answer.status, 503);
        assert_eq!(answer.content_type, "application/health+json");
        for (_, entries) in answer.body["checks"]
            .as_object_mut()
            .expect("checks")
            .iter_mut()
        {
            entries[0]["time"] = json!("t");
        }
        answer.body["checks"]["memory"][0]["observedValue"] = json!(0);
        assert_eq!(
            answer.body,
            json!({
                "status": "fail",
                "version": "1.2.0",
                "serviceId": "2f1c",
                "description": "readiness of reports",
                "output": "Service reports not ready",
                "checks": {
                    "registered": [{"componentId": "2f1c", "status": "pass", "time": "t"}],
                    "shutting_down": [{"status": "pass", "time": "t"}],
                    "memory": [{"observedValue": 0, "observedUnit": "ms", "status": "fail", "output": "down", "time": "t"}],
                },
            })
        );
    }
}

#[tokio::test]
async fn head_is_answered_and_probes_are_not_cached() {
    let server = serve(registered_state(), Vec::new()).await;

    let head = server
        .client
        .head(format!("{}/health", server.base))
        .send()
        .await
        .expect("an answer");

    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["cache-control"], "no-store");
    assert_eq!(head.headers()["vary"], "accept");
}

#[tokio::test]
async fn the_sdk_s_own_decoders_read_both_bodies() {
    let runs = Arc::new(AtomicUsize::new(0));
    let server = serve(registered_state(), vec![counted("memory", &runs, None)]).await;

    let health = server.get("/health", None).await.body;
    let ready = server.get("/ready", None).await.body;

    let health: lift_sdk_core::ServiceHealth = serde_json::from_value(health).expect("decodes");
    let ready: lift_sdk_core::Readiness = serde_json::from_value(ready).expect("decodes");
    assert!(health.is_healthy());
    assert_eq!(health.service.as_deref(), Some("reports"));
    assert!(matches!(
        health.uptime,
        Some(lift_sdk_core::Uptime::Seconds(_))
    ));
    assert!(health.timestamp.is_some() && health.mistyped.is_empty());
    assert_eq!(ready.status, "ready");
    assert_eq!(ready.checks["registered"].result["module_id"], "2f1c");
    assert_eq!(ready.checks.len(), 3);
    assert!(ready.timestamp.is_some() && ready.mistyped.is_empty());
}

#[tokio::test]
async fn only_an_admin_s_token_sees_why_a_check_failed() {
    let runs = Arc::new(AtomicUsize::new(0));
    let reason = "error sending request for url (http://memory.internal:8003/internal/health)";
    let state = Arc::new(RuntimeState::new("reports", "1.2.0", true));
    state.set_registration(RegistrationState::Pending {
        attempts: 2,
        last_error: Some("http://registry.internal:8005 refused".to_owned()),
    });
    let server = serve(state, vec![counted("memory", &runs, Some(reason))]).await;
    let health_json = Some("application/health+json");

    for (who, bearer) in [
        ("anonymous", None),
        ("a user", Some(token(&[Role::User]))),
        ("a developer", Some(token(&[Role::Developer]))),
        ("a bad token", Some("not.a.token".to_owned())),
        ("a token of another secret", {
            let issuer = TokenIssuer::hs256("another-secret-another-secret-0123456789").unwrap();
            Some(
                issuer
                    .issue(&issuer.claims("u", "o", "e@x.io").roles([Role::Admin]))
                    .unwrap(),
            )
        }),
    ] {
        for accept in [None, health_json] {
            let answer = server.get_as("/ready", accept, bearer.clone()).await;

            // Never a 401 on a probe: the status is the module's readiness.
            assert_eq!(answer.status, 503, "{who}");
            let text = answer.body.to_string();
            assert!(!text.contains("internal"), "{who} sees details: {text}");
            assert!(!text.contains("refused"), "{who} sees details: {text}");
            let memory = match accept {
                None => answer.body["checks"]["memory"]["status"].clone(),
                Some(_) => answer.body["checks"]["memory"][0]["status"].clone(),
            };
            assert!(memory == "not_ready" || memory == "fail", "{who}: {text}");
        }
    }

    let admin = server.get_as("/ready", None, admin()).await;
    assert_eq!(admin.body["checks"]["memory"]["result"]["output"], reason);
    assert_eq!(
        admin.body["checks"]["registered"]["result"]["output"],
        "not registered after 2 attempts: http://registry.internal:8005 refused"
    );
    let admin = server.get_as("/ready", health_json, self::admin()).await;
    assert_eq!(admin.body["checks"]["memory"][0]["output"], reason);
}

/// Log lines written by the test's subscriber.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_failure_s_reason_is_logged_once_per_change_not_per_probe() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = failing.clone();
    let check = Check::new("memory", move || {
        let failing = flag.load(Ordering::SeqCst);
        async move {
            if failing {
                Err("connection refused by memory.internal".to_owned())
            } else {
                Ok(())
            }
        }
    });
    let readiness = Readiness::new(
        vec![check],
        ReadinessSettings::new().cache_ttl(Duration::ZERO),
    )
    .expect("valid checks");
    let state = registered_state();

    for _ in 0..3 {
        readiness.report(&state).await;
    }
    failing.store(false, Ordering::SeqCst);
    for _ in 0..2 {
        readiness.report(&state).await;
    }

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let failures: Vec<_> = text
        .lines()
        .filter(|line| line.contains("readiness check failed"))
        .collect();
    assert_eq!(failures.len(), 1, "{text}");
    assert!(failures[0].contains("WARN"), "{text}");
    assert!(failures[0].contains("memory.internal"), "{text}");
    assert_eq!(text.matches("passes again").count(), 1, "{text}");
}
