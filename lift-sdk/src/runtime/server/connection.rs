//! Serving one connection: hyper's HTTP/1.1 or HTTP/2 connection around the app, closed when
//! it idles or reads a head too long, and gracefully at shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tower::ServiceExt;
use tower::util::Oneshot;

use super::activity::{Activity, Expiry, RequestGuard, WatchedIo};
use crate::runtime::http::HttpLimits;

/// The service every connection serves: the assembled app.
pub(crate) trait App:
    tower::Service<Request, Response = Response, Error = Infallible, Future: Send>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> App for S where
    S: tower::Service<Request, Response = Response, Error = Infallible, Future: Send>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// hyper's connection builder for the runtime: HTTP/1.1 and HTTP/2 (by the client's
/// preface), with tokio's timer. hyper's own header-read timeout is off: it also fires on
/// idle keep-alive connections, so [`Activity`] times the two phases instead.
pub(super) fn builder() -> Builder<TokioExecutor> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .keep_alive(true);
    builder.http2().timer(TokioTimer::new());
    builder
}

/// Serves `stream` until the client closes it, it expires, or shutdown (`drain`) closes it
/// after its requests in flight.
pub(super) async fn serve<S: App>(
    builder: &Builder<TokioExecutor>,
    stream: TcpStream,
    app: S,
    limits: HttpLimits,
    activity: Arc<Activity>,
    mut drain: watch::Receiver<bool>,
) {
    let io = TokioIo::new(WatchedIo::new(stream, activity.clone()));
    let service = ConnectionService {
        app,
        activity: activity.clone(),
    };
    let connection = builder.serve_connection_with_upgrades(io, service);
    tokio::pin!(connection);
    let mut closing = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, "connection ended with an error");
                }
                return;
            }
            _ = drain.wait_for(|draining| *draining), if !closing => {
                // Answers what is in flight, then closes (HTTP/2: GOAWAY).
                connection.as_mut().graceful_shutdown();
                closing = true;
            }
            expiry = activity.expired(limits.header_read_timeout, limits.idle_timeout), if !closing => {
                match expiry {
                    Expiry::Idle => {
                        tracing::debug!(after = ?limits.idle_timeout, "closing an idle keep-alive connection");
                        connection.as_mut().graceful_shutdown();
                        closing = true;
                    }
                    Expiry::HeaderTimeout => {
                        tracing::debug!(after = ?limits.header_read_timeout, "closing a connection whose request head did not arrive in time");
                        return;
                    }
                }
            }
        }
    }
}

/// The app as hyper calls it, counting each request on the connection's [`Activity`].
#[derive(Debug, Clone)]
struct ConnectionService<S> {
    app: S,
    activity: Arc<Activity>,
}

impl<S: App> hyper::service::Service<hyper::Request<Incoming>> for ConnectionService<S> {
    type Response = Response;
    type Error = Infallible;
    type Future = Tracked<Oneshot<S, Request>>;

    fn call(&self, request: hyper::Request<Incoming>) -> Self::Future {
        Tracked {
            guard: self.activity.request_started(),
            inner: self.app.clone().oneshot(request.map(Body::new)),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's future, with the guard that ends the request when it is dropped.
    struct Tracked<F> {
        #[pin]
        inner: F,
        guard: RequestGuard,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx)
    }
}
