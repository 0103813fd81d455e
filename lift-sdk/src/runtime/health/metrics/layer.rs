//! The middleware that records every request: count by route and status, latency, in flight.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::extract::MatchedPath;
use http::{Request, Response};
use pin_project_lite::pin_project;
use tokio::time::Instant;
use tower::{Layer, Service};

use super::HttpMetrics;
use super::labels::{RequestLabels, Route, RouteLabels, method_label};

/// Records the HTTP metrics of every request through the wrapped service.
///
/// Apply it with `Router::layer`, which wraps each route after routing, so that the matched
/// route template is known; outside the router every request would count as `unmatched`.
#[derive(Debug, Clone)]
pub(crate) struct MetricsLayer {
    http: Arc<HttpMetrics>,
}

impl MetricsLayer {
    pub(super) fn new(http: Arc<HttpMetrics>) -> Self {
        Self { http }
    }
}

impl<S> Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MetricsService {
            inner,
            http: self.http.clone(),
        }
    }
}

/// The service of [`MetricsLayer`].
#[derive(Debug, Clone)]
pub(crate) struct MetricsService<S> {
    inner: S,
    http: Arc<HttpMetrics>,
}

impl<S, B, ResBody> Service<Request<B>> for MetricsService<S>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let route = RouteLabels {
            method: method_label(request.method()),
            route: Route(request.extensions().get::<MatchedPath>().cloned()),
        };
        let in_flight = InFlight::start(&self.http);
        ResponseFuture {
            inner: self.inner.call(request),
            pending: Some(Pending {
                route,
                started: Instant::now(),
                in_flight,
            }),
        }
    }
}

pin_project! {
    /// The future of [`MetricsService`].
    pub(crate) struct ResponseFuture<F> {
        #[pin]
        inner: F,
        pending: Option<Pending>,
    }
}

/// What a request in flight remembers until its answer.
struct Pending {
    route: RouteLabels,
    started: Instant,
    in_flight: InFlight,
}

impl<F, ResBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        // Dropping `pending` also ends the request's in-flight count.
        if let (Some(pending), Ok(response)) = (this.pending.take(), &result) {
            let http = &*pending.in_flight.http;
            http.duration
                .get_or_create(&pending.route)
                .observe(pending.started.elapsed().as_secs_f64());
            let labels = RequestLabels {
                route: pending.route,
                status: response.status().as_u16(),
            };
            http.requests.get_or_create(&labels).inc();
        }
        Poll::Ready(result)
    }
}

/// Counts a request in flight for as long as it lives, however its future ends (answered,
/// failed, or dropped when the client went away).
struct InFlight {
    http: Arc<HttpMetrics>,
}

impl InFlight {
    fn start(http: &Arc<HttpMetrics>) -> Self {
        http.in_flight.inc();
        Self { http: http.clone() }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.http.in_flight.dec();
    }
}
