//! The reference's recorded answers (`fixtures/liftos-captures`), served back exactly as
//! recorded: every 2xx decodes into its typed value, every memory error into the right
//! typed error.

use lift_memory_client::{Error, MemoryClient};
use lift_sdk_core::{ErrorDetail, ErrorKind};
use lift_testkit::openapi::{OpenApi, SchemaCheck, Service};
use lift_testkit::replay::{Capture, Replay};
use serde_json::Value;
use wiremock::Mock;
use wiremock::matchers::any;

use crate::support::{Mode, capture, data, provider, transport};

/// The capture served as recorded, every request checked against memory's OpenAPI document,
/// and a client set up as the capture's client was: through the gateway, or direct to memory.
struct Replayed {
    // Fails the test on drop if memory would have refused a request the client sent.
    _check: SchemaCheck,
    replay: Replay,
    client: MemoryClient,
}

async fn serve(capture: &Capture) -> Replayed {
    let replay = Replay::serve([capture.clone()]).await;
    let check = SchemaCheck::mount(OpenApi::new(Service::Memory), replay.server()).await;
    let client = match capture.service() {
        Some("gateway") => {
            MemoryClient::through_gateway(transport(&format!("{}/memory", replay.uri())))
                .for_provider(provider(Mode::Gateway))
        }
        Some("memory") => {
            MemoryClient::new(transport(&replay.uri())).for_provider(provider(Mode::Direct))
        }
        other => panic!("{}: unexpected target {other:?}", capture.name()),
    };
    Replayed {
        _check: check,
        replay,
        client,
    }
}

/// The one request the client sent, as `METHOD /path?query`, which the replay had a
/// recording for.
async fn sent(replay: &Replay) -> String {
    replay.verify().await.unwrap();
    let requests = replay.received().await;
    assert_eq!(requests.len(), 1);
    let url = &requests[0].url;
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!("{} {}{query}", requests[0].method, url.path())
}

/// `METHOD /path?query` of the recorded request.
fn recorded(capture: &Capture) -> String {
    format!(
        "{} {}",
        capture.request().method(),
        capture.request().path_and_query()
    )
}

#[tokio::test]
async fn recorded_success_answers_decode() {
    for set in ["", "compat"] {
        // 26: GET /memory/ (the root, trailing slash kept).
        let c = capture(set, 26);
        let Replayed { replay, client, .. } = serve(&c).await;
        let info = client.info().await.unwrap();
        assert_eq!(sent(&replay).await, "GET /memory/");
        assert_eq!(info.version, data(&c)["version"].as_str().unwrap());
        assert_eq!(info.kse_integration, "active");
        assert_eq!(info.docs, "/docs");

        // 39 and 53: GET /memory/context/stats.
        for number in [39, 53] {
            let c = capture(set, number);
            let Replayed { replay, client, .. } = serve(&c).await;
            let stats = client.context_stats().await.unwrap();
            assert_eq!(sent(&replay).await, recorded(&c));
            assert_eq!(
                stats.total_contexts,
                data(&c)["total_contexts"].as_u64().unwrap()
            );
            assert_eq!(
                stats.active_contexts,
                data(&c)["active_contexts"].as_u64().unwrap()
            );
            assert_eq!(stats.backend, "universal_kse");
        }

        // 42: POST /memory/conceptual-spaces/create?name=marketing, body ["channel", …].
        let c = capture(set, 42);
        let Replayed { replay, client, .. } = serve(&c).await;
        let space = client
            .create_conceptual_space("marketing", ["channel", "audience", "season"])
            .await
            .unwrap();
        assert_eq!(
            sent(&replay).await,
            "POST /memory/conceptual-spaces/create?name=marketing"
        );
        assert_eq!(space.space_id, data(&c)["space_id"].as_str().unwrap());
        assert_eq!(space.name, "marketing");
        assert_eq!(space.dimensions, ["channel", "audience", "season"]);
        assert_eq!(space.org_id, data(&c)["org_id"].as_str().unwrap());
        let metadata = &c.response().body().unwrap()["metadata"];
        assert_eq!(
            space.metadata.correlation_id(),
            metadata["correlation_id"].as_str()
        );

        // 43: GET /memory/conceptual-spaces, epoch-float timestamps.
        let c = capture(set, 43);
        let Replayed { replay, client, .. } = serve(&c).await;
        let spaces = client.conceptual_spaces().await.unwrap();
        assert_eq!(sent(&replay).await, "GET /memory/conceptual-spaces");
        assert_eq!(spaces.count, 1);
        let (id, raw) = data(&c)["conceptual_spaces"]
            .as_object()
            .unwrap()
            .iter()
            .next()
            .unwrap();
        let details = spaces.get(id).unwrap();
        assert_eq!(details.name, "marketing");
        assert_eq!(details.dimensions.len(), 3);
        let created = details.created_at.unwrap();
        let raw_created = raw["created_at"].as_f64().unwrap();
        #[allow(clippy::cast_possible_truncation)]
        let whole = raw_created.floor() as i64;
        assert_eq!(created.unix_seconds(), whole);
        assert!(details.updated_at.unwrap() >= created);

        // 44: GET /memory/performance/metrics.
        let c = capture(set, 44);
        let Replayed { replay, client, .. } = serve(&c).await;
        let metrics = client.performance_metrics().await.unwrap();
        assert_eq!(sent(&replay).await, "GET /memory/performance/metrics");
        let summary = &data(&c)["summary"];
        assert_eq!(
            metrics.summary.total_operations,
            summary["total_operations"].as_u64().unwrap()
        );
        assert_eq!(
            metrics.summary.conceptual_spaces_count,
            summary["conceptual_spaces_count"].as_u64().unwrap()
        );
        assert_eq!(
            metrics.embedding_cache.get("max_cache_size"),
            data(&c)["embedding_cache"].get("max_cache_size")
        );
        assert!(metrics.observability.contains_key("tracing"));
    }
}

