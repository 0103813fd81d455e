//! The assembled app: the module's routes under their prefix behind auth, the runtime's own
//! endpoints beside them, and the runtime's layers around all of it.

use std::sync::Arc;

use axum::{Extension, Router};
use lift_auth::JwtAuthLayer;
use lift_registry_client::ModuleManifest;
use tower::ServiceBuilder;

use super::context::ModuleShared;
use super::health::{Metrics, Readiness, health_router};
use super::http::{HttpLimits, RecordUserLayer, TolerantRouter, harden, tolerate_double_slashes};
use super::module::LiftModule;

/// The module's routes under its prefix behind auth, next to the runtime's own endpoints,
/// all behind the runtime's layers.
pub(crate) fn app<M: LiftModule>(
    module: &M,
    manifest: &ModuleManifest,
    auth: JwtAuthLayer,
    shared: ModuleShared,
    readiness: Arc<Readiness>,
    metrics: &Metrics,
    limits: &HttpLimits,
) -> TolerantRouter {
    let state = shared.state.clone();
    // The probes tell an admin (who sees why a check failed) from anyone else with it.
    let probes = health_router(state.clone(), readiness, auth.clone());
    // One `Router::layer` call: axum boxes each route once per call.
    let routes = module.routes().layer(
        ServiceBuilder::new()
            .layer(Extension(shared))
            .layer(auth)
            .layer(RecordUserLayer),
    );
    let prefix = manifest.api_prefix().trim_end_matches('/');
    let app = if prefix.is_empty() {
        routes
    } else {
        Router::new().nest(prefix, routes)
    };
    let app = app.merge(probes).merge(metrics.router(state.clone()));
    tolerate_double_slashes(harden(app, state, metrics.layer(), limits))
}
