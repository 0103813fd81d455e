//! Liveness, readiness (with checks) and `/metrics`.
//!
//! - [`Check`]: a readiness check of the module's author (name, async closure, timeout,
//!   optional);
//! - `Readiness`: the author's checks plus the built-ins `registered` and `shutting_down`,
//!   run concurrently and cached for [`ReadinessSettings::cache_ttl`];
//! - `health_router`: `/health`, `/health/live`, `/ready`, `/health/ready`;
//! - `Metrics`: the Prometheus registry, its HTTP middleware, `/metrics`, and the observer
//!   that counts outgoing calls.
//!
//! Wiring, in `serve`: `Readiness::new(checks, settings)?` (refuses duplicate or reserved
//! check names); `LiftClient::builder(config).call_observer(metrics.call_observer())`; then
//! merge `health_router(state, readiness, auth)` and `metrics.router(state)` with the module's
//! routes and apply `metrics.layer()` with `Router::layer` on the merged router (after
//! routing, where the matched route template is known; outside the router every request
//! counts as `unmatched`).

mod body;
mod builtins;
mod check;
mod details;
mod endpoints;
mod metrics;
mod readiness;

pub use check::Check;
pub use readiness::ReadinessSettings;

// Used by `serve` once the lead wires the parts together.
#[allow(unused_imports)]
pub(crate) use endpoints::health_router;
#[allow(unused_imports)]
pub(crate) use metrics::{Metrics, MetricsLayer};
#[allow(unused_imports)]
pub(crate) use readiness::Readiness;

#[cfg(test)]
mod tests;
