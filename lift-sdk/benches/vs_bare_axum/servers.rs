//! The two servers under test, each run as its own process (`--serve runtime|bare`).

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::Instant;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{SecondsFormat, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use lift_sdk::auth::{Claims, Role, TokenIssuer};
use lift_sdk::runtime::{HttpError, LiftModule, ManifestSource, ModuleContext, Runtime};
use lift_sdk::{LiftConfig, ModuleManifest};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

/// The shared HS256 secret of both servers and of the token.
pub(crate) const SECRET: &str = "lift-shared-secret-for-tests-0123456789abcdef";
/// The module's name and version, also in the bare server's `/health`.
const NAME: &str = "whoami";
const VERSION: &str = "1.0.0";

/// A platform user's token: roles `user` and their default permissions, as the core issues.
pub(crate) fn token() -> Result<String, lift_sdk::auth::Error> {
    let issuer = TokenIssuer::hs256(SECRET)?;
    let claims = issuer
        .claims(
            "7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b",
            "7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b",
            "ana@lift.dev",
        )
        .roles([Role::User]);
    issuer.issue(&claims)
}

/// Serves `which` (`runtime` or `bare`) on `127.0.0.1:port` until killed.
pub(crate) fn serve(which: &str, port: u16) -> Result<(), Box<dyn std::error::Error>> {
    // The same runtime for both: a multi-threaded one, as `#[tokio::main]` gives (pinned to
    // one core, it has one worker).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
        match which {
            "runtime" => runtime(listener).await,
            "bare" => bare(listener).await,
            other => Err(format!("unknown server {other:?}: runtime or bare").into()),
        }
    })
}

// ---- the module, served by the runtime ----

struct Whoami;

impl LiftModule for Whoami {
    fn manifest(&self) -> ManifestSource {
        ModuleManifest::new(NAME, VERSION).into()
    }

    fn routes(&self) -> Router {
        Router::new().route("/whoami", get(whoami))
    }
}

/// examples/src/module_server.rs's handler.
async fn whoami(ctx: ModuleContext) -> Result<Json<Claims>, HttpError> {
    let claims = ctx
        .claims()
        .cloned()
        .ok_or_else(|| HttpError::new(StatusCode::UNAUTHORIZED, "a bearer token is required"))?;
    Ok(Json(claims))
}

async fn runtime(listener: TcpListener) -> Result<(), Box<dyn std::error::Error>> {
    // No registry is ever contacted: registration is off.
    let config = LiftConfig::new("http://127.0.0.1:9")?.jwt_secret(SECRET);
    Runtime::new(Whoami)
        .config(config)
        .listener(listener)
        .without_registration()
        .serve()
        .await?;
    Ok(())
}

// ---- the baseline: axum and jsonwebtoken, none of our code ----

static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);

/// The claims of the token, as a bare app would declare them.
#[derive(Serialize, Deserialize)]
struct BareClaims {
    sub: String,
    org_id: String,
    email: String,
    roles: Vec<String>,
    permissions: Vec<String>,
    memory_context: String,
    subscription_tier: String,
    exp: u64,
    iat: u64,
}

#[derive(Clone)]
struct Keys {
    key: DecodingKey,
    validation: Validation,
}

/// Verifies the bearer token on every request (no cache) and answers its claims.
async fn bare_whoami(
    axum::extract::State(keys): axum::extract::State<std::sync::Arc<Keys>>,
    headers: HeaderMap,
) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(token) = token else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match jsonwebtoken::decode::<BareClaims>(token, &keys.key, &keys.validation) {
        Ok(data) => Json(data.claims).into_response(),
        Err(_) => StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// The runtime's `/health` body and headers.
#[derive(Serialize)]
struct Liveness {
    status: &'static str,
    service: &'static str,
    timestamp: String,
    version: &'static str,
    dependencies: std::collections::BTreeMap<&'static str, &'static str>,
    uptime: f64,
}

async fn bare_health() -> impl IntoResponse {
    let mut timestamp = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    timestamp.pop();
    let body = Liveness {
        status: "healthy",
        service: NAME,
        timestamp,
        version: VERSION,
        dependencies: std::collections::BTreeMap::new(),
        uptime: STARTED.elapsed().as_secs_f64(),
    };
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static("application/json")),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (VARY, HeaderValue::from_static("accept")),
    ];
    (headers, Json(body))
}

async fn bare(listener: TcpListener) -> Result<(), Box<dyn std::error::Error>> {
    LazyLock::force(&STARTED);
    let keys = Keys {
        key: DecodingKey::from_secret(SECRET.as_bytes()),
        validation: Validation::new(Algorithm::HS256),
    };
    let app = Router::new()
        .route("/api/v1/whoami", get(bare_whoami))
        .with_state(std::sync::Arc::new(keys))
        .route("/health", get(bare_health));
    axum::serve(listener, app).await?;
    Ok(())
}
