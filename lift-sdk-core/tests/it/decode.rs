//! Decoding successful answers: the envelope, bare JSON, and errors that name the JSON path.

use lift_sdk_core::{ErrorDetail, ErrorKind, RetryPolicy};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, transport};

#[derive(Debug, Deserialize, PartialEq)]
struct Stats {
    total_contexts: u64,
    active_contexts: u64,
}

async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/thing"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn envelope_data_and_metadata_are_read_and_unknown_fields_ignored() {
    let server = serve(ResponseTemplate::new(200).set_body_json(json!({
        "success": true, "message": "Success",
        "data": {"total_contexts": 2, "active_contexts": 1, "backend": "universal_kse"},
        "errors": null,
        "metadata": {"correlation_id": "c-9", "org_id": "o-1"},
        "brand_new_key": [1, 2, 3]
    })))
    .await;
    let t = transport(&server.uri());

    let envelope = t.get("/thing").send_envelope::<Stats>().await.unwrap();
    let data: Stats = t.get("/thing").send_data().await.unwrap();

    assert_eq!(envelope.correlation_id(), Some("c-9"));
    assert_eq!(envelope.metadata_str("org_id"), Some("o-1"));
    assert_eq!(
        data,
        Stats {
            total_contexts: 2,
            active_contexts: 1
        }
    );
}

#[tokio::test]
async fn envelope_without_metadata_key_is_accepted() {
    // The module template's APIResponse has no `metadata` key at all.
    let server = serve(ResponseTemplate::new(200).set_body_json(
        json!({"success": true, "message": "ok", "data": {"total_contexts": 1, "active_contexts": 1}, "errors": null}),
    ))
    .await;
    let envelope = transport(&server.uri())
        .get("/thing")
        .send_envelope::<Stats>()
        .await
        .unwrap();
    assert_eq!(envelope.metadata, None);
    assert!(envelope.success);
}

#[tokio::test]
async fn bare_json_bodies_decode() {
    let server = serve(
        ResponseTemplate::new(200)
            .set_body_json(json!({"total_contexts": 5, "active_contexts": 4})),
    )
    .await;
    let stats: Stats = transport(&server.uri())
        .get("/thing")
        .send_json()
        .await
        .unwrap();
    assert_eq!(stats.total_contexts, 5);
}

#[tokio::test]
async fn empty_data_is_an_error_unless_the_type_accepts_null() {
    let server = serve(ResponseTemplate::new(200).set_body_json(
        json!({"success": true, "message": "Success", "data": null, "errors": null, "metadata": null}),
    ))
    .await;
    let t = transport(&server.uri());

    let optional: Option<Stats> = t.get("/thing").send_data().await.unwrap();
    let err = t.get("/thing").send_data::<Stats>().await.unwrap_err();

    assert_eq!(optional, None);
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("data is null or missing"), "{err}");
}

