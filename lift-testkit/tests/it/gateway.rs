//! `MockGateway` through the SDK's own `GatewayClient` and `LiftClient`: the local
//! endpoints, the bearer check, the module route, and service mocks behind the gateway.

use lift_sdk::{ErrorKind, GatewayClient, LiftClient, LiftConfig, ModuleId, SearchRequest, Uptime};
use lift_testkit::mocks::{
    CORRELATION_ID, GATEWAY_ORG, GATEWAY_USER, MockGateway, MockService, envelope,
};
use lift_testkit::openapi::Service;
use lift_testkit::tokens::TestTokens;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

const MODULE: &str = "7c840860-4c75-40c1-b743-675f948a4201";

fn module_id() -> ModuleId {
    ModuleId::new(MODULE).unwrap()
}

fn is_uuid4(id: &str) -> bool {
    id.len() == 36 && &id[14..15] == "4" && id.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn the_local_endpoints_decode_as_the_reference_answers_them() {
    let gateway = MockGateway::start().await;
    let client = gateway.client();

    let health = client.health().await.unwrap();
    let ready = client.ready().await.unwrap();
    let detailed = client.health_detailed().await.unwrap();
    let info = client.info().await.unwrap();

    assert!(health.is_healthy());
    assert_eq!(health.service.as_deref(), Some("gateway"));
    assert_eq!(health.uptime, Some(Uptime::Text("running".to_owned())));
    assert_eq!(ready.status, "ready");
    let checks: Vec<&str> = ready.checks.keys().map(String::as_str).collect();
    assert_eq!(checks, ["auth_service", "registry_service"]);
    assert_eq!(
        ready.checks["auth_service"].result,
        json!({ "auth_service": "available" })
    );
    assert_eq!(detailed.version.as_deref(), Some("1.0.0"));
    assert_eq!(detailed.dependencies.len(), 12);
    assert!(
        detailed
            .dependencies
            .values()
            .all(|status| status == "healthy")
    );
    assert!(matches!(detailed.uptime, Some(Uptime::Seconds(_))));
    assert_eq!(info.version, "1.0.0");
    assert_eq!(
        info.services[..5],
        ["auth", "billing", "memory", "observability", "registry"]
    );
    assert_eq!(info.services.len(), 12);
    assert_eq!(info.docs.as_deref(), Some("/docs"));
    let paths: Vec<String> = gateway.received().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/health", "/ready", "/health/detailed", "/"]);
}

#[tokio::test]
async fn every_answer_of_the_gateway_carries_a_fresh_correlation_id() {
    let gateway = MockGateway::start().await;
    let http = reqwest::Client::new();

    let mut ids = Vec::new();
    for path in ["/health", "/health", "/memory/search", "/nowhere"] {
        let answer = http
            .get(format!("{}{path}", gateway.uri()))
            .header(CORRELATION_ID, "mine")
            .send()
            .await
            .unwrap();
        ids.push(
            answer.headers()[CORRELATION_ID]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }

    assert!(ids.iter().all(|id| is_uuid4(id)), "{ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "{ids:?}");
}

#[tokio::test]
async fn every_bad_token_kind_gets_401_and_a_good_one_gets_through() {
    let tokens = TestTokens::hs256();
    let gateway = MockGateway::with_tokens(&tokens).await;
    gateway
        .module(&module_id())
        .json("GET", "/api/v1/ping", json!({ "pong": true }))
        .await;
    let anonymous = GatewayClient::builder()
        .gateway_url(gateway.uri())
        .build()
        .unwrap();
    let bad = [
        ("expired", tokens.expired()),
        ("not yet valid", tokens.not_yet_valid()),
        ("wrong signature", tokens.wrong_signature()),
        ("wrong algorithm", tokens.wrong_algorithm()),
        ("alg none", tokens.alg_none()),
        ("malformed", tokens.malformed()),
        ("another audience", tokens.other_audience()),
    ];

    for (kind, token) in &bad {
        let refused = anonymous
            .for_token(token.clone())
            .module(&module_id())
            .get_json::<Value>("/api/v1/ping")
            .await
            .unwrap_err();
        assert_eq!(refused.status().map(|s| s.as_u16()), Some(401), "{kind}");
        let detail = refused.api_error().unwrap().message();
        assert_eq!(detail, Some("Authentication required"), "{kind}");
        assert_eq!(refused.attempts(), 1, "{kind}");
        assert!(refused.correlation_id().is_some_and(is_uuid4), "{kind}");
    }
    let missing = anonymous
        .module(&module_id())
        .get_json::<Value>("/api/v1/ping")
        .await
        .unwrap_err();
    let good: Value = anonymous
        .for_token(tokens.user("u-1").issue())
        .module(&module_id())
        .get_json("/api/v1/ping")
        .await
        .unwrap();

    assert_eq!(missing.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(good, json!({ "pong": true }));
    let calls = gateway.module_calls();
    assert_eq!(calls.len(), 1, "only the good call is forwarded: {calls:?}");
    assert_eq!(calls[0].user_id(), Some("u-1"));
    assert_eq!(gateway.received().len(), bad.len() + 2);
}

#[tokio::test]
async fn the_authorization_header_is_parsed_as_the_gateway_parses_it() {
    let gateway = MockGateway::start().await;
    gateway
        .module(&module_id())
        .json("GET", "/", json!({}))
        .await;
    let http = reqwest::Client::new();
    let url = format!("{}/modules/{MODULE}/", gateway.uri());
    let token = gateway.user_token();

    let mut statuses = Vec::new();
    for authorization in [
        format!("bearer {token}"),
        format!("BEARER  {token} "),
        format!("Token {token}"),
        format!("Bearer {token} extra"),
        "Bearer".to_owned(),
    ] {
        let answer = http
            .get(&url)
            .header("authorization", authorization)
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }

    assert_eq!(statuses, [200, 200, 401, 401, 401]);
    assert_eq!(gateway.module_calls().len(), 2);
}

#[tokio::test]
async fn a_token_with_a_mistyped_claim_crashes_the_gateway_as_the_reference_does() {
    let tokens = TestTokens::hs256();
    let gateway = MockGateway::with_tokens(&tokens).await;
    gateway
        .module(&module_id())
        .json("POST", "/api/v1/run", json!({}))
        .await;

    let crashed = gateway
        .client()
        .for_token(tokens.wrong_typed_claim())
        .module(&module_id())
        .post_json::<_, Value>("/api/v1/run", &json!({ "x": 1 }))
        .await
        .unwrap_err();

    assert_eq!(crashed.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        crashed.api_error().unwrap().message(),
        Some("Internal Server Error")
    );
    assert_eq!(crashed.attempts(), 1, "a POST is never resent");
    assert!(gateway.module_calls().is_empty());
}

#[tokio::test]
async fn a_token_with_an_unknown_role_crashes_the_gateway_as_the_reference_does() {
    let tokens = TestTokens::hs256();
    let gateway = MockGateway::with_tokens(&tokens).await;
    gateway
        .module(&module_id())
        .json("POST", "/api/v1/run", json!({}))
        .await;
    let token = tokens
        .user("u-1")
        .roles([lift_sdk::Role::from("platform_admin")])
        .issue();

    let answer = reqwest::Client::new()
        .post(format!("{}/modules/{MODULE}/api/v1/run", gateway.uri()))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status().as_u16(), 500);
    assert_eq!(
        answer.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(answer.text().await.unwrap(), "Internal Server Error");
}

#[tokio::test]
async fn a_module_call_is_recorded_with_its_module_id_caller_and_forwarded_headers() {
    let tokens = TestTokens::hs256();
    let gateway = MockGateway::with_tokens(&tokens).await;
    let reports = gateway.module(&module_id());
    reports
        .answer(
            "POST",
            "/api/v1/reports/{name}",
            ResponseTemplate::new(200).set_body_json(json!({ "queued": true })),
        )
        .await;
    reports
        .expect_call("POST", "/api/v1/reports/{name}")
        .as_user("u-7")
        .times(1);
    gateway
        .expect_module_call(&module_id(), "GET", "/api/v1/reports/{name}")
        .never();
    let token = tokens
        .user("u-7")
        .org("acme")
        .roles([lift_sdk::Role::Admin])
        .issue();

    let answer: Value = gateway
        .client()
        .for_token(token.clone())
        .module(&module_id())
        .post_json(
            "/api/v1/reports/weekly?x=1&x=2&y=3",
            &json!({ "since": "monday" }),
        )
        .await
        .unwrap();

    assert_eq!(answer, json!({ "queued": true }));
    let calls = gateway.module_calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.module_id, MODULE);
    assert_eq!(call.method, http::Method::POST);
    assert_eq!(call.path, "/api/v1/reports/weekly");
    assert_eq!(
        call.query, "x=2&y=3",
        "repeated keys collapse to the last value"
    );
    assert_eq!(call.json::<Value>().unwrap(), json!({ "since": "monday" }));
    let caller = call.caller.as_ref().unwrap();
    assert_eq!(caller.user_id, "u-7");
    assert_eq!(caller.org_id.as_deref(), Some("acme"));
    assert_eq!(caller.roles, ["admin"]);
    assert!(!caller.by_token, "the module reads the injected headers");
    assert_eq!(call.header("x-memory-context"), Some("org_acme_context"));
    assert_eq!(call.header("x-module-id"), Some(MODULE));
    assert_eq!(
        call.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(reports.calls().len(), 1);
    gateway.verify().await;
}

#[tokio::test]
async fn a_client_s_own_user_headers_come_first_as_the_reference_forwards_them() {
    let gateway = MockGateway::start().await;
    gateway
        .module(&module_id())
        .json("GET", "/", json!({}))
        .await;

    let answer = reqwest::Client::new()
        .get(format!("{}/modules/{MODULE}/", gateway.uri()))
        .bearer_auth(gateway.user_token())
        .header("x-user-id", "spoofed")
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), 200);
    let call = &gateway.module_calls()[0];
    assert_eq!(call.path, "/");
    assert_eq!(call.user_id(), Some("spoofed"));
    let ids: Vec<&str> = call
        .headers
        .get_all("x-user-id")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(ids, ["spoofed", GATEWAY_USER]);
}

#[tokio::test]
async fn an_unknown_module_gets_the_reference_s_404_and_a_missing_slash_its_307() {
    let gateway = MockGateway::start().await;
    gateway
        .module(&module_id())
        .json("GET", "/api/v1/ping", json!({}))
        .await;
    let client = gateway.client();

    let unknown = client
        .module(&ModuleId::new("does-not-exist").unwrap())
        .get_json::<Value>("/api/v1/ping")
        .await
        .unwrap_err();
    let no_route = client
        .module(&module_id())
        .get_json::<Value>("/api/v1/nothing")
        .await
        .unwrap_err();
    let redirected = client
        .transport()
        .get(["modules", MODULE])
        .send()
        .await
        .unwrap_err();
    let memory_redirected = client.transport().get("/memory").send().await.unwrap_err();

    assert_eq!(unknown.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        unknown.api_error().unwrap().message(),
        Some("Module does-not-exist not found")
    );
    assert_eq!(no_route.api_error().unwrap().message(), Some("Not Found"));
    assert_eq!(redirected.kind(), ErrorKind::Redirect);
    assert_eq!(
        redirected.location(),
        Some(format!("{}/modules/{MODULE}/", gateway.uri()).as_str())
    );
    assert_eq!(
        memory_redirected.location(),
        Some(format!("{}/memory/", gateway.uri()).as_str())
    );
    let calls = gateway.module_calls();
    assert_eq!(calls.len(), 1, "only the known module's call: {calls:?}");
    assert_eq!(calls[0].path, "/api/v1/nothing");
}

async fn memory_behind(gateway: &MockGateway) -> MockService {
    let memory = MockService::behind(gateway, Service::Memory).await;
    let hit = json!({
        "id": "memory_acme_1795421316",
        "content": "Q3 campaign lifted signups 12%",
        "score": 0.92,
        "metadata": {},
        "memory_type": "general",
        "timestamp": "2026-11-23T08:08:55.123456",
    });
    let data = json!({ "results": [hit], "count": 1, "search_type": "hybrid", "duration": 0.01 });
    memory
        .answer_by_default(
            "POST",
            "/search",
            ResponseTemplate::new(200).set_body_json(envelope("Search completed", data)),
        )
        .await;
    memory
}

#[tokio::test]
async fn a_gateway_mode_memory_call_reaches_the_mock_behind_as_the_token_s_user() {
    let tokens = TestTokens::hs256();
    let gateway = MockGateway::with_tokens(&tokens).await;
    let memory = memory_behind(&gateway).await;
    memory
        .expect_call("POST", "/search")
        .as_user("u-7")
        .times(1);
    let client = gateway.lift_client(tokens.user("u-7").org("acme").issue());

    let found = client
        .memory()
        .search(SearchRequest::new("campaign lift").limit(5))
        .await
        .unwrap();

    assert_eq!(found.count, 1);
    assert_eq!(found.results[0].id.as_str(), "memory_acme_1795421316");
    assert_eq!(found.results[0].content, "Q3 campaign lifted signups 12%");
    let received = memory.received();
    assert_eq!(received.len(), 1);
    let search = &received[0];
    assert!(search.through_gateway);
    assert_eq!(search.path, "/search");
    assert_eq!(
        search.header("x-user-id"),
        None,
        "the SDK sends no user headers"
    );
    let caller = search.caller.as_ref().unwrap();
    assert_eq!((caller.user_id.as_str(), caller.by_token), ("u-7", true));
    assert_eq!(caller.org_id.as_deref(), Some("acme"));
    assert_eq!(
        search.body_json().unwrap(),
        json!({ "query": "campaign lift", "search_type": "hybrid", "limit": 5, "filters": null })
    );
    memory.verify().await;
}

#[tokio::test]
async fn a_refused_token_never_reaches_the_mock_behind_and_a_bad_body_gets_its_422() {
    let tokens = TestTokens::hs256();
    let gateway = MockGateway::with_tokens(&tokens).await;
    let memory = memory_behind(&gateway).await;
    let http = reqwest::Client::new();
    let url = format!("{}/memory/search", gateway.uri());

    let expired = gateway
        .lift_client(tokens.expired())
        .memory()
        .search(SearchRequest::new("campaign lift"))
        .await
        .unwrap_err();
    let unauthenticated = http
        .post(&url)
        .json(&json!({ "limit": 500 }))
        .send()
        .await
        .unwrap();
    let refused = http
        .post(&url)
        .bearer_auth(gateway.user_token())
        .json(&json!({ "limit": 500 }))
        .send()
        .await
        .unwrap();

    assert_eq!(expired.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(unauthenticated.status(), 401, "the bearer check runs first");
    assert_eq!(refused.status(), 422);
    let answer: Value = refused.json().await.unwrap();
    let missing = &answer["detail"][0];
    assert_eq!(
        (missing["type"].as_str(), &missing["loc"]),
        (Some("missing"), &json!(["body", "query"]))
    );
    let received = memory.received();
    assert_eq!(received.len(), 1, "only the admitted call: {received:?}");
    assert_eq!(received[0].user_id(), Some(GATEWAY_USER));
    assert_eq!(gateway.received().len(), 3);
}

#[tokio::test]
async fn the_auth_and_observability_routes_need_no_bearer() {
    let gateway = MockGateway::start().await;
    let auth = MockService::behind(&gateway, Service::Auth).await;
    auth.answer_by_default(
        "GET",
        "/health",
        ResponseTemplate::new(200).set_body_json(json!({ "status": "healthy", "service": "auth" })),
    )
    .await;

    let anonymous = LiftClient::new(LiftConfig::new(&gateway.uri()).unwrap()).unwrap();
    let health = anonymous.auth().health().await.unwrap();
    let observability = reqwest::get(format!("{}/observability/api/v1/metrics", gateway.uri()))
        .await
        .unwrap();

    assert_eq!(health.service.as_deref(), Some("auth"));
    assert_eq!(observability.status(), 404, "no mock behind: not a 401");
    assert_eq!(auth.received().len(), 1);
    assert_eq!(auth.received()[0].header("authorization"), None);
}

#[tokio::test]
async fn with_rs256_keys_the_gateway_admits_the_tokens_of_the_served_jwks() {
    let mut tokens = TestTokens::rs256_with_jwks().await;
    let gateway = MockGateway::with_tokens(&tokens).await;
    gateway
        .module(&module_id())
        .json("GET", "/api/v1/ping", json!({}))
        .await;
    let call = |token: String| {
        let module = gateway.client().for_token(token).module(&module_id());
        async move { module.get_json::<Value>("/api/v1/ping").await }
    };

    call(gateway.user_token().to_owned()).await.unwrap();
    let confused = call(tokens.wrong_algorithm()).await.unwrap_err();
    tokens.rotate().unwrap();
    gateway.refresh_keys().await;
    call(tokens.user("u-2").issue()).await.unwrap();

    assert_eq!(confused.status().map(|s| s.as_u16()), Some(401));
    let users: Vec<Option<String>> = gateway
        .module_calls()
        .iter()
        .map(|c| c.user_id().map(str::to_owned))
        .collect();
    assert_eq!(
        users,
        [Some(GATEWAY_USER.to_owned()), Some("u-2".to_owned())]
    );
    assert_eq!(
        gateway.module_calls()[0]
            .caller
            .as_ref()
            .unwrap()
            .org_id
            .as_deref(),
        Some(GATEWAY_ORG)
    );
}

#[tokio::test]
async fn a_module_answer_sees_the_caller_the_gateway_injects() {
    let tokens = TestTokens::hs256();
    let gateway = MockGateway::with_tokens(&tokens).await;
    gateway
        .module(&module_id())
        .answer_with("GET", "/api/v1/whoami", |call| {
            ResponseTemplate::new(200).set_body_json(json!({
                "user": call.header("x-user-id"),
                "roles": call.header("x-user-roles"),
                "module": call.header("x-module-id"),
            }))
        })
        .await;
    let admin = tokens
        .user("u-9")
        .roles([lift_sdk::Role::User, lift_sdk::Role::Admin]);

    let me: Value = gateway
        .client()
        .for_token(admin.issue())
        .module(&module_id())
        .get_json("/api/v1/whoami")
        .await
        .unwrap();

    assert_eq!(
        me,
        json!({ "user": "u-9", "roles": "user,admin", "module": MODULE })
    );
}

#[tokio::test(start_paused = true)]
async fn module_calls_are_stamped_on_the_test_s_paused_clock() {
    let gateway = MockGateway::start().await;
    gateway
        .module(&module_id())
        .json("GET", "/api/v1/ping", json!({}))
        .await;
    // Plain reqwest: a client with time-outs would see them fire on the paused clock.
    let http = reqwest::Client::new();
    let url = format!("{}/modules/{MODULE}/api/v1/ping", gateway.uri());
    let start = tokio::time::Instant::now();

    let first = http
        .get(&url)
        .bearer_auth(gateway.user_token())
        .send()
        .await
        .unwrap();
    tokio::time::advance(std::time::Duration::from_secs(90)).await;
    let second = http
        .get(&url)
        .bearer_auth(gateway.user_token())
        .send()
        .await
        .unwrap();

    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    let calls = gateway.module_calls();
    assert!(calls[0].at - start < std::time::Duration::from_secs(1));
    assert!(calls[1].at - start >= std::time::Duration::from_secs(90));
}

#[tokio::test]
async fn an_unmet_module_expectation_names_what_it_expected_and_saw() {
    let gateway = MockGateway::start().await;
    let module = gateway.module(&module_id());
    module.json("GET", "/api/v1/ping", json!({})).await;
    module
        .expect_call("GET", "/api/v1/ping")
        .as_user("u-1")
        .times(1);
    let refused = gateway
        .client()
        .for_token("not.a.jwt")
        .module(&module_id())
        .get_json::<Value>("/api/v1/ping")
        .await;
    let as_someone_else = gateway
        .client()
        .module(&module_id())
        .get_json::<Value>("/api/v1/ping")
        .await;

    let failed = tokio::spawn(async move { gateway.verify().await })
        .await
        .unwrap_err();

    assert_eq!(refused.unwrap_err().status().map(|s| s.as_u16()), Some(401));
    assert!(as_someone_else.is_ok());
    let message = *failed.into_panic().downcast::<String>().unwrap();
    assert_eq!(
        message,
        format!(
            "gateway mock: 1 unmet expectation(s):\n  \
             expected module {MODULE} GET /api/v1/ping as user `u-1`: exactly 1, saw 0"
        )
    );
}
