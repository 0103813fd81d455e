//! `MockRegistry` through the real `RegistryClient`, directly and behind a gateway mock.

use lift_auth::{Role, UserContext};
use lift_registry_client::{
    ListModules, ModuleManifest, ModuleStatus, ModuleUpdate, RegistryClient, SortOrder,
    Unregistered,
};
use lift_testkit::mocks::{MockRegistry, MockService, RegistryEvent, RegistryEventKind};
use lift_testkit::openapi::Service;
use lift_testkit::tokens::TestTokens;
use serde_json::{Value, json};

fn manifest(name: &str, base_url: &str) -> ModuleManifest {
    ModuleManifest::builder(name, "1.0.0")
        .base_url(base_url)
        .feature("echo")
        .build()
        .unwrap()
}

fn kinds(registry: &MockRegistry) -> Vec<(RegistryEventKind, String)> {
    registry
        .timeline()
        .into_iter()
        .map(|event| (event.kind, event.name))
        .collect()
}

#[tokio::test]
async fn direct_a_module_registers_is_listed_found_updated_and_unregistered() {
    let registry = MockRegistry::start().await;
    registry.expect_registration("echo").times(1);
    // Requests are counted, answered or not: the second DELETE finds it gone.
    registry.expect_deregistration("echo").times(2);
    let client = registry.client();

    let registered = client
        .register(&manifest("echo", "http://127.0.0.1:9100"))
        .await
        .unwrap();
    let module = &registered.module;
    assert_eq!(module.id, registered.module_id);
    assert_eq!(module.id.as_str().len(), 36);
    assert_eq!(module.base_url, "http://127.0.0.1:9100/");
    assert_eq!(module.status, ModuleStatus::Active);
    assert_eq!(module.features, ["echo"]);
    assert_eq!(
        module.registered_by.as_deref(),
        Some(MockRegistry::ADMIN_USER)
    );
    assert!(module.created_at.is_some() && module.updated_at.is_none());

    let page = client.list(ListModules::new()).await.unwrap();
    assert_eq!(
        (page.total, page.page, page.size, page.pages),
        (1, 1, 10, 1)
    );
    assert_eq!(page.items[0].id, registered.module_id);
    assert!(page.items[0].health.is_some());
    let found = client.get(&registered.module_id).await.unwrap();
    assert_eq!(found.name, "echo");
    let held = registry.modules();
    assert_eq!(
        (held.len(), &held[0].id, &held[0].created_at),
        (1, &found.id, &found.created_at)
    );

    let updated = client
        .update(&registered.module_id, &ModuleUpdate::new().version("1.0.1"))
        .await
        .unwrap();
    assert_eq!(updated.module.version, "1.0.1");
    assert!(updated.module.updated_at.is_some());

    let gone = client.unregister(&registered.module_id).await.unwrap();
    assert_eq!(gone, Unregistered::Removed(registered.module_id.clone()));
    assert_eq!(
        client.unregister(&registered.module_id).await.unwrap(),
        Unregistered::AlreadyGone
    );
    let error = client.get(&registered.module_id).await.unwrap_err();
    assert!(error.to_string().contains("Module not found"), "{error}");
    assert!(registry.modules().is_empty());

    let (sent, caller) = registry.registered_manifests().remove(0);
    assert_eq!(sent.name, "echo");
    assert_eq!(sent.base_url.as_deref(), Some("http://127.0.0.1:9100"));
    let caller = caller.unwrap();
    assert_eq!(
        (caller.user_id.as_str(), caller.org_id.as_deref()),
        (MockRegistry::ADMIN_USER, Some(MockRegistry::ADMIN_ORG))
    );
    assert_eq!(caller.roles, ["admin"]);
    assert_eq!(
        kinds(&registry),
        [
            (RegistryEventKind::Registered, "echo".to_owned()),
            (RegistryEventKind::Checked, "echo".to_owned()),
            (RegistryEventKind::Updated, "echo".to_owned()),
            (RegistryEventKind::Deregistered, "echo".to_owned()),
            (RegistryEventKind::Missing, "echo".to_owned()),
        ]
    );
    registry.verify().await;
}

#[tokio::test]
async fn gateway_mode_reaches_the_mock_under_the_prefix_with_the_tokens_roles() {
    let gateway = MockService::start(Service::Gateway).await;
    let registry = MockRegistry::behind(&gateway).await;
    let tokens = TestTokens::hs256();
    registry
        .expect_registration("echo")
        .as_user("admin-1")
        .times(1);
    let base = RegistryClient::builder()
        .gateway_url(gateway.uri())
        .build()
        .unwrap();
    let admin = base.for_token(tokens.admin());
    let user = base.for_token(tokens.user("u-1").org("o-1").issue());

    let registered = admin
        .register(&manifest("echo", "http://10.0.0.5:9100/base"))
        .await
        .unwrap();
    assert_eq!(registered.module.base_url, "http://10.0.0.5:9100/base");
    assert_eq!(registered.module.registered_by.as_deref(), Some("admin-1"));
    // A plain user may read, not write (contract §6, capture 57).
    let page = user.list(ListModules::new()).await.unwrap();
    assert_eq!(page.items[0].id, registered.module_id);
    let refused = user
        .register(&manifest("echo", "http://10.0.0.5:9100"))
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("Admin role required to register modules"),
        "{refused}"
    );

    let received = registry.received_on("POST", "/modules");
    assert_eq!(received.len(), 2);
    assert!(
        received
            .iter()
            .all(|r| r.through_gateway && r.path == "/modules")
    );
    assert!(received[0].header("x-user-id").is_none());
    assert_eq!(registry.module_ids(), [registered.module_id.to_string()]);
    registry.verify().await;
}

