//! Scenarios on a service mock (`MockService::scenario`), through `MemoryClient` in both
//! routing modes.

use lift_auth::{Role, UserContext};
use lift_memory_client::{MemoryClient, SearchRequest, StoreRequest};
use lift_testkit::mocks::{MockService, envelope};
use lift_testkit::openapi::Service;
use lift_testkit::scenario::{Scenario, Step};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use super::transport;

fn ana() -> UserContext {
    UserContext::new("u-ana", "u-ana")
        .with_roles([Role::User])
        .with_memory_context("org_u-ana_context")
}

async fn memory_mock() -> MockService {
    let mock = MockService::start(Service::Memory).await;
    let found = json!({ "results": [], "count": 0, "search_type": "hybrid", "duration": 0.01 });
    mock.answer_by_default(
        "POST",
        "/search",
        ResponseTemplate::new(200).set_body_json(envelope("Search completed", found)),
    )
    .await;
    let stored = json!({ "memory_id": "mem_1", "memory_type": "general", "content_length": 5 });
    mock.answer_by_default(
        "POST",
        "/store",
        ResponseTemplate::new(200).set_body_json(envelope("Memory stored", stored)),
    )
    .await;
    mock
}

fn memory_client(mock: &MockService) -> MemoryClient {
    MemoryClient::new(transport(&mock.uri())).for_context(&ana())
}

#[tokio::test]
async fn a_memory_search_is_retried_through_the_scenario_then_gets_the_happy_answer() {
    let mock = memory_mock().await;
    let scenario = mock
        .scenario(
            "POST",
            "/search",
            Scenario::new()
                .then(Step::status(502))
                .then(Step::service_unavailable()),
        )
        .await;

    let found = memory_client(&mock)
        .search(SearchRequest::new("lift"))
        .await
        .unwrap();

    assert_eq!(found.count, 0);
    assert_eq!(scenario.calls(), 2);
    let searches = mock.received_on("POST", "/search");
    assert_eq!(searches.len(), 3);
    assert!(searches.iter().all(|r| r.user_id() == Some("u-ana")));
    assert_eq!(
        searches[2].json::<Value>().unwrap(),
        json!({ "query": "lift", "search_type": "hybrid", "limit": 10, "filters": null })
    );
}

#[tokio::test]
async fn a_memory_store_is_never_resent_after_a_503_and_the_route_recovers() {
    let mock = memory_mock().await;
    let scenario = mock
        .scenario(
            "POST",
            "/store",
            Scenario::new().then(Step::service_unavailable()),
        )
        .await;
    let memory = memory_client(&mock);

    let err = memory.store(StoreRequest::new("hello")).await.unwrap_err();
    let stored = memory.store(StoreRequest::new("hello")).await.unwrap();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.attempts(), 1);
    assert_eq!(stored.memory_id.as_str(), "mem_1");
    assert_eq!(scenario.calls(), 1);
    assert_eq!(mock.received_on("POST", "/store").len(), 2);
}

#[tokio::test]
async fn a_request_the_service_refuses_gets_the_422_not_a_scenario_step() {
    let mock = memory_mock().await;
    let scenario = mock
        .scenario(
            "POST",
            "/search",
            Scenario::new().then(Step::service_unavailable()),
        )
        .await;

    let answer = reqwest::Client::new()
        .post(format!("{}/memory/search", mock.uri()))
        .json(&json!({ "limit": 500 }))
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), 422);
    assert_eq!(scenario.calls(), 0);
}

#[tokio::test]
async fn a_scenario_on_a_mock_behind_the_gateway_plays_for_a_gateway_mode_client() {
    let gateway = MockService::start(Service::Gateway).await;
    let memory = MockService::behind(&gateway, Service::Memory).await;
    let found = json!({ "results": [], "count": 0, "search_type": "hybrid", "duration": 0.01 });
    memory
        .answer_by_default(
            "POST",
            "/search",
            ResponseTemplate::new(200).set_body_json(envelope("Search completed", found)),
        )
        .await;
    let scenario = memory
        .scenario(
            "POST",
            "/search",
            Scenario::new().then(Step::service_unavailable().duplicate_date_header()),
        )
        .await;
    let client = MemoryClient::through_gateway(transport(&format!("{}/memory", gateway.uri())))
        .for_token("token-of-ana");

    let found = client.search(SearchRequest::new("lift")).await.unwrap();

    assert_eq!(found.count, 0);
    assert_eq!(scenario.calls(), 1);
    let searches = memory.received_on("POST", "/search");
    assert_eq!(searches.len(), 2);
    assert!(searches.iter().all(|r| r.through_gateway));
}