/// Calls the client method that sends the capture's request.
async fn call(client: &MemoryClient, capture: &Capture) -> Error {
    let path_and_query = capture.request().path_and_query();
    let route = path_and_query.trim_start_matches("/memory");
    let result = match (capture.request().method(), route) {
        ("POST", "/store") => client.store("x").await.map(drop),
        ("POST", "/search") => client.search("campaign").await.map(drop),
        ("POST", "/search/neural") => client.search_neural("campaign").await.map(drop),
        ("GET", "/insights") => client.insights().await.map(drop),
        ("POST", "/context/initialize?domain=general") => {
            client.context_initialize("general").await.map(drop)
        }
        ("GET", "/context/stats") => client.context_stats().await.map(drop),
        ("DELETE", "/context/someone-else") => {
            client.delete_context("someone-else").await.map(drop)
        }
        ("GET", "") => client.info().await.map(drop),
        (verb, path) => panic!("{}: no client call for {verb} {path}", capture.name()),
    };
    result.expect_err(capture.name())
}

#[tokio::test]
async fn recorded_error_answers_become_typed_errors() {
    let numbers = (27..=38).chain([40, 41]).chain(45..=52).chain(54..=56);
    for set in ["", "compat"] {
        for number in numbers.clone() {
            // Arrange
            let c = capture(set, number);
            let Replayed { replay, client, .. } = serve(&c).await;
            if number == 54 {
                // The reference's 307 for a root without its slash, which the client never
                // sends: answer its `/memory/` with it.
                Mock::given(any())
                    .respond_with(c.response_template())
                    .expect(1)
                    .mount(replay.server())
                    .await;
            }

            // Act
            let err = call(&client, &c).await;

            // Assert
            let id = c.name();
            if number != 54 {
                // The client sends the recorded route.
                assert_eq!(sent(&replay).await, recorded(&c), "{id}");
            }
            check(&c, &err);
        }
    }
}

fn check(capture: &Capture, err: &Error) {
    let id = capture.name();
    let status = capture.response().status();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{id}");
    if status == 307 {
        assert_eq!(err.kind(), ErrorKind::Redirect, "{id}");
        assert_eq!(
            err.location(),
            Some("http://127.0.0.1:8000/memory/"),
            "{id}"
        );
        return;
    }
    assert_eq!(err.kind(), ErrorKind::Status, "{id}");
    assert!(!err.is_retryable(), "{id}");
    let api_error = err.api_error().expect(id);
    match (capture.response().body(), api_error.detail()) {
        (Some(Value::Object(body)), ErrorDetail::Message(message)) => {
            assert_eq!(body["detail"].as_str(), Some(message.as_str()), "{id}");
        }
        (Some(Value::Object(body)), ErrorDetail::Validation(items)) => {
            let raw = body["detail"].as_array().expect(id);
            assert_eq!(items.len(), raw.len(), "{id}");
            assert_eq!(items[0].kind, raw[0]["type"].as_str().unwrap(), "{id}");
            assert_eq!(items[0].msg, raw[0]["msg"].as_str().unwrap(), "{id}");
        }
        (None, ErrorDetail::Text(text)) => {
            assert_eq!(status, 500, "{id}");
            assert_eq!(text, "Internal Server Error", "{id}");
        }
        (body, detail) => panic!("{id}: body {body:?} decoded as {detail:?}"),
    }
    match status {
        401 => assert!(err.is_unauthorized(), "{id}"),
        403 => assert!(err.is_forbidden(), "{id}"),
        _ => {}
    }
}

#[tokio::test]
async fn memorys_own_health_and_readiness_decode() {
    // Arrange: captures 05 and 06 were recorded on the memory service itself.
    let (health, ready) = (capture("compat", 5), capture("compat", 6));
    let replay = Replay::serve([health.clone(), ready]).await;
    let _check = SchemaCheck::mount(OpenApi::new(Service::Memory), replay.server()).await;
    let client = MemoryClient::new(transport(&replay.uri()));

    // Act
    let alive = client.health().await.unwrap();
    let readiness = client.ready().await.unwrap();

    // Assert: a fresh memory service reports `degraded`, still with a 200.
    assert_eq!(replay.received().await.len(), 2);
    replay.verify().await.unwrap();
    let recorded = health.response().body().unwrap();
    assert_eq!(alive.status, recorded["status"].as_str().unwrap());
    assert!(!alive.is_healthy());
    assert_eq!(
        alive.dependencies.len(),
        recorded["dependencies"].as_object().unwrap().len()
    );
    assert_eq!(readiness.service.as_deref(), Some("memory"));
    assert_eq!(readiness.status, "ready");
}
