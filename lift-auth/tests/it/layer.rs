//! The auth layer in-process with `tower::ServiceExt::oneshot`.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::routing::{get, post};
use http::{Request, StatusCode, header};
use lift_auth::layer::{RequirePermission, RequireRole, perm, role};
use lift_auth::{Claims, JwtAuthLayer, Role, TokenIssuer, TokenVerifier, UserContext};
use tower::ServiceExt as _;

use crate::support::{SECRET, claims_at, hs_issuer};

fn app(layer: JwtAuthLayer) -> Router {
    Router::new()
        .route(
            "/me",
            get(|ctx: UserContext| async move { ctx.user_id().to_owned() }),
        )
        .route(
            "/claims",
            get(|claims: Option<Claims>| async move { format!("{}", claims.is_some()) }),
        )
        .route(
            "/roles-header",
            get(|headers: http::HeaderMap| async move {
                headers
                    .get("x-user-roles")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            }),
        )
        .route(
            "/store",
            post(|_: RequirePermission<perm::MemoryWrite>| async { "stored" }),
        )
        .route(
            "/admin",
            post(|_: RequireRole<role::Admin>| async { "admin" }),
        )
        .layer(layer)
}

fn jwt_app() -> Router {
    app(JwtAuthLayer::new(TokenVerifier::hs256(SECRET).unwrap()))
}

fn token(roles: &[Role]) -> String {
    let issuer = hs_issuer();
    issuer
        .issue(
            &issuer
                .claims("user-1", "org-1", "ana@example.com")
                .roles(roles.to_vec()),
        )
        .unwrap()
}

async fn send(app: Router, request: Request<Body>) -> (StatusCode, Option<String>, String) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let challenge = response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = to_bytes(response.into_body(), 1 << 16).await.unwrap();
    (status, challenge, String::from_utf8(body.to_vec()).unwrap())
}

fn get_with(path: &str, authorization: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path);
    if let Some(value) = authorization {
        builder = builder.header(header::AUTHORIZATION, value);
    }
    builder.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn valid_token_is_200() {
    let bearer = format!("Bearer {}", token(&[Role::User]));
    let (status, _, body) = send(jwt_app(), get_with("/me", Some(&bearer))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "user-1"));
    let lower = format!("bearer {}", token(&[Role::User]));
    let (status, _, body) = send(jwt_app(), get_with("/claims", Some(&lower))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "true"));
}

#[tokio::test]
async fn missing_token_is_401_with_bare_challenge() {
    let (status, challenge, body) = send(jwt_app(), get_with("/me", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenge.as_deref(), Some("Bearer"));
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["detail"], "missing bearer token");
}

#[tokio::test]
async fn malformed_expired_and_bad_signature_are_401_invalid_token() {
    let expired = hs_issuer()
        .issue(&claims_at(1_600_000_000, 1_600_003_600))
        .unwrap();
    let other = TokenIssuer::hs256("another-secret-that-is-long-enough-0000").unwrap();
    let forged = other.issue(&other.claims("user-1", "org-1", "e")).unwrap();
    for (token, description) in [
        ("not.a.jwt".to_owned(), "malformed token"),
        (expired, "token expired"),
        (forged, "invalid token signature"),
    ] {
        let (status, challenge, body) =
            send(jwt_app(), get_with("/me", Some(&format!("Bearer {token}")))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{description}");
        assert_eq!(
            challenge.unwrap(),
            format!("Bearer error=\"invalid_token\", error_description=\"{description}\"")
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&body).unwrap()["detail"],
            description
        );
        assert!(!body.contains(&token) || token == "not.a.jwt");
    }
}

#[tokio::test]
async fn an_unsupported_scheme_gets_the_bare_bearer_challenge() {
    // RFC 6750 §3.1: credentials of another scheme are no bearer credentials at all.
    let (status, challenge, _) = send(jwt_app(), get_with("/me", Some("Basic dXNlcjpwdw=="))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenge.as_deref(), Some("Bearer"));
}

