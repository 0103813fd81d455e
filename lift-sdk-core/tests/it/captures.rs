//! Every error answer recorded from the reference services decodes into the right shape.

use http::Method;
use lift_sdk_core::{ErrorDetail, ErrorKind, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{Capture, builder, captures};

async fn replay(capture: &Capture) -> lift_sdk_core::Error {
    let server = MockServer::start().await;
    Mock::given(method(capture.request.method.as_str()))
        .and(path(capture.path_only()))
        .respond_with(capture.response_template())
        .expect(1)
        .mount(&server)
        .await;
    let transport = builder(&server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let method = Method::from_bytes(capture.request.method.as_bytes()).unwrap();
    // The exact recorded path, trailing slash included, so the 307s are reproduced.
    let url = format!("{}{}", server.uri(), capture.request.path)
        .parse()
        .unwrap();
    transport
        .request_url(method, url)
        .send()
        .await
        .expect_err(&capture.id)
}

fn check(capture: &Capture, err: &lift_sdk_core::Error) {
    let id = &capture.id;
    let status = capture.response.status;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{id}");
    assert_eq!(err.attempts(), 1, "{id}");
    if (300..400).contains(&status) {
        assert_eq!(err.kind(), ErrorKind::Redirect, "{id}");
        let location = capture
            .response
            .headers
            .iter()
            .find(|(name, _)| name == "location")
            .map(|(_, value)| value.as_str());
        assert_eq!(err.location(), location, "{id}");
        assert!(err.to_string().contains(location.unwrap()), "{id}: {err}");
        return;
    }
    assert_eq!(err.kind(), ErrorKind::Status, "{id}");
    let api_error = err.api_error().expect(id);
    assert_eq!(api_error.status().as_u16(), status, "{id}");
    match (&capture.response.body, api_error.detail()) {
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
            assert_eq!(text, &capture.response.body_raw, "{id}");
        }
        (body, detail) => panic!("{id}: body {body:?} decoded as {detail:?}"),
    }
}

#[tokio::test]
async fn every_recorded_error_answer_decodes_into_its_api_error() {
    let mut seen = 0;
    for set in ["", "compat"] {
        for capture in captures(set) {
            if capture.response.status < 300 {
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
            .response
            .body
            .as_ref()
            .and_then(|body| body.get("success"))
            .is_some();
        if capture.response.status != 200 || !is_envelope {
            continue;
        }
        let server = MockServer::start().await;
        Mock::given(path(capture.path_only()))
            .respond_with(capture.response_template())
            .mount(&server)
            .await;
        let method = Method::from_bytes(capture.request.method.as_bytes()).unwrap();
        let url = format!("{}{}", server.uri(), capture.request.path)
            .parse()
            .unwrap();
        let envelope = crate::support::transport(&server.uri())
            .request_url(method, url)
            .send_envelope::<Value>()
            .await
            .expect(&capture.id);
        let body = capture.response.body.as_ref().unwrap();
        assert_eq!(
            envelope.data.as_ref(),
            body.get("data").filter(|d| !d.is_null()),
            "{}",
            capture.id
        );
        assert_eq!(
            envelope.message,
            body["message"].as_str().unwrap(),
            "{}",
            capture.id
        );
        seen += 1;
    }
    assert!(seen >= 15, "only {seen} envelopes replayed");
}
