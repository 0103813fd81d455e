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

/// A keep-alive server that answers the first request, then resets the connection (RST,
/// `SO_LINGER` 0) when the second arrives, before any byte of an answer; a new connection
/// is answered again. What the reference did right after a 500.
async fn resets_the_reused_connection() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let (seen, requests) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut connection = 0;
        while let Ok((mut stream, _)) = listener.accept().await {
            connection += 1;
            let seen = seen.clone();
            let reset_second = connection == 1;
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut answered = 0;
                loop {
                    let mut chunk = [0u8; 4096];
                    let Ok(read) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..read]);
                    // Whole requests only (heads, plus a small declared body).
                    let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                    let body = head
                        .lines()
                        .filter_map(|line| line.split_once(':'))
                        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if buffer.len() < end + 4 + body {
                        continue;
                    }
                    buffer.drain(..end + 4 + body);
                    let _ = seen.send(head.lines().next().unwrap_or("").to_owned());
                    if reset_second && answered == 1 {
                        // Deprecated because a non-zero linger blocks the thread on drop;
                        // zero does not: the close is an immediate RST.
                        #[allow(deprecated)]
                        stream.set_linger(Some(std::time::Duration::ZERO)).unwrap();
                        return; // dropped: RST
                    }
                    answered += 1;
                    let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (uri, requests)
}

#[tokio::test]
async fn a_get_on_a_reused_connection_reset_before_any_answer_is_retried() {
    let (uri, mut requests) = resets_the_reused_connection().await;
    let t = builder(&uri).build().unwrap();
    t.get("/modules").send().await.unwrap();

    let answer = t.get("/modules").send().await.unwrap();

    assert_eq!(answer.status(), 200);
    assert_eq!(answer.attempts(), 2);
    for _ in 0..3 {
        assert_eq!(requests.recv().await.unwrap(), "GET /modules HTTP/1.1");
    }
}

#[tokio::test]
async fn a_post_on_a_reused_connection_reset_before_any_answer_is_not_resent() {
    let (uri, mut requests) = resets_the_reused_connection().await;
    let t = builder(&uri).build().unwrap();
    t.post("/modules").json(&1).send().await.unwrap();

    let err = t.post("/modules").json(&2).send().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Request);
    assert_eq!(err.attempts(), 1);
    requests.recv().await.unwrap();
    requests.recv().await.unwrap();
    assert!(requests.try_recv().is_err(), "the POST was sent again");
}