#[tokio::test]
async fn a_malformed_bearer_value_is_401_invalid_request() {
    for value in ["Bearer", "Bearer a b"] {
        let (status, challenge, _) = send(jwt_app(), get_with("/me", Some(value))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{value}");
        assert!(
            challenge
                .unwrap()
                .starts_with("Bearer error=\"invalid_request\""),
            "{value}"
        );
    }
}

/// What the reference gateway forwards when a logged-in user adds their own user-context
/// headers: the client's copy first, then the one the gateway injects (contract §4.2).
fn spoofed_through_the_gateway(
    path: &str,
    spoofed: &str,
    real: &str,
    bearer: &str,
) -> Request<Body> {
    Request::post(path)
        .header(header::AUTHORIZATION, bearer)
        .header(spoofed, "victim")
        .header("x-user-id", "user-1")
        .header("x-org-id", "org-1")
        .header("x-user-roles", "user")
        .header("x-memory-context", "org_org-1_context")
        .header(real, "value-the-gateway-injects")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn a_repeated_user_context_header_is_refused_in_the_gateway_modes() {
    let bearer = format!("Bearer {}", token(&[Role::User]));
    for header_name in [
        "x-user-id",
        "x-org-id",
        "x-organization-id",
        "x-user-roles",
        "x-memory-context",
        "x-user-permissions",
    ] {
        // The gateway's own copy of the header (for the alias: of x-org-id).
        let real = if header_name == "x-organization-id" {
            "x-org-id"
        } else {
            header_name
        };
        for layer in [
            JwtAuthLayer::gateway_headers(),
            JwtAuthLayer::jwt_or_gateway_headers(TokenVerifier::hs256(SECRET).unwrap()),
        ] {
            let mode = layer.mode();
            let request = spoofed_through_the_gateway("/admin", header_name, real, &bearer);
            let (status, challenge, body) = send(app(layer), request).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{header_name} in {mode:?}"
            );
            let challenge = challenge.unwrap();
            assert!(
                challenge.starts_with("Bearer error=\"invalid_request\""),
                "{challenge}"
            );
            assert!(body.contains("sent more than once"), "{body}");
            assert!(!body.contains("victim"), "{body}");
        }
    }
}

#[tokio::test]
async fn a_spoofed_admin_role_does_not_pass_the_gateway_header_mode() {
    // `X-User-ID: <victim>` and `X-User-Roles: admin` sent by a logged-in user: before the
    // fix the first values won and the caller was the victim, with admin rights.
    let request = Request::post("/admin")
        .header("x-user-id", "victim")
        .header("x-user-roles", "admin")
        .header("x-user-id", "user-1")
        .header("x-org-id", "org-1")
        .header("x-user-roles", "user")
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = send(app(JwtAuthLayer::gateway_headers()), request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn missing_permission_is_403_insufficient_scope() {
    let viewer = format!("Bearer {}", token(&[Role::Viewer]));
    let request = Request::post("/store")
        .header(header::AUTHORIZATION, &viewer)
        .body(Body::empty())
        .unwrap();
    let (status, challenge, body) = send(jwt_app(), request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let challenge = challenge.unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"memory:write\""), "{challenge}");
    assert!(body.contains("memory:write"));

    let user = format!("Bearer {}", token(&[Role::User]));
    let request = Request::post("/store")
        .header(header::AUTHORIZATION, &user)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(jwt_app(), request).await.0, StatusCode::OK);

    let request = Request::post("/admin")
        .header(header::AUTHORIZATION, &user)
        .body(Body::empty())
        .unwrap();
    let (status, challenge, body) = send(jwt_app(), request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["detail"],
        "insufficient permissions: role admin"
    );
    // A role is not an OAuth scope: no `scope` attribute.
    let challenge = challenge.unwrap();
    assert!(challenge.starts_with("Bearer error=\"insufficient_scope\""));
    assert!(!challenge.contains("scope=\""), "{challenge}");
}

#[tokio::test]
async fn handler_errors_with_quotes_keep_a_valid_challenge() {
    use lift_auth::{AuthErrorKind, Error};
    let app = Router::new()
        .route(
            "/check",
            get(|| async {
                Err::<(), _>(Error::with_detail(
                    AuthErrorKind::InvalidClaim,
                    "tenant \"acme\\eu\" is not «allowed»",
                ))
            }),
        )
        .layer(JwtAuthLayer::new(TokenVerifier::hs256(SECRET).unwrap()));
    let bearer = format!("Bearer {}", token(&[Role::User]));
    let (status, challenge, body) = send(app, get_with("/check", Some(&bearer))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        challenge.as_deref(),
        Some(
            "Bearer error=\"invalid_token\", error_description=\"invalid claim: tenant 'acme'eu' is not ?allowed?\""
        )
    );
    // The JSON body keeps the text as it is.
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["detail"],
        "invalid claim: tenant \"acme\\eu\" is not «allowed»"
    );
}

