//! The registration lifecycle against a wiremock registry.

use tokio::time::Instant;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer};

use super::*;
use crate::runtime::registration::RegistrationSettings;
use crate::runtime::state::RegistrationState;

/// The registration request body of contract §6.1, base URL without trailing slash.
fn expected_body() -> Value {
    json!({
        "name": NAME, "version": "1.0.0", "base_url": PUBLIC_URL,
        "health_endpoint": "/health", "api_prefix": "/api/v1", "features": [],
        "permissions": [], "memory_requirements": {}, "ui_components": [], "metadata": {},
    })
}

#[tokio::test(start_paused = true)]
async fn registers_once_with_exactly_the_registry_fields_and_user_headers() {
    let registry = MockServer::start().await;
    mount_listing(&registry, &[]).await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .and(header("x-user-id", "ops"))
        .and(header("x-org-id", "ops-org"))
        .and(header("x-user-roles", "developer"))
        .and(body_json(expected_body()))
        .respond_with(registered("id-1"))
        .expect(1)
        .mount(&registry)
        .await;
    let (confirm, mut confirmed) = notify(
        ResponseTemplate::new(200).set_body_json(envelope(&record("id-1", NAME, PUBLIC_URL))),
    );
    Mock::given(method("GET"))
        .and(path("/modules/id-1"))
        .respond_with(confirm)
        .mount(&registry)
        .await;

    let mut module = Running::start(&direct_config(&registry.uri()));
    for _ in 0..3 {
        confirmed.recv().await.unwrap();
    }

    assert_eq!(module.state.registration(), registered_as("id-1", 1));
    assert_eq!(requests(&registry, "POST").await, ["/modules"]);
    module.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_service_token_registers_through_the_gateway() {
    let gateway = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/registry/modules"))
        .respond_with(listing(&[]))
        .mount(&gateway)
        .await;
    Mock::given(method("POST"))
        .and(path("/registry/modules"))
        .and(body_json(expected_body()))
        .respond_with(registered("id-1"))
        .expect(1)
        .mount(&gateway)
        .await;
    let mut config = untimed(LiftConfig::default().jwt_secret(SECRET));
    config.gateway_url = gateway.uri().parse().unwrap();

    let mut module = Running::start(&config);
    module.until(|state| state.module_id().is_some()).await;

    let posts = gateway.received_requests().await.unwrap();
    let post = posts.iter().find(|r| r.method.as_str() == "POST").unwrap();
    let bearer = post.headers["authorization"].to_str().unwrap();
    assert!(bearer.starts_with("Bearer ey"), "{bearer}");
    assert!(!post.headers.contains_key("x-user-id"));
    module.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_registry_answering_503_is_retried_with_growing_backoff() {
    let registry = MockServer::start().await;
    mount_listing(&registry, &[]).await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"detail": "starting"})))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&registry)
        .await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(registered("id-1"))
        .mount(&registry)
        .await;

    let mut module = Running::start(&direct_config(&registry.uri()));
    let mut states = module.state.watch_registration();
    let mut seen = Vec::new();
    loop {
        states.changed().await.unwrap();
        let state = states.borrow_and_update().clone();
        let done = state.module_id().is_some();
        seen.push((Instant::now(), state));
        if done {
            break;
        }
    }

    let attempts: Vec<_> = seen
        .iter()
        .map(|(_, state)| match state {
            RegistrationState::Pending {
                attempts,
                last_error,
            } => {
                assert!(
                    last_error.as_deref().unwrap().contains("503"),
                    "{last_error:?}"
                );
                *attempts
            }
            other => {
                assert_eq!(*other, registered_as("id-1", 1));
                0
            }
        })
        .collect();
    assert_eq!(attempts, [1, 2, 3, 0]);
    // Pauses of [c/2, c] with c = 500 ms, 1 s, 2 s.
    let ms = |i: usize| (seen[i + 1].0 - seen[i].0).as_millis();
    assert!((250..=500).contains(&ms(0)), "{}", ms(0));
    assert!((500..=1000).contains(&ms(1)), "{}", ms(1));
    assert!((1000..=2000).contains(&ms(2)), "{}", ms(2));
    assert_eq!(requests(&registry, "POST").await.len(), 4);
    module.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_registry_refusing_connections_is_retried_until_it_is_up() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = port.local_addr().unwrap();
    drop(port);

    let mut module = Running::start(&direct_config(&format!("http://{address}")));
    let pending = module
        .until(
            |state| matches!(state, RegistrationState::Pending { attempts, .. } if *attempts >= 2),
        )
        .await;
    let RegistrationState::Pending { last_error, .. } = pending else {
        unreachable!()
    };
    assert!(last_error.unwrap().contains("connect"));

    let listener = std::net::TcpListener::bind(address).unwrap();
    let registry = MockServer::builder().listener(listener).start().await;
    mount_listing(&registry, &[]).await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(registered("id-1"))
        .mount(&registry)
        .await;

    let state = module.until(|state| state.module_id().is_some()).await;
    assert_eq!(state, registered_as("id-1", 1));
    module.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_refusal_is_retried_at_the_longest_pause() {
    let registry = MockServer::start().await;
    mount_listing(&registry, &[]).await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"detail": "Admin role required to register modules"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&registry)
        .await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(registered("id-1"))
        .mount(&registry)
        .await;

    let mut module = Running::start(&direct_config(&registry.uri()));
    let refused = module
        .until(|state| matches!(state, RegistrationState::Pending { attempts: 1, .. }))
        .await;
    let at = Instant::now();
    module.until(|state| state.module_id().is_some()).await;

    assert!(format!("{refused:?}").contains("403"), "{refused:?}");
    assert_eq!(at.elapsed(), RegistrationSettings::default().retry_max);
    module.stop().await;
}

