//! Every error answer recorded from the reference services decodes into the right shape.

use http::Method;
use lift_sdk_core::{ErrorDetail, ErrorKind, RetryPolicy};
use lift_testkit::replay::{Capture, Replay};
use serde_json::Value;

use crate::support::{builder, captures};

/// Sends the capture's request, exactly as recorded, to a replay of it.
async fn replay(capture: &Capture) -> lift_sdk_core::Error {
    let replay = Replay::serve([capture.clone()]).await;
    let transport = builder(&replay.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let method = Method::from_bytes(capture.request().method().as_bytes()).unwrap();
    // The exact recorded path, trailing slash included, so the 307s are reproduced.
    let url = format!("{}{}", replay.uri(), capture.request().path_and_query())
        .parse()
        .unwrap();
    let err = transport
        .request_url(method, url)
        .send()
        .await
        .expect_err(capture.name());
    assert_eq!(replay.received().await.len(), 1, "{}", capture.name());
    replay.verify().await.unwrap();
    err
}

fn check(capture: &Capture, err: &lift_sdk_core::Error) {
    let id = capture.name();
    let status = capture.response().status();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{id}");
    assert_eq!(err.attempts(), 1, "{id}");
    if (300..400).contains(&status) {
        assert_eq!(err.kind(), ErrorKind::Redirect, "{id}");
        let location = capture.response().header("location");
        assert_eq!(err.location(), location, "{id}");
        assert!(err.to_string().contains(location.unwrap()), "{id}: {err}");
        return;
    }
    assert_eq!(err.kind(), ErrorKind::Status, "{id}");
    let api_error = err.api_error().expect(id);
    assert_eq!(api_error.status().as_u16(), status, "{id}");
    match (capture.response().body(), api_error.detail()) {
        (Some(Value::Object(body)), ErrorDetail::Message(message)) => {
            assert_eq!(body["detail"].as_str(), Some(message.as_str()), "{id}");
            assert!(err.to_string().contains(message.as_str()), "{id}: {err}");
        }
        (Some(Value::Object(body)), ErrorDetail::Validation(items)) => {
            let expected = body["detail"].as_array().expect(id);
            assert_eq!(items.len(), expected.len(), "{id}");
            for (item, raw) in items.iter().zip(expected) {
                assert_eq!(item.kind, raw["type"].as_str().unwrap(), "{id}");
                assert_eq!(item.msg, raw["msg"].as_str().unwrap(), "{id}");
                assert_eq!(item.loc.len(), raw["loc"].as_array().unwrap().len(), "{id}");
            }
            assert!(err.to_string().contains(&items[0].msg), "{id}: {err}");
        }
        (None, ErrorDetail::Text(text)) => {
            assert_eq!(text, capture.response().body_raw(), "{id}");
        }
        (body, detail) => panic!("{id}: body {body:?} decoded as {detail:?}"),
    }
}

#[tokio::test]
async fn every_recorded_error_answer_decodes_into_its_api_error() {
    let mut seen = 0;
    for set in ["", "compat"] {
        for capture in captures(set) {
            if capture.response().status() < 300 {
                continue;
            }
            let err = replay(&capture).await;
            check(&capture, &err);
            seen += 1;
        }
    }
    // 60 as committed + 55 in compat (compat turns five auth 500s into 200s or 401s).
    assert!(seen >= 110, "only {seen} error captures replayed");
}

#[tokio::test]
async fn recorded_success_envelopes_decode() {
    let mut seen = 0;
    for capture in captures("compat") {
        let is_envelope = capture
            .response()
            .body()
            .and_then(|body| body.get("success"))
            .is_some();
        if capture.response().status() != 200 || !is_envelope {
            continue;
        }
        let id = capture.name().to_owned();
        let method = Method::from_bytes(capture.request().method().as_bytes()).unwrap();
        let path_and_query = capture.request().path_and_query();
        let body = capture.response().body().unwrap().clone();
        let replay = Replay::serve([capture]).await;
        let url = format!("{}{path_and_query}", replay.uri()).parse().unwrap();
        let envelope = crate::support::transport(&replay.uri())
            .request_url(method, url)
            .send_envelope::<Value>()
            .await
            .expect(&id);
        replay.verify().await.unwrap();
        assert_eq!(
            envelope.data.as_ref(),
            body.get("data").filter(|d| !d.is_null()),
            "{id}"
        );
        assert_eq!(envelope.message, body["message"].as_str().unwrap(), "{id}");
        seen += 1;
    }
    assert!(seen >= 15, "only {seen} envelopes replayed");
}