#[tokio::test]
async fn spoofed_user_headers_are_ignored_in_jwt_mode() {
    let bearer = format!("Bearer {}", token(&[Role::User]));
    let spoof = |path: &str| {
        Request::get(path)
            .header(header::AUTHORIZATION, &bearer)
            .header("X-User-ID", "admin-user")
            .header("X-User-Roles", "admin")
            .body(Body::empty())
            .unwrap()
    };
    let (_, _, body) = send(jwt_app(), spoof("/me")).await;
    assert_eq!(body, "user-1");
    let (_, _, body) = send(jwt_app(), spoof("/roles-header")).await;
    assert_eq!(body, "user");
    // Headers alone are not enough in Jwt mode.
    let request = Request::get("/me")
        .header("X-User-ID", "admin-user")
        .header("X-Org-ID", "o")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(jwt_app(), request).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn route_layer_guard() {
    let app = Router::new()
        .route("/store", post(|| async { "stored" }))
        .route_layer(RequirePermission::<perm::MemoryWrite>::layer())
        .layer(JwtAuthLayer::new(TokenVerifier::hs256(SECRET).unwrap()));
    let viewer = format!("Bearer {}", token(&[Role::Viewer]));
    let request = Request::post("/store")
        .header(header::AUTHORIZATION, viewer)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(app, request).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn gateway_header_modes() {
    let headers_only = app(JwtAuthLayer::gateway_headers());
    let request = Request::post("/store")
        .header("x-user-id", "u-9")
        .header("x-org-id", "o")
        .header("x-user-roles", "user")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(headers_only.clone(), request).await.0, StatusCode::OK);
    let (status, challenge, _) = send(headers_only, get_with("/me", None)).await;
    assert_eq!(
        (status, challenge.as_deref()),
        (StatusCode::UNAUTHORIZED, Some("Bearer"))
    );

    let either = app(JwtAuthLayer::jwt_or_gateway_headers(
        TokenVerifier::hs256(SECRET).unwrap(),
    ));
    let request = Request::get("/me")
        .header("x-user-id", "u-9")
        .header("x-org-id", "o")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(either.clone(), request).await.2, "u-9");
    let bearer = format!("Bearer {}", token(&[Role::User]));
    assert_eq!(
        send(either.clone(), get_with("/me", Some(&bearer))).await.2,
        "user-1"
    );
    // A token, when sent, must be valid even if headers are there too.
    let request = Request::get("/me")
        .header(header::AUTHORIZATION, "Bearer bad")
        .header("x-user-id", "u-9")
        .header("x-org-id", "o")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(either, request).await.0, StatusCode::UNAUTHORIZED);
}

#[test]
fn every_kind_maps_to_401_or_403_with_a_challenge() {
    use lift_auth::{AuthErrorKind, Error};
    for kind in [
        AuthErrorKind::MissingToken,
        AuthErrorKind::InvalidScheme,
        AuthErrorKind::Malformed,
        AuthErrorKind::InvalidSignature,
        AuthErrorKind::Expired,
        AuthErrorKind::NotYetValid,
        AuthErrorKind::InvalidIssuer,
        AuthErrorKind::InvalidAudience,
        AuthErrorKind::MissingClaim,
        AuthErrorKind::InvalidClaim,
        AuthErrorKind::UnknownKey,
        AuthErrorKind::DisallowedAlgorithm,
        AuthErrorKind::InvalidHeader,
    ] {
        let err = Error::new(kind);
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED, "{kind:?}");
        assert!(err.www_authenticate().starts_with("Bearer"));
    }
    assert_eq!(
        Error::forbidden("memory:write").status(),
        StatusCode::FORBIDDEN
    );
}
