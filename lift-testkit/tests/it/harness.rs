//! The module harness: a real module on `127.0.0.1:0`, registering with a registry mock
//! behind a gateway mock, called as users minted with `TestTokens`.

use std::time::Duration;

use lift_sdk::auth::layer::{RequireRole, role::Analyst};
use lift_sdk::auth::{Role, SubscriptionTier};
use lift_sdk::axum::Router;
use lift_sdk::axum::routing::{get, post};
use lift_sdk::runtime::{
    Json, LiftModule, ManifestSource, ModuleContext, RegistrationState, ServeError,
};
use lift_sdk::{LiftConfig, ModuleManifest};
use lift_testkit::harness::{HarnessError, ModuleHarness};
use lift_testkit::mocks::{MockService, envelope};
use lift_testkit::openapi::Service;
use lift_testkit::tokens::TestTokens;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

const MODULE_ID: &str = "5b0a5e5c-1d3c-4c59-9a47-0e6a4f1e2d3c";

/// The module under test: notes for analysts, an echo for anyone signed in.
struct Notes {
    prefix: Option<&'static str>,
}

impl LiftModule for Notes {
    fn manifest(&self) -> ManifestSource {
        let mut manifest = ModuleManifest::new("notes", "1.2.0");
        manifest.api_prefix = self.prefix.map(str::to_owned);
        manifest.into()
    }

    fn routes(&self) -> Router {
        Router::new()
            .route(
                "/notes",
                get(|ctx: ModuleContext| async move {
                    Json(json!({ "user": ctx.user().user_id(), "org": ctx.user().org_id() }))
                }),
            )
            .route_layer(RequireRole::<Analyst>::layer())
            .route(
                "/echo",
                post(|ctx: ModuleContext, Json(body): Json<Value>| async move {
                    Json(json!({ "user": ctx.user().user_id(), "body": body }))
                }),
            )
    }
}

const fn notes() -> Notes {
    Notes { prefix: None }
}

/// A gateway mock with a registry mock behind it, answering the routes the runtime uses.
struct Platform {
    gateway: MockService,
    registry: MockService,
}

fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(envelope("ok", data))
}

impl Platform {
    async fn start() -> Self {
        let gateway = MockService::start(Service::Gateway).await;
        let registry = MockService::behind(&gateway, Service::Registry).await;
        let listing = json!({ "items": [], "total": 0, "page": 1, "size": 100, "pages": 0,
                              "has_next": false, "has_prev": false });
        let record = json!({ "id": MODULE_ID, "name": "notes", "version": "1.2.0",
                             "base_url": "http://127.0.0.1/", "status": "active",
                             "created_at": "2026-12-01T08:09:03.503854" });
        let registered = json!({ "module_id": MODULE_ID, "module": record.clone(),
                                 "health": { "status": "healthy" } });
        registry
            .answer_by_default("GET", "/modules", ok(listing))
            .await;
        registry
            .answer_by_default("POST", "/modules", ok(registered))
            .await;
        registry
            .answer_by_default("GET", "/modules/{id}", ok(record))
            .await;
        registry
            .answer_by_default(
                "DELETE",
                "/modules/{id}",
                ok(json!({ "module_id": MODULE_ID })),
            )
            .await;
        Self { gateway, registry }
    }

    /// Registers through the gateway with a service token signed with `tokens`' secret.
    fn config(&self, tokens: &TestTokens) -> LiftConfig {
        LiftConfig::new(&self.gateway.uri())
            .unwrap()
            .jwt_secret(tokens.secret().unwrap())
    }

