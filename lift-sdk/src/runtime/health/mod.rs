//! Liveness, readiness (with checks) and `/metrics`.
//!
//! - [`Check`]: a readiness check of the module's author (name, async closure, timeout,
//!   optional);
//! - `Readiness`: the author's checks plus the built-ins `registered` and `shutting_down`,
//!   run concurrently and cached for [`ReadinessSettings::cache_ttl`];
//! - `health_router`: `/health`, `/health/live`, `/ready`, `/health/ready`;
//! - `Metrics`: the Prometheus registry, its HTTP middleware, `/metrics`, and the observer
//!   that counts outgoing calls.

mod body;
mod check;
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
