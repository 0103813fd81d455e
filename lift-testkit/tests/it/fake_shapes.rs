//! Route by route, the JSON structure of the fake platform's answers against the exchanges
//! recorded from the reference (`fixtures/liftos-captures/compat/`): the same status, and
//! the same keys and JSON types at every level (envelope, payload, error shapes); values
//! are ignored. The recorded requests are replayed in their recorded order on one fresh
//! platform, with the recorded tokens and module ids swapped for the fake's own.
//!
//! Where the reference is broken as committed (contract §0: memory store/search/insights
//! answer 500, `/verify` and `/refresh` always fail, the module proxy always 404s), the
//! expected answer is the intended contract's (§3.1, §5.2), written out below.

use std::collections::{BTreeSet, HashMap};

use axum::Json;
use axum::Router;
use axum::routing::get;
use lift_testkit::platform::FakePlatform;
use lift_testkit::replay::Capture;
use serde_json::{Value, json};

use crate::fake_support::serve;

const CAPTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../fixtures/liftos-captures/compat"
);
/// The echo module the captures registered.
const RECORDED_MODULE_URL: &str = "http://127.0.0.1:9100";

/// Keys and JSON types of `actual` against `expected`, recursively: objects must have the
/// same key set (with `subset`, at least `expected`'s keys), arrays are compared by their
/// first elements (when both have one), numbers are one type. Objects at an `open` path
/// are maps with data-dependent keys: their first values are compared instead.
fn shape_diff(expected: &Value, actual: &Value, path: &str, subset: bool, out: &mut Vec<String>) {
    const OPEN: &[&str] = &[
        "data.conceptual_spaces",
        "data.memory_types",
        "data.temporal_patterns",
    ];
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) if OPEN.contains(&path) => {
            if let (Some(want), Some(got)) = (want.values().next(), got.values().next()) {
                shape_diff(want, got, &format!("{path}.*"), subset, out);
            }
        }
        (Value::Object(want), Value::Object(got)) => {
            let want_keys: BTreeSet<_> = want.keys().collect();
            let got_keys: BTreeSet<_> = got.keys().collect();
            // Pydantic leaves `ctx` and `url` out of some 422 items (contract §2.2): a client
            // can never rely on them.
            let optional: &[&str] = if path.starts_with("detail[") {
                &["ctx", "url"]
            } else {
                &[]
            };
            let missing: Vec<_> = want_keys
                .difference(&got_keys)
                .filter(|key| !optional.contains(&key.as_str()))
                .collect();
            if !missing.is_empty() {
                out.push(format!("{path}: missing keys {missing:?}"));
            }
            let extra: Vec<_> = got_keys.difference(&want_keys).collect();
            if !subset && !extra.is_empty() {
                out.push(format!("{path}: extra keys {extra:?}"));
            }
            for key in want_keys.intersection(&got_keys) {
                let child = if path.is_empty() {
                    (*key).clone()
                } else {
                    format!("{path}.{key}")
                };
                shape_diff(&want[key.as_str()], &got[key.as_str()], &child, subset, out);
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            if let (Some(want), Some(got)) = (want.first(), got.first()) {
                shape_diff(want, got, &format!("{path}[0]"), subset, out);
            }
        }
        (want, got) if json_type(want) != json_type(got) => out.push(format!(
            "{path}: {} expected, {} found ({got})",
            json_type(want),
            json_type(got)
        )),
        _ => {}
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[test]
fn the_structural_comparison_sees_keys_and_types_but_not_values() {
    let mut out = Vec::new();
    let recorded = json!({"data": {"items": [{"id": "a", "n": 1}], "total": 1}, "errors": null});
    shape_diff(
        &recorded,
        &json!({"data": {"items": [{"id": "b", "n": 2.5}], "total": 9}, "errors": null}),
        "",
        false,
        &mut out,
    );
    shape_diff(
        &recorded,
        &json!({"data": {"items": [], "total": 0}, "errors": null}),
        "",
        false,
        &mut out,
    );
    assert_eq!(out, Vec::<String>::new());
    shape_diff(
        &recorded,
        &json!({"data": {"items": [{"id": 1}], "total": "1", "x": 0}, "errors": []}),
        "",
        false,
        &mut out,
    );
    assert_eq!(
        out,
        [
            "data: extra keys [\"x\"]",
            "data.items[0]: missing keys [\"n\"]",
            "data.items[0].id: string expected, number found (1)",
            "data.total: number expected, string found (\"1\")",
            "errors: null expected, array found ([])",
        ]
    );
}

/// What the fake should answer to a capture's request.
enum Intended {
    /// The recorded status and body structure.
    Recorded,
    /// Another status and, if given, at least this body's structure: the intended
    /// contract where the reference is broken.
    Contract(u16, Option<Value>),
    /// Not comparable (why).
    Skip(&'static str),
}

/// The `APIResponse` envelope around `data`; `metadata` left out (so not compared) when the
/// contract does not say what it holds.
fn envelope(data: Value, metadata: Option<Value>) -> Value {
    let mut envelope = json!({"success": true, "message": "", "errors": null});
    envelope["data"] = data;
    if let Some(metadata) = metadata {
        envelope["metadata"] = metadata;
    }
    envelope
}

fn intended(name: &str) -> Intended {
    let number: u32 = name[..2].parse().unwrap_or(0);
    let store = || {
        envelope(
            json!({"memory_id": "", "memory_type": "", "content_length": 0,
                   "enhanced_features": {"embedding_generated": true, "conceptual_mapping": true, "cache_optimization": true},
                   "performance_metrics": {"storage_time_ms": 0.0, "success_rate": 0.0}}),
            Some(json!({"correlation_id": "", "org_id": "", "enhanced_storage": true})),
        )
    };
    let search = || {
        envelope(
            json!({"results": [], "count": 0, "search_type": "", "duration": 0.0,
                   "performance_metrics": {"cache_hit_rate": 0.0, "average_operation_time_ms": 0.0, "conceptual_spaces_available": 0}}),
            Some(
                json!({"correlation_id": "", "org_id": "", "query_length": 0, "enhanced_features": []}),
            ),
        )
    };
    match number {
        4 => Intended::Skip(
            "auth readiness always fails as committed; the intended body is not recorded",
        ),
        23 => Intended::Contract(
            200,
            Some(envelope(
                json!({"valid": true,
                       "user": {"id": "", "email": "", "username": "", "full_name": "", "is_active": true, "is_verified": true},
                       "claims": {"sub": "", "org_id": "", "email": "", "roles": [], "permissions": [], "memory_context": "", "subscription_tier": "", "exp": 0, "iat": 0}}),
                None,
            )),
        ),
        24 => Intended::Contract(
            200,
            Some(envelope(
                json!({"access_token": "", "token_type": "", "expires_in": 0}),
                None,
            )),
        ),
        27 | 28 | 37 => Intended::Contract(200, Some(store())),
        29..=33 | 41 => Intended::Contract(200, Some(search())),
        38 => Intended::Contract(
            200,
            Some(envelope(
                json!({"total_memories": 0, "dominant_concepts": [], "knowledge_density": 0.0,
                       "temporal_patterns": {}, "semantic_clusters": [], "memory_types": {}}),
                None,
            )),
        ),
        40 => Intended::Contract(
            200,
            Some(envelope(
                json!({"context_id": "", "org_id": "", "domain": ""}),
                None,
            )),
        ),
        51 => Intended::Skip(
            "a token with an unknown role: a 500 in the reference, the fake's choice may differ",
        ),
        54 | 68 | 69 | 76 => {
            Intended::Skip("a 307 to an internal URL: the reference's redirect, not a body")
        }
        56 => Intended::Contract(200, Some(store())),
        62 => Intended::Contract(403, Some(json!({"detail": ""}))),
        66 => Intended::Skip("page=0: a text/plain 500 in the reference"),
        75 => Intended::Contract(200, None),
        85..=88 => Intended::Skip("the rate limit is off by default in the fake"),
        _ => Intended::Recorded,
    }
}

/// Differences the comparison reports but does not fail on: `(capture, JSON path, why)`.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "64-",
        "data.items[0].health",
        "data, not shape: the first module by name descending is the unreachable one here, \
         since the spoofed registration (62) is refused",
    ),
    (
        "44-",
        "data.observability",
        "the fake's performance metrics leave out the reference's observability details",
    ),
];

