//! Starting and stopping: configuration errors before anything starts, and the graceful
//! shutdown order (not ready, deregistered, drained, `on_shutdown`).

use std::io::{Read, Write};
use std::sync::atomic::Ordering;

use lift_sdk::runtime::{RegistrationState, Runtime, ServeError};
use reqwest::StatusCode;

use super::{Notes, Platform, start, token};

#[tokio::test]
async fn configuration_errors_stop_the_start_before_anything_is_registered() {
    let platform = Platform::new().await;
    // No JWT_SECRET: callers cannot be verified, and no service token can be minted.
    let config = lift_sdk::LiftConfig::new(&platform.gateway.uri()).unwrap();
    let err = Runtime::new(Notes::default())
        .config(config)
        .start()
        .await
        .unwrap_err();
    assert!(matches!(err, ServeError::Config(_)), "{err}");
    assert!(err.to_string().contains("JWT_SECRET"), "{err}");

    // A manifest file that does not exist is named.
    struct FromFile;
    impl lift_sdk::runtime::LiftModule for FromFile {
        fn manifest(&self) -> lift_sdk::runtime::ManifestSource {
            "/nonexistent/module.json".into()
        }
        fn routes(&self) -> axum::Router {
            axum::Router::new()
        }
    }
    let err = Runtime::new(FromFile)
        .config(platform.config())
        .start()
        .await
        .unwrap_err();
    assert!(matches!(err, ServeError::Manifest { .. }), "{err}");
    assert!(
        err.to_string().contains("/nonexistent/module.json"),
        "{err}"
    );

    let err = Runtime::new(Notes::default())
        .config(platform.config())
        .public_url("notes:9100")
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("public url"), "{err}");

    assert!(platform.gateway.received().is_empty());
    assert!(platform.registry.received().is_empty());
}

/// `GET /ready` over a plain blocking socket (the registry mock calls it from wiremock's
/// own thread, while the module waits for the registry's answer).
fn ready_status(addr: std::net::SocketAddr) -> u16 {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /ready HTTP/1.1\r\nhost: module\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer[9..12].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_deregisters_after_readiness_failed_then_drains_every_request_in_flight() {
    let platform = Platform::new().await;
    let module = Notes::default();
    let gate = module.gate.clone();
    let stopped = module.stopped.clone();
    let (running, base) = start(&platform, module).await;
    let addr = running.local_addr();
    let ready_at_delete = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = ready_at_delete.clone();
    platform
        .registry
        .before_deregistering(move || seen.lock().unwrap().push(ready_status(addr)));

    // Three requests in flight when shutdown starts.
    let bearer = format!("Bearer {}", token("u-1", &["user"]));
    let in_flight: Vec<_> = (0..3)
        .map(|_| {
            let request = reqwest::Client::new()
                .get(format!("{base}/api/v1/slow"))
                .header("authorization", &bearer);
            tokio::spawn(async move { request.send().await })
        })
        .collect();
    gate.entered.acquire_many(3).await.unwrap().forget();

    running.shutdown();
    let mut watch = running.registration_watch();
    watch
        .wait_for(|state| *state == RegistrationState::Deregistered)
        .await
        .unwrap();
    assert!(platform.registry.module_ids().is_empty());
    assert_eq!(
        *ready_at_delete.lock().unwrap(),
        [503],
        "readiness failed before deregistering"
    );

    // New connections are refused while the old requests drain.
    let mut refused = false;
    for _ in 0..10_000 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(refused, "the listener still accepts during the drain");
    assert!(
        !stopped.load(Ordering::SeqCst),
        "on_shutdown runs after the drain"
    );

    gate.open.store(true, Ordering::SeqCst);
    gate.release.notify_waiters();
    for request in in_flight {
        let response = request.await.unwrap().unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.text().await.unwrap(), "done");
    }
    running.wait().await.unwrap();
    assert!(stopped.load(Ordering::SeqCst));
}

#[tokio::test(start_paused = true)]
async fn requests_still_running_at_the_drain_deadline_do_not_hold_shutdown_forever() {
    let platform = Platform::new().await;
    let module = Notes::default();
    let gate = module.gate.clone();
    let running = super::runtime(&platform, module)
        .await
        .without_registration()
        .drain_timeout(std::time::Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let base = format!("http://{}", running.local_addr());
    let bearer = format!("Bearer {}", token("u-1", &["user"]));
    let stuck = tokio::spawn(
        reqwest::Client::new()
            .get(format!("{base}/api/v1/slow"))
            .header("authorization", bearer)
            .send(),
    );
    gate.entered.acquire().await.unwrap().forget();
    let started = tokio::time::Instant::now();
    running.shutdown();
    running.wait().await.unwrap();
    // Shutdown ended at the deadline, with the request still held in its handler (the
    // process exiting then drops it).
    assert!(started.elapsed() >= std::time::Duration::from_secs(2));
    assert!(!stuck.is_finished());
}
