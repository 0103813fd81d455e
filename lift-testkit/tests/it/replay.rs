//! `Replay` and `Capture` against the repository's recorded exchanges.

use std::path::PathBuf;

use lift_testkit::replay::{Capture, Replay, ReplayError};

fn captures(set: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/liftos-captures"
    ))
    .join(set)
}

/// A scratch folder of this test's own, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("lift-testkit-replay-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_folder_loads_every_capture_in_name_order_without_indexes() {
    let replay = Replay::start(captures("compat")).await.unwrap();

    let names: Vec<&str> = replay.captures().iter().map(Capture::name).collect();
    // 88 exchanges; `_index.json` and `_tokens.json` are not captures.
    assert_eq!(names.len(), 88);
    assert_eq!(names[0], "01-gateway-health");
    assert_eq!(names[87], "88-auth-rate-limited-via-gateway");
    assert!(names.windows(2).all(|pair| pair[0] < pair[1]));
}

#[tokio::test]
async fn a_recorded_exchange_comes_back_byte_exact_with_duplicated_headers() {
    // 14: POST /auth/login, a 500 with `date` and `server` twice each.
    let capture = Capture::find(captures(""), "14").unwrap();
    let replay = Replay::serve([capture.clone()]).await;

    let answer = reqwest::Client::new()
        .post(format!("{}/auth/login", replay.uri()))
        .body(r#"{"email": "ana@example.com", "password": "s3cret!"}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), 500);
    let headers = answer.headers();
    let values = |name| -> Vec<&str> {
        headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    };
    assert_eq!(values("date"), ["Mon, 23 Nov 2026 08:08:27 GMT"; 2]);
    assert_eq!(values("server"), ["uvicorn", "uvicorn"]);
    assert_eq!(values("content-type"), ["application/json"]);
    assert_eq!(values("content-length"), ["25"]);
    assert_eq!(
        values("x-correlation-id"),
        ["c3c8a377-f7e6-48ba-abfc-85658e5c5bdb"]
    );
    assert_eq!(
        answer.bytes().await.unwrap(),
        &br#"{"detail":"Login failed"}"#[..]
    );
    assert!(replay.unmatched().await.is_empty());
    replay.verify().await.unwrap();
}

#[tokio::test]
async fn the_query_is_part_of_the_recorded_request() {
    // 64: GET /registry/modules?page=1&size=1&sort_by=name&sort_order=desc
    let replay = Replay::serve([Capture::find(captures("compat"), "64").unwrap()]).await;
    let client = reqwest::Client::new();
    let recorded = format!(
        "{}/registry/modules?page=1&size=1&sort_by=name&sort_order=desc",
        replay.uri()
    );

    let matched = client.get(recorded).send().await.unwrap();
    let reordered = client
        .get(format!(
            "{}/registry/modules?size=1&page=1&sort_by=name&sort_order=desc",
            replay.uri()
        ))
        .send()
        .await
        .unwrap();

    assert_eq!(matched.status(), 200);
    assert_eq!(reordered.status(), 404);
    let unmatched = replay.unmatched().await;
    assert_eq!(unmatched.len(), 1);
    assert_eq!(
        unmatched[0].url.query(),
        Some("size=1&page=1&sort_by=name&sort_order=desc")
    );
}

#[tokio::test]
async fn an_unrecorded_request_is_reported() {
    let replay = Replay::start(captures("compat").join("01-gateway-health.json"))
        .await
        .unwrap();
    let client = reqwest::Client::new();

    let recorded = client
        .get(format!("{}/health", replay.uri()))
        .send()
        .await
        .unwrap();
    let wrong_method = client
        .post(format!("{}/health", replay.uri()))
        .send()
        .await
        .unwrap();
    let slash = client
        .get(format!("{}/health/", replay.uri()))
        .send()
        .await
        .unwrap();

    assert_eq!(recorded.status(), 200);
    assert_eq!(wrong_method.status(), 404);
    assert_eq!(
        slash.text().await.unwrap(),
        "lift-testkit replay: no recorded exchange for GET /health/"
    );
    assert_eq!(replay.received().await.len(), 3);
    let err = replay.verify().await.unwrap_err();
    assert_eq!(err.requests.len(), 2);
    assert_eq!(
        err.to_string(),
        "2 request(s) with no recorded exchange:\n  POST /health\n  GET /health/"
    );
}

#[tokio::test]
async fn recordings_of_one_request_answer_in_file_order_then_the_last_repeats() {
    // 82 then 83: the same DELETE, first removing the module, then a 404.
    let dir = captures("compat");
    let (first, second) = (
        Capture::find(&dir, "82").unwrap(),
        Capture::find(&dir, "83").unwrap(),
    );
    assert_eq!(first.request().path(), second.request().path());
    let replay = Replay::serve([first.clone(), second.clone()]).await;
    let url = format!("{}{}", replay.uri(), first.request().path());
    let client = reqwest::Client::new();

    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(client.delete(&url).send().await.unwrap().status().as_u16());
    }

    let recorded = [
        first.response().status(),
        second.response().status(),
        second.response().status(),
    ];
    assert_eq!(statuses, recorded);
    assert_ne!(recorded[0], recorded[1]);
    replay.verify().await.unwrap();
}

