//! Matching requests to operations and validating them against the reference's schemas.

use lift_testkit::openapi::{OpenApi, Route, SchemaCheck, Service};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn messages(result: Result<Route, Vec<lift_testkit::openapi::Violation>>) -> Vec<String> {
    result
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_document_parses_and_lists_its_operations() {
    let counts: Vec<usize> = Service::ALL
        .iter()
        .map(|service| OpenApi::new(*service).routes().count())
        .collect();
    assert_eq!(counts, [34, 12, 28, 10]);
}

#[test]
fn paths_match_templates_directly_and_under_the_gateway_prefix() {
    let memory = OpenApi::new(Service::Memory);
    let direct = memory.route("GET", "/workflows/wf_1/status").unwrap();
    assert_eq!(direct.path, "/workflows/{workflow_id}/status");
    let prefixed = memory
        .route("GET", "/memory/workflows/wf_1/status")
        .unwrap();
    assert_eq!(prefixed, direct);
    assert_eq!(memory.route("GET", "/memory/").unwrap().path, "/");
    assert!(memory.route("PUT", "/search").is_none());
    // The literal route wins over a templated one.
    assert_eq!(
        memory.route("POST", "/search/batch").unwrap().path,
        "/search/batch"
    );
}

#[test]
fn the_gateways_catch_all_takes_the_rest_of_the_path() {
    let gateway = OpenApi::new(Service::Gateway);
    let route = gateway
        .route("PATCH", "/modules/m-1/api/v1/items/7")
        .unwrap();
    assert_eq!(route.path, "/modules/{module_id}/{path}");
    assert!(gateway.route("GET", "/modules/m-1").is_none());
    // The gateway forwards bodies and queries it does not describe.
    gateway
        .check("POST", "/billing/usage", "x=1", br#"{"any":"thing"}"#)
        .unwrap();
}

#[test]
fn bodies_are_validated_with_component_references() {
    let memory = OpenApi::new(Service::Memory);
    memory
        .check(
            "POST",
            "/store",
            "",
            br#"{"content":"x","memory_type":"general"}"#,
        )
        .unwrap();
    let errors = messages(memory.check("POST", "/search", "", br#"{"query":"x","limit":0}"#));
    assert!(
        errors[0].contains("memory POST /search") && errors[0].contains("body/limit"),
        "{errors:?}"
    );
    let errors = messages(memory.check(
        "POST",
        "/marketing/ingest",
        "",
        br#"{"data_source":"myspace"}"#,
    ));
    assert!(
        errors.iter().any(|e| e.contains("body/data_source")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("data_entries")),
        "{errors:?}"
    );
    let errors = messages(memory.check("POST", "/search", "", b"not json"));
    assert!(errors[0].contains("not JSON"), "{errors:?}");
}

#[test]
fn formats_are_checked() {
    let memory = OpenApi::new(Service::Memory);
    let body = br#"{"data_source":"klaviyo","data_entries":[],"date_range_start":"2026-13-01","date_range_end":"2026-01-31"}"#;
    let errors = messages(memory.check("POST", "/marketing/ingest", "", body));
    assert!(
        errors.iter().any(|e| e.contains("body/date_range_start")),
        "{errors:?}"
    );
}

#[test]
fn query_and_path_parameters_are_coerced_and_validated() {
    let memory = OpenApi::new(Service::Memory);
    memory
        .check(
            "POST",
            "/search/batch",
            "search_type=neural&limit=3",
            br#"["a"]"#,
        )
        .unwrap();
    let errors = messages(memory.check("POST", "/workflows/create", "", b"{}"));
    assert!(
        errors[0].contains("query name") && errors[0].contains("required"),
        "{errors:?}"
    );
    let errors = messages(memory.check("GET", "/marketing/calendar/twenty", "", b""));
    assert!(errors[0].contains("path year"), "{errors:?}");
    memory
        .check("GET", "/marketing/calendar/2026", "", b"")
        .unwrap();
    let errors = messages(memory.check("GET", "/insights", "verbose=1", b""));
    assert!(
        errors[0].contains("query verbose") && errors[0].contains("ignores"),
        "{errors:?}"
    );
}

#[test]
fn a_body_where_none_is_taken_and_an_unknown_route_are_reported() {
    let auth = OpenApi::new(Service::Auth);
    let errors = messages(auth.check("GET", "/causal/capabilities", "", b"{}"));
    assert!(errors[0].contains("takes no body"), "{errors:?}");
    let errors = messages(auth.check("GET", "/nowhere", "", b""));
    assert!(
        errors[0].contains("no operation of the auth document"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn a_schema_check_reports_what_the_server_received() {
    let server = MockServer::start().await;
    let check = SchemaCheck::mount(OpenApi::new(Service::Memory), &server).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let http = reqwest::Client::new();
    let ok = http
        .post(format!("{}/memory/search", server.uri()))
        .body(r#"{"query":"lift"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200, "the check answers nothing itself");
    http.post(format!("{}/search", server.uri()))
        .body(r#"{"limit":5}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(check.requests(), 2);
    let violations = check.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(
        violations[0].to_string().contains("query"),
        "{violations:?}"
    );
    let panic = std::panic::catch_unwind(|| check.assert_valid()).unwrap_err();
    let text = panic.downcast_ref::<String>().unwrap();
    assert!(
        text.contains("1 request(s) the reference service would refuse"),
        "{text}"
    );
    drop(check);
}
