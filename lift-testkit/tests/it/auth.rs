//! `MockAuth` through lift-auth's client and login session, directly and through the
//! gateway mock (with `MockMemory` behind it too).

use std::sync::Arc;

use lift_auth::{LoginSession, RegisterRequest, Role, SubscriptionTier};
use lift_memory_client::MemoryClient;
use lift_testkit::mocks::{MockAuth, MockMemory, MockService};
use lift_testkit::openapi::Service;
use serde_json::{Value, json};

#[tokio::test]
async fn the_seeded_admin_logs_in_with_a_token_the_kit_s_verifier_accepts() {
    let auth = MockAuth::start().await;
    auth.expect_login(MockAuth::ADMIN_EMAIL).times(1);

    let session = auth
        .client()
        .login(MockAuth::ADMIN_EMAIL, MockAuth::ADMIN_PASSWORD)
        .await
        .unwrap();

    assert_eq!(session.token_type, "bearer");
    assert_eq!(session.expires_in_secs, Some(86_400));
    let user = session.user.as_ref().unwrap();
    assert_eq!(user.email, "admin@lift.dev");
    assert_eq!(user.username.as_deref(), Some("admin"));
    assert_eq!(user.full_name.as_deref(), Some("Admin User"));
    assert_eq!((user.is_active, user.is_verified), (Some(true), Some(true)));
    assert!(user.last_login.is_some() && user.created_at.is_none());
    let claims = auth
        .tokens()
        .verifier()
        .verify(session.access_token.expose())
        .unwrap();
    assert_eq!(claims.sub, user.id);
    assert_eq!(claims.org_id, user.id);
    assert_eq!(claims.roles, [Role::User, Role::Admin]);
    assert_eq!(claims.subscription_tier, SubscriptionTier::Enterprise);
    assert_eq!(claims.memory_context, format!("org_{}_context", user.id));
    assert_eq!(Some(user.id.clone()), auth.user_id(MockAuth::ADMIN_EMAIL));
    let sent = auth.received_on("POST", "/login");
    assert_eq!(
        sent[0].json::<Value>().unwrap(),
        json!({ "email": "admin@lift.dev", "password": "admin123" })
    );
    let logins = auth.logins();
    assert_eq!(logins.len(), 1);
    assert_eq!(
        (logins[0].email.as_str(), logins[0].password.as_str()),
        ("admin@lift.dev", "admin123")
    );
    assert!(!format!("{:?}", logins[0]).contains("admin123"));
    auth.verify().await;
}

#[tokio::test]
async fn wrong_passwords_and_unknown_emails_get_401_invalid_credentials() {
    let auth = MockAuth::start().await;
    let client = auth.client();

    let wrong = client
        .login(MockAuth::ADMIN_EMAIL, "nope")
        .await
        .unwrap_err();
    let unknown = client.login("nobody@example.com", "x").await.unwrap_err();

    for err in [wrong, unknown] {
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
        assert_eq!(
            err.api_error().and_then(|e| e.message()),
            Some("Invalid credentials")
        );
    }
}

#[tokio::test]
async fn a_registered_user_logs_in_and_duplicates_are_refused_like_the_reference() {
    let auth = MockAuth::start().await;
    auth.expect_register("ana@example.com").times(2);
    let client = auth.client();

    let registered = client
        .register(&RegisterRequest::new(
            "ana@example.com",
            "s3cret!",
            "ana",
            "Ana A",
        ))
        .await
        .unwrap();
    let same_email = client
        .register(&RegisterRequest::new(
            "ana@example.com",
            "x",
            "ana2",
            "Ana B",
        ))
        .await
        .unwrap_err();
    let same_username = client
        .register(&RegisterRequest::new(
            "ana2@example.com",
            "x",
            "ana",
            "Ana C",
        ))
        .await
        .unwrap_err();
    let login = client.login("ana@example.com", "s3cret!").await.unwrap();

    let user = registered.user.as_ref().unwrap();
    assert_eq!(
        (user.is_verified, user.created_at.is_some()),
        (Some(false), true)
    );
    assert_eq!(login.user.as_ref().unwrap().id, user.id);
    let claims = auth
        .tokens()
        .verifier()
        .verify(login.access_token.expose())
        .unwrap();
    assert_eq!(
        (claims.email.as_str(), claims.roles),
        ("ana@example.com", vec![Role::User])
    );
    let details: Vec<Option<String>> = [same_email, same_username]
        .iter()
        .map(|err| err.api_error().and_then(|e| e.message()).map(str::to_owned))
        .collect();
    assert_eq!(
        details,
        [
            Some("User with this email already exists".to_owned()),
            Some("Username already taken".to_owned())
        ]
    );
    assert_eq!(auth.registrations().len(), 3);
    auth.verify().await;
}

