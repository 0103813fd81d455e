//! The fake gateway through `LiftClient` in gateway mode: its own endpoints, the bearer
//! check, the user-context headers it injects (and the client's copies it removes),
//! `/modules/{id}/…` to a module (a tiny axum echo server registered in the registry), the
//! quirks, the rate limit and the correlation id on every answer.

use std::future::IntoFuture;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::routing::get;
use lift_sdk::{LiftClient, ModuleId, ModuleManifest};
use lift_testkit::harness::ModuleHarness;
use lift_testkit::platform::{FakePlatform, Quirks};
use lift_testkit::tokens::TestTokens;
use serde_json::{Map, Value, json};

/// A module that answers every path with what it received: method, raw path, query,
/// headers (every value, in order) and body.
async fn echo_module() -> String {
    async fn echo(request: Request) -> axum::Json<Value> {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, 1 << 20)
            .await
            .unwrap_or_default();
        let mut headers = Map::new();
        for name in parts.headers.keys() {
            let values: Vec<Value> = parts
                .headers
                .get_all(name)
                .iter()
                .map(|value| Value::from(value.to_str().unwrap_or("?")))
                .collect();
            headers.insert(name.as_str().to_owned(), Value::Array(values));
        }
        axum::Json(json!({
            "method": parts.method.as_str(),
            "path": parts.uri.path(),
            "query": parts.uri.query(),
            "headers": headers,
            "body": String::from_utf8_lossy(&body),
        }))
    }
    let app = Router::new()
        .route(
            "/health",
            get(|| async { axum::Json(json!({ "status": "healthy" })) }),
        )
        .fallback(echo);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, app).into_future());
    url
}

/// Registers the echo module through the gateway as the admin; its id.
async fn register_echo(platform: &FakePlatform) -> ModuleId {
    let admin = LiftClient::new(platform.config().token(platform.admin_token())).unwrap();
    let manifest = ModuleManifest::builder("echo", "1.0.0")
        .base_url(echo_module().await)
        .build()
        .unwrap();
    admin
        .registry()
        .register(&manifest)
        .await
        .unwrap()
        .module_id
}

fn user_client(platform: &FakePlatform, user: &str, org: &str) -> (LiftClient, String) {
    let token = platform.sign(
        &platform
            .claims(user, org, "u@example.com")
            .roles([lift_sdk::Role::User]),
    );
    (
        LiftClient::new(platform.config().token(token.clone())).unwrap(),
        token,
    )
}

