//! `list_all` follows pages.

use lift_registry_client::{ListModules, ModuleStatus};
use lift_testkit::openapi::{CheckedServer, Service};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;
use wiremock::matchers::query_param;

use crate::support::Mode;

fn page(ids: &[&str], page: u32, pages: u32, has_next: bool) -> ResponseTemplate {
    let items: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "name": format!("module-{id}"), "status": "active"}))
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({
        "success": true, "message": "Modules retrieved successfully",
        "data": {"items": items, "total": 5, "page": page, "size": 2, "pages": pages,
                 "has_next": has_next, "has_prev": page > 1},
        "errors": null, "metadata": null,
    }))
}

#[tokio::test]
async fn list_all_follows_every_page() {
    // Arrange
    let server = CheckedServer::start(Service::Registry).await;
    let mode = Mode::Gateway;
    for (number, ids, has_next) in [
        ("1", &["a", "b"][..], true),
        ("2", &["c", "d"][..], true),
        ("3", &["e"][..], false),
    ] {
        mode.mock("GET", "/modules")
            .and(query_param("page", number))
            .and(query_param("size", "2"))
            .and(query_param("status_filter", "active"))
            .respond_with(page(ids, number.parse().unwrap(), 3, has_next))
            .expect(1)
            .mount(&server)
            .await;
    }
    let params = ListModules::new().size(2).status(ModuleStatus::Active);

    // Act
    let modules = mode.client(&server.uri()).list_all(&params).await.unwrap();

    // Assert
    let ids: Vec<_> = modules.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn list_all_starts_at_the_given_page_and_uses_100_per_page_by_default() {
    let server = CheckedServer::start(Service::Registry).await;
    let mode = Mode::Direct;
    mode.mock("GET", "/modules")
        .and(query_param("page", "3"))
        .and(query_param("size", "100"))
        .respond_with(page(&["e"], 3, 3, false))
        .expect(1)
        .mount(&server)
        .await;

    let modules = mode
        .client(&server.uri())
        .list_all(&ListModules::new().page(3))
        .await
        .unwrap();

    assert_eq!(modules.len(), 1);
}

#[tokio::test]
async fn an_empty_page_that_claims_a_successor_ends_the_listing() {
    let server = CheckedServer::start(Service::Registry).await;
    let mode = Mode::Gateway;
    mode.mock("GET", "/modules")
        .respond_with(page(&[], 1, 9, true))
        .expect(1)
        .mount(&server)
        .await;

    let modules = mode
        .client(&server.uri())
        .list_all(&ListModules::new())
        .await
        .unwrap();

    assert!(modules.is_empty());
}

#[tokio::test]
async fn a_registry_that_ignores_the_page_cannot_make_it_loop() {
    // Every page answers the first page again, always claiming a successor.
    let server = CheckedServer::start(Service::Registry).await;
    let mode = Mode::Direct;
    mode.mock("GET", "/modules")
        .respond_with(page(&["a", "b"], 1, 0, true))
        .expect(2)
        .mount(&server)
        .await;

    let modules = mode
        .client(&server.uri())
        .list_all(&ListModules::new())
        .await
        .unwrap();

    let ids: Vec<_> = modules.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[tokio::test]
async fn it_stops_at_the_last_page_the_registry_counted() {
    let server = CheckedServer::start(Service::Registry).await;
    let mode = Mode::Gateway;
    for (number, ids) in [("1", &["a", "b"][..]), ("2", &["c"][..])] {
        mode.mock("GET", "/modules")
            .and(query_param("page", number))
            // Wrongly claims a successor even on its last page.
            .respond_with(page(ids, number.parse().unwrap(), 2, true))
            .expect(1)
            .mount(&server)
            .await;
    }

    let modules = mode
        .client(&server.uri())
        .list_all(&ListModules::new().size(2))
        .await
        .unwrap();

    assert_eq!(modules.len(), 3);
}

#[tokio::test]
async fn pages_without_a_page_number_are_followed_and_repeats_kept_once() {
    // The listing shifted between the two requests: `b` comes back on page 2.
    let server = CheckedServer::start(Service::Registry).await;
    let mode = Mode::Gateway;
    for (number, ids, has_next) in [("1", &["a", "b"][..], true), ("2", &["b", "c"][..], false)] {
        let items: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "name": format!("module-{id}")}))
            .collect();
        mode.mock("GET", "/modules")
            .and(query_param("page", number))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "success": true, "message": "ok",
                "data": {"items": items, "has_next": has_next},
            })))
            .expect(1)
            .mount(&server)
            .await;
    }

    let modules = mode
        .client(&server.uri())
        .list_all(&ListModules::new().size(2))
        .await
        .unwrap();

    let ids: Vec<_> = modules.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
}
