//! The `protected_routes` example: `lift-auth`'s auth layer and guards in a plain axum app,
//! without the SDK's runtime and without a platform.
//!
//! [`app`] is the whole app:
//!
//! | route | who may call it |
//! |---|---|
//! | `GET /health` | anyone (it sits outside the auth layer) |
//! | `GET /api/v1/me` | any valid token (the `UserContext` extractor) |
//! | `POST /api/v1/notes` | callers with `memory:write` (a guard as a handler parameter) |
//! | `GET /api/v1/reports/export` | callers with `reports:export`, a permission of the app's own |
//! | `GET /api/v1/admin/stats` | the `admin` role (a guard as a route layer) |
//!
//! [`run`] serves it on a loopback port, calls each route as several callers (nobody, a
//! viewer, a user, a user granted `reports:export`, an admin, an expired token and a forged
//! one) and returns one line per call, with the status and what the answer said.

use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use axum::Router;
use axum::routing::{get, post};
use lift_auth::UserContext;
use lift_auth::layer::perm::MemoryWrite;
use lift_auth::layer::role::Admin;
use lift_auth::{JwtAuthLayer, RequirePermission, RequireRole, Role, TokenIssuer, TokenVerifier};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

lift_auth::permission_marker!(
    /// `reports:export`: a permission of this app's own, checked at compile time.
    pub ReportsExport = "reports:export"
);

/// The secret the example's tokens are signed with (HS256, at least 32 bytes).
pub const SECRET: &str = "protected-routes-example-secret-32b!";

/// The app: public `/health`, and four routes behind the auth layer, each guarded as the
/// [module documentation](self) says.
pub fn app(verifier: TokenVerifier) -> Router {
    // A route layer guards every route of its router: here, the admin's.
    let admin = Router::new()
        .route("/api/v1/admin/stats", get(stats))
        .route_layer(RequireRole::<Admin>::layer());
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/notes", post(add_note))
        .route("/api/v1/reports/export", get(export))
        .merge(admin)
        // Everything above needs a valid bearer token…
        .layer(JwtAuthLayer::new(verifier))
        // …and what is added after the layer does not.
        .route("/health", get(|| async { "ok" }))
}

async fn me(user: UserContext) -> axum::Json<Value> {
    let roles: Vec<&str> = user.roles().iter().map(Role::as_str).collect();
    axum::Json(json!({ "user_id": user.user_id(), "org_id": user.org_id(), "roles": roles }))
}

async fn add_note(_: RequirePermission<MemoryWrite>, user: UserContext) -> String {
    format!("note stored for {}", user.user_id())
}

async fn export(_: RequirePermission<ReportsExport>) -> &'static str {
    "report exported"
}

async fn stats() -> &'static str {
    "3 users"
}

/// One caller of [`run`]: a name and the `Authorization` it sends, if any.
struct Caller {
    name: &'static str,
    token: Option<String>,
}

/// Serves [`app`] on a loopback port, calls every route as each caller, stops the server;
/// returns one line per call (`GET /api/v1/me as ana (user): 200 {…}`).
///
/// # Errors
///
/// Binding a port, signing a token, or a call that gets no answer.
pub async fn run() -> anyhow::Result<Vec<String>> {
    let verifier = TokenVerifier::hs256(SECRET)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app(verifier))
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let lines = call_everything(&base).await;
    let _ = stop.send(());
    server.await.context("the server panicked")??;
    lines
}

/// The callers: every kind the layer and the guards tell apart.
fn callers() -> anyhow::Result<Vec<Caller>> {
    let issuer = TokenIssuer::hs256(SECRET)?;
    let sign = |user: &str, roles: Vec<Role>, permissions: &[&str]| {
        let mut claims = issuer
            .claims(user, "acme", format!("{user}@example.com"))
            .roles(roles);
        claims
            .permissions
            .extend(permissions.iter().map(|&p| p.to_owned()));
        issuer.issue(&claims)
    };
    let yesterday = SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    let expired = issuer.claims_at("old", "acme", "old@example.com", yesterday);
    let forger = TokenIssuer::hs256("not-the-secret-but-just-as-long-!!!")?;
    let forged = forger
        .claims("mallory", "acme", "m@example.com")
        .roles([Role::Admin]);
    Ok(vec![
        Caller {
            name: "nobody",
            token: None,
        },
        Caller {
            name: "vic (viewer)",
            token: Some(sign("vic", vec![Role::Viewer], &[])?),
        },
        Caller {
            name: "ana (user)",
            token: Some(sign("ana", vec![Role::User], &[])?),
        },
        Caller {
            name: "rex (user + reports:export)",
            token: Some(sign("rex", vec![Role::User], &["reports:export"])?),
        },
        Caller {
            name: "ada (admin)",
            token: Some(sign("ada", vec![Role::Admin], &[])?),
        },
        Caller {
            name: "an expired token",
            token: Some(issuer.issue(&expired)?),
        },
        Caller {
            name: "a forged admin token",
            token: Some(forger.issue(&forged)?),
        },
    ])
}

/// Every route, as every caller.
async fn call_everything(base: &str) -> anyhow::Result<Vec<String>> {
    // Loopback only: never through an environment proxy.
    let http = reqwest::Client::builder().no_proxy().build()?;
    let routes = [
        ("GET", "/health"),
        ("GET", "/api/v1/me"),
        ("POST", "/api/v1/notes"),
        ("GET", "/api/v1/reports/export"),
        ("GET", "/api/v1/admin/stats"),
    ];
    let mut lines = Vec::new();
    for caller in callers()? {
        for (method, path) in routes {
            let mut request = match method {
                "POST" => http.post(format!("{base}{path}")),
                _ => http.get(format!("{base}{path}")),
            };
            if let Some(token) = &caller.token {
                request = request.bearer_auth(token);
            }
            let answer = request
                .send()
                .await
                .with_context(|| format!("{method} {path} as {}", caller.name))?;
            let status = answer.status().as_u16();
            let challenge = answer
                .headers()
                .get("www-authenticate")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let body = answer.text().await?;
            lines.push(format!(
                "{method} {path} as {}: {status} {}",
                caller.name,
                summary(&body, challenge.as_deref())
            ));
        }
    }
    Ok(lines)
}

/// What an answer said: the `detail` of an error body, or the body itself.
fn summary(body: &str, challenge: Option<&str>) -> String {
    let detail = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|json| json["detail"].as_str().map(str::to_owned));
    match (detail, challenge) {
        (Some(detail), _) => detail,
        (None, Some(challenge)) if body.is_empty() => format!("(WWW-Authenticate: {challenge})"),
        _ => body.to_owned(),
    }
}