    async fn harness(&self) -> ModuleHarness {
        let tokens = TestTokens::hs256();
        ModuleHarness::builder(notes())
            .config(self.config(&tokens))
            .tokens(tokens)
            .start()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_protected_route_answers_the_right_role_and_refuses_the_others() {
    let platform = Platform::start().await;
    let harness = platform.harness().await;

    let analyst = harness
        .get("/notes")
        .as_user("u-1")
        .org("acme")
        .roles([Role::Analyst])
        .tier(SubscriptionTier::Pro)
        .send()
        .await
        .unwrap();
    let nobody = harness.get("/notes").send().await.unwrap();
    let user = harness.get("/notes").as_user("u-2").send().await.unwrap();
    let expired = harness.tokens().unwrap().expired();
    let stale = harness.get("/notes").bearer(expired).send().await.unwrap();
    let admin_token = harness
        .tokens()
        .unwrap()
        .user("a-1")
        .roles([Role::Analyst])
        .issue();
    let as_admin = harness.client_as(admin_token);
    let first = as_admin.get("/notes").send().await.unwrap();
    let second = as_admin
        .post("/echo")
        .json(&json!([1]))
        .send()
        .await
        .unwrap();

    assert_eq!(analyst.status(), 200);
    assert_eq!(
        analyst.json::<Value>().unwrap(),
        json!({ "user": "u-1", "org": "acme" })
    );
    assert_eq!(analyst.request(), "GET /api/v1/notes as u-1");
    assert_eq!(nobody.status(), 401);
    assert!(
        nobody
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    assert_eq!(user.status(), 403);
    assert_eq!(stale.status(), 401);
    assert_eq!(first.json::<Value>().unwrap()["user"], "a-1");
    assert_eq!(
        second.json::<Value>().unwrap(),
        json!({ "user": "a-1", "body": [1] })
    );
}

#[tokio::test]
async fn routes_are_addressed_under_the_api_prefix_and_bodies_go_as_sent() {
    let platform = Platform::start().await;
    let tokens = TestTokens::hs256();
    let harness = ModuleHarness::builder(Notes {
        prefix: Some("/notes/v2/"),
    })
    .config(platform.config(&tokens))
    .tokens(tokens)
    .start()
    .await
    .unwrap();

    let echoed = harness
        .post("echo")
        .as_user("u-1")
        .json(&json!({ "text": "hello" }))
        .send()
        .await
        .unwrap();

    assert_eq!(harness.api_prefix(), "/notes/v2");
    assert_eq!(
        harness.url("/echo"),
        format!("http://{}/notes/v2/echo", harness.local_addr())
    );
    assert_eq!(echoed.status(), 200);
    assert_eq!(
        echoed.json::<Value>().unwrap(),
        json!({ "user": "u-1", "body": { "text": "hello" } })
    );
    let old_prefix = harness.request_root(http::Method::POST, "/api/v1/echo");
    assert_eq!(
        old_prefix.as_user("u-1").send().await.unwrap().status(),
        404
    );
}

#[tokio::test]
async fn health_ready_and_metrics_are_read() {
    let platform = Platform::start().await;
    let harness = platform.harness().await;

    let health = harness.health().await.unwrap();
    let ready = harness.ready().await.unwrap();
    let metrics = harness.metrics().await.unwrap();

    assert_eq!(health["status"], "healthy");
    assert_eq!(ready.status(), 200);
    let ready = ready.json::<Value>().unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        ready["checks"]["registered"]["result"]["module_id"],
        MODULE_ID
    );
    assert!(metrics.contains("lift_module_registered 1"), "{metrics}");
}

#[tokio::test]
async fn the_registry_sees_the_registration_then_the_deregistration_at_shutdown() {
    let platform = Platform::start().await;
    let harness = platform.harness().await;
    let base_url = harness.base_url().to_owned();
    assert_eq!(
        harness.module_id().unwrap().to_string(),
        MODULE_ID,
        "start waits for the registration"
    );
    assert!(
        platform
            .registry
            .received_on("DELETE", "/modules/{id}")
            .is_empty()
    );

    harness.shutdown().await.unwrap();

    let registrations = platform.registry.received_on("POST", "/modules");
    assert_eq!(registrations.len(), 1);
    let manifest = registrations[0].body_json().unwrap();
    assert_eq!(
        (&manifest["name"], &manifest["base_url"]),
        (&json!("notes"), &json!(base_url))
    );
    assert!(registrations[0].through_gateway);
    let caller = registrations[0].caller.as_ref().unwrap();
    assert_eq!(
        (caller.user_id.as_str(), caller.by_token),
        ("module-notes", true)
    );
    let deletions = platform.registry.received_on("DELETE", "/modules/{id}");
    assert_eq!(deletions.len(), 1);
    assert_eq!(deletions[0].path, format!("/modules/{MODULE_ID}"));
    assert!(deletions[0].at >= registrations[0].at);
}

#[tokio::test]
async fn an_invalid_configuration_is_the_start_error_and_nothing_registers() {
    let platform = Platform::start().await;

    // No credentials to register with, and no JWT_SECRET to verify callers with.
    let no_credentials = ModuleHarness::builder(notes())
        .config(LiftConfig::new(&platform.gateway.uri()).unwrap())
        .tokens(TestTokens::hs256())
        .start()
        .await
        .unwrap_err();
    let no_config = ModuleHarness::builder(notes()).start().await.unwrap_err();

    match &no_credentials {
        HarnessError::Start(ServeError::Config(err)) => {
            assert!(err.to_string().contains("no credentials"), "{err}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(matches!(no_config, HarnessError::NoConfig), "{no_config:?}");
    assert!(platform.registry.received().is_empty());
}

#[tokio::test]
async fn an_invalid_manifest_is_the_start_error() {
    struct Nameless;
    impl LiftModule for Nameless {
        fn manifest(&self) -> ManifestSource {
            ModuleManifest::new("", "1.0.0").into()
        }
        fn routes(&self) -> Router {
            Router::new()
        }
    }
    let platform = Platform::start().await;
    let tokens = TestTokens::hs256();

    let err = ModuleHarness::builder(Nameless)
        .config(platform.config(&tokens))
        .start()
        .await
        .unwrap_err();

    assert!(
        matches!(err, HarnessError::Start(ServeError::Manifest { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_registration_the_registry_refuses_ends_the_start_naming_why() {
    let platform = Platform::start().await;
    wiremock::Mock::given(platform.registry.route("POST", "/modules"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({ "detail": "Insufficient permissions" })),
        )
        .mount(platform.registry.server())
        .await;
    let tokens = TestTokens::hs256();

    let err = ModuleHarness::builder(notes())
        .config(platform.config(&tokens))
        .start_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap_err();

    let HarnessError::NotRegistered { waited, state } = &err else {
        panic!("expected NotRegistered, got {err:?}");
    };
    assert!(*waited >= Duration::from_millis(300), "{waited:?}");
    let RegistrationState::Pending {
        attempts,
        last_error,
    } = state
    else {
        panic!("expected a pending registration, got {state:?}");
    };
    assert!(*attempts >= 1);
    assert!(
        last_error.as_deref().unwrap().contains("403"),
        "{last_error:?}"
    );
    assert!(
        err.to_string()
            .starts_with("the module was not registered after 3"),
        "{err}"
    );
}

#[tokio::test]
async fn requests_that_cannot_be_built_are_named_and_not_sent() {
    let platform = Platform::start().await;
    let tokens = TestTokens::hs256();
    let harness = ModuleHarness::builder(notes())
        .config(platform.config(&tokens))
        .auth(lift_sdk::auth::JwtAuthLayer::new(tokens.verifier()))
        .start()
        .await
        .unwrap();

    // No tokens given to the harness: it cannot mint a user's.
    let no_tokens = harness
        .get("/notes")
        .as_user("u-1")
        .send()
        .await
        .unwrap_err();
    let bad_header = harness
        .get("/notes")
        .header("x-note", "line\nbreak")
        .send()
        .await
        .unwrap_err();
    let token = tokens.user("u-1").roles([Role::Analyst]).issue();
    let answer = harness.get("/notes").bearer(token).send().await.unwrap();
    let wrong_shape = answer.json::<Vec<String>>().unwrap_err();

    assert!(
        no_tokens
            .to_string()
            .starts_with("GET /api/v1/notes as u-1: as_user needs TestTokens"),
        "{no_tokens}"
    );
    assert!(
        bad_header
            .to_string()
            .starts_with("GET /api/v1/notes: header `x-note`"),
        "{bad_header}"
    );
    assert!(
        matches!(&wrong_shape, HarnessError::Decode { request, status, .. }
            if request == "GET /api/v1/notes with a bearer token" && *status == 200),
        "{wrong_shape:?}"
    );
    let status = answer.expect_status(201).unwrap_err();
    assert!(
        status
            .to_string()
            .starts_with("GET /api/v1/notes with a bearer token: answered 200 OK"),
        "{status}"
    );
}

#[tokio::test]
async fn rs256_tokens_are_verified_through_their_jwks() {
    let platform = Platform::start().await;
    let tokens = TestTokens::rs256_with_jwks().await;
    // Registration still needs credentials: a direct identity would do too.
    let config = LiftConfig::new(&platform.gateway.uri())
        .unwrap()
        .jwt_secret(lift_testkit::tokens::TEST_SECRET);
    let harness = ModuleHarness::builder(notes())
        .config(config)
        .tokens(tokens)
        .start()
        .await
        .unwrap();

    let analyst = harness
        .get("/notes")
        .as_user("u-1")
        .roles([Role::Analyst])
        .send()
        .await
        .unwrap();
    let forged = harness.tokens().unwrap().wrong_signature();
    let forged = harness.get("/notes").bearer(forged).send().await.unwrap();

    assert_eq!(analyst.status(), 200);
    assert_eq!(forged.status(), 401);
    assert_eq!(harness.tokens().unwrap().jwks_requests().await, 1);
}

#[tokio::test(start_paused = true)]
async fn without_registration_the_harness_works_on_a_paused_clock() {
    let tokens = TestTokens::hs256();
    // Nothing listens there: the module never calls the platform in this test.
    let config = LiftConfig::new("http://127.0.0.1:9").unwrap();
    let harness = ModuleHarness::builder(notes())
        .config(config)
        .tokens(tokens)
        .without_registration()
        .start()
        .await
        .unwrap();
    let started = tokio::time::Instant::now();

    let answer = harness
        .get("/notes")
        .as_user("u-1")
        .roles([Role::Analyst])
        .send()
        .await
        .unwrap();
    let ready = harness.ready().await.unwrap();

    assert_eq!(answer.status(), 200);
    assert_eq!(ready.status(), 200);
    assert_eq!(harness.module_id(), None);
    assert_eq!(
        harness.running().registration(),
        RegistrationState::Disabled
    );
    harness.shutdown().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn dropping_a_running_harness_returns_at_once() {
    let platform = Platform::start().await;
    let harness = platform.harness().await;
    let addr = harness.local_addr();

    drop(harness);

    // The shutdown goes on in the background; readiness already says so.
    let ready = reqwest::get(format!("http://{addr}/ready")).await;
    if let Ok(ready) = ready {
        assert_eq!(ready.status(), 503);
    }
}

#[tokio::test(start_paused = true)]
async fn on_a_paused_clock_registration_and_deregistration_are_exact() {
    let platform = Platform::start().await;
    let harness = platform.harness().await;

    let answer = harness
        .get("/notes")
        .as_user("u-1")
        .roles([Role::Analyst])
        .send()
        .await
        .unwrap();
    harness.shutdown().await.unwrap();

    assert_eq!(answer.status(), 200);
    let seen: Vec<String> = platform
        .registry
        .received()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        seen,
        [
            "GET /modules".to_owned(),
            "POST /modules".to_owned(),
            format!("DELETE /modules/{MODULE_ID}"),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn on_a_paused_clock_a_failed_registration_is_retried_once_the_clock_is_released() {
    let platform = Platform::start().await;
    wiremock::Mock::given(platform.registry.route("POST", "/modules"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({ "detail": "busy" })))
        .up_to_n_times(1)
        .mount(platform.registry.server())
        .await;

    // The first attempt fails; its backoff waits on the clock, which the harness holds for
    // two seconds of real time, then releases: the retry goes on the paused clock.
    let harness = platform.harness().await;

    assert_eq!(harness.module_id().unwrap().to_string(), MODULE_ID);
    // Once released, the paused clock jumps while the module waits on the mock, so the
    // traffic after the first attempt is not exact.
    assert!(platform.registry.received_on("POST", "/modules").len() >= 2);
}

#[test]
fn the_harness_and_its_answers_can_cross_threads() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<ModuleHarness>();
    shareable::<lift_testkit::harness::HarnessResponse>();
    shareable::<HarnessError>();
}
