//! The fake registry over real HTTP, through the real `RegistryClient` in direct mode (the
//! user-context headers the gateway would inject).
//!
//! These tests live in the crate because the service interface is `pub(crate)`: the
//! platform core composes it into `FakePlatform`, through which integration tests reach it.

use std::future::IntoFuture as _;
use std::sync::Arc;

use axum::Json;
use axum::http::StatusCode;
use axum::routing::get;
use lift_auth::{Role, UserContext};
use lift_registry_client::{
    ListModules, ModuleHealth, ModuleManifest, ModuleStatus, ModuleUpdate, RegistryClient,
    SortOrder, Unregistered,
};
use serde_json::{Value, json};

use super::RegistryState;

mod captures;
use crate::platform::Quirks;
use crate::platform::store::{DataDir, Durable, InMemory};

/// The registry on `store`, served on 127.0.0.1: its state and URL.
async fn serve(store: Arc<dyn Durable>, quirks: Quirks) -> (Arc<RegistryState>, String) {
    let state = Arc::new(RegistryState::open(store, quirks, reqwest::Client::new()).unwrap());
    let url = listen(super::router(Arc::clone(&state))).await;
    (state, url)
}

async fn listen(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, router).into_future());
    url
}

/// A module: `/health` answers 200 JSON, `/down` a 503, `/text` a 200 that is not JSON.
async fn module_server() -> String {
    listen(
        axum::Router::new()
            .route(
                "/health",
                get(|| async { Json(json!({ "status": "healthy", "module": "echo" })) }),
            )
            .route("/down", get(|| async { StatusCode::SERVICE_UNAVAILABLE }))
            .route("/text", get(|| async { "fine" })),
    )
    .await
}

/// A URL nothing listens on.
async fn refused_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

fn client(url: &str, roles: impl IntoIterator<Item = Role>) -> RegistryClient {
    RegistryClient::builder()
        .service_url(url)
        .build()
        .unwrap()
        .for_context(&UserContext::new("u-1", "u-1").with_roles(roles))
}

