//! The body limit (413, announced and streamed), the panic catcher (500) and the timeout (504).

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use bytes::Bytes;
use serde_json::{Value, json};

use super::{Server, json_of};
use crate::runtime::http::Json;

fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/notes",
            post(|Json(note): Json<Value>| async move { Json(note) }),
        )
        .route(
            "/api/v1/upload",
            post(|body: Bytes| async move { body.len().to_string() }),
        )
        .route(
            "/api/v1/panic",
            get(|| async {
                let password = std::hint::black_box("db password hunter2");
                panic!("connecting with {password} failed");
                #[allow(unreachable_code)]
                "unreachable"
            }),
        )
        .route("/api/v1/ok", get(|| async { Json(json!({"ok": true})) }))
        .route(
            "/api/v1/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                "too late"
            }),
        )
}

fn too_large() -> Value {
    json!({"detail": "Request body too large"})
}

/// A JSON string of `len` bytes in all.
fn json_body(len: usize) -> String {
    format!("\"{}\"", "x".repeat(len - 2))
}

#[tokio::test]
async fn a_body_announced_too_large_is_413_json() {
    let server = Server::start(routes()).await;

    for path in ["/api/v1/notes", "/api/v1/upload"] {
        let answer = json_of(
            server
                .post(path)
                .header("content-type", "application/json")
                .body(json_body(1100))
                .send()
                .await
                .unwrap(),
        )
        .await;

        assert_eq!(
            answer,
            (413, "application/json".into(), too_large()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_streamed_body_over_the_limit_is_413_json() {
    let server = Server::start(routes()).await;
    let body = json_body(1100);
    let chunked = format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len());

    for path in ["/api/v1/notes", "/api/v1/upload"] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nhost: m\r\ncontent-type: application/json\r\n\
             transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
        );
        let (status, answer) = server.raw(&head, chunked.as_bytes()).await;

        assert_eq!(status, 413, "{path}: {answer}");
        assert!(
            answer.contains("content-type: application/json"),
            "{answer}"
        );
        assert!(answer.ends_with(&too_large().to_string()), "{answer}");
    }
}

#[tokio::test]
async fn a_body_within_the_limit_passes() {
    let server = Server::start(routes()).await;

    let response = server
        .post("/api/v1/upload")
        .body(vec![b'x'; 1024])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "1024");
}

#[tokio::test]
async fn a_panic_is_a_500_json_without_its_message_and_the_server_keeps_serving() {
    let server = Server::start(routes()).await;

    let panicked = server.get("/api/v1/panic").send().await.unwrap();
    let (status, content_type, body) = json_of(panicked).await;
    let next = json_of(server.get("/api/v1/ok").send().await.unwrap()).await;

    assert_eq!(
        (status, content_type.as_str(), &body),
        (
            500,
            "application/json",
            &json!({"detail": "Internal Server Error"})
        )
    );
    assert!(!body.to_string().contains("hunter2"));
    assert_eq!(next.0, 200);
}

#[tokio::test(start_paused = true)]
async fn a_slow_handler_is_a_504_json() {
    let server = Server::start(routes()).await;

    // The paused clock jumps to the 5 s timeout as soon as everything waits.
    let answer = json_of(server.get("/api/v1/slow").send().await.unwrap()).await;

    assert_eq!(
        answer,
        (
            504,
            "application/json".into(),
            json!({"detail": "Request timed out"})
        )
    );
}
