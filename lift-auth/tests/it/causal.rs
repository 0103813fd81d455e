//! Auth's `/causal/…` routes, `GET /` and `/health/detailed`, against wiremock servers that
//! check every request against auth's OpenAPI document.

use lift_auth::{
    AuthClient, CausalAccessRequest, CausalDataScope, CausalPermissionLevel, CausalRoleRequest,
};
use lift_sdk_core::Transport;
use lift_testkit::openapi::{CheckedServer, Service};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::fixture;

const USER: &str = "d82f5ff2-d741-476d-9420-37360d8f4edc";

fn recorded_body(name: &str) -> Value {
    let capture: Value =
        serde_json::from_str(&fixture(&format!("liftos-captures/{name}.json"))).unwrap();
    capture["response"]["body"].clone()
}

fn envelope(data: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"success": true, "message": "ok", "data": data, "errors": null}))
}

/// A checked server and a client through the gateway's `/auth` prefix.
async fn through_gateway() -> (CheckedServer, AuthClient) {
    let server = CheckedServer::start(Service::Auth).await;
    let client = AuthClient::new(Transport::new(&format!("{}/auth", server.uri())).unwrap());
    (server, client)
}

#[tokio::test]
async fn recorded_capabilities_decode_without_credentials() {
    let (server, auth) = through_gateway().await;
    Mock::given(method("GET"))
        .and(path("/auth/causal/capabilities"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(recorded_body("25-auth-causal-capabilities")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let capabilities = auth.causal_capabilities().await.unwrap();

    assert!(
        capabilities
            .permission_levels
            .iter()
            .any(|level| level == "experiment")
    );
    assert_eq!(
        capabilities.data_scopes.platforms,
        ["meta", "google", "klaviyo", "custom"]
    );
    let enterprise = &capabilities.subscription_tiers["enterprise"];
    assert_eq!(enterprise.max_experiments, Some(-1));
    assert_eq!(enterprise.advanced_methods, Some(true));
    assert!(
        capabilities
            .available_methods
            .contains(&"synthetic_control".to_owned())
    );
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(!sent.headers.contains_key("authorization"));
}

#[tokio::test]
async fn permissions_are_read_with_the_callers_bearer() {
    let (server, auth) = through_gateway().await;
    Mock::given(method("GET"))
        .and(path(format!("/auth/causal/permissions/{USER}")))
        .and(header("authorization", "Bearer tok"))
        .respond_with(envelope(&json!({
            "user_id": USER, "roles": ["analyst"], "subscription_tier": "pro",
            "standard_permissions": ["memory:read"], "causal_permissions": {"read": true},
            "is_active": true, "is_verified": null
        })))
        .expect(1)
        .mount(&server)
        .await;

    let permissions = auth.causal_permissions("tok", USER).await.unwrap();

    assert_eq!(permissions.user_id.as_deref(), Some(USER));
    assert_eq!(permissions.roles, ["analyst"]);
    assert_eq!(permissions.subscription_tier.as_deref(), Some("pro"));
    assert_eq!(permissions.causal_permissions["read"], true);
    assert_eq!(
        (permissions.is_active, permissions.is_verified),
        (Some(true), None)
    );
}

#[tokio::test]
async fn access_validation_and_role_assignment_send_their_requests() {
    let (server, auth) = through_gateway().await;
    Mock::given(method("POST"))
        .and(path("/auth/causal/access/validate"))
        .and(header("authorization", "Bearer tok"))
        .and(body_json(
            json!({"user_id": USER, "requested_scope": "organization",
                              "permission_level": "experiment", "resource_id": "acct-1"}),
        ))
        .respond_with(envelope(&json!({"allowed": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/causal/roles/assign"))
        .and(header("authorization", "Bearer admin-tok"))
        .and(body_json(
            json!({"user_id": USER, "role_type": "causal_analyst",
                              "permissions": ["read", "model"]}),
        ))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"detail": "Role assignment failed"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let access = CausalAccessRequest::new(
        USER,
        CausalDataScope::Organization,
        CausalPermissionLevel::Experiment,
    )
    .resource_id("acct-1");
    let decided = auth.validate_causal_access("tok", &access).await.unwrap();
    let role = CausalRoleRequest::new(USER)
        .permissions([CausalPermissionLevel::Read, CausalPermissionLevel::Model]);
    let refused = auth
        .assign_causal_role("admin-tok", &role)
        .await
        .unwrap_err();

    assert_eq!(decided, json!({"allowed": true}));
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        refused.api_error().and_then(|e| e.message()),
        Some("Role assignment failed")
    );
}

#[tokio::test]
async fn info_keeps_the_trailing_slash_and_detailed_health_decodes() {
    let (server, auth) = through_gateway().await;
    Mock::given(method("GET"))
        .and(path("/auth/"))
        .respond_with(envelope(&json!({"version": "1.0.0",
            "endpoints": ["/login", "/register", "/verify", "/refresh"], "docs": "/docs"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/auth/health/detailed"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "healthy", "timestamp": "2026-11-23T07:26:12.169221", "version": "1.0.0",
            "dependencies": {"database": "connected", "users_count": "3", "active_sessions": "1"},
            "uptime": 12.5
        })))
        .expect(1)
        .mount(&server)
        .await;

    let info = auth.info().await.unwrap();
    let health = auth.health_detailed().await.unwrap();

    assert_eq!(info.version.as_deref(), Some("1.0.0"));
    assert_eq!(info.endpoints.len(), 4);
    assert!(health.is_healthy());
    assert_eq!(health.dependencies["database"], "connected");
}

#[tokio::test]
async fn a_blank_user_id_is_refused_before_sending() {
    let (server, auth) = through_gateway().await;
    let err = auth.causal_permissions("tok", " ").await.unwrap_err();
    assert_eq!(err.kind(), lift_sdk_core::ErrorKind::InvalidInput);
    assert!(server.received_requests().await.unwrap().is_empty());
}
