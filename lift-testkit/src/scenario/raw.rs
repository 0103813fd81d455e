//! A hand-written HTTP/1.1 server, for the failures wiremock cannot play: a connection closed
//! before or during an answer, an answer that never comes, a lie about framing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

/// What a [`RawServer`] does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawReply {
    /// Write these bytes (a whole HTTP/1.1 answer) and keep the connection open.
    Send(String),
    /// Write these bytes, then close the connection.
    SendThenClose(String),
    /// Close the connection without answering.
    Close,
    /// Never answer, keeping the connection open.
    Hang,
}

impl RawReply {
    /// A 200 with the JSON body `{}`, keeping the connection alive.
    #[must_use]
    pub fn ok() -> Self {
        Self::ok_json(&serde_json::json!({}))
    }

    /// A 200 with `body` as JSON, keeping the connection alive.
    #[must_use]
    pub fn ok_json(body: &serde_json::Value) -> Self {
        let body = body.to_string();
        Self::Send(format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        ))
    }

    /// The head of a 200 announcing a 64-byte JSON body, then 16 bytes of it, then the
    /// connection closes: the answer is dropped mid-body.
    #[must_use]
    pub fn dropped_mid_answer() -> Self {
        Self::SendThenClose(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 64\r\n\r\n\
             {\"success\":true,"
                .to_owned(),
        )
    }
}

/// One request a [`RawServer`] received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest {
    /// The request line and headers, up to and including the blank line.
    pub head: String,
    /// The body, as long as `content-length` said.
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The request line: `GET /modules HTTP/1.1`.
    #[must_use]
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }
}

/// A hand-written HTTP/1.1 server on loopback, for what wiremock cannot do: close a
/// connection before answering or in the middle of an answer, hang, or lie about framing.
///
/// A script decides what each request gets, from its number (from 0, across connections);
/// every request is recorded before the script acts on it. The server stops when dropped.
///
/// ```
/// use lift_testkit::scenario::{RawReply, RawServer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // The first answer is cut mid-body, later ones are whole.
/// let mut server = RawServer::scripted(|n| match n {
///     0 => RawReply::dropped_mid_answer(),
///     _ => RawReply::ok(),
/// })
/// .await;
/// let first = reqwest::get(format!("{}/x", server.uri())).await.unwrap().text().await;
/// assert!(first.is_err());
/// assert_eq!(server.next_request().await.request_line(), "GET /x HTTP/1.1");
/// # }
/// ```
#[derive(Debug)]
pub struct RawServer {
    uri: String,
    requests: mpsc::UnboundedReceiver<RawRequest>,
    received: Arc<Mutex<Vec<RawRequest>>>,
    task: JoinHandle<()>,
}

impl RawServer {
    /// Starts a server on `127.0.0.1:0` that replies to request number `n` with `script(n)`.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn scripted(script: impl Fn(usize) -> RawReply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|err| panic!("RawServer: cannot bind a loopback port: {err}"));
        let uri = listener
            .local_addr()
            .map(|addr| format!("http://{addr}"))
            .unwrap_or_else(|err| panic!("RawServer: no local address: {err}"));
        let (sender, requests) = mpsc::unbounded_channel();
        let received = Arc::new(Mutex::new(Vec::new()));
        let journal = Arc::clone(&received);
        let script = Arc::new(script);
        let count = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(async move {
            // Dropped with the accept loop, so aborting it closes every connection.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let (script, count, sender) = (script.clone(), count.clone(), sender.clone());
                let journal = Arc::clone(&journal);
                connections.spawn(serve(stream, move |request: RawRequest| {
                    journal
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(request.clone());
                    let _ = sender.send(request);
                    script(count.fetch_add(1, Ordering::SeqCst))
                }));
                // Reap finished connections so the set does not grow.
                while connections.try_join_next().is_some() {}
            }
        });
        Self {
            uri,
            requests,
            received,
            task,
        }
    }

    /// A server that answers every request with a head announcing a body, part of that
    /// body, and a closed connection ([`RawReply::dropped_mid_answer`]).
    pub async fn drop_mid_answer() -> Self {
        Self::scripted(|_| RawReply::dropped_mid_answer()).await
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn uri(&self) -> String {
        self.uri.clone()
    }

    /// Waits for the next request not yet returned by this method, in arrival order.
    ///
    /// # Panics
    ///
    /// When the server stopped accepting connections (it does not while it lives).
    pub async fn next_request(&mut self) -> RawRequest {
        self.requests
            .recv()
            .await
            .unwrap_or_else(|| panic!("RawServer {}: stopped", self.uri))
    }

    /// The next request not yet returned by [`next_request`](Self::next_request), if one
    /// arrived already.
    pub fn try_next_request(&mut self) -> Option<RawRequest> {
        self.requests.try_recv().ok()
    }

    /// Every request received so far, in arrival order.
    #[must_use]
    pub fn received(&self) -> Vec<RawRequest> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A loopback URI where nothing listens: a port was bound and released, so a connection is
/// refused (the server stopped).
///
/// # Panics
///
/// When no loopback port can be bound.
#[must_use]
pub fn refused_uri() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|err| panic!("refused_uri: cannot bind a loopback port: {err}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|err| panic!("refused_uri: no local address: {err}"));
    drop(listener);
    format!("http://{addr}")
}

async fn serve(mut stream: TcpStream, mut on_request: impl FnMut(RawRequest) -> RawReply) {
    let mut buffer = Vec::new();
    loop {
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if !read_more(&mut stream, &mut buffer).await {
                return;
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let body_len = content_length(&head);
        while buffer.len() < head_end + body_len {
            if !read_more(&mut stream, &mut buffer).await {
                return;
            }
        }
        let body = buffer[head_end..head_end + body_len].to_vec();
        buffer.drain(..head_end + body_len);
        match on_request(RawRequest { head, body }) {
            RawReply::Send(answer) => {
                if stream.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
            }
            RawReply::SendThenClose(answer) => {
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
                return;
            }
            RawReply::Close => return,
            RawReply::Hang => std::future::pending::<()>().await,
        }
    }
}

/// Reads what is available into `buffer`; `false` when the connection ended.
async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 4096];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0)
}