#[tokio::test]
async fn login_session_token_then_verify_round_trip() {
    let auth = MockAuth::start().await;
    let ana = auth.add_user("ana@example.com", "s3cret!");
    let session = LoginSession::new(auth.client(), "ana@example.com", "s3cret!");

    let token = session.token().await.unwrap();
    let verified = auth.client().verify(token.expose()).await.unwrap();
    let refreshed = auth.client().refresh(token.expose()).await.unwrap();

    assert!(verified.valid);
    let user = verified.user.unwrap();
    assert_eq!(
        (user.id.as_str(), user.email.as_str()),
        (ana.as_str(), "ana@example.com")
    );
    assert_eq!(verified.claims.unwrap()["org_id"], ana);
    assert!(refreshed.user.is_none());
    assert_eq!(refreshed.expires_in_secs, Some(86_400));
    let claims = auth
        .tokens()
        .verifier()
        .verify(refreshed.access_token.expose())
        .unwrap();
    assert_eq!(claims.sub, ana);
    assert_eq!(auth.logins().len(), 1);
}

#[tokio::test]
async fn verify_without_a_bearer_is_403_and_with_a_bad_token_401() {
    let auth = MockAuth::start().await;
    let raw = reqwest::Client::new();

    let missing = raw
        .post(format!("{}/verify", auth.uri()))
        .send()
        .await
        .unwrap();
    let bad = auth.client().verify("not.a.jwt").await.unwrap_err();
    let unknown_user = auth
        .client()
        .verify(&auth.tokens().user("nobody").issue())
        .await
        .unwrap_err();

    assert_eq!(missing.status().as_u16(), 403);
    assert_eq!(
        missing.json::<Value>().await.unwrap(),
        json!({ "detail": "Not authenticated" })
    );
    assert_eq!(bad.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        bad.api_error().and_then(|e| e.message()),
        Some("Invalid or expired token")
    );
    assert_eq!(
        unknown_user.api_error().and_then(|e| e.message()),
        Some("User not found or inactive")
    );
}

#[tokio::test]
async fn invalid_requests_get_fastapi_422() {
    let auth = MockAuth::start().await;
    let raw = reqwest::Client::new();

    let missing = raw
        .post(format!("{}/register", auth.uri()))
        .json(&json!({ "email": "bob@example.com" }))
        .send()
        .await
        .unwrap();
    let bad_email = auth.client().login("not-an-email", "x").await.unwrap_err();

    assert_eq!(missing.status().as_u16(), 422);
    let body: Value = missing.json().await.unwrap();
    let mut locs: Vec<Value> = body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["loc"].clone())
        .collect();
    locs.sort_by_key(ToString::to_string);
    assert_eq!(
        locs,
        [
            json!(["body", "full_name"]),
            json!(["body", "password"]),
            json!(["body", "username"])
        ]
    );
    assert_eq!(bad_email.status().map(|s| s.as_u16()), Some(422));
    assert!(auth.user_id("bob@example.com").is_none());
}

#[tokio::test]
async fn health_and_readiness() {
    let auth = MockAuth::start().await;
    let client = auth.client();

    let health = client.health().await.unwrap();
    let ready = client.ready().await.unwrap();

    assert_eq!(
        (health.status.as_str(), health.service.as_deref()),
        ("healthy", Some("auth"))
    );
    assert_eq!(ready.status, "ready");
    assert_eq!(ready.checks["database"].status, "ready");
}

#[tokio::test]
async fn through_the_gateway_a_login_session_s_token_reaches_memory_as_the_user() {
    let gateway = MockService::start(Service::Gateway).await;
    let auth = MockAuth::behind(&gateway).await;
    let memory = MockMemory::behind(&gateway).await;
    let admin = auth.user_id(MockAuth::ADMIN_EMAIL).unwrap();
    auth.expect_login(MockAuth::ADMIN_EMAIL).times(1);
    memory.expect_store().as_user(admin.clone()).times(1);
    let session = LoginSession::new(
        auth.gateway_client(),
        MockAuth::ADMIN_EMAIL,
        MockAuth::ADMIN_PASSWORD,
    );
    let client = MemoryClient::builder()
        .gateway_url(gateway.uri())
        .auth(Arc::new(session))
        .build()
        .unwrap();

    let stored = client.store("admin's note").await.unwrap();
    let found = client.search("note").await.unwrap();

    assert!(
        stored
            .memory_id
            .as_str()
            .starts_with(&format!("memory_{admin}_"))
    );
    assert_eq!(found.results[0].id, stored.memory_id);
    assert_eq!(memory.memories(&admin).len(), 1);
    let (_, caller) = &memory.stored()[0];
    let caller = caller.as_ref().unwrap();
    assert_eq!(caller.org_id.as_deref(), Some(admin.as_str()));
    assert_eq!(caller.roles, ["user", "admin"]);
    assert!(auth.received().iter().all(|r| r.through_gateway));
    auth.verify().await;
    memory.verify().await;
}
