//! Every client method in both routing modes: the exact request sent (method, path,
//! credentials, body) and the typed answer, served from the recorded exchanges.

use lift_testkit::openapi::{CheckedServer, Service};
use std::time::Duration;

use lift_registry_client::{
    ListModules, ModuleHealth, ModuleId, ModuleStatus, ModuleUpdate, SortOrder, Unregistered,
};
use serde_json::json;
use wiremock::matchers::{body_json, query_param, query_param_is_missing};

use crate::support::{Mode, both_modes, capture, manifest, registration_body};

const ECHO_ID: &str = "7c840860-4c75-40c1-b743-675f948a4201";

both_modes!(
    register,
    register_strips_the_trailing_slash_and_sends_only_the_registry_fields,
    list_default,
    list_with_params,
    list_with_status_filter,
    get,
    update,
    unregister,
    module_health,
    health_summary,
    find_by_name,
);

async fn register(mode: Mode) {
    // Arrange
    let server = CheckedServer::start(Service::Registry).await;
    let exchange = capture("58");
    mode.mock("POST", "/modules")
        .and(body_json(registration_body(&exchange)))
        .respond_with(exchange.response_template())
        .expect(1)
        .mount(&server)
        .await;
    let manifest = manifest(&exchange);

    // Act
    let registered = mode
        .client(&server.uri())
        .register(&manifest)
        .await
        .unwrap();

    // Assert
    assert_eq!(registered.module_id, ECHO_ID);
    assert_eq!(registered.module.id, registered.module_id);
    assert_eq!(registered.module.name, "echo-module");
    assert_eq!(registered.module.base_url, "http://127.0.0.1:9100/");
    assert_eq!(
        registered.module.base_url_trimmed(),
        "http://127.0.0.1:9100"
    );
    assert_eq!(registered.module.status, ModuleStatus::Active);
    assert_eq!(registered.health.status, ModuleHealth::Healthy);
    assert_eq!(
        registered.health.response_time,
        Some(Duration::from_millis(4))
    );
    assert_eq!(
        registered.health.details.as_ref().unwrap()["module"],
        "echo"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers["content-type"], "application/json");
}

async fn register_strips_the_trailing_slash_and_sends_only_the_registry_fields(mode: Mode) {
    // Arrange: a module.json with a trailing slash, a human id, keys the registry drops and
    // `capabilities`, which register as features (contract §7.4).
    let server = CheckedServer::start(Service::Registry).await;
    mode.mock("POST", "/modules")
        .and(body_json(json!({
            "name": "analytics",
            "version": "1.2.0",
            "base_url": "http://analytics:9100/base",
            "health_endpoint": "/healthz",
            "api_prefix": "/api/v1",
            "features": ["reports", "reporting"],
            "permissions": ["analytics:read"],
            "memory_requirements": {},
            "ui_components": [],
            "metadata": {}
        })))
        .respond_with(capture("58").response_template())
        .expect(1)
        .mount(&server)
        .await;
    let manifest: lift_registry_client::ModuleManifest = serde_json::from_value(json!({
        "module_id": "analytics_module",
        "name": "analytics",
        "version": "1.2.0",
        "base_url": "http://analytics:9100/base/",
        "health_endpoint": "/healthz",
        "features": ["reports"],
        "permissions": ["analytics:read"],
        "capabilities": ["reporting"],
        "endpoints": {"reports": "/api/v1/reports"},
        "configuration": {"max_rows": 100}
    }))
    .unwrap();

    // Act
    let registered = mode
        .client(&server.uri())
        .register(&manifest)
        .await
        .unwrap();

    // Assert: the mock matched the exact body; the answer is the registry's.
    assert_eq!(registered.module_id, ECHO_ID);
}