async fn raw(
    registry: &MockRegistry,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, String) {
    let client = reqwest::Client::new();
    let mut request = client.request(method.parse().unwrap(), format!("{}{path}", registry.uri()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

#[tokio::test]
async fn it_refuses_like_the_reference() {
    let registry = MockRegistry::start().await;
    let body = json!({ "name": "echo", "version": "1.0.0", "base_url": "http://127.0.0.1:9100" });
    let spaced = [
        ("x-user-id", "u-1"),
        ("x-org-id", "o-1"),
        ("x-user-roles", "user, developer"),
    ];
    let user = [("x-user-id", "u-1"), ("x-org-id", "o-1")];

    let (status, text) = raw(&registry, "GET", "/modules", &[], None).await;
    assert_eq!(
        (status, text.as_str()),
        (401, r#"{"detail":"User context required"}"#)
    );
    // No trimming: " developer" is not "developer" (capture 80).
    let (status, text) = raw(&registry, "POST", "/modules", &spaced, Some(body.clone())).await;
    assert_eq!(
        (status, text.as_str()),
        (
            403,
            r#"{"detail":"Admin role required to register modules"}"#
        )
    );
    // A base URL without a scheme is FastAPI's 422, never a happy answer.
    let bad = json!({ "name": "echo", "version": "1.0.0", "base_url": "127.0.0.1:9100" });
    let (status, _) = raw(&registry, "POST", "/modules", &spaced, Some(bad)).await;
    assert_eq!(status, 422);
    let (status, text) = raw(&registry, "GET", "/modules?page=0", &user, None).await;
    assert_eq!((status, text.as_str()), (500, "Internal Server Error"));
    let (status, _) = raw(
        &registry,
        "GET",
        "/modules?status_filter=bogus",
        &user,
        None,
    )
    .await;
    assert_eq!(status, 422);
    let unknown = "/modules/00000000-0000-0000-0000-000000000000";
    let (status, text) = raw(&registry, "GET", unknown, &user, None).await;
    assert_eq!(
        (status, text.as_str()),
        (404, r#"{"detail":"Module not found"}"#)
    );
    let (status, text) = raw(&registry, "GET", "/health", &[], None).await;
    let health: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        health["dependencies"],
        json!({ "registered_modules": "0", "active_modules": "0" })
    );
    assert!(registry.timeline().is_empty() && registry.modules().is_empty());
    assert_eq!(registry.registered_manifests().len(), 2);
    registry.verify().await;
}

#[tokio::test]
async fn listings_page_sort_and_filter_like_the_reference() {
    let registry = MockRegistry::start().await;
    registry.expect_no_registration();
    for name in ["echo", "ghost", "spoofed"] {
        registry.seed(name, "http://127.0.0.1:9100");
    }
    let client = registry.client();
    let ghost = client.find_by_name("ghost").await.unwrap().unwrap();
    client
        .update(
            &ghost.id,
            &ModuleUpdate::new().status(ModuleStatus::Maintenance),
        )
        .await
        .unwrap();

    let page = client
        .list(
            ListModules::new()
                .page(1)
                .size(1)
                .sort_by("name")
                .sort_order(SortOrder::Desc),
        )
        .await
        .unwrap();
    assert_eq!(page.items[0].name, "spoofed");
    assert_eq!(
        (page.total, page.pages, page.has_next, page.has_prev),
        (3, 3, true, false)
    );
    let page = client
        .list(ListModules::new().page(2).size(2))
        .await
        .unwrap();
    assert_eq!(
        page.items
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["spoofed"]
    );
    assert!(page.has_prev && !page.has_next);
    let page = client
        .list(ListModules::new().status(ModuleStatus::Maintenance))
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        [ghost.id]
    );
}

#[tokio::test]
async fn down_restart_and_lose_change_what_clients_see() {
    let registry = MockRegistry::start().await;
    let client = registry.client();
    let first = client
        .register(&manifest("echo", "http://127.0.0.1:9100"))
        .await
        .unwrap()
        .module_id;

    registry.down();
    let error = client.get(&first).await.unwrap_err();
    assert!(error.to_string().contains("503"), "{error}");
    registry.up();
    assert!(client.is_registered(&first).await.unwrap());

    registry.restart();
    assert!(!client.is_registered(&first).await.unwrap());
    let second = client
        .register(&manifest("echo", "http://127.0.0.1:9100"))
        .await
        .unwrap()
        .module_id;
    assert_ne!(first, second);
    assert!(registry.lose(second.as_str()));
    assert!(!registry.lose(second.as_str()));
    assert!(registry.modules().is_empty());

    let context = UserContext::new("viewer", "o-1").with_roles([Role::User]);
    let viewer = client.for_context(&context);
    assert_eq!(viewer.list(ListModules::new()).await.unwrap().total, 0);
    assert_eq!(
        kinds(&registry)
            .into_iter()
            .map(|(kind, _)| kind)
            .collect::<Vec<_>>(),
        [
            RegistryEventKind::Registered,
            RegistryEventKind::Checked,
            RegistryEventKind::Lost,
            RegistryEventKind::Missing,
            RegistryEventKind::Reregistered,
            RegistryEventKind::Lost,
        ]
    );
}

/// A module with nothing to serve: what the runtime registers.
struct Tiny;

impl lift_sdk::runtime::LiftModule for Tiny {
    fn manifest(&self) -> lift_sdk::runtime::ManifestSource {
        lift_sdk::ModuleManifest::new("tiny", "0.1.0").into()
    }

    fn routes(&self) -> axum::Router {
        axum::Router::new()
    }
}

fn count(timeline: &[RegistryEvent], kind: RegistryEventKind) -> usize {
    timeline.iter().filter(|event| event.kind == kind).count()
}

/// The SDK's module runtime on a paused clock: its backoff, its 30 s checks, a registry
/// restart and its shutdown, in about a second of real time. The runtime's registry calls
/// have a 30 s deadline the test cannot lift, so time is moved in 200 µs steps
/// (`advance_until`) rather than auto-advanced while a call waits for the mock. Calls
/// travel while time moves, so the stamps (the mock's arrival times) are compared within
/// a few seconds.
#[tokio::test(start_paused = true)]
async fn a_module_runtimes_registration_timeline_runs_on_the_paused_clock() {
    use lift_sdk::LiftConfig;
    use lift_sdk::runtime::{RegistrationSettings, Runtime};
    use std::time::Duration;

    let step = Duration::from_micros(200);
    let gateway = MockService::start(Service::Gateway).await;
    let registry = MockRegistry::behind(&gateway).await;
    registry.expect_registration("tiny").times(2);
    registry.expect_deregistration("tiny").times(1);
    // Two checks of the first record, then one of it once lost: a check of a name.
    registry.expect_check("tiny").times(3);
    let config = LiftConfig::new(&gateway.uri())
        .unwrap()
        .jwt_secret(TestTokens::hs256().secret().unwrap())
        .timeout(Duration::MAX);
    let settings = RegistrationSettings::default().deregister_timeout(Duration::MAX);
    registry.down();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let start = tokio::time::Instant::now();
    let running = Runtime::new(Tiny)
        .config(config)
        .listener(listener)
        .registration(settings)
        .shutdown_signal(std::future::pending())
        .start()
        .await
        .unwrap();

    // Refused while down, then retried with a growing backoff.
    while registry.received().len() < 4 {
        tokio::time::advance(step).await;
    }
    let refused: Vec<_> = registry.received().iter().map(|r| r.at - start).collect();
    registry.up();
    let registered = |t: &[RegistryEvent]| count(t, RegistryEventKind::Registered) == 1;
    registry.advance_until(step, registered).await;
    let checked = |n| move |t: &[RegistryEvent]| count(t, RegistryEventKind::Checked) >= n;
    registry.advance_until(step, checked(2)).await;
    registry.restart();
    let again = |t: &[RegistryEvent]| count(t, RegistryEventKind::Reregistered) == 1;
    registry.advance_until(step, again).await;
    running.shutdown();
    let gone = |t: &[RegistryEvent]| count(t, RegistryEventKind::Deregistered) == 1;
    let timeline = registry.advance_until(step, gone).await;
    running.wait().await.unwrap();

    let gaps: Vec<Duration> = refused.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.iter().all(|gap| *gap < Duration::from_secs(30)),
        "{gaps:?}"
    );
    assert!(
        gaps[0] <= gaps[gaps.len() - 1] * 4,
        "growing backoff: {gaps:?}"
    );
    let kinds: Vec<RegistryEventKind> = timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            RegistryEventKind::Registered,
            RegistryEventKind::Checked,
            RegistryEventKind::Checked,
            RegistryEventKind::Lost,
            RegistryEventKind::Missing,
            RegistryEventKind::Reregistered,
            RegistryEventKind::Deregistered,
        ]
    );
    let gap = |from: usize, to: usize| timeline[to].at - timeline[from].at;
    let about_30s = |d: Duration| (25..35).contains(&d.as_secs());
    assert!(
        about_30s(gap(0, 1)) && about_30s(gap(1, 2)),
        "{timeline:#?}"
    );
    // The registry forgot the module right after the second check; the next check (30 s
    // later) finds it missing and the runtime registers again at once, under a new id.
    assert!(
        about_30s(gap(2, 4)) && gap(4, 5) < Duration::from_secs(5),
        "{timeline:#?}"
    );
    assert_ne!(timeline[5].module_id, timeline[0].module_id);
    assert_eq!(timeline[6].module_id, timeline[5].module_id);
    assert!(timeline.iter().all(|event| event.name == "tiny"));
    registry.verify().await;
}
