//! One log line per request: which service, the method, the path, the status and the time
//! it took, through `tracing` at `info` (target `lift_testkit::platform`).

use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Logs the request once its answer is ready. `service` names the listener (`gateway`,
/// `auth`, `memory`, `registry`).
pub(crate) async fn log_request(
    State(service): State<&'static str>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(
        target: "lift_testkit::platform",
        service,
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "{service} {method} {path} -> {} in {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0,
    );
    response
}
