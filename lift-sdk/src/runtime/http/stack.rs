//! The runtime's layers around every route, as one stack.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use http::StatusCode;
use tower::ServiceBuilder;
use tower::util::MapResponseLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use super::HttpLimits;
use super::limits::panic_response;
use super::rejection::{JsonErrorsLayer, fastapi_fallbacks};
use super::request::RequestContextLayer;
use crate::runtime::health::MetricsLayer;
use crate::runtime::state::RuntimeState;

/// Wraps every route of `router` (call it once all routes are added), and the 404 fallback,
/// in, outermost first:
///
/// 1. the request context and span ([`RequestContextLayer`]): outermost, so it sees the final
///    status of the answer;
/// 2. the HTTP metrics: after routing (`Router::layer`), so the matched route is known;
/// 3. the JSON rewrite of text/empty error answers: it also sees the 413, 504 and 405 the
///    layers below (and axum) produce;
/// 4. the panic catcher: a panicking handler answers `500 {"detail":"Internal Server
///    Error"}` and the connection stays usable; above the timeout and the body limit so a
///    panic anywhere below is caught;
/// 5. the timeout (504): above the body limit so that a slow upload counts against it too;
/// 6. tower-http's body limit: refuses at once when `Content-Length` is too large, and caps
///    streamed bodies as they are read (413 from the extractor that reads them);
/// 7. axum's `DefaultBodyLimit`, set to the same value so axum's built-in 2 MiB cap does not
///    undercut a larger configured limit.
///
/// One `Router::layer` call with the whole stack, rather than one per layer: axum boxes
/// each route once per call, and every box is a clone and an allocation per request. For
/// the same reason the runtime's own layers are plain tower services, not
/// `axum::middleware::from_fn`, which clones and boxes the stack below it per request.
pub(crate) fn harden(
    router: Router,
    state: Arc<RuntimeState>,
    metrics: MetricsLayer,
    limits: &HttpLimits,
) -> Router {
    fastapi_fallbacks(router).layer(
        ServiceBuilder::new()
            .layer(RequestContextLayer::new(state))
            .layer(metrics)
            .layer(JsonErrorsLayer)
            // tower-http's layers answer with their own body types: back to axum's, which
            // `JsonErrors` reads and the timeout needs (a `Default` body for its 504).
            .layer(MapResponseLayer::new(IntoResponse::into_response))
            .layer(CatchPanicLayer::custom(panic_response))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::GATEWAY_TIMEOUT,
                limits.request_timeout,
            ))
            .layer(MapResponseLayer::new(IntoResponse::into_response))
            .layer(RequestBodyLimitLayer::new(limits.body_limit))
            .layer(DefaultBodyLimit::max(limits.body_limit)),
    )
}