#[test]
fn a_capture_exposes_the_recorded_request_and_response() {
    let capture = Capture::find(captures("compat"), "27-memory-store").unwrap();

    assert_eq!(capture.name(), "27-memory-store");
    assert_eq!(capture.service(), Some("gateway"));
    assert!(capture.file().ends_with("compat/27-memory-store.json"));
    let request = capture.request();
    assert_eq!(request.method(), "POST");
    assert_eq!(request.path_and_query(), "/memory/store");
    assert_eq!(request.query(), None);
    let names: Vec<&str> = request
        .headers()
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(names, ["Authorization", "Content-Type"]);
    assert_eq!(request.body().unwrap()["memory_type"], "general");
    assert!(
        request
            .body_raw()
            .unwrap()
            .starts_with(r#"{"content": "Q3"#)
    );
    let response = capture.response();
    assert_eq!(response.status(), 500);
    assert_eq!(response.header("Content-Length"), Some("105"));
    assert_eq!(response.headers().len(), 7);
    assert!(response.body().unwrap()["detail"].is_string());
}

#[test]
fn a_malformed_capture_names_the_file_and_the_json_path() {
    let dir = scratch("malformed");
    let original = std::fs::read_to_string(captures("").join("14-auth-login.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&original).unwrap();
    json["response"]["headers"][2][1] = serde_json::json!(7);
    let file = dir.join("14-auth-login.json");
    std::fs::write(&file, json.to_string()).unwrap();

    let err = Capture::load_all(&dir).unwrap_err();

    let ReplayError::Json {
        path, json_path, ..
    } = &err
    else {
        panic!("not a JSON error: {err:?}");
    };
    assert_eq!(path, &file);
    assert_eq!(json_path, "response.headers[2][1]");
    assert!(
        err.to_string().starts_with(&format!(
            "{}: at `response.headers[2][1]`: invalid type",
            file.display()
        )),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn a_value_that_cannot_go_over_the_wire_names_the_file_and_the_json_path() {
    let dir = scratch("invalid");
    let original = std::fs::read_to_string(captures("").join("14-auth-login.json")).unwrap();
    for (json_path, edit, reason) in [
        (
            "response.status",
            serde_json::json!({"status": 1000}),
            "invalid status code",
        ),
        (
            "response.headers[1][0]",
            serde_json::json!({"headers": [["date", "x"], ["bad name", "x"]]}),
            "invalid HTTP header name",
        ),
        (
            "response.headers[0][1]",
            serde_json::json!({"headers": [["date", "line\nbreak"]]}),
            "failed to parse header value",
        ),
    ] {
        let mut json: serde_json::Value = serde_json::from_str(&original).unwrap();
        for (key, value) in edit.as_object().unwrap() {
            json["response"][key] = value.clone();
        }
        let file = dir.join("capture.json");
        std::fs::write(&file, json.to_string()).unwrap();

        let err = Capture::load(&file).unwrap_err();

        assert_eq!(
            err.to_string(),
            format!("{}: at `{json_path}`: {reason}", file.display())
        );
    }
}

#[test]
fn missing_files_and_names_are_errors() {
    let missing = captures("").join("no-such-capture.json");
    let err = Capture::load(&missing).unwrap_err();
    assert!(
        matches!(&err, ReplayError::Io { path, .. } if path == &missing),
        "{err:?}"
    );

    let err = Capture::find(captures("compat"), "99").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("no capture named `99` in {}", captures("compat").display())
    );
    // Only a whole leading part of the name counts: `1` is not `14-…`.
    assert!(Capture::find(captures(""), "1").is_err());
}

#[test]
fn garbage_is_a_json_error_at_the_top() {
    let dir = scratch("garbage");
    let file = dir.join("x.json");
    std::fs::write(&file, "{\"id\": \"x\", \"request\": [").unwrap();

    let err = Capture::load(&file).unwrap_err();

    assert!(
        matches!(&err, ReplayError::Json { path, .. } if path == &file),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_replay_ignoring_the_query_matches_on_method_and_path() {
    // 63: GET /registry/modules, recorded without a query.
    let listing = Capture::find(captures("compat"), "63").unwrap();
    let replay = Replay::builder().ignore_query().serve([listing]).await;
    let client = reqwest::Client::new();

    let paged = client
        .get(format!("{}/registry/modules?page=2&size=5", replay.uri()))
        .send()
        .await
        .unwrap();
    let bare = client
        .get(format!("{}/registry/modules", replay.uri()))
        .send()
        .await
        .unwrap();
    let posted = client
        .post(format!("{}/registry/modules?page=2", replay.uri()))
        .send()
        .await
        .unwrap();

    assert_eq!(
        [paged.status(), bare.status(), posted.status()],
        [200, 200, 404]
    );
    let unmatched = replay.unmatched().await;
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].method.as_str(), "POST");
}
