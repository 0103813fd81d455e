//! The `module_server` example's module: `whoami`, a standalone module that answers who is
//! calling and keeps notes in the caller's memory.
//!
//! Routes (under the manifest's `api_prefix`, `/api/v1`), all behind the runtime's auth
//! layer, so each needs a valid bearer token:
//!
//! - `GET /api/v1/whoami`: the caller's verified claims, as JSON;
//! - `POST /api/v1/notes` (`{"text": …}`): stores the text in the caller's memory; needs
//!   `memory:write`;
//! - `GET /api/v1/notes/search?q=…`: searches the caller's memory; needs `memory:read`.
//!
//! A missing permission is answered `403` by the guard before the handler runs. The module
//! acts *as the caller*: `ModuleContext::memory()` carries the caller's own token.

use lift_sdk::auth::layer::perm::{MemoryRead, MemoryWrite};
use lift_sdk::auth::{Claims, RequirePermission};
use lift_sdk::axum::Router;
use lift_sdk::axum::extract::Query;
use lift_sdk::axum::http::StatusCode;
use lift_sdk::axum::routing::{get, post};
use lift_sdk::runtime::{HttpError, Json, LiftModule, ManifestSource, ModuleContext};
use lift_sdk::serde_json::{Value, json};
use lift_sdk::{ModuleManifest, SearchRequest, StoreRequest};
use serde::Deserialize;

/// The module's name in the registry.
pub const NAME: &str = "whoami";

/// The module's version, as `/health` reports it.
pub const VERSION: &str = "1.0.0";

/// The `whoami` module; see the [module documentation](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct Whoami;

impl LiftModule for Whoami {
    fn manifest(&self) -> ManifestSource {
        ModuleManifest::new(NAME, VERSION).into()
    }

    fn routes(&self) -> Router {
        Router::new()
            .route("/whoami", get(whoami))
            .route("/notes", post(add_note))
            .route("/notes/search", get(search_notes))
    }
}

/// The body of `POST /api/v1/notes`.
#[derive(Debug, Deserialize)]
struct NewNote {
    text: String,
}

/// The query of `GET /api/v1/notes/search`.
#[derive(Debug, Deserialize)]
struct SearchQuery {
    q: String,
}

/// `GET /api/v1/whoami`: the claims the auth layer verified.
async fn whoami(ctx: ModuleContext) -> Result<Json<Claims>, HttpError> {
    // Under the default (JWT) auth layer every caller has claims; a module configured for
    // gateway headers would see none.
    let claims = ctx
        .claims()
        .cloned()
        .ok_or_else(|| HttpError::new(StatusCode::UNAUTHORIZED, "a bearer token is required"))?;
    Ok(Json(claims))
}

/// `POST /api/v1/notes`: stored in the caller's memory, as the caller.
async fn add_note(
    _: RequirePermission<MemoryWrite>,
    ctx: ModuleContext,
    Json(note): Json<NewNote>,
) -> Result<Json<Value>, HttpError> {
    let stored = ctx
        .memory()
        .store(StoreRequest::new(note.text).memory_type("note"))
        .await?;
    Ok(Json(json!({
        "memory_id": stored.memory_id.to_string(),
        "stored_for": ctx.user().user_id(),
    })))
}

/// `GET /api/v1/notes/search?q=…`: the caller's memories that match, best first.
async fn search_notes(
    _: RequirePermission<MemoryRead>,
    ctx: ModuleContext,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Value>, HttpError> {
    let found = ctx.memory().search(SearchRequest::new(query.q)).await?;
    let texts: Vec<String> = found.results.into_iter().map(|hit| hit.content).collect();
    Ok(Json(json!({ "count": found.count, "texts": texts })))
}
