//! The per-request context: the request id, the W3C trace, and the `http.request` span.

use std::sync::Arc;

use axum::extract::{MatchedPath, OptionalFromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderName, HeaderValue};
use lift_auth::Authenticated;
use lift_sdk_core::{RequestContext, TraceContext, new_request_id};
use tokio::time::Instant;
use tracing::field::Empty;
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
///   `status`, `user_id` (see [`record_user`]), `module_id` and `trace`, and one `info`
///   event with status and latency when the answer is ready. Headers are never recorded, so
///   no token reaches the logs.
pub(super) async fn request_context(
    State(state): State<Arc<RuntimeState>>,
    mut request: Request,
    next: Next,
) -> Response {
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
    let span = tracing::info_span!(
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
        && let Some(module_id) = state.module_id()
    {
        span.record("module_id", module_id.as_str());
    }
    let extensions = request.extensions_mut();
    extensions.insert(RequestId::new(id.clone()));
    extensions.insert(RequestSpan(span.clone()));
    let context = RequestContext::new().request_id(id).trace(trace);
    let mut response = context
        .scope(next.run(request))
        .instrument(span.clone())
        .await;
    let status = response.status().as_u16();
    span.record("status", status);
    if let Some(value) = id_header {
        response.headers_mut().insert(X_REQUEST_ID, value);
    }
    tracing::info!(
        parent: &span,
        status,
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request finished"
    );
    response
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

/// Records the verified caller's `user_id` on the request's span. Apply it (with
/// `axum::middleware::from_fn`) to the module's routes *inside* lift-auth's `JwtAuthLayer`,
/// where the [`Authenticated`] caller is in the request extensions; a refused request never
/// gets here and keeps an empty `user_id`.
pub(crate) async fn record_user(request: Request, next: Next) -> Response {
    let span = request
        .extensions()
        .get::<RequestSpan>()
        .filter(|span| !span.0.is_disabled())
        .cloned();
    let Some(RequestSpan(span)) = span else {
        return next.run(request).await;
    };
    // lift-auth's public extractor, rather than how it stores the caller; only paid for
    // when the span is recorded.
    let (mut parts, body) = request.into_parts();
    let caller =
        <Authenticated as OptionalFromRequestParts<()>>::from_request_parts(&mut parts, &())
            .await
            .ok()
            .flatten();
    if let Some(caller) = caller {
        span.record("user_id", caller.context().user_id());
    }
    next.run(Request::from_parts(parts, body)).await
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