fn manifest(name: &str, base_url: &str) -> ModuleManifest {
    ModuleManifest::builder(name, "1.0.0")
        .base_url(base_url)
        .feature("echo")
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_module_is_registered_found_listed_updated_and_unregistered() {
    let (state, url) = serve(Arc::new(InMemory), Quirks::default()).await;
    let module = module_server().await;
    let admin = client(&url, [Role::User, Role::Admin]);

    let registered = admin.register(&manifest("echo", &module)).await.unwrap();
    assert_eq!(registered.module.id, registered.module_id);
    assert_eq!(registered.module.status, ModuleStatus::Active);
    assert_eq!(registered.module.base_url, module);
    assert_eq!(registered.module.registered_by.as_deref(), Some("u-1"));
    assert_eq!(registered.module.features, ["echo"]);
    assert!(registered.module.updated_at.is_none());
    assert_eq!(registered.health.status, ModuleHealth::Healthy);
    assert_eq!(
        registered.health.details,
        Some(json!({ "status": "healthy", "module": "echo" }))
    );
    let again = admin.register(&manifest("echo", &module)).await.unwrap();
    assert_ne!(
        again.module_id, registered.module_id,
        "ids are the server's, fresh each time"
    );

    let found = admin.get(&registered.module_id).await.unwrap();
    assert_eq!(found.name, "echo");
    assert_eq!(found.health.unwrap().status, ModuleHealth::Healthy);

    admin.register(&manifest("alpha", &module)).await.unwrap();
    let zulu = admin.register(&manifest("zulu", &module)).await.unwrap();
    let updated = admin
        .update(
            &zulu.module_id,
            ModuleUpdate::new()
                .version("2.0.0")
                .status(ModuleStatus::Maintenance),
        )
        .await
        .unwrap();
    assert_eq!(updated.module.version, "2.0.0");
    assert_eq!(updated.module.status, ModuleStatus::Maintenance);
    assert!(updated.module.updated_at.is_some());
    assert_eq!(
        updated.health.status,
        ModuleHealth::Healthy,
        "the cached probe"
    );

    let page = admin
        .list(
            ListModules::new()
                .size(2)
                .page(1)
                .sort_by("name")
                .sort_order(SortOrder::Desc),
        )
        .await
        .unwrap();
    let names: Vec<_> = page
        .items
        .iter()
        .map(|module| module.name.as_str())
        .collect();
    assert_eq!(names, ["zulu", "echo"]);
    assert_eq!((page.total, page.pages, page.size), (4, 2, 2));
    assert!(page.has_next && !page.has_prev);
    let second = admin
        .list(ListModules::new().size(2).page(2).sort_by("name"))
        .await
        .unwrap();
    let names: Vec<_> = second
        .items
        .iter()
        .map(|module| module.name.as_str())
        .collect();
    assert_eq!(names, ["echo", "zulu"]);
    assert!(!second.has_next && second.has_prev);
    let in_maintenance = admin
        .list(ListModules::new().status(ModuleStatus::Maintenance))
        .await
        .unwrap();
    assert_eq!(in_maintenance.total, 1);
    assert_eq!(in_maintenance.items[0].id, zulu.module_id);

    let gone = admin.unregister(&zulu.module_id).await.unwrap();
    assert_eq!(gone, Unregistered::Removed(zulu.module_id.clone()));
    assert!(admin.get(&zulu.module_id).await.unwrap_err().is_not_found());
    assert_eq!(
        admin.unregister(&zulu.module_id).await.unwrap(),
        Unregistered::AlreadyGone,
        "the registry's 404"
    );
    assert_eq!(state.modules().len(), 3);
    assert_eq!(state.base_url(zulu.module_id.as_str()), None);
    assert_eq!(state.base_url(registered.module_id.as_str()), Some(module));
}

#[tokio::test]
async fn writes_need_the_admin_or_developer_role_and_every_call_a_user_context() {
    let (state, url) = serve(Arc::new(InMemory), Quirks::default()).await;
    let module = module_server().await;
    let user = client(&url, [Role::User]);

    let refused = user.register(&manifest("echo", &module)).await.unwrap_err();
    assert_eq!(refused.status(), Some(StatusCode::FORBIDDEN));
    assert!(state.modules().is_empty());

    let developer = client(&url, [Role::Developer]);
    let registered = developer
        .register(&manifest("echo", &module))
        .await
        .unwrap();
    assert_eq!(
        user.list(ListModules::new()).await.unwrap().total,
        1,
        "reads need no role"
    );
    for refused in [
        user.update(&registered.module_id, ModuleUpdate::new().version("9.0.0"))
            .await
            .unwrap_err(),
        user.unregister(&registered.module_id).await.unwrap_err(),
    ] {
        assert_eq!(refused.status(), Some(StatusCode::FORBIDDEN), "{refused}");
    }

    let http = reqwest::Client::new();
    let spaced = http
        .post(format!("{url}/modules"))
        .header("x-user-id", "u-2")
        .header("x-org-id", "u-2")
        .header("x-user-roles", "user, developer")
        .json(&json!({ "name": "n", "version": "1", "base_url": module }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        spaced.status(),
        StatusCode::FORBIDDEN,
        "roles are not trimmed"
    );
    assert_eq!(
        spaced.json::<Value>().await.unwrap(),
        json!({ "detail": "Admin role required to register modules" })
    );
    let anonymous = http.get(format!("{url}/modules")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous.json::<Value>().await.unwrap(),
        json!({ "detail": "User context required" })
    );
    assert_eq!(state.modules().len(), 1);
}

#[tokio::test]
async fn base_url_is_normalised_and_gets_a_trailing_slash_only_under_the_quirk() {
    let module = module_server().await;
    let shouting = module.replace("http://", "HTTP://");
    for (quirks, expected) in [
        (Quirks::default(), module.clone()),
        (Quirks::reference(), format!("{module}/")),
    ] {
        let (state, url) = serve(Arc::new(InMemory), quirks).await;
        let admin = client(&url, [Role::Admin]);
        let registered = admin.register(&manifest("echo", &shouting)).await.unwrap();
        assert_eq!(registered.module.base_url, expected, "{quirks:?}");
        assert_eq!(registered.module.base_url_trimmed(), module);
        assert_eq!(
            registered.health.status,
            ModuleHealth::Healthy,
            "probed without `//`"
        );
        assert_eq!(
            state.base_url(registered.module_id.as_str()),
            Some(expected)
        );

        let raw = reqwest::Client::new()
            .post(format!("{url}/modules"))
            .header("x-user-id", "u")
            .header("x-org-id", "u")
            .header("x-user-roles", "admin")
            .json(&json!({ "name": "n", "version": "1", "base_url": "http://Example.COM:80/base" }))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        assert_eq!(raw["data"]["module"]["base_url"], "http://example.com/base");
    }
}

#[tokio::test]
async fn probes_tell_healthy_unhealthy_and_unreachable_modules_apart_and_are_summarised() {
    let (state, url) = serve(Arc::new(InMemory), Quirks::default()).await;
    let module = module_server().await;
    let refused = refused_url().await;
    let admin = client(&url, [Role::Admin]);

    let healthy = admin.register(&manifest("up", &module)).await.unwrap();
    let sick = ModuleManifest::builder("sick", "1.0.0")
        .base_url(&module)
        .health_endpoint("/down")
        .build()
        .unwrap();
    let sick = admin.register(&sick).await.unwrap();
    let texty = ModuleManifest::builder("texty", "1.0.0")
        .base_url(&module)
        .health_endpoint("/text")
        .build()
        .unwrap();
    let texty = admin.register(&texty).await.unwrap();
    let ghost = admin.register(&manifest("ghost", &refused)).await.unwrap();

    assert_eq!(sick.health.status, ModuleHealth::Unhealthy);
    assert_eq!(sick.health.error.as_deref(), Some("HTTP 503"));
    assert_eq!(
        texty.health.status,
        ModuleHealth::Unreachable,
        "a 200 that is not JSON"
    );
    assert_eq!(ghost.health.status, ModuleHealth::Unreachable);
    assert_eq!(
        ghost.health.error.as_deref(),
        Some("All connection attempts failed")
    );
    assert!(ghost.health.last_check.is_some());

    let report = admin.module_health(&healthy.module_id).await.unwrap();
    assert_eq!(report.module_id, healthy.module_id);
    assert_eq!(report.health.status, ModuleHealth::Healthy);
    assert!(report.health.response_time.is_some());

    let summary = admin.health_summary().await.unwrap();
    assert_eq!(summary.total_modules, 4);
    assert_eq!(
        (
            summary.healthy,
            summary.unhealthy,
            summary.unreachable,
            summary.unknown
        ),
        (1, 1, 2, 0)
    );
    let statuses: Vec<_> = summary
        .modules
        .iter()
        .map(|entry| (entry.name.as_str(), entry.status.clone()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("up", ModuleHealth::Healthy),
            ("sick", ModuleHealth::Unhealthy),
            ("texty", ModuleHealth::Unreachable),
            ("ghost", ModuleHealth::Unreachable),
        ]
    );

    // Moving the module re-probes it; the listing carries the cached probe.
    let moved = admin
        .update(&ghost.module_id, ModuleUpdate::new().base_url(&module))
        .await
        .unwrap();
    assert_eq!(moved.health.status, ModuleHealth::Healthy);
    let listed = state.modules();
    assert_eq!(listed[3]["health"]["status"], "healthy");
    assert_eq!(listed[1]["health"]["status"], "unhealthy");
}

#[tokio::test]
async fn registrations_survive_a_restart_on_a_data_dir() {
    let dir = std::env::temp_dir().join(format!(
        "lift-fake-registry-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let module = module_server().await;
    let (first, url) = serve(Arc::new(DataDir::open(&dir).unwrap()), Quirks::default()).await;
    let admin = client(&url, [Role::Admin]);
    let kept = admin.register(&manifest("kept", &module)).await.unwrap();
    let dropped = admin.register(&manifest("dropped", &module)).await.unwrap();
    admin.unregister(&dropped.module_id).await.unwrap();
    admin
        .update(&kept.module_id, ModuleUpdate::new().version("1.1.0"))
        .await
        .unwrap();

    let (second, url) = serve(Arc::new(DataDir::open(&dir).unwrap()), Quirks::default()).await;
    let found = client(&url, [Role::User])
        .get(&kept.module_id)
        .await
        .unwrap();
    assert_eq!(found.version, "1.1.0");
    assert_eq!(found.created_at, kept.module.created_at);
    assert_eq!(second.modules().len(), 1);
    assert_eq!(second.base_url(kept.module_id.as_str()), Some(module));
    let without_health = |modules: Vec<Value>| {
        modules
            .into_iter()
            .map(|mut module| {
                module.as_object_mut().unwrap().remove("health");
                module
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        without_health(first.modules()),
        without_health(second.modules())
    );

    second.reset();
    assert!(second.modules().is_empty());
    let (third, _) = serve(Arc::new(DataDir::open(&dir).unwrap()), Quirks::default()).await;
    assert!(third.modules().is_empty(), "a reset is saved too");
    std::fs::write(dir.join("modules.json"), b"{\"not\": \"modules\"}").unwrap();
    let unreadable = RegistryState::open(
        Arc::new(DataDir::open(&dir).unwrap()),
        Quirks::default(),
        reqwest::Client::new(),
    )
    .unwrap_err();
    assert_eq!(unreadable.kind(), std::io::ErrorKind::InvalidData);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A store whose saves all fail.
#[derive(Debug)]
struct Full;

impl Durable for Full {
    fn save(&self, _collection: &str, _data: &Value) -> std::io::Result<()> {
        Err(std::io::Error::other("disk full"))
    }

    fn load(&self, _collection: &str) -> std::io::Result<Option<Value>> {
        Ok(None)
    }
}

#[tokio::test]
async fn a_write_that_cannot_be_saved_answers_500_and_changes_nothing() {
    let (state, url) = serve(Arc::new(Full), Quirks::default()).await;
    let answer = reqwest::Client::new()
        .post(format!("{url}/modules"))
        .header("x-user-id", "u")
        .header("x-org-id", "u")
        .header("x-user-roles", "admin")
        .json(&json!({ "name": "n", "version": "1", "base_url": refused_url().await }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = answer.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains("disk full"),
        "{body}"
    );
    assert!(state.modules().is_empty());
}

#[tokio::test]
async fn bad_input_gets_fastapi_errors_never_a_500() {
    let (state, url) = serve(Arc::new(InMemory), Quirks::default()).await;
    let http = reqwest::Client::new();
    let send = |method: reqwest::Method, path: &str, body: &'static [u8]| {
        http.request(method, format!("{url}{path}"))
            .header("x-user-id", "u")
            .header("x-org-id", "u")
            .header("x-user-roles", "admin")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let detail = |answer: reqwest::Response| async move {
        let status = answer.status();
        (
            status,
            answer.json::<Value>().await.unwrap()["detail"].clone(),
        )
    };

    let (status, items) = detail(
        send(reqwest::Method::POST, "/modules", b"{\"name\": ")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, items[0]["type"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("json_invalid"))
    );
    let (status, items) = detail(
        send(
            reqwest::Method::POST,
            "/modules",
            b"{\"base_url\":\"localhost:9100\",\"features\":[1]}",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let kinds: Vec<_> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["missing", "missing", "url_scheme", "string_type"]);
    assert_eq!(items[3]["loc"], json!(["body", "features", 0]));
    let (status, items) = detail(send(reqwest::Method::POST, "/modules", b"").await.unwrap()).await;
    assert_eq!(
        (status, &items[0]["loc"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!(["body"]))
    );
    let (status, items) = detail(
        send(reqwest::Method::POST, "/modules", b"[]")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, items[0]["type"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("model_attributes_type")
        )
    );
    let (status, items) = detail(
        send(reqwest::Method::GET, "/modules?page=0&sort_order=up", b"")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(items[0]["loc"], json!(["query", "page"]));
    let (status, detail_text) = detail(
        send(reqwest::Method::PUT, "/modules/nope", b"{}")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, detail_text),
        (StatusCode::NOT_FOUND, json!("Module not found"))
    );
    let (status, items) = detail(
        send(
            reqwest::Method::PUT,
            "/modules/nope",
            b"{\"status\":\"retired\"}",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, items[0]["type"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("enum"))
    );
    let (status, detail_text) =
        detail(send(reqwest::Method::GET, "/nowhere", b"").await.unwrap()).await;
    assert_eq!(
        (status, detail_text),
        (StatusCode::NOT_FOUND, json!("Not Found"))
    );
    assert!(state.modules().is_empty());

    let health: Value = http
        .get(format!("{url}/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        health["dependencies"],
        json!({ "registered_modules": "0", "active_modules": "0" })
    );
    let ready: Value = http
        .get(format!("{url}/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (ready["status"].as_str(), &ready["checks"]),
        (Some("ready"), &json!({}))
    );
    let info = client(&url, [Role::User]).info().await.unwrap();
    assert_eq!(info.registered_modules, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_lose_nothing() {
    let dir = std::env::temp_dir().join(format!(
        "lift-fake-registry-concurrent-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let module = module_server().await;
    let (state, url) = serve(Arc::new(DataDir::open(&dir).unwrap()), Quirks::default()).await;
    let admin = client(&url, [Role::Admin]);
    let registrations = (0..16).map(|i| {
        let admin = admin.clone();
        let manifest = manifest(&format!("module-{i:02}"), &module);
        tokio::spawn(async move { admin.register(&manifest).await.unwrap() })
    });
    let mut ids = Vec::new();
    for registration in registrations.collect::<Vec<_>>() {
        ids.push(registration.await.unwrap().module_id);
    }
    let removals: Vec<_> = ids[..4]
        .iter()
        .cloned()
        .map(|id| {
            let admin = admin.clone();
            tokio::spawn(async move { admin.unregister(&id).await.unwrap() })
        })
        .collect();
    for removal in removals {
        assert!(removal.await.unwrap().was_removed());
    }

    assert_eq!(state.modules().len(), 12);
    let reloaded = RegistryState::open(
        Arc::new(DataDir::open(&dir).unwrap()),
        Quirks::default(),
        reqwest::Client::new(),
    )
    .unwrap();
    let mut names: Vec<_> = reloaded
        .modules()
        .iter()
        .map(|module| module["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    let expected: Vec<_> = ids[4..]
        .iter()
        .map(|id| {
            state
                .modules()
                .into_iter()
                .find(|module| module["id"] == id.as_str())
                .unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(names, expected);
    std::fs::remove_dir_all(dir).unwrap();
}
