//! The per-request context: the request id, the W3C trace, and the `http.request` span.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use http::{HeaderName, HeaderValue};
use lift_auth::Authenticated;
use lift_sdk_core::{RequestContext, TraceContext, new_request_id};
use pin_project_lite::pin_project;
use tokio::task::futures::TaskLocalFuture;
use tokio::time::Instant;
use tower::{Layer, Service};
use tracing::field::Empty;
use tracing::instrument::Instrumented;
use tracing::{Instrument as _, Span};

use crate::runtime::request_id::RequestId;
use crate::runtime::state::RuntimeState;

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
/// The longest incoming request id kept; a longer one is replaced.
const MAX_REQUEST_ID: usize = 128;

/// The request's span, in the request extensions so that layers further in (whatever spans
/// they open themselves) record on it.
#[derive(Debug, Clone)]
pub(crate) struct RequestSpan(pub(crate) Span);

/// Gives every request:
///
/// - a [`RequestId`] in its extensions: the incoming `X-Request-ID` when it is 1 to 128
///   visible ASCII characters, else a fresh UUID; echoed as `X-Request-ID` on the answer;
/// - a trace: a child of the incoming `traceparent`, or a new root;
/// - a [`RequestContext`] scope with both, so every Lift client call the handler makes sends
///   the same `X-Request-ID` and continues the same trace;
/// - an `http.request` span with `request_id`, `method`, `route` (the matched route
///   template, never the raw path with its ids; `unmatched` for the 404 fallback),
///   `status`, `user_id` (see [`RecordUserLayer`]), `module_id` and `trace`, and one
///   `request finished` event with status and latency when the answer is ready. Headers are
///   never recorded, so no token reaches the logs.
///
/// The span and the event are at `debug`, so at the default `info` level they cost a
/// disabled-callsite check and nothing more; an answer with a 5xx status is a `warn` event
/// (with its request id) at every level, since an operator wants to see those.
///
/// A hand-written service rather than `axum::middleware::from_fn`, which clones the whole
/// stack below it and boxes it again on every request; this one allocates nothing of its own
/// but the request id.
#[derive(Debug, Clone)]
pub(crate) struct RequestContextLayer {
    state: Arc<RuntimeState>,
}

impl RequestContextLayer {
    pub(crate) fn new(state: Arc<RuntimeState>) -> Self {
        Self { state }
    }
}

impl<S> Layer<S> for RequestContextLayer {
    type Service = RequestContextService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestContextService {
            inner,
            state: self.state.clone(),
        }
    }
}

/// The service of [`RequestContextLayer`].
#[derive(Debug, Clone)]
pub(crate) struct RequestContextService<S> {
    inner: S,
    state: Arc<RuntimeState>,
}

impl<S> Service<Request> for RequestContextService<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = RequestContextFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let started = Instant::now();
        let (id, id_header) = request_id(request.headers().get(X_REQUEST_ID));
        let trace = request
            .headers()
            .get(TRACEPARENT)
            .and_then(|value| value.to_str().ok())
            .and_then(TraceContext::from_traceparent)
            .map_or_else(TraceContext::new_root, |parent| parent.child());
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("unmatched", MatchedPath::as_str);
        let span = tracing::debug_span!(
            "http.request",
            request_id = %id,
            method = %request.method(),
            route,
            status = Empty,
            user_id = Empty,
            module_id = Empty,
            trace = ?trace,
        );
        // Reading the id clones it; skip that when nothing listens.
        if !span.is_disabled()
            && let Some(module_id) = self.state.module_id()
        {
            span.record("module_id", module_id.as_str());
        }
        let extensions = request.extensions_mut();
        extensions.insert(RequestId::new(id.clone()));
        extensions.insert(RequestSpan(span.clone()));
        let context = RequestContext::new().request_id(id.clone()).trace(trace);
        // axum runs extractors and handlers when the future is polled, inside the scope.
        let answer = context
            .scope(self.inner.call(request))
            .instrument(span.clone());
        RequestContextFuture {
            answer,
            span,
            id,
            id_header,
            started,
        }
    }
}

pin_project! {
    /// The future of [`RequestContextService`]: the answer, then its status on the span,
    /// its `X-Request-ID` and the `request finished` event.
    pub(crate) struct RequestContextFuture<F> {
        #[pin]
        answer: Instrumented<TaskLocalFuture<RequestContext, F>>,
        span: Span,
        id: Arc<str>,
        id_header: Option<HeaderValue>,
        started: Instant,
    }
}

impl<F> Future for RequestContextFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(mut response) = ready!(this.answer.poll(cx));
        let (span, started) = (&*this.span, *this.started);
        let status = response.status().as_u16();
        span.record("status", status);
        if let Some(value) = this.id_header.take() {
            response.headers_mut().insert(X_REQUEST_ID, value);
        }
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        if response.status().is_server_error() {
            tracing::warn!(parent: span, status, latency_ms, request_id = %this.id, "request failed");
        } else {
            tracing::debug!(parent: span, status, latency_ms, "request finished");
        }
        Poll::Ready(Ok(response))
    }
}

/// The request's id and its header value: the incoming one when sane, else a new UUID.
fn request_id(incoming: Option<&HeaderValue>) -> (Arc<str>, Option<HeaderValue>) {
    if let Some(value) = incoming.filter(|value| is_sane(value))
        && let Ok(text) = value.to_str()
    {
        return (Arc::from(text), Some(value.clone()));
    }
    let id = new_request_id();
    let header = HeaderValue::from_str(&id).ok();
    (Arc::from(id), header)
}

/// 1 to 128 visible ASCII characters: safe in a header, a log line and a span.
fn is_sane(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty() && bytes.len() <= MAX_REQUEST_ID && bytes.iter().all(u8::is_ascii_graphic)
}

/// Records the verified caller's `user_id` on the request's span. Apply it to the module's
/// routes *inside* lift-auth's `JwtAuthLayer`, where the [`Authenticated`] caller is in the
/// request extensions; a refused request never gets here and keeps an empty `user_id`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RecordUserLayer;

impl<S> Layer<S> for RecordUserLayer {
    type Service = RecordUser<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RecordUser { inner }
    }
}

/// The service of [`RecordUserLayer`].
#[derive(Debug, Clone)]
pub(crate) struct RecordUser<S> {
    inner: S,
}

impl<S> Service<Request> for RecordUser<S>
where
    S: Service<Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let extensions = request.extensions();
        if let Some(RequestSpan(span)) = extensions.get::<RequestSpan>()
            && !span.is_disabled()
            && let Some(caller) = extensions.get::<Arc<Authenticated>>()
        {
            span.record("user_id", caller.context().user_id());
        }
        self.inner.call(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sane_incoming_ids_are_kept() {
        let keep = HeaderValue::from_static("gw-7f3a.1");
        assert_eq!(&*request_id(Some(&keep)).0, "gw-7f3a.1");
        let long = HeaderValue::from_str(&"a".repeat(129)).unwrap();
        let max = HeaderValue::from_str(&"a".repeat(128)).unwrap();
        let spaced = HeaderValue::from_static("a b");
        let control = HeaderValue::from_bytes(b"a\tb").unwrap();
        let high = HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap();
        assert!(is_sane(&max));
        for bad in [
            &long,
            &spaced,
            &control,
            &high,
            &HeaderValue::from_static(""),
        ] {
            let (id, header) = request_id(Some(bad));
            assert_eq!(id.len(), 36, "{bad:?} replaced by a UUID");
            assert_eq!(header.unwrap().to_str().unwrap(), &*id);
        }
    }
}
