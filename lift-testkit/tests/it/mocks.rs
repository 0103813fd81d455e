//! What every service mock shares (`MockService`): the OpenAPI check answering 422, the
//! 404 fallback, the typed journal on the test's clock, and expectations.

use std::time::Duration;

use lift_testkit::mocks::{MockService, envelope};
use lift_testkit::openapi::Service;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

async fn memory_mock() -> MockService {
    let mock = MockService::start(Service::Memory).await;
    let answer = envelope("ok", json!({ "results": [] }));
    mock.answer_by_default(
        "POST",
        "/search",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    mock
}

async fn post(url: String, body: Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(url)
        .header("x-user-id", "u-1")
        .header("x-org-id", "o-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

#[tokio::test]
async fn a_valid_request_gets_the_happy_answer_directly_and_under_the_gateway_prefix() {
    let mock = memory_mock().await;
    let body = json!({ "query": "lift", "limit": 5 });

    let (direct, _) = post(format!("{}/search", mock.uri()), body.clone()).await;
    let (gateway, answer) = post(format!("{}/memory/search", mock.uri()), body.clone()).await;

    assert_eq!((direct, gateway), (200, 200));
    assert_eq!(answer["data"], json!({ "results": [] }));
    assert_eq!(answer["errors"], Value::Null);
    let received = mock.received_on("POST", "/search");
    assert_eq!(received.len(), 2);
    assert!(!received[0].through_gateway && received[1].through_gateway);
    assert_eq!(received[1].path, "/search");
    assert_eq!(received[1].json::<Value>().unwrap(), body);
    assert_eq!(received[1].user_id(), Some("u-1"));
}

#[tokio::test]
async fn a_request_the_service_refuses_gets_fastapi_422_never_the_happy_answer() {
    let mock = memory_mock().await;

    let (status, answer) = post(format!("{}/search", mock.uri()), json!({ "limit": 500 })).await;

    assert_eq!(status, 422);
    let detail = answer["detail"].as_array().unwrap();
    let missing = detail
        .iter()
        .find(|item| item["type"] == "missing")
        .unwrap();
    assert_eq!(missing["loc"], json!(["body", "query"]));
    assert_eq!(missing["msg"], "Field required");
    let limit = detail
        .iter()
        .find(|item| item["loc"] == json!(["body", "limit"]))
        .unwrap();
    assert_eq!(limit["input"], 500);
    assert_eq!(limit["type"], "less_than_equal"); // worded as Pydantic words it
    assert_eq!(limit["msg"], "Input should be less than or equal to 100");
    assert_eq!(limit["ctx"], json!({ "le": 100 }));
}

#[tokio::test]
async fn a_path_without_a_route_gets_fastapi_404() {
    let mock = memory_mock().await;

    let (status, answer) = post(format!("{}/nowhere", mock.uri()), json!({})).await;

    assert_eq!((status, answer), (404, json!({ "detail": "Not Found" })));
    assert_eq!(mock.received()[0].path, "/nowhere");
}

#[tokio::test]
async fn expectations_count_matching_requests_and_name_what_they_saw() {
    let mock = memory_mock().await;
    mock.expect_call("POST", "/search").as_user("u-1").times(1);
    post(format!("{}/search", mock.uri()), json!({ "query": "a" })).await;
    mock.verify().await;

    mock.expect_call("POST", "/search").between(2..=3);
    let failed = tokio::spawn(async move { mock.verify().await })
        .await
        .unwrap_err();

    let message = *failed.into_panic().downcast::<String>().unwrap();
    assert_eq!(
        message,
        "memory mock: 1 unmet expectation(s):\n  expected POST /search: between 2 and 3, saw 1"
    );
}

#[tokio::test(start_paused = true)]
async fn requests_are_stamped_on_the_test_s_paused_clock() {
    let mock = memory_mock().await;
    let start = tokio::time::Instant::now();
    post(format!("{}/search", mock.uri()), json!({ "query": "a" })).await;
    tokio::time::advance(Duration::from_secs(30)).await;
    post(format!("{}/search", mock.uri()), json!({ "query": "b" })).await;

    let times: Vec<Duration> = mock.received().iter().map(|r| r.at - start).collect();

    assert!(times[0] < Duration::from_secs(1), "{times:?}");
    assert!(times[1] >= Duration::from_secs(30), "{times:?}");
}

#[tokio::test]
async fn a_service_behind_the_gateway_mock_is_served_only_under_its_prefix() {
    let gateway = MockService::start(Service::Gateway).await;
    let memory = MockService::behind(&gateway, Service::Memory).await;
    let answer = envelope("ok", json!({ "results": [] }));
    memory
        .answer_by_default(
            "POST",
            "/search",
            ResponseTemplate::new(200).set_body_json(answer),
        )
        .await;
    let body = json!({ "query": "lift" });

    let (through, _) = post(format!("{}/memory/search", gateway.uri()), body.clone()).await;
    let (bare, _) = post(format!("{}/search", gateway.uri()), body).await;

    assert_eq!((through, bare), (200, 404));
    assert_eq!(memory.uri(), gateway.uri());
    let answer = reqwest::Client::new()
        .post(format!("{}/memory/search", gateway.uri()))
        .header("x-user-id", "u-1")
        .json(&json!({ "query": "lift" }))
        .send()
        .await
        .unwrap();
    let correlation = answer.headers().get("x-correlation-id").unwrap();
    assert_eq!(correlation.len(), 36, "the gateway's uuid4");
    let received = memory.received();
    assert_eq!(received.len(), 2, "{received:?}");
    assert!(received[0].through_gateway);
    assert_eq!(gateway.received().len(), 3);
}
