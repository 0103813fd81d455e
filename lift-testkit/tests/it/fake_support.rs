//! Shared by the fake-platform tests: a platform on free ports, SDK clients on it, users
//! who sign up, and a tiny module (axum) that stores memory as its caller.

use std::net::SocketAddr;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use lift_sdk::auth::RegisterRequest;
use lift_sdk::{Caller, LiftClient, LiftConfig, StoreRequest};
use lift_testkit::platform::FakePlatform;
use serde_json::{Value, json};

/// A fake platform on free ports, in memory, without the gateway's rate limit (these tests
/// send far more than 100 requests a minute from one address).
pub(crate) async fn platform() -> FakePlatform {
    FakePlatform::builder()
        .no_rate_limit()
        .start()
        .await
        .unwrap()
}

/// The gateway's URL without a trailing slash.
pub(crate) fn gateway(platform: &FakePlatform) -> String {
    platform.gateway_url().trim_end_matches('/').to_owned()
}

/// A client through the gateway with no credentials (register, login).
pub(crate) fn anonymous(platform: &FakePlatform) -> LiftClient {
    LiftClient::new(LiftConfig::new(&gateway(platform)).unwrap()).unwrap()
}

/// A client through the gateway with `token`.
pub(crate) fn with_token(platform: &FakePlatform, token: &str) -> LiftClient {
    LiftClient::new(LiftConfig::new(&gateway(platform)).unwrap().token(token)).unwrap()
}

/// A client of the seeded admin.
pub(crate) fn admin(platform: &FakePlatform) -> LiftClient {
    with_token(platform, &platform.admin_token())
}

/// A user who signed up through the gateway: `{name}@example.com`, password `s3cret!`.
#[derive(Debug)]
pub(crate) struct SignedUp {
    pub(crate) client: LiftClient,
    pub(crate) token: String,
    pub(crate) id: String,
}

pub(crate) async fn sign_up(platform: &FakePlatform, name: &str) -> SignedUp {
    let answer = anonymous(platform)
        .auth()
        .register(&RegisterRequest::new(
            format!("{name}@example.com"),
            "s3cret!",
            name,
            format!("{name} Example"),
        ))
        .await
        .unwrap();
    let token = answer.access_token.expose().to_owned();
    SignedUp {
        client: with_token(platform, &token),
        id: answer.user.unwrap().id,
        token,
    }
}

/// A tiny module on a free port: `GET /health`; `GET /api/v1/whoami` (and any path without
/// a route) echoes the path and the user-context headers it received; `POST /api/v1/notes {"content"}` stores the
/// content in memory *as its caller* (the token the gateway passed on) and answers the
/// memory id with the context headers.
pub(crate) async fn notes_module(platform: &FakePlatform) -> String {
    let client = anonymous(platform);
    let app = Router::new()
        .route("/health", get(|| async { Json(json!({"status": "healthy", "module": "notes", "timestamp": "2026-12-01T10:00:00"})) }))
        .route("/api/v1/whoami", get(whoami))
        .route("/api/v1/notes", post(note))
        // Any other path (`//api/v1/whoami` from a quirky gateway included) echoes too.
        .fallback(whoami)
        .with_state(client);
    serve(app).await
}

/// Serves `app` on a free loopback port; its base URL.
pub(crate) async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app).into_future());
    format!("http://{address}")
}

fn context(headers: &HeaderMap, uri: &Uri) -> Value {
    let header = |name: &str| {
        let values: Vec<_> = headers
            .get_all(name)
            .iter()
            .map(|value| value.to_str().unwrap_or("?").to_owned())
            .collect();
        json!(values)
    };
    json!({
        "path": uri.path(),
        "query": uri.query(),
        "user_id": header("x-user-id"),
        "org_id": header("x-org-id"),
        "roles": header("x-user-roles"),
        "memory_context": header("x-memory-context"),
        "module_id": header("x-module-id"),
    })
}

async fn whoami(headers: HeaderMap, uri: Uri) -> Json<Value> {
    Json(context(&headers, &uri))
}

async fn note(
    State(client): State<LiftClient>,
    headers: HeaderMap,
    uri: Uri,
    Json(body): Json<Value>,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let fail = |status: StatusCode, detail: String| (status, Json(json!({"detail": detail})));
    let caller = Caller::from_headers(&headers)
        .map_err(|err| fail(StatusCode::UNAUTHORIZED, err.to_string()))?;
    let content = body["content"].as_str().unwrap_or_default().to_owned();
    let stored = client
        .for_caller(caller)
        .memory()
        .store(StoreRequest::new(content).memory_type("note"))
        .await
        .map_err(|err| fail(StatusCode::BAD_GATEWAY, err.to_string()))?;
    let mut answer = context(&headers, &uri);
    answer["memory_id"] = json!(stored.memory_id.as_str());
    Ok(Json(answer))
}
