//! Which credentials registration uses, in which order, sent where.

use lift_auth::TokenVerifier;
use lift_registry_client::ListModules;
use lift_sdk_core::ErrorKind;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use super::*;
use crate::runtime::registration::CredentialSource;
use crate::runtime::registration::credentials::service_subject;

fn everything() -> LiftConfig {
    LiftConfig::default()
        .routing(Routing::Direct)
        .direct_identity(DirectIdentity::new("ops", "ops").roles(["developer"]))
        .login("admin@lift.dev", "admin123")
        .jwt_secret(SECRET)
}

#[test]
fn the_secret_comes_first_then_token_login_and_direct_headers() {
    let config = everything();
    assert_eq!(
        CredentialSource::of(&config).unwrap(),
        CredentialSource::ServiceToken
    );

    let mut config = everything();
    config.jwt_secret = None;
    assert_eq!(
        CredentialSource::of(&config).unwrap(),
        CredentialSource::Login
    );
    let config = config.token("eyJ.token");
    assert_eq!(
        CredentialSource::of(&config).unwrap(),
        CredentialSource::AccessToken
    );

    let mut config = everything();
    config.jwt_secret = None;
    config.credentials = crate::Credentials::None;
    assert_eq!(
        CredentialSource::of(&config).unwrap(),
        CredentialSource::Direct
    );
}

#[test]
fn nothing_configured_is_an_error_naming_every_variable() {
    // A direct identity is only used with direct routing.
    let config = LiftConfig::default()
        .direct_identity(DirectIdentity::new("ops", "ops").roles(["developer"]));
    for config in [LiftConfig::default(), config] {
        let err = CredentialSource::of(&config).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Builder);
        let message = err.to_string();
        for name in [
            "JWT_SECRET",
            "LIFT_ACCESS_TOKEN",
            "LIFT_EMAIL",
            "LIFT_PASSWORD",
            "LIFT_ROUTING=direct",
            "LIFT_USER_ID",
            "LIFT_ORG_ID",
            "LIFT_USER_ROLES",
        ] {
            assert!(message.contains(name), "{name}: {message}");
        }
    }
}

#[test]
fn a_direct_identity_without_a_write_role_fails_early() {
    for roles in [vec!["user"], vec!["Developer", "ADMIN"], vec![" developer"]] {
        let config = LiftConfig::default()
            .routing(Routing::Direct)
            .direct_identity(DirectIdentity::new("ops", "ops").roles(roles.clone()));
        let err = CredentialSource::of(&config).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Builder, "{roles:?}");
        assert!(err.to_string().contains("LIFT_USER_ROLES"), "{err}");
        assert!(
            registry_client_with(&config, http(), NAME, RetryPolicy::none(), None).is_err(),
            "{roles:?}"
        );
    }
}

#[test]
fn a_secret_too_short_to_sign_names_the_variable() {
    let config = LiftConfig::default().jwt_secret("short");
    let err = registry_client_with(&config, http(), NAME, RetryPolicy::none(), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Builder);
    assert!(err.to_string().contains("JWT_SECRET"), "{err}");
    assert!(!err.to_string().contains("short"), "{err}");
}

#[test]
fn the_service_subject_is_a_slug_of_the_module_name() {
    assert_eq!(service_subject("echo-module"), "module-echo-module");
    assert_eq!(service_subject("Lift Causal"), "module-lift-causal");
    assert_eq!(service_subject("  Ünï__x  "), "module-n-x");
    assert_eq!(service_subject("!!"), "module");
}

/// The one request `registry` received.
async fn only_request(registry: &MockServer) -> wiremock::Request {
    let mut requests = registry.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

#[tokio::test]
async fn a_service_token_with_the_developer_role_goes_through_the_gateway() {
    let gateway = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/registry/modules"))
        .respond_with(listing(&[]))
        .mount(&gateway)
        .await;
    // Direct routing is configured, but a service token only works through the gateway.
    let config = untimed(everything().routing(Routing::Direct));
    let mut config = config;
    config.gateway_url = gateway.uri().parse().unwrap();

    client(&config).list(ListModules::new()).await.unwrap();

    let request = only_request(&gateway).await;
    let bearer = request.headers["authorization"].to_str().unwrap();
    let token = bearer.strip_prefix("Bearer ").unwrap();
    let claims = TokenVerifier::hs256(SECRET).unwrap().verify(token).unwrap();
    assert_eq!(claims.sub, "module-echo-module");
    assert_eq!(claims.org_id, "module-echo-module");
    assert_eq!(claims.email, "module-echo-module@services.lift.local");
    assert_eq!(claims.roles, [lift_auth::Role::Developer]);
    assert!(!request.headers.contains_key("x-user-id"));
    assert!(!request.headers.contains_key("x-user-roles"));
}

#[tokio::test]
async fn an_access_token_goes_through_the_gateway() {
    let gateway = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/registry/modules"))
        .respond_with(listing(&[]))
        .mount(&gateway)
        .await;
    let mut config = untimed(LiftConfig::default().token("eyJ.access.token"));
    config.gateway_url = gateway.uri().parse().unwrap();

    client(&config).list(ListModules::new()).await.unwrap();

    let request = only_request(&gateway).await;
    assert_eq!(request.headers["authorization"], "Bearer eyJ.access.token");
}

#[tokio::test]
async fn a_direct_identity_goes_to_the_registry_with_user_headers() {
    let registry = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/modules"))
        .respond_with(listing(&[]))
        .mount(&registry)
        .await;

    client(&direct_config(&registry.uri()))
        .list(ListModules::new())
        .await
        .unwrap();

    let request = only_request(&registry).await;
    assert_eq!(request.headers["x-user-id"], "ops");
    assert_eq!(request.headers["x-org-id"], "ops-org");
    assert_eq!(request.headers["x-user-roles"], "developer");
    assert!(!request.headers.contains_key("authorization"));
}

#[tokio::test]
async fn an_account_logs_in_through_the_gateway() {
    let gateway = MockServer::start().await;
    let issuer = lift_auth::TokenIssuer::hs256(SECRET).unwrap();
    let token = issuer
        .issue(
            &issuer
                .claims("admin-1", "admin-1", "admin@lift.dev")
                .roles([lift_auth::Role::Admin]),
        )
        .unwrap();
    Mock::given(method("POST"))
        .and(path("/auth/login"))
        .and(wiremock::matchers::body_json(
            json!({"email": "admin@lift.dev", "password": "admin123"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(&json!({
            "access_token": token, "token_type": "bearer", "expires_in": 86400,
            "user": {"id": "admin-1", "email": "admin@lift.dev", "username": "admin"},
        }))))
        .expect(1)
        .mount(&gateway)
        .await;
    Mock::given(method("GET"))
        .and(path("/registry/modules"))
        .respond_with(listing(&[]))
        .expect(1)
        .mount(&gateway)
        .await;
    let mut config = untimed(LiftConfig::default().login("admin@lift.dev", "admin123"));
    config.gateway_url = gateway.uri().parse().unwrap();

    client(&config).list(ListModules::new()).await.unwrap();

    let requests = gateway.received_requests().await.unwrap();
    let listed = requests
        .iter()
        .find(|r| r.url.path() == "/registry/modules")
        .unwrap();
    assert_eq!(
        listed.headers["authorization"],
        format!("Bearer {token}").as_str()
    );
}
