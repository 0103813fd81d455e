//! The auth-service client, token providers and remote JWKS, against wiremock.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use lift_auth::{
    AuthClient, AuthErrorKind, LoginSession, RegisterRequest, Role, ServiceTokenSigner,
    StaticToken, TokenVerifier, UserContext, UserContextHeaders,
};
use lift_sdk_core::{AuthProvider, Transport};
use lift_testkit::openapi::{CheckedServer, Service};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::jwks::{issuer, jwks};
use crate::support::{SECRET, fixture, hs_issuer};

fn capture_body(name: &str) -> Value {
    let capture: Value =
        serde_json::from_str(&fixture(&format!("liftos-captures/compat/{name}.json"))).unwrap();
    capture["response"]["body"].clone()
}

fn login_body(expires_in: u64) -> Value {
    let mut body = capture_body("14-auth-login");
    body["data"]["expires_in"] = json!(expires_in);
    body
}

#[tokio::test]
async fn login_and_register_directly_and_through_the_gateway_prefix() {
    let server = CheckedServer::start(Service::Auth).await;
    for prefix in ["", "/auth"] {
        Mock::given(method("POST"))
            .and(path(format!("{prefix}/login")))
            .respond_with(ResponseTemplate::new(200).set_body_json(login_body(86_400)))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("{prefix}/register")))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(capture_body("11-auth-register")),
            )
            .mount(&server)
            .await;
    }
    for base in [server.uri(), format!("{}/auth", server.uri())] {
        let client = AuthClient::new(Transport::new(&base).unwrap());
        let session = client.login("ana@example.com", "s3cret!").await.unwrap();
        assert_eq!(session.token_type, "bearer");
        assert_eq!(session.expires_in(), Some(Duration::from_secs(86_400)));
        let user = session.user.unwrap();
        assert_eq!(user.email, "ana@example.com");
        assert!(user.last_login.is_some() && user.created_at.is_none());
        assert!(!format!("{:?}", session.access_token).contains("eyJ"));

        let request = RegisterRequest::new("ana@example.com", "s3cret!", "ana", "Ana A");
        let registered = client.register(&request).await.unwrap();
        assert!(registered.user.unwrap().created_at.is_some());
    }
}

