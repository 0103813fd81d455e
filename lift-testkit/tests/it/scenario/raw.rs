//! What wiremock cannot play, on the raw server: answers dropped before or during the body,
//! and a refused connection.

use lift_sdk_core::ErrorKind;
use lift_testkit::scenario::{RawReply, RawServer, refused_uri};
use serde_json::{Value, json};

use super::transport;

#[tokio::test]
async fn an_answer_dropped_mid_body_resends_a_get_but_never_a_post() {
    let mut server = RawServer::drop_mid_answer().await;
    let t = transport(&server.uri());

    let get = t.get("/modules").send().await.unwrap_err();
    let post = t
        .post("/modules")
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();

    // The server saw the request: only the idempotent one goes again (3 attempts in all).
    assert_eq!((get.kind(), get.attempts()), (ErrorKind::Request, 3));
    assert_eq!((post.kind(), post.attempts()), (ErrorKind::Request, 1));
    for _ in 0..3 {
        let request = server.next_request().await;
        assert_eq!(request.request_line(), "GET /modules HTTP/1.1");
    }
    let post_request = server.next_request().await;
    assert_eq!(post_request.request_line(), "POST /modules HTTP/1.1");
    assert_eq!(post_request.body, b"{}");
    assert_eq!(server.try_next_request(), None);
}

#[tokio::test]
async fn a_connection_closed_before_any_answer_resends_a_get_not_a_post() {
    // Each request on a fresh connection: the first of each pair is closed unanswered.
    let server = RawServer::scripted(|n| {
        if n % 2 == 0 {
            RawReply::Close
        } else {
            RawReply::ok_json(&json!({ "n": n }))
        }
    })
    .await;
    let t = transport(&server.uri());

    let get = t.get("/modules").send().await.unwrap();
    let post = t
        .post("/modules")
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();

    assert_eq!(get.attempts(), 2);
    assert_eq!(get.json::<Value>().unwrap(), json!({ "n": 1 }));
    assert_eq!((post.kind(), post.attempts()), (ErrorKind::Request, 1));
    let lines: Vec<String> = server
        .received()
        .iter()
        .map(|r| r.request_line().to_owned())
        .collect();
    assert_eq!(
        lines,
        [
            "GET /modules HTTP/1.1",
            "GET /modules HTTP/1.1",
            "POST /modules HTTP/1.1"
        ]
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error_and_is_retried_even_for_a_post() {
    let t = transport(&refused_uri());

    let get = t.get("/health").send().await.unwrap_err();
    let post = t.post("/store").json(&json!({})).send().await.unwrap_err();

    // A refused connection never carried the request: resending is always safe.
    assert_eq!((get.kind(), get.attempts()), (ErrorKind::Connect, 3));
    assert_eq!((post.kind(), post.attempts()), (ErrorKind::Connect, 3));
}

#[tokio::test]
async fn a_get_whose_answer_was_dropped_once_succeeds_on_its_second_attempt() {
    let server = RawServer::scripted(|n| match n {
        0 => RawReply::dropped_mid_answer(),
        _ => RawReply::ok_json(&json!({ "status": "healthy" })),
    })
    .await;
    let t = transport(&server.uri());

    let answer = t.get("/health").send().await.unwrap();

    assert_eq!((answer.status().as_u16(), answer.attempts()), (200, 2));
    assert_eq!(
        answer.json::<Value>().unwrap(),
        json!({ "status": "healthy" })
    );
    let lines: Vec<String> = server
        .received()
        .iter()
        .map(|r| r.request_line().to_owned())
        .collect();
    assert_eq!(lines, ["GET /health HTTP/1.1", "GET /health HTTP/1.1"]);
}
