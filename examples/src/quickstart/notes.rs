//! The quickstart's example module: `notes`, built with `lift-sdk`'s runtime.
//!
//! Its two routes act *as the caller*: `ModuleContext::memory()` is a memory client that
//! carries the caller's own token, so a note lands in the caller's memory and a search
//! sees only what the caller's organisation stored.

use lift_sdk::axum::Router;
use lift_sdk::axum::extract::Query;
use lift_sdk::axum::routing::{get, post};
use lift_sdk::runtime::{HttpError, Json, LiftModule, ManifestSource, ModuleContext};
use lift_sdk::{ModuleManifest, SearchRequest, StoreRequest};
use serde::{Deserialize, Serialize};

/// The module's name in the registry.
pub const NAME: &str = "notes";

/// The module's version, as `/health` reports it.
pub const VERSION: &str = "1.0.0";

/// The `notes` module: `POST /api/v1/notes` stores a note in the caller's memory,
/// `GET /api/v1/notes/search?q=…` searches the caller's memory.
#[derive(Debug, Clone, Copy, Default)]
pub struct Notes;

impl LiftModule for Notes {
    // Built in code here; a deployed module usually reads its `module.json`.
    fn manifest(&self) -> ManifestSource {
        ModuleManifest::new(NAME, VERSION).into()
    }

    // Paths are relative to the manifest's `api_prefix` (`/api/v1`), and every route sits
    // behind the runtime's auth layer: a request without a valid token never gets here.
    fn routes(&self) -> Router {
        Router::new()
            .route("/notes", post(add_note))
            .route("/notes/search", get(search_notes))
    }
}

/// The body of `POST /api/v1/notes`.
#[derive(Debug, Serialize, Deserialize)]
pub struct NewNote {
    /// The note's text.
    pub text: String,
}

/// The answer of `POST /api/v1/notes`.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredNote {
    /// The memory the note was stored as.
    pub memory_id: String,
    /// Whose memory it went to (the caller's user id).
    pub stored_for: String,
}

/// The query of `GET /api/v1/notes/search`.
#[derive(Debug, Deserialize)]
struct SearchQuery {
    q: String,
}

/// The answer of `GET /api/v1/notes/search`.
#[derive(Debug, Serialize, Deserialize)]
pub struct FoundNotes {
    /// How many notes matched.
    pub count: u64,
    /// The matching texts, best first.
    pub texts: Vec<String>,
}

async fn add_note(
    ctx: ModuleContext,
    Json(note): Json<NewNote>,
) -> Result<Json<StoredNote>, HttpError> {
    // A downstream failure converts into a 502/503/504 answer with `?`.
    let stored = ctx
        .memory()
        .store(StoreRequest::new(note.text).memory_type("note"))
        .await?;
    Ok(Json(StoredNote {
        memory_id: stored.memory_id.to_string(),
        stored_for: ctx.user().user_id().to_owned(),
    }))
}

async fn search_notes(
    ctx: ModuleContext,
    Query(query): Query<SearchQuery>,
) -> Result<Json<FoundNotes>, HttpError> {
    let found = ctx.memory().search(SearchRequest::new(query.q)).await?;
    Ok(Json(FoundNotes {
        count: found.count,
        texts: found.results.into_iter().map(|hit| hit.content).collect(),
    }))
}
