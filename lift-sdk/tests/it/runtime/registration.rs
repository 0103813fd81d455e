//! Registration over the module's life: once, through an outage, after a registry restart,
//! and over a stale record of its own.

use lift_sdk::runtime::RegistrationState;
use reqwest::StatusCode;
use serde_json::Value;

use super::{Notes, Platform, runtime, start};

#[tokio::test]
async fn a_module_registers_once_with_its_public_url_and_a_service_token() {
    let platform = Platform::new().await;
    platform.registry.expect_registration("notes").times(1);
    let (running, _) = start(&platform, Notes::default()).await;

    let posts = platform.registry.received_on("POST", "/modules");
    let post = &posts[0];
    assert!(post.through_gateway);
    let bearer = post.header("authorization").unwrap();
    let claims = lift_sdk::auth::TokenVerifier::hs256(super::SECRET)
        .unwrap()
        .verify(bearer.trim_start_matches("Bearer "))
        .unwrap();
    assert!(
        claims.has_role(&lift_sdk::Role::from("developer")),
        "{claims:?}"
    );
    let (manifest, caller) = platform.registry.registered_manifests().remove(0);
    assert_eq!(
        (manifest.name.as_str(), manifest.version.as_str()),
        ("notes", "1.2.0")
    );
    let public = format!("http://{}", running.local_addr());
    assert_eq!(manifest.base_url.as_deref(), Some(public.as_str()));
    assert!(caller.unwrap().by_token);
    assert_eq!(running.public_url().as_str().trim_end_matches('/'), public);
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn a_registry_down_at_start_is_retried_while_the_module_reports_not_ready() {
    let platform = Platform::new().await;
    platform.registry.down();
    let running = runtime(&platform, Notes::default())
        .await
        .start()
        .await
        .unwrap();
    let base = format!("http://{}", running.local_addr());

    // The module serves while it cannot register, and says it is not ready.
    let mut watch = running.registration_watch();
    watch
        .wait_for(
            |state| matches!(state, RegistrationState::Pending { attempts, .. } if *attempts >= 2),
        )
        .await
        .unwrap();
    assert_eq!(
        reqwest::get(format!("{base}/health"))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let ready = reqwest::get(format!("{base}/ready")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.text().await.unwrap().contains("registered"));

    platform.registry.up();
    let id = running.registered().await.unwrap();
    assert_eq!(platform.registry.module_ids(), [id.to_string()]);
    assert_eq!(
        reqwest::get(format!("{base}/ready"))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn a_module_the_registry_lost_registers_again_under_a_new_id() {
    let platform = Platform::new().await;
    let (running, _) = start(&platform, Notes::default()).await;
    let first = running.registered().await.unwrap();

    platform.registry.restart();
    let mut watch = running.registration_watch();
    let state = watch
        .wait_for(|state| {
            matches!(
                state,
                RegistrationState::Registered {
                    registrations: 2,
                    ..
                }
            )
        })
        .await
        .unwrap()
        .clone();
    let second = state.module_id().unwrap().clone();
    assert_ne!(first, second);
    assert_eq!(platform.registry.module_ids(), [second.to_string()]);
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn a_stale_own_record_is_replaced_and_other_replicas_are_left_alone() {
    let platform = Platform::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let own_url = format!("http://{}", listener.local_addr().unwrap());
    // Left by a crash of this very instance (the registry adds the trailing slash)…
    let stale = platform.registry.seed("notes", &format!("{own_url}/"));
    // …and another replica's live record.
    let replica = platform.registry.seed("notes", "http://10.0.0.9:9100/");

    let running = runtime(&platform, Notes::default())
        .await
        .listener(listener)
        .start()
        .await
        .unwrap();
    let id = running.registered().await.unwrap();
    let ids = platform.registry.module_ids();
    assert!(!ids.contains(&stale), "{ids:?}");
    assert!(
        ids.contains(&replica) && ids.contains(&id.to_string()),
        "{ids:?}"
    );
    let touched_replica = platform
        .registry
        .received()
        .iter()
        .any(|r| r.path.ends_with(&replica) && r.method.as_str() != "GET");
    assert!(!touched_replica);
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test]
async fn with_an_observability_service_the_health_endpoint_is_registered_there_too() {
    let platform = Platform::new().await;
    let observability = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/api/v1/services/register"))
        .respond_with(
            wiremock::ResponseTemplate::new(409)
                .set_body_json(serde_json::json!({ "detail": "Service notes already registered" })),
        )
        .expect(1)
        .mount(&observability)
        .await;
    let mut config = platform.config();
    config.observability_url = Some(observability.uri().parse().unwrap());
    let running = runtime(&platform, Notes::default())
        .await
        .config(config)
        .start()
        .await
        .unwrap();
    running.registered().await.unwrap();

    let health = format!("http://{}/health", running.local_addr());
    // A safety net only: the registration is sent right after start.
    let sent = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let requests = observability.received_requests().await.unwrap();
            if let Some(request) = requests.first() {
                break serde_json::from_slice::<Value>(&request.body).unwrap();
            }
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the module registers with observability");
    assert_eq!(sent["service_name"], "notes");
    assert_eq!(sent["health_endpoint"], health.as_str());
    // A 409 (already registered) does not disturb the module.
    let ready = reqwest::get(format!("http://{}/ready", running.local_addr()))
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    running.shutdown();
    running.wait().await.unwrap();
}