fn values(echo: &Value, header: &str) -> Vec<String> {
    echo["headers"][header]
        .as_array()
        .map(|values| {
            values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn quirks(set: impl FnOnce(&mut Quirks)) -> Quirks {
    let mut quirks = Quirks::default();
    set(&mut quirks);
    quirks
}

fn is_uuid4(id: &str) -> bool {
    id.len() == 36 && &id[14..15] == "4" && id.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn the_local_endpoints_answer_as_the_reference_with_a_correlation_id() {
    let platform = FakePlatform::start().await.unwrap();
    let gateway = LiftClient::new(platform.config()).unwrap();
    let http = reqwest::Client::new();

    let info = gateway.gateway().info().await.unwrap();
    let detailed = gateway.gateway().health_detailed().await.unwrap();
    let ready = gateway.gateway().ready().await.unwrap();

    assert_eq!(info.version, "1.0.0");
    assert_eq!(info.services.len(), 12);
    assert_eq!(detailed.dependencies["auth"], "healthy");
    assert_eq!(detailed.dependencies["memory"], "healthy");
    assert_eq!(detailed.dependencies["registry"], "healthy");
    assert_eq!(detailed.dependencies["billing"], "unhealthy");
    assert_eq!(ready.checks.len(), 2);
    let mut seen = Vec::new();
    for path in [
        "/",
        "/health",
        "/ready",
        "/health/detailed",
        "/nowhere",
        "/memory/search",
    ] {
        let answer = http
            .get(format!("{}{path}", platform.gateway_url()))
            .header("x-correlation-id", "mine")
            .send()
            .await
            .unwrap();
        let ids: Vec<_> = answer
            .headers()
            .get_all("x-correlation-id")
            .iter()
            .collect();
        assert_eq!(ids.len(), 1, "{path}");
        let id = ids[0].to_str().unwrap().to_owned();
        assert!(is_uuid4(&id), "{path}: {id}");
        assert!(!seen.contains(&id));
        seen.push(id);
    }
}

#[tokio::test]
async fn protected_routes_need_a_valid_bearer() {
    let platform = FakePlatform::start().await.unwrap();
    let http = reqwest::Client::new();
    let other_secret = TestTokens::with_secret("not-the-platforms-secret-0123456789abc")
        .unwrap()
        .admin();
    let expired = {
        let mut claims = platform.claims("u-1", "org-1", "u@example.com");
        claims.exp = lift_sdk::auth::NumericDate::from_system_time(
            std::time::SystemTime::now() - Duration::from_secs(3600),
        );
        claims.iat = Some(lift_sdk::auth::NumericDate::from_system_time(
            std::time::SystemTime::now() - Duration::from_secs(7200),
        ));
        platform.sign(&claims)
    };
    let bearers = [
        None,
        Some("Bearer".to_owned()),
        Some("Basic abc".to_owned()),
        Some(format!("Bearer {other_secret}")),
        Some(format!("Bearer {expired}")),
        Some("Bearer not.a.jwt".to_owned()),
    ];

    for path in [
        "/memory/insights",
        "/registry/modules",
        "/modules/any/x",
        "/billing/x",
    ] {
        for bearer in &bearers {
            let mut request = http.get(format!("{}{path}", platform.gateway_url()));
            if let Some(bearer) = bearer {
                request = request.header("authorization", bearer);
            }
            let answer = request.send().await.unwrap();
            assert_eq!(answer.status(), 401, "{path} {bearer:?}");
            assert_eq!(
                answer.json::<Value>().await.unwrap(),
                json!({ "detail": "Authentication required" })
            );
        }
    }
    let lower_case = http
        .get(format!("{}/memory/insights", platform.gateway_url()))
        .header(
            "authorization",
            format!("bearer {}", platform.admin_token()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(lower_case.status(), 200);
    let err = LiftClient::new(platform.config().token(other_secret))
        .unwrap()
        .memory()
        .insights()
        .await
        .unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
}

#[tokio::test]
async fn a_module_gets_the_users_context_and_never_the_clients_own_copy() {
    let platform = FakePlatform::start().await.unwrap();
    let id = register_echo(&platform).await;
    let (client, token) = user_client(&platform, "u-ana", "org-ana");
    let http = reqwest::Client::new();

    let via_sdk: Value = client
        .gateway()
        .module(&id)
        .get_json("/api/v1/reports?x=1")
        .await
        .unwrap();
    let spoofed: Value = http
        .post(format!(
            "{}/modules/{id}/api/v1/reports?a=1&a=2&b=3",
            platform.gateway_url()
        ))
        .bearer_auth(&token)
        .header("x-user-id", "u-admin")
        .header("x-org-id", "org-other")
        .header("x-user-roles", "admin")
        .header("x-memory-context", "org_other_context")
        .header("x-module-id", "forged")
        .header("x-request-id", "r-42")
        .body("raw body, as sent")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(via_sdk["path"], "/api/v1/reports");
    assert_eq!(via_sdk["query"], "x=1");
    assert_eq!(values(&via_sdk, "x-user-id"), ["u-ana"]);
    assert_eq!(spoofed["method"], "POST");
    assert_eq!(spoofed["path"], "/api/v1/reports");
    assert_eq!(
        spoofed["query"], "a=2&b=3",
        "repeated keys collapse to the last value"
    );
    assert_eq!(spoofed["body"], "raw body, as sent");
    assert_eq!(values(&spoofed, "x-user-id"), ["u-ana"]);
    assert_eq!(values(&spoofed, "x-org-id"), ["org-ana"]);
    assert_eq!(values(&spoofed, "x-user-roles"), ["user"]);
    assert_eq!(
        values(&spoofed, "x-memory-context"),
        ["org_org-ana_context"]
    );
    assert_eq!(values(&spoofed, "x-module-id"), [id.to_string()]);
    assert_eq!(values(&spoofed, "x-request-id"), ["r-42"]);
    assert_eq!(
        values(&spoofed, "authorization"),
        [format!("Bearer {token}")]
    );
}

#[tokio::test]
async fn with_the_spoofing_quirk_the_clients_headers_go_first() {
    let platform = FakePlatform::builder()
        .quirks(quirks(|q| q.client_user_headers_first = true))
        .start()
        .await
        .unwrap();
    let id = register_echo(&platform).await;
    let (_, token) = user_client(&platform, "u-ana", "org-ana");

    let echo: Value = reqwest::Client::new()
        .get(format!("{}/modules/{id}/api/v1/x", platform.gateway_url()))
        .bearer_auth(&token)
        .header("x-user-roles", "admin")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(values(&echo, "x-user-roles"), ["admin", "user"]);
    assert_eq!(values(&echo, "x-user-id"), ["u-ana"]);
}

#[tokio::test]
async fn module_urls_are_joined_with_one_slash_unless_the_reference_quirks_are_on() {
    let fixed = FakePlatform::builder()
        .quirks(quirks(|q| q.trailing_slash_base_url = true))
        .start()
        .await
        .unwrap();
    let reference = FakePlatform::builder()
        .quirks(quirks(|q| {
            q.trailing_slash_base_url = true;
            q.gateway_forwards_double_slash = true;
        }))
        .start()
        .await
        .unwrap();

    let mut paths = Vec::new();
    for platform in [&fixed, &reference] {
        let id = register_echo(platform).await;
        let (client, _) = user_client(platform, "u-1", "org-1");
        let echo: Value = client
            .gateway()
            .module(&id)
            .get_json("/api/v1/ping")
            .await
            .unwrap();
        let root: Value = client.gateway().module(&id).get_json("/").await.unwrap();
        assert!(
            platform.modules()[0]["base_url"]
                .as_str()
                .unwrap()
                .ends_with('/')
        );
        paths.push((echo["path"].clone(), root["path"].clone()));
    }

    assert_eq!(paths[0], (json!("/api/v1/ping"), json!("/")));
    assert_eq!(paths[1], (json!("//api/v1/ping"), json!("//")));
}

#[tokio::test]
async fn unknown_and_unreachable_modules_get_the_gateways_answers() {
    let platform = FakePlatform::start().await.unwrap();
    let token = platform.admin_token();
    let http = reqwest::Client::new();
    let admin = LiftClient::new(platform.config().token(token.clone())).unwrap();
    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let manifest = ModuleManifest::builder("ghost", "1.0.0")
        .base_url(gone)
        .build()
        .unwrap();
    let ghost = admin
        .registry()
        .register(&manifest)
        .await
        .unwrap()
        .module_id;

    let unknown = http
        .get(format!(
            "{}/modules/does-not-exist/api/v1/ping",
            platform.gateway_url()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let unreachable = http
        .get(format!(
            "{}/modules/{ghost}/api/v1/ping",
            platform.gateway_url()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let no_slash = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/modules/{ghost}", platform.gateway_url()))
        .send()
        .await
        .unwrap();

    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<Value>().await.unwrap(),
        json!({ "detail": "Module does-not-exist not found" })
    );
    assert_eq!(unreachable.status(), 503);
    assert_eq!(
        unreachable.json::<Value>().await.unwrap(),
        json!({ "detail": format!("Module {ghost} unavailable") })
    );
    assert_eq!(no_slash.status(), 307);
    let location = no_slash.headers()["location"].to_str().unwrap();
    assert!(
        location.ends_with(&format!("/modules/{ghost}/")),
        "{location}"
    );
}

#[tokio::test]
async fn billing_and_observability_are_unavailable_unless_configured() {
    let platform = FakePlatform::start().await.unwrap();
    let http = reqwest::Client::new();

    let billing = http
        .get(format!("{}/billing/api/v1/usage", platform.gateway_url()))
        .bearer_auth(platform.admin_token())
        .send()
        .await
        .unwrap();
    let observability = http
        .get(format!(
            "{}/observability/api/v1/metrics",
            platform.gateway_url()
        ))
        .send()
        .await
        .unwrap();

    assert_eq!(billing.status(), 503);
    assert_eq!(
        billing.json::<Value>().await.unwrap(),
        json!({ "detail": "Service billing unavailable" })
    );
    assert_eq!(observability.status(), 503);
    assert_eq!(
        observability.json::<Value>().await.unwrap(),
        json!({ "detail": "Service observability unavailable" })
    );
}

#[tokio::test]
async fn over_the_rate_limit_a_client_gets_429_or_with_the_quirk_a_lasting_500() {
    let limited = FakePlatform::builder()
        .rate_limit(3, Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let quirky = FakePlatform::builder()
        .rate_limit(3, Duration::from_secs(60))
        .quirks(quirks(|q| q.rate_limit_as_500 = true))
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let get = |platform: &FakePlatform, path: &str, key: &str| {
        http.get(format!("{}{path}", platform.gateway_url()))
            .header("x-forwarded-for", key)
            .send()
    };

    for platform in [&limited, &quirky] {
        for _ in 0..3 {
            assert_eq!(
                get(platform, "/", "203.0.113.7").await.unwrap().status(),
                200
            );
        }
    }
    let refused = get(&limited, "/", "203.0.113.7").await.unwrap();
    let other_key = get(&limited, "/", "203.0.113.8").await.unwrap();
    let crashed = get(&quirky, "/", "203.0.113.7").await.unwrap();
    let health = get(&quirky, "/health", "203.0.113.7").await.unwrap();

    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(refused.headers().contains_key("x-correlation-id"));
    assert_eq!(
        refused.json::<Value>().await.unwrap(),
        json!({ "detail": "Rate limit exceeded" })
    );
    assert_eq!(other_key.status(), 200);
    assert_eq!(crashed.status(), 500);
    assert_eq!(
        crashed.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(crashed.text().await.unwrap(), "Internal Server Error");
    assert_eq!(health.status(), 200, "/health is never limited");
    assert_eq!(
        get(&quirky, "/ready", "203.0.113.7")
            .await
            .unwrap()
            .status(),
        500
    );
    quirky.reset();
    assert_eq!(
        get(&quirky, "/ready", "203.0.113.7")
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn a_service_prefix_without_its_slash_is_redirected() {
    let platform = FakePlatform::start().await.unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let answer = http
        .get(format!("{}/registry?x=1", platform.gateway_url()))
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), 307);
    let location = answer.headers()["location"].to_str().unwrap();
    assert!(location.ends_with("/registry/?x=1"), "{location}");
}

#[tokio::test]
async fn a_module_run_by_the_harness_is_reached_through_the_fake_gateway() {
    use lift_sdk::axum::routing::get as route_get;
    use lift_sdk::runtime::{LiftModule, ManifestSource, ModuleContext};

    struct Reports;

    impl LiftModule for Reports {
        fn manifest(&self) -> ManifestSource {
            ModuleManifest::new("reports", "1.0.0").into()
        }

        fn routes(&self) -> lift_sdk::axum::Router {
            lift_sdk::axum::Router::new().route(
                "/reports",
                route_get(|ctx: ModuleContext| async move {
                    format!("the reports of {}", ctx.user().user_id())
                }),
            )
        }
    }

    let platform = FakePlatform::start().await.unwrap();
    let tokens = TestTokens::with_secret(platform.secret()).unwrap();
    let harness = ModuleHarness::builder(Reports)
        .config(platform.config())
        .tokens(tokens)
        .start()
        .await
        .unwrap();
    let id = harness.module_id().unwrap();
    assert_eq!(platform.modules().len(), 1);
    assert_eq!(platform.modules()[0]["id"], id.to_string());

    let token = platform.sign(
        &platform
            .claims("u-7", "org-7", "u7@example.com")
            .roles([lift_sdk::Role::User]),
    );
    let answer = reqwest::Client::new()
        .get(format!(
            "{}/modules/{id}/api/v1/reports",
            platform.gateway_url()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let direct = harness.get("/reports").as_user("u-8").send().await.unwrap();

    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "the reports of u-7");
    assert_eq!(direct.text(), "the reports of u-8");
    harness.shutdown().await.unwrap();
    assert!(platform.modules().is_empty(), "the module deregistered");
}
