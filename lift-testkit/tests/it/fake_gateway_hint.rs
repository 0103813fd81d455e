//! The fake gateway's hint on a module's 404: a call that left out the module's
//! `api_prefix` (`/modules/{id}/notes` for a module serving `/api/v1/notes`) is told the
//! prefix and the path to call; any other 404 is passed on as the module gave it, and the
//! probe behind the hint never runs a handler of another method.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use lift_sdk::axum::Router;
use lift_sdk::axum::routing::{get, post};
use lift_sdk::runtime::{HttpError, LiftModule, ManifestSource};
use lift_sdk::{ModuleManifest, Role};
use lift_testkit::harness::ModuleHarness;
use lift_testkit::platform::FakePlatform;
use serde_json::{Value, json};

/// A module serving `POST /api/v1/notes` (counted), `GET /api/v1/notes/search`, and a
/// handler's own 404 at `GET /api/v1/notes/{id}`.
struct Notes {
    added: Arc<AtomicUsize>,
}

impl LiftModule for Notes {
    fn manifest(&self) -> ManifestSource {
        ModuleManifest::new("notes", "1.0.0").into()
    }

    fn routes(&self) -> Router {
        let added = Arc::clone(&self.added);
        Router::new()
            .route(
                "/notes",
                post(move || async move {
                    added.fetch_add(1, Ordering::SeqCst);
                    "added"
                }),
            )
            .route("/notes/search", get(|| async { "found" }))
            .route(
                "/notes/{id}",
                get(|| async { Err::<String, _>(HttpError::not_found("no such note")) }),
            )
    }
}

#[tokio::test]
async fn a_404_for_a_path_that_exists_under_the_api_prefix_names_the_prefix() {
    // Arrange: the module runs against the fake platform and is registered there.
    let platform = FakePlatform::start().await.unwrap();
    let added = Arc::new(AtomicUsize::new(0));
    let harness = ModuleHarness::builder(Notes {
        added: Arc::clone(&added),
    })
    .config(platform.config())
    .start()
    .await
    .unwrap();
    let id = harness.module_id().expect("registered").to_string();
    let token = platform.sign(
        &platform
            .claims("u-ana", "u-ana", "ana@example.com")
            .roles([Role::User]),
    );
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str| {
        http.request(
            method,
            format!("{}/modules/{id}/{path}", platform.gateway_url()),
        )
        .bearer_auth(&token)
        .send()
    };

    // Act
    let missed_post = call(reqwest::Method::POST, "notes").await.unwrap();
    let missed_get = call(reqwest::Method::GET, "notes/search").await.unwrap();
    let prefixed = call(reqwest::Method::GET, "api/v1/notes/search")
        .await
        .unwrap();
    let nowhere = call(reqwest::Method::GET, "nowhere").await.unwrap();
    let handler_404 = call(reqwest::Method::GET, "api/v1/notes/42").await.unwrap();

    // Assert: the missed calls are 404s whose detail names the prefix and the path to call.
    assert_eq!(missed_post.status(), 404);
    assert_eq!(
        missed_post.json::<Value>().await.unwrap(),
        json!({ "detail": format!(
            "Not Found. Module {id} serves its routes under its api_prefix /api/v1, and the \
             gateway does not add it: call /modules/{id}/api/v1/notes"
        ) })
    );
    assert_eq!(missed_get.status(), 404);
    let detail = missed_get.json::<Value>().await.unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        detail.ends_with(&format!("call /modules/{id}/api/v1/notes/search")),
        "{detail}"
    );
    // The probe (HEAD) ran no POST handler: nothing was added by the missed POST.
    assert_eq!(added.load(Ordering::SeqCst), 0);
    assert_eq!(prefixed.status(), 200);
    assert_eq!(prefixed.text().await.unwrap(), "found");
    // Paths the module serves under no name, and a handler's own 404, stay as they were.
    assert_eq!(nowhere.status(), 404);
    assert_eq!(
        nowhere.json::<Value>().await.unwrap(),
        json!({ "detail": "Not Found" })
    );
    assert_eq!(handler_404.status(), 404);
    assert_eq!(
        handler_404.json::<Value>().await.unwrap(),
        json!({ "detail": "no such note" })
    );
    harness.shutdown().await.unwrap();
}