#[tokio::test(start_paused = true)]
async fn registers_again_under_a_new_id_when_the_registry_lost_the_module() {
    let registry = MockServer::start().await;
    mount_listing(&registry, &[]).await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(registered("id-1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&registry)
        .await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(registered("id-2"))
        .mount(&registry)
        .await;
    Mock::given(method("GET"))
        .and(path("/modules/id-1"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Module not found"})),
        )
        .mount(&registry)
        .await;
    Mock::given(method("GET"))
        .and(path("/modules/id-2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(&record("id-2", NAME, PUBLIC_URL))),
        )
        .mount(&registry)
        .await;

    let mut module = Running::start(&direct_config(&registry.uri()));
    let state = module
        .until(|state| {
            matches!(
                state,
                RegistrationState::Registered {
                    registrations: 2,
                    ..
                }
            )
        })
        .await;

    assert_eq!(state, registered_as("id-2", 2));
    assert_eq!(requests(&registry, "POST").await.len(), 2);
    assert!(requests(&registry, "DELETE").await.is_empty());
    module.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_transient_error_on_the_check_makes_it_unconfirmed_without_registering_again() {
    let registry = MockServer::start().await;
    mount_listing(&registry, &[]).await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(registered("id-1"))
        .mount(&registry)
        .await;
    let (check, mut checked) = notify(ResponseTemplate::new(503));
    Mock::given(method("GET"))
        .and(path("/modules/id-1"))
        .respond_with(check)
        .mount(&registry)
        .await;

    let mut module = Running::start(&direct_config(&registry.uri()));
    // The fourth check is sent after the third answer was handled.
    for _ in 0..4 {
        checked.recv().await.unwrap();
    }

    // Not `Registered` any more: the registry could not confirm it.
    match module.state.registration() {
        RegistrationState::Unconfirmed {
            id,
            registrations,
            last_error,
            ..
        } => {
            assert_eq!((id.as_str(), registrations), ("id-1", 1));
            assert!(last_error.contains("503"), "{last_error}");
        }
        other => panic!("expected unconfirmed, got {other:?}"),
    }
    assert_eq!(requests(&registry, "POST").await.len(), 1);
    module.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_stale_own_record_is_replaced_and_other_replicas_are_untouched() {
    let registry = MockServer::start().await;
    mount_listing(
        &registry,
        &[
            record("stale", NAME, &format!("{PUBLIC_URL}/")),
            record("replica", NAME, "http://127.0.0.1:9200/"),
            record("neighbour", "other-module", &format!("{PUBLIC_URL}/")),
        ],
    )
    .await;
    Mock::given(method("DELETE"))
        .and(path("/modules/stale"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(&json!({"module_id": "stale"}))),
        )
        .expect(1)
        .mount(&registry)
        .await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(registered("id-1"))
        .expect(1)
        .mount(&registry)
        .await;

    let mut module = Running::start(&direct_config(&registry.uri()));
    module.until(|state| state.module_id().is_some()).await;
    module.stop().await;

    let order: Vec<_> = registry
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        order,
        ["GET /modules", "DELETE /modules/stale", "POST /modules"]
    );
}

#[tokio::test(start_paused = true)]
async fn an_own_record_is_adopted_when_registering_again() {
    let registry = MockServer::start().await;
    // At start there is nothing; after the registry lost `id-1`, a record of this base URL
    // exists (the answer of a lost attempt, or a replica serving the same URL).
    Mock::given(method("GET"))
        .and(path("/modules"))
        .respond_with(listing(&[]))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&registry)
        .await;
    mount_listing(
        &registry,
        &[record("id-found", NAME, &format!("{PUBLIC_URL}/"))],
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/modules"))
        .respond_with(registered("id-1"))
        .expect(1)
        .mount(&registry)
        .await;
    Mock::given(method("GET"))
        .and(path("/modules/id-1"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&registry)
        .await;
    Mock::given(method("GET"))
        .and(path("/modules/id-found"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(&record("id-found", NAME, PUBLIC_URL))),
        )
        .mount(&registry)
        .await;

    let mut module = Running::start(&direct_config(&registry.uri()));
    let state = module
        .until(|state| {
            matches!(
                state,
                RegistrationState::Registered {
                    registrations: 2,
                    ..
                }
            )
        })
        .await;

    assert_eq!(state, registered_as("id-found", 2));
    assert!(requests(&registry, "DELETE").await.is_empty());
    module.stop().await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_stops_the_retries_without_claiming_a_registration() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = port.local_addr().unwrap();
    drop(port);
    let mut module = Running::start(&direct_config(&format!("http://{address}")));
    module
        .until(|state| matches!(state, RegistrationState::Pending { attempts: 1, .. }))
        .await;

    // `run` is pausing before its second attempt: shutdown ends it at once.
    module.stop().await;

    assert!(matches!(
        module.state.registration(),
        RegistrationState::Pending { attempts: 1, .. }
    ));
    module.registrar.deregister(&module.state).await.unwrap();
}
