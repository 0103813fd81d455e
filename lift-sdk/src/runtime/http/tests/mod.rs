//! The HTTP surface on a real `127.0.0.1:0` listener, called with reqwest (or raw TCP where
//! reqwest cannot shape the request), stacked the way `serve` stacks it.

mod context;
mod errors;
mod limits;
mod paths;
mod span;
mod upstream;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use super::{HttpLimits, harden, tolerate_double_slashes};
use crate::runtime::health::Metrics;
use crate::runtime::state::RuntimeState;

/// The limits the tests run with: small enough to exceed cheaply.
fn test_limits() -> HttpLimits {
    HttpLimits::default()
        .body_limit(1024)
        .request_timeout(Duration::from_secs(5))
}

/// A running server for `routes`, stacked as `serve` stacks the HTTP surface.
struct Server {
    addr: SocketAddr,
    http: reqwest::Client,
}

impl Server {
    async fn start(routes: Router) -> Self {
        Self::start_with(routes, Arc::new(RuntimeState::new("m", "1.0.0", false))).await
    }

    async fn start_with(routes: Router, state: Arc<RuntimeState>) -> Self {
        let app = harden(routes, state, Metrics::new().layer(), &test_limits());
        let service = tolerate_double_slashes(app);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                axum::ServiceExt::<Request>::into_make_service(service),
            )
            .await
            .unwrap();
        });
        Self {
            addr,
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(self.url(path))
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(self.url(path))
    }

    /// Sends `head` and `body` as they are over a fresh connection and returns the status
    /// and the raw answer.
    async fn raw(&self, head: &str, body: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        // The server may answer and close before reading all of it.
        let _ = stream.write_all(body).await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        (status, answer)
    }
}

/// The status, `Content-Type` and JSON body of an answer.
async fn json_of(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.json().await.unwrap();
    (status, content_type, body)
}
