//! The fake memory service (contract §5): per-organisation memories that one organisation
//! can never read from another, ranked by a BM25 inverted index; every search type, batch
//! search, workflows, insights computed from what was stored, contexts and conceptual
//! spaces. The marketing routes are not served yet.

mod filters;
mod http;
mod index;
mod records;
mod search;
mod service;
mod state;
mod store;

use std::sync::Arc;

use axum::Router;
use axum::routing::{delete, get, post};

pub use index::{IndexHit, MemoryIndex, tokenize};
pub(crate) use state::MemoryState;

/// The memory service's routes, as the service sees them (no `/memory` prefix).
pub(crate) fn router(state: Arc<MemoryState>) -> Router {
    Router::new()
        .route("/", get(service::root))
        .route("/health", get(service::health))
        .route("/ready", get(service::ready))
        .route("/store", post(store::store))
        .route("/insights", get(store::insights))
        .route("/search", post(search::search))
        .route("/search/neural", post(search::neural))
        .route("/search/conceptual", post(search::conceptual))
        .route("/search/knowledge", post(search::knowledge))
        .route("/search/batch", post(search::batch))
        .route("/context/initialize", post(service::context_initialize))
        .route("/context/stats", get(service::context_stats))
        .route("/context/{org_id}", delete(service::context_delete))
        .route("/conceptual-spaces/create", post(service::space_create))
        .route("/conceptual-spaces", get(service::spaces))
        .route("/performance/metrics", get(service::metrics))
        .route("/workflows/create", post(service::workflow_create))
        .route(
            "/workflows/{workflow_id}/status",
            get(service::workflow_status),
        )
        .with_state(state)
}
