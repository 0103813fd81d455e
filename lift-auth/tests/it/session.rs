//! LoginSession and ServiceTokenSigner under failure: shared login errors, back-off, the
//! refused token after a 401, errors that keep the login's cause.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue, StatusCode};
use lift_auth::{AuthClient, LoginSession, ServiceTokenSigner, Token, TokenVerifier, UserContext};
use lift_sdk_core::{AuthProvider, ErrorKind, Transport};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{SECRET, fixture, hs_issuer};

fn login_body(token: &str) -> Value {
    let capture: Value =
        serde_json::from_str(&fixture("liftos-captures/compat/14-auth-login.json")).unwrap();
    let mut body = capture["response"]["body"].clone();
    body["data"]["access_token"] = json!(token);
    body["data"]["expires_in"] = json!(86_400);
    body
}

fn invalid_credentials() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid credentials"}))
}

async fn logins(server: &MockServer) -> usize {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.iter().filter(|r| r.url.path() == "/login").count()
}

fn session(server: &MockServer, password: &str) -> LoginSession {
    let client = AuthClient::new(Transport::new(&server.uri()).unwrap());
    LoginSession::builder(client, "ana@example.com", password)
        .try_refresh(false)
        .build()
}

fn bearer(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    headers.insert(AUTHORIZATION, value);
    headers
}

/// Moves tokio's clock forward without waiting, then lets real time run again (the HTTP
/// calls that follow arm real time-outs).
async fn skip(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

#[tokio::test]
async fn a_wrong_password_error_carries_the_login_status_detail_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(invalid_credentials().insert_header("x-request-id", "from-the-server"))
        .mount(&server)
        .await;
    let err = session(&server, "wrong-password")
        .token()
        .await
        .unwrap_err();

    let sent = server.received_requests().await.unwrap();
    let sent_id = sent[0].headers["x-request-id"].to_str().unwrap();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(err.is_unauthorized());
    let api_error = err.api_error().expect("the login's decoded body");
    assert_eq!(api_error.message(), Some("Invalid credentials"));
    assert_eq!(err.request_id(), Some(sent_id));
    let text = err.to_string();
    assert!(
        text.contains("401") && text.contains("Invalid credentials"),
        "{text}"
    );
    assert!(!text.contains("wrong-password") && !format!("{err:?}").contains("wrong-password"));
    let source = std::error::Error::source(&err).expect("the login's own error");
    assert!(source.to_string().contains("POST /login"), "{source}");
}

#[tokio::test]
async fn a_failed_login_is_shared_by_40_waiting_callers_then_backs_off() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(invalid_credentials().set_delay(Duration::from_millis(100)))
        .mount(&server)
        .await;
    let session = session(&server, "wrong-password");

    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let session = session.clone();
            tokio::spawn(async move { session.token().await })
        })
        .collect();
    for task in tasks {
        let err = task.await.unwrap().unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(
            err.api_error().and_then(|e| e.message()),
            Some("Invalid credentials")
        );
    }
    assert_eq!(logins(&server).await, 1, "one login for 40 callers");

    // Right after: the failure is handed out again, no new login.
    let again = session.token().await.unwrap_err();
    assert_eq!(again.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(logins(&server).await, 1, "no login during the back-off");

    // After the (at most one second) first pause, one new attempt.
    skip(Duration::from_millis(1001)).await;
    session.token().await.unwrap_err();
    session.token().await.unwrap_err();
    assert_eq!(logins(&server).await, 2);
}

#[tokio::test]
async fn a_late_401_for_an_older_token_keeps_the_newer_session() {
    let server = MockServer::start().await;
    for token in ["token-one", "token-two"] {
        Mock::given(method("POST"))
            .and(path("/login"))
            .respond_with(ResponseTemplate::new(200).set_body_json(login_body(token)))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let session = session(&server, "s3cret!");
    assert_eq!(session.token().await.unwrap().expose(), "token-one");

    // A 401 for the current token: renew.
    assert!(session.refresh(&bearer("token-one")).await.unwrap());
    assert_eq!(session.token().await.unwrap().expose(), "token-two");

    // Much later, a slow request that was sent with the old token comes back 401.
    skip(Duration::from_secs(30)).await;
    assert!(session.refresh(&bearer("token-one")).await.unwrap());
    assert_eq!(session.token().await.unwrap().expose(), "token-two");
    assert_eq!(logins(&server).await, 2, "the newer session was kept");
}

#[tokio::test]
async fn an_endpoint_that_always_answers_401_does_not_cost_a_login_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(login_body("token-one")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/refused"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"detail": "Authentication required"})),
        )
        .mount(&server)
        .await;
    let api = Transport::new(&server.uri())
        .unwrap()
        .with_auth(Arc::new(session(&server, "s3cret!")));

    let calls = 12;
    for _ in 0..calls {
        let err = api.get("/api/refused").send().await.unwrap_err();
        assert!(err.is_unauthorized());
        skip(Duration::from_secs(6)).await;
    }
    // The renewals forced by 401s back off (1 s, 2 s, 4 s, … jittered): with a call every
    // 6 s at most 7 of them fit in these 66 s, plus the first login.
    let logins = logins(&server).await;
    assert!(
        (2..=8).contains(&logins),
        "{logins} logins for {calls} calls"
    );
}

#[tokio::test]
async fn service_tokens_are_backdated_and_fail_like_a_login_session() {
    let signer = ServiceTokenSigner::new(hs_issuer(), UserContext::new("svc-ingest", "platform"))
        .ttl(Duration::from_secs(60));
    // The same error type as LoginSession::token: one error to handle for either provider.
    let token: Result<Token, lift_sdk_core::Error> = signer.token();
    let claims = TokenVerifier::builder()
        .hs256(SECRET)
        .leeway(Duration::ZERO)
        .build()
        .unwrap()
        .verify(token.unwrap().expose())
        .unwrap();

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = i64::try_from(now).unwrap();
    let iat = claims.iat.unwrap().as_secs();
    assert!(
        (now - 10..=now - 2).contains(&iat),
        "iat {iat} is not a few seconds before {now}"
    );
    // The lifetime still counts from now.
    assert!(claims.exp.as_secs() >= now + 59);
}
