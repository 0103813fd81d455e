//! Helpers shared by the integration tests.

use std::time::Duration;

use lift_sdk_core::{CircuitBreaker, RetryBudget, RetryPolicy, Transport, TransportBuilder};
use lift_testkit::replay::Capture;

/// Every capture of one set of `fixtures/liftos-captures` (`""` for as-committed, `"compat"`).
pub(crate) fn captures(set: &str) -> Vec<Capture> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/liftos-captures");
    Capture::load_all(std::path::Path::new(dir).join(set)).unwrap()
}

/// A transport builder with fast, deterministic retry settings for tests.
pub(crate) fn builder(uri: &str) -> TransportBuilder {
    Transport::builder(uri)
        .service("test")
        .retry_policy(fast_retries(3))
        .retry_budget(RetryBudget::new(100, 1.0))
        .circuit_breaker(CircuitBreaker::new(100, Duration::from_secs(30)))
}

/// Retries with a 1 ms backoff cap, so tests do not wait.
pub(crate) fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
}

/// A transport with test settings.
pub(crate) fn transport(uri: &str) -> Transport {
    builder(uri).build().unwrap()
}

/// The requests a mock server received.
pub(crate) async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

/// What the raw server does with one request (numbered from 0 across connections).
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// Write these bytes (a whole HTTP/1.1 answer) and keep the connection open.
    Send(String),
    /// Close the connection without answering.
    Close,
    /// Never answer, keeping the connection open.
    Hang,
}

/// A 200 answer with a small JSON body, keeping the connection alive.
pub(crate) fn raw_ok() -> Reply {
    Reply::Send(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
            .to_owned(),
    )
}

/// A hand-written HTTP/1.1 server on loopback, for what wiremock cannot do: close a
/// keep-alive connection when the next request arrives, hang, or lie about framing.
#[derive(Debug)]
pub(crate) struct RawServer {
    pub(crate) uri: String,
    /// The head of every request, in arrival order, sent before the server acts on it.
    pub(crate) requests: tokio::sync::mpsc::UnboundedReceiver<String>,
}

pub(crate) async fn raw_server(
    script: impl Fn(usize) -> Reply + Send + Sync + 'static,
) -> RawServer {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let (sender, requests) = tokio::sync::mpsc::unbounded_channel();
    let script = Arc::new(script);
    let count = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (script, count, sender) = (script.clone(), count.clone(), sender.clone());
            tokio::spawn(serve_raw(stream, move |head| {
                let _ = sender.send(head);
                script(count.fetch_add(1, Ordering::SeqCst))
            }));
        }
    });
    RawServer { uri, requests }
}

async fn serve_raw(mut stream: tokio::net::TcpStream, mut on_request: impl FnMut(String) -> Reply) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut buffer = Vec::new();
    loop {
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let body_len = head
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + body_len {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + body_len);
        match on_request(head) {
            Reply::Send(answer) => {
                if stream.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
            }
            Reply::Close => return,
            Reply::Hang => std::future::pending::<()>().await,
        }
    }
}
