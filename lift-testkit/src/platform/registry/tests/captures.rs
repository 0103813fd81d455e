//! The fake registry's answers have the JSON structure of the recorded reference
//! exchanges (`fixtures/liftos-captures/compat`): keys, types, envelope and error shapes,
//! route by route.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{module_server, serve};
use crate::platform::Quirks;
use crate::platform::store::InMemory;
use crate::replay::Capture;

fn capture(number: &str) -> Capture {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/liftos-captures/compat"
    ));
    Capture::find(dir, number).unwrap()
}

/// The structure of a JSON value: every leaf replaced by its type, arrays by the structure
/// of their first item; a module's own health `details` are opaque.
fn shape(value: &Value) -> Value {
    match value {
        Value::Null => json!("null"),
        Value::Bool(_) => json!("bool"),
        Value::Number(_) => json!("number"),
        Value::String(_) => json!("string"),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| {
                    let shape = if key == "details" {
                        json!("object")
                    } else {
                        shape(value)
                    };
                    (key.clone(), shape)
                })
                .collect::<Map<_, _>>(),
        ),
    }
}

/// Replays the request of capture `number` against the fake registry at `url` (the path
/// without the gateway's `/registry`, the recorded module id replaced by `id`), as a caller with
/// `roles` (or none without user context), and checks that the answer has the recorded
/// status and structure. The answer's body.
async fn replay(
    url: &str,
    number: &str,
    id: &str,
    roles: Option<&str>,
    body: Option<Value>,
) -> Value {
    let recorded_id = capture("58").response().body().unwrap()["data"]["module_id"].clone();
    let capture = capture(number);
    let request = capture.request();
    let path = request.path_and_query().replacen(
        "/registry",
        "",
        usize::from(capture.service() == Some("gateway")),
    );
    let path = path.replace(recorded_id.as_str().unwrap(), id);
    let mut call =
        reqwest::Client::new().request(request.method().parse().unwrap(), format!("{url}{path}"));
    if let Some(roles) = roles {
        call = call
            .header("x-user-id", "u-1")
            .header("x-org-id", "u-1")
            .header("x-user-roles", roles);
    }
    let raw = match body {
        Some(body) => Some(body.to_string()),
        None => request.body_raw().map(str::to_owned),
    };
    if let Some(raw) = raw {
        call = call.header("content-type", "application/json").body(raw);
    }
    let answer = call.send().await.unwrap();
    assert_eq!(
        answer.status().as_u16(),
        capture.response().status(),
        "{}",
        capture.name()
    );
    let got: Value = answer.json().await.unwrap();
    let recorded = capture.response().body().unwrap();
    assert_eq!(shape(&got), shape(recorded), "{}: {got}", capture.name());
    got
}

#[tokio::test]
async fn every_route_answers_with_the_recorded_structure() {
    let (_state, url) = serve(Arc::new(InMemory), Quirks::default()).await;
    let module = module_server().await;
    let admin = Some("user,admin");
    let user = Some("user");
    let mut registration = capture("58").request().body().unwrap().clone();
    registration["base_url"] = json!(module);

    replay(&url, "07", "", None, None).await;
    replay(&url, "08", "", None, None).await;
    replay(&url, "57", "", user, Some(registration.clone())).await;
    let registered = replay(&url, "58", "", admin, Some(registration.clone())).await;
    let malformed = replay(&url, "61", "", admin, None).await;
    assert_eq!(malformed["detail"][0]["loc"], json!(["body", 13]));
    let id = registered["data"]["module_id"].as_str().unwrap().to_owned();
    replay(&url, "60", "", admin, None).await;
    replay(&url, "63", "", user, None).await;
    registration["name"] = json!("spoofed-module");
    replay(&url, "62", "", admin, Some(registration)).await;
    replay(&url, "64", "", user, None).await;
    replay(&url, "65", "", user, None).await;
    replay(&url, "67", "", user, None).await;
    replay(&url, "70", &id, user, None).await;
    replay(&url, "71", &id, user, None).await;
    replay(&url, "72", &id, user, None).await;
    replay(&url, "73", &id, user, None).await;
    replay(&url, "74", &id, admin, None).await;
    replay(&url, "78", &id, None, None).await;
    replay(&url, "79", &id, user, None).await;
    replay(&url, "80", &id, Some("user, developer"), None).await;
    replay(&url, "81", &id, user, None).await;
    replay(&url, "82", &id, admin, None).await;
    replay(&url, "83", &id, admin, None).await;
    replay(&url, "84", &id, user, None).await;
}
