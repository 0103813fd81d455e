//! The reference gateway's `//api/v1/...` paths reach their routes, query kept.

use axum::Router;
use axum::extract::{OriginalUri, RawQuery};
use axum::routing::get;
use http::Uri;
use serde_json::json;

use super::{Server, json_of};
use crate::runtime::http::Json;

fn routes() -> Router {
    Router::new().route(
        "/api/v1/x",
        get(
            |uri: Uri, OriginalUri(original): OriginalUri, RawQuery(query): RawQuery| async move {
                Json(json!({
                    "path": uri.path(),
                    "query": query,
                    "original": original.path(),
                }))
            },
        ),
    )
}

#[tokio::test]
async fn leading_and_inner_slash_runs_reach_the_route_with_the_query() {
    let server = Server::start(routes()).await;

    let leading = json_of(server.get("//api/v1/x").send().await.unwrap()).await;
    let inner = json_of(server.get("///api//v1/x?q=1").send().await.unwrap()).await;
    let plain = json_of(server.get("/api/v1/x").send().await.unwrap()).await;

    assert_eq!(
        leading.2,
        json!({"path": "/api/v1/x", "query": null, "original": "//api/v1/x"})
    );
    assert_eq!(
        (inner.0, inner.2),
        (
            200,
            json!({"path": "/api/v1/x", "query": "q=1", "original": "///api//v1/x"})
        )
    );
    assert_eq!(
        plain.2,
        json!({"path": "/api/v1/x", "query": null, "original": "/api/v1/x"})
    );
}