#[tokio::test]
async fn a_decode_error_names_the_json_path_and_shows_a_short_snippet() {
    let long_tail = "x".repeat(5_000);
    let server = serve(ResponseTemplate::new(200).set_body_json(json!({
        "success": true, "message": "Success",
        "data": {"total_contexts": "two", "active_contexts": 1, "padding": long_tail},
    })))
    .await;

    let err = transport(&server.uri())
        .get("/thing")
        .send_data::<Stats>()
        .await
        .unwrap_err();

    let message = err.to_string();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(message.contains("`data.total_contexts`"), "{message}");
    assert!(message.contains("GET /thing (200 OK)"), "{message}");
    assert!(message.contains(r#"body: {"data":{"#), "{message}");
    assert!(
        message.len() < 400,
        "snippet not truncated: {} bytes",
        message.len()
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error_not_a_panic() {
    let server = serve(
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"success": true, "data": {"tot"#, "application/json"),
    )
    .await;
    let err = transport(&server.uri())
        .get("/thing")
        .send_data::<Stats>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn the_three_error_shapes_and_text_become_api_errors() {
    let cases = [
        (
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Module not found"})),
            "http status 404 Not Found from GET /thing: Module not found",
        ),
        (
            ResponseTemplate::new(422).set_body_json(json!({"detail": [
                {"type": "missing", "loc": ["body", "query"], "msg": "Field required", "input": {}},
                {"type": "greater_than_equal", "loc": ["body", "limit"], "msg": "Input should be greater than or equal to 1", "input": 0, "ctx": {"ge": 1}, "url": "https://errors.pydantic.dev/2.5/v/greater_than_equal"}
            ]})),
            "http status 422 Unprocessable Entity from GET /thing: body.query: Field required; body.limit: Input should be greater than or equal to 1",
        ),
        (
            ResponseTemplate::new(500).set_body_raw("Internal Server Error", "text/plain; charset=utf-8"),
            "http status 500 Internal Server Error from GET /thing: Internal Server Error",
        ),
    ];
    for (template, expected) in cases {
        let server = serve(template).await;
        let t = builder(&server.uri())
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();

        let err = t.get("/thing").send().await.unwrap_err();

        assert_eq!(err.kind(), ErrorKind::Status);
        assert_eq!(err.to_string(), expected);
    }
}

#[tokio::test]
async fn validation_items_keep_optional_ctx_and_url() {
    let server = serve(ResponseTemplate::new(422).set_body_json(json!({"detail": [
        {"type": "enum", "loc": ["query", "status_filter"], "msg": "Input should be 'active'", "input": "bogus", "ctx": {"expected": "'active'"}}
    ]})))
    .await;
    let err = transport(&server.uri())
        .get("/thing")
        .send()
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    let ErrorDetail::Validation(items) = api.detail() else {
        panic!("{api:?}")
    };
    assert!(api.is_validation());
    assert_eq!(items[0].url, None);
    assert_eq!(items[0].ctx, Some(json!({"expected": "'active'"})));
    assert_eq!(items[0].input, json!("bogus"));
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct Counts {
    #[serde(default)]
    total_contexts: u64,
}

#[tokio::test]
async fn null_data_reads_as_an_empty_struct_and_odd_envelope_keys_never_fail() {
    // Arrange: `data: null` with every other key of the envelope of an unexpected type.
    let server = serve(ResponseTemplate::new(200).set_body_json(json!({
        "success": true, "message": null, "data": null,
        "errors": [{"code": 1}], "metadata": "none"
    })))
    .await;
    let t = transport(&server.uri());

    // Act
    let counts: Counts = t.get("/thing").send_data().await.unwrap();
    let nothing: Option<Counts> = t.get("/thing").send_data().await.unwrap();
    let envelope = t.get("/thing").send_envelope::<Counts>().await.unwrap();

    // Assert
    assert_eq!(counts, Counts::default());
    assert_eq!(nothing, None);
    assert_eq!(envelope.message, "");
    assert_eq!(envelope.errors, Some(vec![r#"{"code":1}"#.to_owned()]));
    assert_eq!(envelope.metadata, None);
}

#[tokio::test]
async fn health_bodies_keep_mistyped_fields_raw() {
    let server = serve(ResponseTemplate::new(200).set_body_json(json!({
        "status": "healthy", "version": 2, "timestamp": "later",
        "dependencies": {"registered_modules": 3}, "uptime": "running"
    })))
    .await;

    let health: lift_sdk_core::ServiceHealth = transport(&server.uri())
        .get("/thing")
        .send_json()
        .await
        .unwrap();

    assert!(health.is_healthy());
    assert_eq!(health.version, None);
    assert_eq!(health.timestamp, None);
    assert!(health.dependencies.is_empty());
    assert_eq!(health.mistyped["version"], 2);
    assert_eq!(health.mistyped["timestamp"], "later");
    assert_eq!(
        health.mistyped["dependencies"],
        json!({"registered_modules": 3})
    );
    assert_eq!(
        health.uptime,
        Some(lift_sdk_core::Uptime::Text("running".into()))
    );
}
