//! A pooled connection the server closed (uvicorn does after a 500): resent only when safe.

use lift_sdk_core::ErrorKind;

use crate::support::{Reply, builder, raw_ok, raw_server};

/// The first request is answered on a keep-alive connection; the server closes that
/// connection when the second arrives, without answering; later requests are answered.
fn closes_the_reused_connection(n: usize) -> Reply {
    if n == 1 { Reply::Close } else { raw_ok() }
}

#[tokio::test]
async fn a_get_on_a_connection_closed_before_any_answer_is_retried() {
    let server = raw_server(closes_the_reused_connection).await;
    let mut requests = server.requests;
    let t = builder(&server.uri).build().unwrap();
    t.get("/modules").send().await.unwrap();

    let answer = t.get("/modules").send().await.unwrap();

    assert_eq!(answer.status(), 200);
    assert_eq!(answer.attempts(), 2);
    for _ in 0..3 {
        assert!(requests.recv().await.unwrap().starts_with("GET /modules "));
    }
}

#[tokio::test]
async fn a_post_on_a_connection_closed_before_any_answer_is_not_resent() {
    let server = raw_server(closes_the_reused_connection).await;
    let mut requests = server.requests;
    let t = builder(&server.uri).build().unwrap();
    t.post("/modules").json(&1).send().await.unwrap();

    let err = t.post("/modules").json(&2).send().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Request);
    assert_eq!(err.attempts(), 1);
    requests.recv().await.unwrap();
    requests.recv().await.unwrap();
    assert!(requests.try_recv().is_err(), "the POST was sent again");
}
