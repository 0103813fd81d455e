//! FastAPI's error shapes: 404, 405, 422 from `Json`, `axum::Json`, `Query` and `Path`, and
//! handler errors.

use axum::Router;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Server, json_of};
use crate::runtime::http::{HttpError, Json};

#[derive(Debug, Deserialize, Serialize)]
struct Order {
    items: Vec<Item>,
}

#[derive(Debug, Deserialize, Serialize)]
struct Item {
    name: String,
    count: u32,
}

#[derive(Debug, Deserialize)]
struct Search {
    limit: u32,
}

fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/orders",
            post(|Json(order): Json<Order>| async move { Json(order) }),
        )
        .route(
            "/api/v1/axum-orders",
            post(|axum::Json(order): axum::Json<Order>| async move { Json(order) }),
        )
        .route(
            "/api/v1/search",
            get(|Query(search): Query<Search>| async move { Json(json!({"limit": search.limit})) }),
        )
        .route(
            "/api/v1/items/{id}",
            get(|Path(id): Path<u32>| async move { Json(id) }),
        )
        .route(
            "/api/v1/forbidden",
            get(|| async { (StatusCode::FORBIDDEN, "not your report") }),
        )
        .route(
            "/api/v1/conflict",
            get(|| async { Err::<(), _>(HttpError::conflict("already exists")) }),
        )
}

fn one_item(kind: &str, loc: &serde_json::Value, msg: &str) -> serde_json::Value {
    json!({"detail": [{"type": kind, "loc": loc, "msg": msg, "input": null}]})
}

#[tokio::test]
async fn an_unknown_path_is_fastapis_404() {
    let server = Server::start(routes()).await;

    let answer = json_of(server.get("/api/v1/nothing").send().await.unwrap()).await;

    assert_eq!(
        answer,
        (
            404,
            "application/json".into(),
            json!({"detail": "Not Found"})
        )
    );
}

#[tokio::test]
async fn a_wrong_method_is_405_json_with_the_allow_header_kept() {
    let server = Server::start(routes()).await;

    let response = server.get("/api/v1/orders").send().await.unwrap();
    let allow = response.headers().get("allow").cloned();

    assert_eq!(allow.unwrap().to_str().unwrap(), "POST");
    assert_eq!(
        json_of(response).await,
        (
            405,
            "application/json".into(),
            json!({"detail": "Method Not Allowed"})
        )
    );
}

