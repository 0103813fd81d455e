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
