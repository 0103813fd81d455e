//! Binding a listener and serving one service on it, wrapped in the layers every service of
//! the platform shares, until the platform shuts down.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;

use super::errors;
use super::log::log_request;
use super::validate::{Checks, check_request};

/// A bound listener and the URL it answers on (`http://127.0.0.1:PORT`).
#[derive(Debug)]
pub(crate) struct Bound {
    pub(crate) listener: TcpListener,
    pub(crate) url: String,
}

/// Binds `host:port` (`0`: any free port).
pub(crate) async fn bind(host: IpAddr, port: u16) -> io::Result<Bound> {
    let listener = TcpListener::bind(SocketAddr::new(host, port))
        .await
        .map_err(|err| io::Error::new(err.kind(), format!("cannot bind {host}:{port}: {err}")))?;
    let url = format!("http://{}", listener.local_addr()?);
    Ok(Bound { listener, url })
}

/// `router` wrapped, outermost first, in: the one-line request log, the panic catcher (500
/// JSON), FastAPI's JSON for bare 404/405, and the request checks (413, 404, 405, 422).
///
/// The service router is nested as a whole service, so the layers see every request,
/// including those no route matches.
pub(crate) fn harden(name: &'static str, router: Router, checks: Checks, limit: usize) -> Router {
    Router::new()
        .fallback_service(router)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(checks),
            check_request,
        ))
        .layer(axum::middleware::map_response(errors::fastapi_fallbacks))
        .layer(CatchPanicLayer::custom(errors::panicked))
        .layer(axum::middleware::from_fn_with_state(name, log_request))
}

/// Serves `router` on `listener` until `stop` turns `true`, then drains in-flight requests.
pub(crate) fn spawn(
    listener: TcpListener,
    router: Router,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let stopped = async move {
            let _ = stop.wait_for(|stop| *stop).await;
        };
        if let Err(err) = axum::serve(listener, service)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::warn!(target: "lift_testkit::platform", "server stopped: {err}");
        }
    })
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use axum::routing::{get, post};
    use serde_json::{Value, json};

    use super::*;

    async fn panics() -> &'static str {
        panic!("a handler that panics")
    }

    async fn serve_test_router() -> (String, watch::Sender<bool>) {
        let router = Router::new()
            .route("/panic", get(panics))
            .route("/echo", post(|body: String| async move { body }));
        let bound = bind(IpAddr::V4(Ipv4Addr::LOCALHOST), 0).await.unwrap();
        let (stop, stopped) = watch::channel(false);
        let router = harden("test", router, Checks::new(None, 16), 16);
        spawn(bound.listener, router, stopped);
        (bound.url, stop)
    }

    /// A chunked POST of `body` to `/echo` (no `Content-Length`): the answer's raw text.
    async fn chunked_post(url: &str, body: &str) -> String {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

        let address = url.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = format!(
            "POST /echo HTTP/1.1\r\nHost: {address}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }

    #[tokio::test]
    async fn a_panic_is_a_500_json_and_the_server_keeps_serving() {
        let (url, _stop) = serve_test_router().await;
        let http = reqwest::Client::new();

        let panicked = http.get(format!("{url}/panic")).send().await.unwrap();
        let status = panicked.status();
        let body: Value = panicked.json().await.unwrap();
        let echoed = http
            .post(format!("{url}/echo"))
            .body("still here")
            .send()
            .await
            .unwrap();

        assert_eq!(status, 500);
        assert_eq!(body, json!({ "detail": "Internal Server Error" }));
        assert_eq!(echoed.text().await.unwrap(), "still here");
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_413_announced_or_streamed_and_bare_404s_are_json() {
        let (url, stop) = serve_test_router().await;
        let http = reqwest::Client::new();

        let announced = http
            .post(format!("{url}/echo"))
            .body("x".repeat(17))
            .send()
            .await
            .unwrap();
        let streamed = chunked_post(&url, "01234567890123456789").await;
        let missing = http.get(format!("{url}/nowhere")).send().await.unwrap();
        let wrong_method = http.get(format!("{url}/echo")).send().await.unwrap();

        assert_eq!(announced.status(), 413);
        assert_eq!(
            announced.json::<Value>().await.unwrap(),
            json!({ "detail": "Request body too large" })
        );
        assert!(streamed.starts_with("HTTP/1.1 413"), "{streamed}");
        assert_eq!(missing.status(), 404);
        assert_eq!(
            missing.json::<Value>().await.unwrap(),
            json!({ "detail": "Not Found" })
        );
        assert_eq!(wrong_method.status(), 405);
        assert_eq!(
            wrong_method.json::<Value>().await.unwrap(),
            json!({ "detail": "Method Not Allowed" })
        );
        stop.send(true).unwrap();
    }
}