#[tokio::test]
async fn json_decodes_and_encodes_a_valid_body() {
    let server = Server::start(routes()).await;
    let order = json!({"items": [{"name": "a", "count": 2}]});

    let answer = json_of(
        server
            .post("/api/v1/orders")
            .json(&order)
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(answer, (200, "application/json".into(), order));
}

#[tokio::test]
async fn json_locates_a_missing_nested_field() {
    let server = Server::start(routes()).await;
    let order = json!({"items": [{"name": "a", "count": 2}, {"count": 1}]});

    let answer = json_of(
        server
            .post("/api/v1/orders")
            .json(&order)
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(
        answer,
        (
            422,
            "application/json".into(),
            one_item(
                "missing",
                &json!(["body", "items", 1, "name"]),
                "Field required"
            )
        )
    );
}

#[tokio::test]
async fn json_reports_a_wrong_type_at_its_field() {
    let server = Server::start(routes()).await;
    let order = json!({"items": [{"name": "a", "count": "two"}]});

    let (status, _, body) = json_of(
        server
            .post("/api/v1/orders")
            .json(&order)
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(status, 422);
    assert_eq!(
        body,
        one_item(
            "type_error",
            &json!(["body", "items", 0, "count"]),
            "invalid type: string \"two\", expected u32"
        )
    );
}

#[tokio::test]
async fn json_reports_malformed_json_as_json_invalid_with_its_offset() {
    let server = Server::start(routes()).await;

    let (status, _, body) = json_of(
        server
            .post("/api/v1/orders")
            .header("content-type", "application/json")
            .body(r#"{"items": [}"#)
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"detail": [{
            "type": "json_invalid",
            "loc": ["body", 11],
            "msg": "JSON decode error",
            "input": null,
            "ctx": {"error": "expected value"}
        }]})
    );
}

#[tokio::test]
async fn json_refuses_an_empty_body_and_a_foreign_content_type_like_fastapi() {
    let server = Server::start(routes()).await;

    let empty = json_of(server.post("/api/v1/orders").send().await.unwrap()).await;
    let text = json_of(
        server
            .post("/api/v1/orders")
            .header("content-type", "text/plain")
            .body(r#"{"items": []}"#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    // No Content-Type at all: FastAPI parses the body as JSON, and so does `Json`.
    let bare = server
        .post("/api/v1/orders")
        .body(r#"{"items": []}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(
        empty.2,
        one_item("missing", &json!(["body"]), "Field required")
    );
    assert_eq!(
        (text.0, text.2),
        (
            422,
            one_item(
                "model_attributes_type",
                &json!(["body"]),
                "Input should be a valid dictionary or object to extract fields from"
            )
        )
    );
    assert_eq!(bare.status(), 200);
}

#[tokio::test]
async fn axum_json_rejections_become_422_json() {
    let server = Server::start(routes()).await;

    let data = json_of(
        server
            .post("/api/v1/axum-orders")
            .json(&json!({"items": [{"count": 1}]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let syntax = json_of(
        server
            .post("/api/v1/axum-orders")
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let no_type = json_of(
        server
            .post("/api/v1/axum-orders")
            .body("{}")
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!((data.0, data.1.as_str()), (422, "application/json"));
    assert_eq!(
        data.2,
        one_item(
            "missing",
            &json!(["body", "items", 0, "name"]),
            "Field required"
        )
    );
    assert_eq!(syntax.0, 422);
    assert_eq!(syntax.2["detail"][0]["type"], "json_invalid");
    assert_eq!(syntax.2["detail"][0]["loc"], json!(["body"]));
    assert_eq!(no_type.0, 422);
    assert_eq!(no_type.2["detail"][0]["type"], "model_attributes_type");
}

#[tokio::test]
async fn a_query_rejection_is_422_located_in_the_query() {
    let server = Server::start(routes()).await;

    let missing = json_of(server.get("/api/v1/search").send().await.unwrap()).await;
    let invalid = json_of(server.get("/api/v1/search?limit=ten").send().await.unwrap()).await;

    assert_eq!(
        missing,
        (
            422,
            "application/json".into(),
            one_item("missing", &json!(["query", "limit"]), "Field required")
        )
    );
    assert_eq!(invalid.0, 422);
    assert_eq!(invalid.2["detail"][0]["loc"], json!(["query"]));
    assert_eq!(invalid.2["detail"][0]["type"], "value_error");
}

#[tokio::test]
async fn a_path_rejection_is_422_located_in_the_path() {
    let server = Server::start(routes()).await;

    let (status, content_type, body) =
        json_of(server.get("/api/v1/items/abc").send().await.unwrap()).await;

    assert_eq!((status, content_type.as_str()), (422, "application/json"));
    assert_eq!(
        body,
        one_item(
            "value_error",
            &json!(["path"]),
            "Cannot parse `abc` to a `u32`"
        )
    );
}

#[tokio::test]
async fn handler_errors_are_detail_json() {
    let server = Server::start(routes()).await;

    let text = json_of(server.get("/api/v1/forbidden").send().await.unwrap()).await;
    let conflict = json_of(server.get("/api/v1/conflict").send().await.unwrap()).await;

    assert_eq!(
        text,
        (
            403,
            "application/json".into(),
            json!({"detail": "not your report"})
        )
    );
    assert_eq!(
        conflict,
        (
            409,
            "application/json".into(),
            json!({"detail": "already exists"})
        )
    );
}
