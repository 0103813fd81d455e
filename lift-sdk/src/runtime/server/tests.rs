//! The server against raw TCP clients, under tokio's paused clock: slow and idle clients are
//! closed at their timeouts, the connection cap holds new connections back, and aborting a
//! drain cuts the handlers in flight.

use std::convert::Infallible;
use std::future::pending;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::time::{Instant, timeout};

use super::Server;
use crate::runtime::http::HttpLimits;

const REQUEST: &[u8] = b"GET /ok HTTP/1.1\r\nHost: module\r\n\r\n";

fn app(
    router: Router,
) -> impl tower::Service<Request, Response = axum::response::Response, Error = Infallible, Future: Send>
+ Clone
+ Send
+ Sync
+ 'static {
    router.with_state(())
}

async fn serve(router: Router, limits: HttpLimits) -> (Server, std::net::SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    (Server::spawn(listener, app(router), limits), addr)
}

fn ok_router() -> Router {
    Router::new().route("/ok", get(|| async { "ok" }))
}

/// Reads one `200 … ok` answer (the body is the last two bytes).
async fn read_ok(stream: &mut TcpStream) {
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.ends_with(b"\r\n\r\nok") {
        let n = stream.read(&mut buf).await.expect("read");
        assert!(n > 0, "closed before the answer: {answer:?}");
        answer.extend_from_slice(&buf[..n]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
}

/// Waits for the server to close `stream`; how long that took.
async fn closed_after(stream: &mut TcpStream) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 64];
    let n = timeout(Duration::from_secs(600), stream.read(&mut buf))
        .await
        .expect("the server never closed the connection")
        .unwrap_or(0);
    assert_eq!(n, 0, "expected the connection to close, got bytes");
    start.elapsed()
}

#[tokio::test(start_paused = true)]
async fn a_client_that_sends_half_its_headers_is_closed_at_the_header_read_timeout() {
    let (_server, addr) = serve(ok_router(), HttpLimits::default()).await;
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /ok HTTP/1.1\r\nHost: mod")
        .await
        .expect("write");
    let took = closed_after(&mut slow).await;
    assert!(
        took >= Duration::from_secs(30) && took < Duration::from_secs(31),
        "{took:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_idle_keep_alive_connection_is_served_until_the_idle_timeout_then_closed() {
    let (_server, addr) = serve(ok_router(), HttpLimits::default()).await;
    let mut client = TcpStream::connect(addr).await.expect("connect");
    client.write_all(REQUEST).await.expect("write");
    read_ok(&mut client).await;

    // Idle for longer than the header-read timeout, shorter than the idle timeout.
    tokio::time::sleep(Duration::from_secs(74)).await;
    client.write_all(REQUEST).await.expect("write again");
    read_ok(&mut client).await;

    let took = closed_after(&mut client).await;
    assert!(
        took >= Duration::from_secs(75) && took < Duration::from_secs(76),
        "{took:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn past_the_connection_cap_a_new_connection_waits_until_one_closes() {
    let limits = HttpLimits::default().max_connections(1);
    let (server, addr) = serve(ok_router(), limits).await;
    let mut first = TcpStream::connect(addr).await.expect("connect");
    first.write_all(REQUEST).await.expect("write");
    read_ok(&mut first).await;

    // The kernel completes the handshake (backlog); the server does not accept it yet.
    let mut second = TcpStream::connect(addr).await.expect("connect");
    second.write_all(REQUEST).await.expect("write");
    let waiting = timeout(Duration::from_secs(10), read_ok(&mut second)).await;
    assert!(
        waiting.is_err(),
        "the second connection was served past the cap"
    );
    assert_eq!(server.open_connections(), 1);

    drop(first);
    timeout(Duration::from_secs(10), read_ok(&mut second))
        .await
        .expect("served once the first connection closed");
}

#[tokio::test(start_paused = true)]
async fn a_drain_waits_for_requests_in_flight_and_abort_cuts_their_handlers() {
    let (started_tx, started) = oneshot::channel::<()>();
    let (dropped_tx, dropped) = oneshot::channel::<()>();
    let slots = std::sync::Arc::new(std::sync::Mutex::new(Some((started_tx, dropped_tx))));
    let router = Router::new().route(
        "/slow",
        get(move || {
            let (started_tx, dropped_tx) = slots
                .lock()
                .expect("lock")
                .take()
                .expect("one request only");
            async move {
                // Sends when the handler is dropped, as only a cut request's handler is.
                struct OnDrop(Option<oneshot::Sender<()>>);
                impl Drop for OnDrop {
                    fn drop(&mut self) {
                        if let Some(tx) = self.0.take() {
                            let _ = tx.send(());
                        }
                    }
                }
                let _guard = OnDrop(Some(dropped_tx));
                let _ = started_tx.send(());
                pending::<&str>().await
            }
        }),
    );
    let (mut server, addr) = serve(router, HttpLimits::default()).await;
    let mut client = TcpStream::connect(addr).await.expect("connect");
    client
        .write_all(b"GET /slow HTTP/1.1\r\nHost: module\r\n\r\n")
        .await
        .expect("write");
    started.await.expect("the handler started");
    assert_eq!(server.in_flight(), 1);

    server.drain();
    let stopped = timeout(Duration::from_secs(5), server.stopped()).await;
    assert!(
        stopped.is_err(),
        "the server stopped with a request in flight"
    );
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "the listener still accepts while draining"
    );

    assert_eq!(server.abort(), 1);
    timeout(Duration::from_secs(1), dropped)
        .await
        .expect("the cut handler is dropped at once")
        .expect("the guard sent");
    assert_eq!(closed_after(&mut client).await, Duration::ZERO);
}