#[tokio::test]
async fn wrong_password_is_a_status_error_with_detail() {
    let server = CheckedServer::start(Service::Auth).await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid credentials"})),
        )
        .mount(&server)
        .await;
    let client = AuthClient::new(Transport::new(&server.uri()).unwrap());
    let err = client.login("ana@example.com", "nope").await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn login_session_logs_in_once_for_100_concurrent_callers() {
    let server = CheckedServer::start(Service::Auth).await;
    Mock::given(method("POST"))
        .and(path("/auth/login"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(login_body(86_400))
                .set_delay(Duration::from_millis(50)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = AuthClient::new(Transport::new(&format!("{}/auth", server.uri())).unwrap());
    let session = LoginSession::new(client, "ana@example.com", "s3cret!");
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let session = session.clone();
        tasks.push(tokio::spawn(async move {
            let mut headers = HeaderMap::new();
            session.authorize(&mut headers).await.unwrap();
            headers[http::header::AUTHORIZATION]
                .to_str()
                .unwrap()
                .to_owned()
        }));
    }
    let mut values = Vec::new();
    for task in tasks {
        values.push(task.await.unwrap());
    }
    assert!(
        values
            .iter()
            .all(|v| v == &values[0] && v.starts_with("Bearer "))
    );
    assert!(!format!("{session:?}").contains("s3cret"));
    server.verify().await;
}

fn refresh_body(token: &str) -> Value {
    json!({
        "success": true, "message": "Token refreshed",
        "data": {"access_token": token, "token_type": "bearer", "expires_in": 3600}
    })
}

/// Half of a 2 s lifetime: past the renewal point, before expiry.
const INTO_RENEWAL: Duration = Duration::from_millis(1200);

/// Moves tokio's clock forward by `by` without waiting, then lets it run on again, so the
/// HTTP calls that follow (which arm real time-outs) are not skipped ahead by the paused clock.
async fn skip(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

#[tokio::test]
async fn login_session_renews_before_expiry_and_falls_back_to_login_when_refresh_fails() {
    let server = CheckedServer::start(Service::Auth).await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(login_body(2)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/refresh"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"detail": "Token refresh failed"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = AuthClient::new(Transport::new(&server.uri()).unwrap());
    let session = LoginSession::new(client, "ana@example.com", "s3cret!");
    session.token().await.unwrap();
    // Still valid, but within the renewal window: /refresh is tried, fails, and the session
    // logs in again before the token expires.
    skip(INTO_RENEWAL).await;
    session.token().await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn login_session_uses_a_working_refresh() {
    let server = CheckedServer::start(Service::Auth).await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(login_body(2)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/refresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(refresh_body("renewed.token.x")))
        .expect(1)
        .mount(&server)
        .await;
    let client = AuthClient::new(Transport::new(&server.uri()).unwrap());
    let session = LoginSession::new(client, "ana@example.com", "s3cret!");
    let first = session.token().await.unwrap();
    skip(INTO_RENEWAL).await;
    let renewed = session.token().await.unwrap();
    assert_ne!(renewed, first);
    assert_eq!(renewed.expose(), "renewed.token.x");
    // A 3600 s token is not renewed again right away.
    assert_eq!(session.token().await.unwrap(), renewed);
    server.verify().await;
}

#[tokio::test]
async fn a_failed_renewal_keeps_the_unexpired_token() {
    let server = CheckedServer::start(Service::Auth).await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(login_body(2)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"detail": "Login failed"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = AuthClient::new(Transport::new(&server.uri()).unwrap());
    let session = LoginSession::builder(client, "ana@example.com", "s3cret!")
        .try_refresh(false)
        .build();
    let first = session.token().await.unwrap();
    skip(INTO_RENEWAL).await;
    // The renewal fails: the token, still valid, keeps serving …
    assert_eq!(session.token().await.unwrap(), first);
    // … and the next requests do not each retry the login.
    assert_eq!(session.token().await.unwrap(), first);
    server.verify().await;
}

#[tokio::test]
async fn an_absurd_expires_in_does_not_panic() {
    let server = CheckedServer::start(Service::Auth).await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(login_body(u64::MAX)))
        .expect(1)
        .mount(&server)
        .await;
    let client = AuthClient::new(Transport::new(&server.uri()).unwrap());
    let session = LoginSession::new(client, "ana@example.com", "s3cret!");
    let token = session.token().await.unwrap();
    assert_eq!(session.token().await.unwrap(), token);
    server.verify().await;
}

#[tokio::test]
async fn login_failure_without_a_token_is_an_error() {
    let server = CheckedServer::start(Service::Auth).await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid credentials"})),
        )
        .mount(&server)
        .await;
    let client = AuthClient::new(Transport::new(&server.uri()).unwrap());
    let session = LoginSession::new(client, "ana@example.com", "wrong-password");
    let err = session.token().await.unwrap_err();
    assert!(!format!("{err:?}").contains("wrong-password"));
    assert!(!err.to_string().contains("wrong-password"));
}

#[tokio::test]
async fn static_token_and_user_context_headers() {
    let provider: Box<dyn AuthProvider> = Box::new(StaticToken::new("abc.def.ghi"));
    let mut headers = HeaderMap::new();
    provider.authorize(&mut headers).await.unwrap();
    assert_eq!(headers[http::header::AUTHORIZATION], "Bearer abc.def.ghi");
    assert!(headers[http::header::AUTHORIZATION].is_sensitive());
    assert!(!format!("{provider:?}").contains("abc.def"));

    let ctx = UserContext::new("u", "o")
        .with_roles([Role::User, Role::Admin])
        .with_module_id("m");
    let provider: Arc<dyn AuthProvider> = Arc::new(UserContextHeaders::new(ctx));
    let mut headers = HeaderMap::new();
    provider.authorize(&mut headers).await.unwrap();
    assert_eq!(headers.len(), 5);
    assert_eq!(headers["x-user-roles"], "user,admin");
    assert!(!headers.contains_key(http::header::AUTHORIZATION));
}

#[tokio::test]
async fn service_token_signer_mints_verifiable_short_lived_tokens() {
    let signer = ServiceTokenSigner::new(
        hs_issuer(),
        UserContext::new("svc-ingest", "platform").with_roles([Role::Developer]),
    )
    .ttl(Duration::from_secs(120));
    let mut headers = HeaderMap::new();
    signer.authorize(&mut headers).await.unwrap();
    let value = headers[http::header::AUTHORIZATION].to_str().unwrap();
    let token = value.strip_prefix("Bearer ").unwrap();
    let claims = TokenVerifier::hs256(SECRET).unwrap().verify(token).unwrap();
    assert_eq!(claims.sub, "svc-ingest");
    assert_eq!(claims.roles, [Role::Developer]);
    // `iat` is set 5 s back (the reference checks it with zero leeway); `exp` is now + ttl.
    assert_eq!(claims.exp.as_secs() - claims.iat.unwrap().as_secs(), 125);
    // Reused while fresh.
    assert_eq!(signer.token().unwrap(), signer.token().unwrap());
}

#[tokio::test]
async fn service_tokens_signed_with_rs256_verify_through_the_published_jwks() {
    let issuer = lift_auth::TokenIssuer::builder()
        .rs256_pem(crate::support::key("rsa-private.pem"))
        .kid("svc-1")
        .issuer("https://auth.lift.dev")
        .audience("lift")
        .build()
        .unwrap();
    let verifier = TokenVerifier::builder()
        .jwks_json(jwks(&[&issuer]).to_string())
        .issuer("https://auth.lift.dev")
        .audience("lift")
        .build()
        .unwrap();
    let signer = ServiceTokenSigner::new(issuer, UserContext::new("svc-ingest", "platform"));
    let claims = verifier.verify(signer.token().unwrap().expose()).unwrap();
    assert_eq!(claims.sub, "svc-ingest");
    assert_eq!(claims.memory_context, "org_platform_context");

    // An absurd ttl does not panic; its out-of-range `exp` is refused, not trusted.
    let forever = signer.ttl(Duration::MAX);
    assert!(verifier.verify(forever.token().unwrap().expose()).is_err());
}

async fn jwks_server(body: &Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn remote_jwks_rotation_picks_up_a_new_kid() {
    let one = issuer("rsa-private.pem", "k1");
    let two = issuer("rsa2-private.pem", "k2");
    let server = jwks_server(&jwks(&[&one])).await;
    let verifier = TokenVerifier::builder()
        .jwks_url(format!("{}/jwks.json", server.uri()))
        .allow_http_jwks(true)
        .jwks_refresh_interval(Duration::ZERO)
        .build()
        .unwrap();
    let t1 = one.issue(&one.claims("u", "o", "e")).unwrap();
    let t2 = two.issue(&two.claims("u", "o", "e")).unwrap();
    // Nothing cached yet: the sync path cannot fetch.
    assert_eq!(
        verifier.verify(&t1).unwrap_err().kind(),
        AuthErrorKind::UnknownKey
    );
    assert!(verifier.verify_async(&t1).await.is_ok());
    assert!(verifier.verify(&t1).is_ok());

    // The issuer rotates: k2 appears in the set.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks(&[&one, &two])))
        .mount(&server)
        .await;
    assert!(verifier.verify_async(&t2).await.is_ok());
    assert!(verifier.verify_async(&t1).await.is_ok());
}

#[tokio::test]
async fn remote_jwks_refresh_is_rate_limited() {
    let one = issuer("rsa-private.pem", "k1");
    let two = issuer("rsa2-private.pem", "k2");
    let server = jwks_server(&jwks(&[&one])).await;
    let verifier = TokenVerifier::builder()
        .jwks_url(format!("{}/jwks.json", server.uri()))
        .allow_http_jwks(true)
        .jwks_refresh_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    verifier.refresh_jwks().await.unwrap();
    let t2 = two.issue(&two.claims("u", "o", "e")).unwrap();
    for _ in 0..5 {
        let err = verifier.verify_async(&t2).await.unwrap_err();
        assert_eq!(err.kind(), AuthErrorKind::UnknownKey);
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn last_good_keys_keep_serving_while_the_endpoint_is_down() {
    let one = issuer("rsa-private.pem", "k1");
    let two = issuer("rsa2-private.pem", "k2");
    let server = jwks_server(&jwks(&[&one])).await;
    let verifier = TokenVerifier::builder()
        .jwks_url(format!("{}/jwks.json", server.uri()))
        .allow_http_jwks(true)
        .jwks_refresh_interval(Duration::ZERO)
        .build()
        .unwrap();
    verifier.refresh_jwks().await.unwrap();
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let t1 = one.issue(&one.claims("u", "o", "e")).unwrap();
    let t2 = two.issue(&two.claims("u", "o", "e")).unwrap();
    assert!(verifier.verify_async(&t1).await.is_ok());
    assert_eq!(
        verifier.verify_async(&t2).await.unwrap_err().kind(),
        AuthErrorKind::UnknownKey
    );
    assert_eq!(
        verifier.refresh_jwks().await.unwrap_err().kind(),
        AuthErrorKind::KeyUnavailable
    );
    assert!(verifier.verify(&t1).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_use_fetches_once_and_serves_every_caller() {
    let one = issuer("rsa-private.pem", "k1");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(jwks(&[&one]))
                .set_delay(Duration::from_millis(50)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let verifier = TokenVerifier::builder()
        .jwks_url(format!("{}/jwks.json", server.uri()))
        .allow_http_jwks(true)
        .build()
        .unwrap();
    // Tokens with and without a kid: neither kind may be turned away while another caller's
    // fetch is in flight.
    let with_kid = one.issue(&one.claims("u", "o", "e")).unwrap();
    let no_kid_issuer = lift_auth::TokenIssuer::builder()
        .rs256_pem(crate::support::key("rsa-private.pem"))
        .build()
        .unwrap();
    let without_kid = no_kid_issuer
        .issue(&no_kid_issuer.claims("u", "o", "e"))
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let verifier = verifier.clone();
        let token = if i % 2 == 0 {
            with_kid.clone()
        } else {
            without_kid.clone()
        };
        tasks.push(tokio::spawn(
            async move { verifier.verify_async(&token).await },
        ));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    server.verify().await;
}

#[tokio::test]
async fn no_keys_and_endpoint_down_is_key_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let verifier = TokenVerifier::builder()
        .jwks_url(format!("{}/jwks.json", server.uri()))
        .allow_http_jwks(true)
        .build()
        .unwrap();
    let one = issuer("rsa-private.pem", "k1");
    let token = one.issue(&one.claims("u", "o", "e")).unwrap();
    let err = verifier.verify_async(&token).await.unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::KeyUnavailable);
    assert_eq!(err.status(), http::StatusCode::SERVICE_UNAVAILABLE);
    // Within the refresh interval: no new fetch, still unavailable (not "unknown key").
    let err = verifier.verify_async(&token).await.unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::KeyUnavailable);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn verify_sends_the_bearer() {
    let server = CheckedServer::start(Service::Auth).await;
    Mock::given(method("POST"))
        .and(path("/verify"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true, "message": "ok",
            "data": {"valid": true, "user": {"id": "u", "email": "e"}, "claims": {"sub": "u"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = AuthClient::new(Transport::new(&server.uri()).unwrap());
    let verified = client.verify("tok").await.unwrap();
    assert!(verified.valid);
}