async fn list_default(mode: Mode) {
    let server = CheckedServer::start(Service::Registry).await;
    mode.mock("GET", "/modules")
        .and(query_param_is_missing("page"))
        .and(query_param_is_missing("size"))
        .and(query_param_is_missing("status_filter"))
        .respond_with(capture("63").response_template())
        .expect(1)
        .mount(&server)
        .await;

    let page = mode
        .client(&server.uri())
        .list(&ListModules::new())
        .await
        .unwrap();

    assert_eq!(
        (page.total, page.page, page.size, page.pages),
        (3, 1, 10, 1)
    );
    assert!(!page.has_next && !page.has_prev);
    assert_eq!(page.next_page(), None);
    let names: Vec<_> = page.items.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["echo-module", "ghost-module", "spoofed-module"]);
    assert_eq!(
        page.items[1].health.as_ref().unwrap().status,
        ModuleHealth::Unreachable
    );
    assert_eq!(
        page.items[1].health.as_ref().unwrap().error.as_deref(),
        Some("All connection attempts failed")
    );
}

async fn list_with_params(mode: Mode) {
    let server = CheckedServer::start(Service::Registry).await;
    mode.mock("GET", "/modules")
        .and(query_param("page", "1"))
        .and(query_param("size", "1"))
        .and(query_param("sort_by", "name"))
        .and(query_param("sort_order", "desc"))
        .respond_with(capture("64").response_template())
        .expect(1)
        .mount(&server)
        .await;
    let params = ListModules::new()
        .page(1)
        .size(1)
        .sort_by("name")
        .sort_order(SortOrder::Desc);

    let page = mode.client(&server.uri()).list(&params).await.unwrap();

    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].name, "spoofed-module");
    assert_eq!((page.total, page.pages, page.next_page()), (3, 3, Some(2)));
}

async fn list_with_status_filter(mode: Mode) {
    let server = CheckedServer::start(Service::Registry).await;
    mode.mock("GET", "/modules")
        .and(query_param("status_filter", "active"))
        .respond_with(capture("65").response_template())
        .expect(1)
        .mount(&server)
        .await;

    let page = mode
        .client(&server.uri())
        .list(&ListModules::new().status(ModuleStatus::Active))
        .await
        .unwrap();

    assert!(page.items.iter().all(|m| m.status == ModuleStatus::Active));
    assert_eq!(page.items.len(), 3);
}

async fn get(mode: Mode) {
    let server = CheckedServer::start(Service::Registry).await;
    // 70 was recorded through the gateway, 79 directly on the registry.
    let exchange = capture(if mode == Mode::Gateway { "70" } else { "79" });
    mode.mock("GET", &format!("/modules/{ECHO_ID}"))
        .respond_with(exchange.response_template())
        .expect(1)
        .mount(&server)
        .await;

    let module = mode
        .client(&server.uri())
        .get(&ModuleId::new(ECHO_ID).unwrap())
        .await
        .unwrap();

    assert_eq!(module.id, ECHO_ID);
    assert_eq!(module.health_endpoint, "/health");
    assert_eq!(module.api_prefix, "/api/v1");
    assert_eq!(module.registered_by.as_deref(), Some(crate::support::USER));
    assert_eq!(
        module.created_at.unwrap().to_string(),
        "2026-11-23T08:10:23.078969"
    );
    assert!(module.health.unwrap().status.is_healthy());
    assert_eq!(module.metadata.author.as_deref(), Some("conformance"));
    assert!(module.memory_requirements.read_access);
}

async fn update(mode: Mode) {
    let server = CheckedServer::start(Service::Registry).await;
    let exchange = capture("74");
    mode.mock("PUT", &format!("/modules/{ECHO_ID}"))
        .and(body_json(exchange.request().body().unwrap().clone()))
        .respond_with(exchange.response_template())
        .expect(1)
        .mount(&server)
        .await;
    let update = ModuleUpdate::new()
        .status(ModuleStatus::Maintenance)
        .version("1.0.1");

    let updated = mode
        .client(&server.uri())
        .update(&ModuleId::new(ECHO_ID).unwrap(), &update)
        .await
        .unwrap();

    assert_eq!(updated.module.status, ModuleStatus::Maintenance);
    assert_eq!(updated.module.version, "1.0.1");
    assert!(updated.module.updated_at.is_some());
    assert_eq!(updated.health.status, ModuleHealth::Healthy);
}