/// The echo module the captures registered: same health body shape.
async fn echo_module() -> String {
    let app = Router::new()
        .route("/health", get(|| async { Json(json!({"status": "healthy", "module": "echo", "timestamp": "2026-12-01T10:00:00+00:00"})) }))
        .route("/api/v1/ping", get(|| async { Json(json!({"pong": true})) }));
    serve(app).await
}

fn recorded_tokens() -> (String, String) {
    let text = std::fs::read_to_string(format!("{CAPTURES}/_tokens.json")).unwrap();
    let tokens: Value = serde_json::from_str(&text).unwrap();
    let token = |who: &str| tokens[who]["token"].as_str().unwrap().to_owned();
    (token("user"), token("admin"))
}

#[tokio::test]
async fn the_fake_answers_every_recorded_route_with_the_recorded_structure() {
    // Arrange: a fresh platform, the module the captures registered, the captures.
    let platform: FakePlatform = FakePlatform::builder()
        .no_rate_limit()
        .start()
        .await
        .unwrap();
    let module_url = echo_module().await;
    let captures = Capture::load_all(CAPTURES).unwrap();
    assert!(captures.len() >= 88, "{} captures", captures.len());
    let (recorded_user, recorded_admin) = recorded_tokens();
    let base = |service: Option<&str>| {
        let url = match service {
            Some("auth") => platform.auth_url(),
            Some("memory") => platform.memory_url(),
            Some("registry") => platform.registry_url(),
            _ => platform.gateway_url(),
        };
        url.trim_end_matches('/').to_owned()
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Recorded value → the fake's: tokens, module ids, the module's URL.
    let mut swaps: HashMap<String, String> = HashMap::new();
    swaps.insert(RECORDED_MODULE_URL.to_owned(), module_url.clone());
    let swap = |text: &str, swaps: &HashMap<String, String>| {
        swaps
            .iter()
            .fold(text.to_owned(), |text, (from, to)| text.replace(from, to))
    };

    let mut failures = Vec::new();
    let mut compared = 0;
    let mut skipped = Vec::new();
    for capture in &captures {
        let name = capture.name();
        let intended = intended(name);
        if let Intended::Skip(why) = intended {
            skipped.push(format!("{name}: {why}"));
            continue;
        }
        // Act: the recorded request, swapped.
        let request = capture.request();
        let url = format!(
            "{}{}",
            base(capture.service()),
            swap(&request.path_and_query(), &swaps)
        );
        let method = reqwest::Method::from_bytes(request.method().as_bytes()).unwrap();
        let mut builder = http.request(method, &url);
        for (header, value) in request.headers() {
            builder = builder.header(header.as_str(), swap(value, &swaps));
        }
        if let Some(body) = request.body_raw() {
            builder = builder.body(swap(body, &swaps));
        }
        let response = builder.send().await.unwrap();
        let status = response.status().as_u16();
        let correlation = response.headers().contains_key("x-correlation-id");
        let text = response.text().await.unwrap();
        let actual: Option<Value> = serde_json::from_str(&text).ok();

        // The fake's tokens and module ids replace the recorded ones from here on.
        let recorded = capture.response().body();
        if let (Some(recorded), Some(actual)) = (recorded, &actual) {
            if name.starts_with("14-") {
                swaps.insert(
                    recorded_user.clone(),
                    actual["data"]["access_token"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
            if name.starts_with("15-") {
                swaps.insert(
                    recorded_admin.clone(),
                    actual["data"]["access_token"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
            if let (Some(from), Some(to)) = (
                recorded["data"]["module_id"].as_str(),
                actual["data"]["module_id"].as_str(),
            ) {
                swaps.insert(from.to_owned(), to.to_owned());
            }
        }

        // Assert (collected): status, structure, the gateway's correlation id.
        let (want_status, want_body, subset) = match intended {
            Intended::Recorded => (capture.response().status(), recorded.cloned(), false),
            Intended::Contract(status, body) => (status, body, true),
            Intended::Skip(_) => unreachable!(),
        };
        compared += 1;
        if status != want_status {
            failures.push(format!(
                "{name}: status {status}, expected {want_status}: {text:.300}"
            ));
            continue;
        }
        if capture.response().header("x-correlation-id").is_some() && !correlation {
            failures.push(format!("{name}: no X-Correlation-ID"));
        }
        if let Some(want) = want_body {
            match &actual {
                Some(actual) => {
                    let mut diffs = Vec::new();
                    shape_diff(&want, actual, "", subset, &mut diffs);
                    failures.extend(diffs.into_iter().map(|diff| format!("{name}: {diff}")));
                }
                None => failures.push(format!("{name}: not JSON: {text:.300}")),
            }
        }
    }

    // Differences known and explained, printed rather than failed.
    let (known, failures): (Vec<_>, Vec<_>) = failures.into_iter().partition(|failure| {
        KNOWN.iter().any(|(capture, path, _)| {
            failure.starts_with(capture) && failure.contains(&format!(": {path}"))
        })
    });
    println!("not compared:\n{}", skipped.join("\n"));
    println!("known differences:\n{}", known.join("\n"));
    assert!(compared >= 70, "only {compared} captures compared");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
