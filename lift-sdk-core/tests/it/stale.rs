//! A pooled connection the server closed (uvicorn does after a 500): resent only when safe.

use lift_sdk_core::ErrorKind;

use lift_testkit::scenario::{RawReply, RawServer};

use crate::support::builder;

/// The first request is answered on a keep-alive connection; the server closes that
/// connection when the second arrives, without answering; later requests are answered.
fn closes_the_reused_connection(n: usize) -> RawReply {
    if n == 1 {
        RawReply::Close
    } else {
        RawReply::ok()
    }
}

#[tokio::test]
async fn a_get_on_a_connection_closed_before_any_answer_is_retried() {
    let mut server = RawServer::scripted(closes_the_reused_connection).await;
    let t = builder(&server.uri()).build().unwrap();
    t.get("/modules").send().await.unwrap();

    let answer = t.get("/modules").send().await.unwrap();

    assert_eq!(answer.status(), 200);
    assert_eq!(answer.attempts(), 2);
    for _ in 0..3 {
        assert_eq!(
            server.next_request().await.request_line(),
            "GET /modules HTTP/1.1"
        );
    }
}

#[tokio::test]
async fn a_post_on_a_connection_closed_before_any_answer_is_not_resent() {
    let mut server = RawServer::scripted(closes_the_reused_connection).await;
    let t = builder(&server.uri()).build().unwrap();
    t.post("/modules").json(&1).send().await.unwrap();

    let err = t.post("/modules").json(&2).send().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Request);
    assert_eq!(err.attempts(), 1);
    server.next_request().await;
    server.next_request().await;
    assert_eq!(server.try_next_request(), None, "the POST was sent again");
}
