//! Every recorded 2xx registry answer decodes into its typed value, served back exactly as
//! recorded (duplicated `date`/`server` headers included).

use lift_registry_client::{
    ListModules, ModuleHealth, ModuleId, ModuleRecord, ModuleUpdate, Unregistered,
};
use lift_testkit::openapi::{OpenApi, SchemaCheck, Service};
use lift_testkit::replay::{Capture, Replay};
use serde_json::Value;

use crate::support::{Mode, capture, manifest, serve};

fn data(exchange: &Capture) -> &Value {
    &exchange.response().body().unwrap()["data"]
}

/// The typed record agrees with the recorded JSON on every field it reads.
fn assert_record(record: &ModuleRecord, json: &Value, id: &str) {
    assert_eq!(record.id, json["id"].as_str().unwrap(), "{id}");
    assert_eq!(record.name, json["name"], "{id}");
    assert_eq!(record.version, json["version"], "{id}");
    assert_eq!(record.base_url, json["base_url"], "{id}");
    assert_eq!(record.status.as_str(), json["status"], "{id}");
    assert_eq!(
        record.features,
        json["features"].as_array().unwrap().clone(),
        "{id}"
    );
    assert_eq!(
        record.permissions,
        json["permissions"].as_array().unwrap().clone(),
        "{id}"
    );
    assert_eq!(
        record.registered_by.as_deref(),
        json["registered_by"].as_str(),
        "{id}"
    );
    assert_eq!(
        record.created_at.is_some(),
        json["created_at"].is_string(),
        "{id}"
    );
    assert_eq!(
        record.updated_at.is_some(),
        json["updated_at"].is_string(),
        "{id}"
    );
    assert_eq!(
        record.health.as_ref().map(|h| h.status.as_str()),
        json["health"]["status"].as_str(),
        "{id}"
    );
}

#[tokio::test]
async fn registrations_decode() {
    for number in ["58", "59", "62"] {
        let exchange = capture(number);
        let server = serve(&exchange).await;

        let registered = Mode::Gateway
            .client(&server.uri())
            .register(&manifest(&exchange))
            .await
            .unwrap();

        let recorded = data(&exchange);
        assert_eq!(
            registered.module_id,
            recorded["module_id"].as_str().unwrap()
        );
        assert_record(&registered.module, &recorded["module"], exchange.name());
        assert_eq!(
            registered.health.status.as_str(),
            recorded["health"]["status"]
        );
        assert_eq!(
            registered.health.error.as_deref(),
            recorded["health"]["error"].as_str()
        );
    }
}

#[tokio::test]
async fn the_unreachable_registration_reports_why() {
    let exchange = capture("59");
    let server = serve(&exchange).await;

    let registered = Mode::Gateway
        .client(&server.uri())
        .register(&manifest(&exchange))
        .await
        .unwrap();

    assert_eq!(registered.health.status, ModuleHealth::Unreachable);
    assert_eq!(registered.health.response_time, None);
    assert_eq!(
        registered.module.base_url_trimmed(),
        "http://127.0.0.1:9/base"
    );
}

#[tokio::test]
async fn listings_decode() {
    for number in ["63", "64", "65"] {
        let exchange = capture(number);
        let server = serve(&exchange).await;

        let page = Mode::Gateway
            .client(&server.uri())
            .list(&ListModules::new())
            .await
            .unwrap();

        let recorded = data(&exchange);
        assert_eq!(page.total, recorded["total"].as_u64().unwrap());
        assert_eq!(u64::from(page.pages), recorded["pages"].as_u64().unwrap());
        assert_eq!(page.has_next, recorded["has_next"].as_bool().unwrap());
        let items = recorded["items"].as_array().unwrap();
        assert_eq!(page.items.len(), items.len(), "{}", exchange.name());
        for (record, json) in page.items.iter().zip(items) {
            assert_record(record, json, exchange.name());
        }
    }
}

#[tokio::test]
async fn single_records_decode() {
    for (number, mode) in [("70", Mode::Gateway), ("79", Mode::Direct)] {
        let exchange = capture(number);
        let server = serve(&exchange).await;

        let record = mode
            .client(&server.uri())
            .get(&ModuleId::new("7c840860-4c75-40c1-b743-675f948a4201").unwrap())
            .await
            .unwrap();

        assert_record(&record, data(&exchange), exchange.name());
    }
}

#[tokio::test]
async fn the_other_answers_decode() {
    let id = ModuleId::new("7c840860-4c75-40c1-b743-675f948a4201").unwrap();

    let exchange = capture("72");
    let server = serve(&exchange).await;
    let report = Mode::Gateway
        .client(&server.uri())
        .module_health(&id)
        .await
        .unwrap();
    assert_eq!(report.module_id, id);
    assert_eq!(
        report.health.details,
        Some(data(&exchange)["health"]["details"].clone())
    );

    let exchange = capture("73");
    let server = serve(&exchange).await;
    let summary = Mode::Gateway
        .client(&server.uri())
        .health_summary()
        .await
        .unwrap();
    let recorded = data(&exchange);
    assert_eq!(
        summary.total_modules,
        recorded["total_modules"].as_u64().unwrap()
    );
    for (entry, json) in summary
        .modules
        .iter()
        .zip(recorded["modules"].as_array().unwrap())
    {
        assert_eq!(entry.module_id, json["module_id"].as_str().unwrap());
        assert_eq!(entry.status.as_str(), json["status"]);
        assert!(entry.last_check.is_some());
    }

    let exchange = capture("74");
    let server = serve(&exchange).await;
    let updated = Mode::Gateway
        .client(&server.uri())
        .update(&id, &ModuleUpdate::new().version("1.0.1"))
        .await
        .unwrap();
    assert_record(&updated.module, &data(&exchange)["module"], exchange.name());

    let exchange = capture("82");
    let server = serve(&exchange).await;
    let gone = Mode::Gateway
        .client(&server.uri())
        .unregister(&id)
        .await
        .unwrap();
    assert_eq!(gone, Unregistered::Removed(id));
}

#[tokio::test]
async fn the_registrys_own_health_and_readiness_decode() {
    // Arrange: captures 07 and 08 were recorded on the registry itself.
    let (health, ready) = (capture("07"), capture("08"));
    let replay = Replay::serve([health.clone(), ready]).await;
    let _check = SchemaCheck::mount(OpenApi::new(Service::Registry), replay.server()).await;
    let client = Mode::Direct.client(&replay.uri());

    // Act
    let alive = client.health().await.unwrap();
    let readiness = client.ready().await.unwrap();

    // Assert: `/health` and `/ready` once each, as recorded.
    assert_eq!(replay.received().await.len(), 2);
    replay.verify().await.unwrap();
    let recorded = health.response().body().unwrap();
    assert_eq!(alive.status, "healthy");
    assert_eq!(
        alive.dependencies["registered_modules"],
        recorded["dependencies"]["registered_modules"]
    );
    assert!(matches!(alive.uptime, Some(lift_sdk_core::Uptime::Seconds(s)) if s > 0.0));
    assert_eq!(readiness.status, "ready");
    assert_eq!(readiness.service.as_deref(), Some("registry"));
    assert!(readiness.checks.is_empty());
}