async fn unregister(mode: Mode) {
    let server = CheckedServer::start(Service::Registry).await;
    mode.mock("DELETE", &format!("/modules/{ECHO_ID}"))
        .respond_with(capture("82").response_template())
        .expect(1)
        .mount(&server)
        .await;

    let gone = mode
        .client(&server.uri())
        .unregister(&ModuleId::new(ECHO_ID).unwrap())
        .await
        .unwrap();

    assert_eq!(gone, Unregistered::Removed(ModuleId::new(ECHO_ID).unwrap()));
}

async fn module_health(mode: Mode) {
    let server = CheckedServer::start(Service::Registry).await;
    mode.mock("GET", &format!("/modules/{ECHO_ID}/health"))
        .respond_with(capture("72").response_template())
        .expect(1)
        .mount(&server)
        .await;

    let report = mode
        .client(&server.uri())
        .module_health(&ModuleId::new(ECHO_ID).unwrap())
        .await
        .unwrap();

    assert_eq!(report.module_id, ECHO_ID);
    assert!(report.health.status.is_healthy());
    assert_eq!(report.health.response_time, Some(Duration::from_millis(5)));
    assert!(report.health.last_check.is_some());
}

async fn health_summary(mode: Mode) {
    let server = CheckedServer::start(Service::Registry).await;
    mode.mock("GET", "/health-summary")
        .respond_with(capture("73").response_template())
        .expect(1)
        .mount(&server)
        .await;

    let summary = mode.client(&server.uri()).health_summary().await.unwrap();

    assert_eq!(
        (
            summary.total_modules,
            summary.healthy,
            summary.unhealthy,
            summary.unreachable
        ),
        (3, 2, 0, 1)
    );
    assert_eq!(summary.unknown, 0);
    assert_eq!(summary.modules.len(), 3);
    assert_eq!(summary.modules[1].name, "ghost-module");
    assert_eq!(summary.modules[1].status, ModuleHealth::Unreachable);
}

async fn find_by_name(mode: Mode) {
    // Two registrations of the same name: the newest wins.
    let server = CheckedServer::start(Service::Registry).await;
    let record = |id: &str, created: &str| {
        json!({"id": id, "name": "echo-module", "version": "1.0.0",
               "base_url": "http://127.0.0.1:9100/", "status": "active", "created_at": created})
    };
    let body = json!({"success": true, "message": "Modules retrieved successfully", "data": {
        "items": [
            record("old", "2026-11-23T08:10:23.078969"),
            {"id": "other", "name": "ghost-module"},
            record("new", "2026-11-23T09:00:00"),
        ],
        "total": 3, "page": 1, "size": 100, "pages": 1, "has_next": false, "has_prev": false},
        "errors": null, "metadata": null});
    mode.mock("GET", "/modules")
        .and(query_param("size", "100"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(body))
        .expect(2)
        .mount(&server)
        .await;
    let client = mode.client(&server.uri());

    let found = client.find_by_name("echo-module").await.unwrap();
    let all = client.find_all_by_name("echo-module").await.unwrap();

    assert_eq!(found.unwrap().id, "new");
    let ids: Vec<_> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["new", "old"]);
}

#[tokio::test]
async fn a_missing_module_is_none() {
    let server = CheckedServer::start(Service::Registry).await;
    Mode::Gateway
        .mock("GET", "/modules")
        .respond_with(capture("63").response_template())
        .mount(&server)
        .await;

    let found = Mode::Gateway
        .client(&server.uri())
        .find_by_name("no-such-module")
        .await
        .unwrap();

    assert!(found.is_none());
}
