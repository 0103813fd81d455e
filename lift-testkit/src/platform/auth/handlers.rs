//! The auth service's routes (contract §3.1), answering as the `compat/` captures show.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header::AUTHORIZATION};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::user::{UserRecord, aware_utc_now};
use super::{AuthState, Refused, password};
use crate::mocks::{envelope, naive_utc_now, uuid4};

/// The lifetime of the tokens the service issues: the reference's `JWT_EXPIRATION_HOURS`
/// default, in seconds.
const EXPIRES_IN: u64 = 24 * 3600;

/// The auth service's routes, as the service itself sees them (no `/auth` prefix).
#[allow(
    dead_code,
    reason = "the platform core (FakePlatform, lift-dev) composes it"
)]
pub(crate) fn router(state: Arc<AuthState>) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/health/detailed", get(health_detailed))
        .route("/causal/capabilities", get(causal_capabilities))
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/verify", post(verify))
        .route("/refresh", post(refresh))
        .fallback(|| async { detail(404, "Not Found") })
        .method_not_allowed_fallback(|| async { detail(405, "Method Not Allowed") })
        .with_state(state)
}

async fn root() -> Response {
    let data = json!({
        "version": "1.0.0",
        "endpoints": ["/login", "/register", "/verify", "/refresh"],
        "docs": "/docs",
    });
    answer(200, &envelope("Lift OS Core Authentication Service", data))
}

async fn health() -> Response {
    answer(
        200,
        &json!({
            "status": "healthy",
            "service": "auth",
            "timestamp": naive_utc_now(),
            "uptime": "running",
        }),
    )
}

async fn ready(State(state): State<Arc<AuthState>>) -> Response {
    let users = state.users().len();
    answer(
        200,
        &json!({
            "status": "ready",
            "service": "auth",
            "timestamp": naive_utc_now(),
            "checks": {
                "database": { "status": "ready", "result": { "users_count": users } },
            },
        }),
    )
}

async fn health_detailed(State(state): State<Arc<AuthState>>) -> Response {
    let users = state.users().len();
    answer(
        200,
        &json!({
            "status": "healthy",
            "timestamp": naive_utc_now(),
            "version": "1.0.0",
            "dependencies": {
                "database": "connected",
                "users_count": users.to_string(),
                "active_sessions": "0",
            },
            "uptime": state.started.elapsed().as_secs_f64(),
        }),
    )
}

async fn causal_capabilities() -> Response {
    let tier = |experiments: i64, points: i64, platforms: &[&str], advanced: bool| {
        json!({
            "max_experiments": experiments,
            "max_data_points": points,
            "allowed_platforms": platforms,
            "advanced_methods": advanced,
        })
    };
    let data = json!({
        "permission_levels": ["read", "write", "experiment", "model", "optimize", "export", "admin"],
        "data_scopes": {
            "platforms": ["meta", "google", "klaviyo", "custom"],
            "time_ranges": ["1d", "7d", "30d", "90d", "custom"],
            "data_types": ["campaigns", "ad_sets", "ads", "audiences", "creatives"],
        },
        "subscription_tiers": {
            "free": tier(5, 10_000, &["meta", "google"], false),
            "pro": tier(50, 100_000, &["meta", "google", "klaviyo"], true),
            "enterprise": tier(-1, -1, &["meta", "google", "klaviyo", "custom"], true),
        },
        "available_methods": [
            "difference_in_differences",
            "instrumental_variables",
            "synthetic_control",
            "causal_discovery",
            "propensity_score_matching",
            "regression_discontinuity",
        ],
    });
    answer(200, &envelope("Causal capabilities retrieved", data))
}

/// `POST /register`: 400 for a taken e-mail (checked first) or username, else the user is
/// saved and answered with a token and `created_at`.
async fn register(State(state): State<Arc<AuthState>>, body: Bytes) -> Response {
    let [email, password, username, full_name] =
        match fields(&body, ["email", "password", "username", "full_name"]) {
            Ok(fields) => fields,
            Err(refusal) => return *refusal,
        };
    if let Err(refusal) = check_email(&email) {
        return *refusal;
    }
    // Cheap refusals before the (deliberately slow) hash; checked again when saving.
    if let Some(taken) = taken(&state.users_snapshot(), &email, &username) {
        return detail(400, taken);
    }
    let Ok(Ok(password_hash)) =
        tokio::task::spawn_blocking(move || password::hash(&password)).await
    else {
        return detail(500, "Registration failed");
    };
    let id = uuid4();
    let record = UserRecord {
        org_id: id.clone(),
        id,
        email,
        username,
        full_name: Some(full_name),
        password_hash,
        roles: vec!["user".to_owned()],
        subscription_tier: "free".to_owned(),
        is_active: true,
        is_verified: false,
        created_at: aware_utc_now(),
        last_login: None,
    };
    let saving = Arc::clone(&state);
    let committed = tokio::task::spawn_blocking(move || {
        saving.commit(
            |users| match taken(users, &record.email, &record.username) {
                Some(taken) => Err(taken),
                None => {
                    users.push(record.clone());
                    Ok(record)
                }
            },
        )
    })
    .await;
    match committed {
        Ok(Ok(user)) => {
            let stamp = user.created_at.clone();
            token_answer(
                &state,
                &user,
                "User registered successfully",
                "created_at",
                stamp,
            )
        }
        Ok(Err(Refused::Change(taken))) => detail(400, taken),
        Ok(Err(Refused::Store(err))) => not_saved(&err, "Registration failed"),
        Err(_) => detail(500, "Registration failed"),
    }
}

/// `POST /login`: 401 `Invalid credentials` for an unknown e-mail or a wrong password,
/// else `last_login` is saved and answered with a token.
async fn login(State(state): State<Arc<AuthState>>, body: Bytes) -> Response {
    let [email, password] = match fields(&body, ["email", "password"]) {
        Ok(fields) => fields,
        Err(refusal) => return *refusal,
    };
    if let Err(refusal) = check_email(&email) {
        return *refusal;
    }
    let Some(user) = state.find(|user| user.email == email) else {
        return detail(401, "Invalid credentials");
    };
    let phc = user.password_hash.clone();
    let Ok(matches) = tokio::task::spawn_blocking(move || password::verify(&password, &phc)).await
    else {
        return detail(500, "Login failed");
    };
    if !matches {
        return detail(401, "Invalid credentials");
    }
    if !user.is_active {
        return detail(401, "Account is inactive");
    }
    let now = aware_utc_now();
    let (saving, stamp) = (Arc::clone(&state), now.clone());
    let committed = tokio::task::spawn_blocking(move || {
        saving.commit(|users| {
            let found = users.iter_mut().find(|stored| stored.id == user.id);
            let stored = found.ok_or("Invalid credentials")?;
            stored.last_login = Some(stamp);
            Ok::<_, &str>(stored.clone())
        })
    })
    .await;
    match committed {
        Ok(Ok(user)) => token_answer(&state, &user, "Login successful", "last_login", now),
        Ok(Err(Refused::Change(refusal))) => detail(401, refusal),
        Ok(Err(Refused::Store(err))) => not_saved(&err, "Login failed"),
        Err(_) => detail(500, "Login failed"),
    }
}

/// `POST /verify`: the user and the token's claims.
async fn verify(State(state): State<Arc<AuthState>>, headers: HeaderMap) -> Response {
    let user = match bearer_user(&state, &headers) {
        Ok(found) => found,
        Err(refusal) => return *refusal,
    };
    let (user, claims) = user;
    let data = json!({ "valid": true, "user": user.public(), "claims": claims });
    answer(200, &envelope("Token is valid", data))
}

/// `POST /refresh`: a new token for the bearer's user (there is no refresh token).
async fn refresh(State(state): State<Arc<AuthState>>, headers: HeaderMap) -> Response {
    let (user, _) = match bearer_user(&state, &headers) {
        Ok(found) => found,
        Err(refusal) => return *refusal,
    };
    let data = json!({
        "access_token": state.issue_token(&user),
        "token_type": "bearer",
        "expires_in": EXPIRES_IN,
    });
    answer(200, &envelope("Token refreshed successfully", data))
}

/// The bearer's user and claims: FastAPI's `HTTPBearer` first (403 `Not authenticated`
/// without credentials, 403 `Invalid authentication credentials` for another scheme), then
/// the token (401 `Invalid or expired token`) and its user (401 `User not found or
/// inactive`).
fn bearer_user(
    state: &AuthState,
    headers: &HeaderMap,
) -> Result<(UserRecord, Value), Box<Response>> {
    let value = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.is_empty() || token.is_empty() {
        return Err(Box::new(detail(403, "Not authenticated")));
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Box::new(detail(403, "Invalid authentication credentials")));
    }
    let claims = state
        .verifier()
        .verify(token.trim())
        .map_err(|_| Box::new(detail(401, "Invalid or expired token")))?;
    let user = state
        .find(|user| user.id == claims.sub && user.is_active)
        .ok_or_else(|| Box::new(detail(401, "User not found or inactive")))?;
    Ok((user, serde_json::to_value(&claims).unwrap_or(Value::Null)))
}

/// Which of `email` (first) and `username` is taken, as the reference words it.
fn taken(users: &[UserRecord], email: &str, username: &str) -> Option<&'static str> {
    if users.iter().any(|user| user.email == email) {
        Some("User with this email already exists")
    } else if users.iter().any(|user| user.username == username) {
        Some("Username already taken")
    } else {
        None
    }
}

/// The register and login answer: the token, its type and lifetime, and the user with
/// `stamp_name` (`created_at` or `last_login`).
fn token_answer(
    state: &AuthState,
    user: &UserRecord,
    message: &str,
    stamp_name: &str,
    stamp: String,
) -> Response {
    let mut public = user.public();
    public.insert(stamp_name.to_owned(), Value::from(stamp));
    let data = json!({
        "access_token": state.issue_token(user),
        "token_type": "bearer",
        "expires_in": EXPIRES_IN,
        "user": public,
    });
    answer(200, &envelope(message, data))
}

/// The string fields `names` of a JSON object body, or FastAPI's 422 for what is wrong
/// (the platform validates requests before they get here; this is the service's own
/// guard, so no input makes it misbehave).
fn fields<const N: usize>(body: &[u8], names: [&str; N]) -> Result<[String; N], Box<Response>> {
    let parsed: Value = serde_json::from_slice(body).map_err(|err| {
        unprocessable(&[json!({
            "type": "json_invalid",
            "loc": ["body", err.column()],
            "msg": "JSON decode error",
            "input": {},
            "ctx": { "error": err.to_string() },
        })])
    })?;
    let Value::Object(object) = &parsed else {
        return Err(unprocessable(&[json!({
            "type": "model_attributes_type",
            "loc": ["body"],
            "msg": "Input should be a valid dictionary or object to extract fields from",
            "input": parsed,
        })]));
    };
    let mut problems = Vec::new();
    let values = names.map(|name| match object.get(name) {
        Some(Value::String(text)) => text.clone(),
        Some(other) => {
            problems.push(json!({
                "type": "string_type",
                "loc": ["body", name],
                "msg": "Input should be a valid string",
                "input": other,
            }));
            String::new()
        }
        None => {
            problems.push(json!({
                "type": "missing",
                "loc": ["body", name],
                "msg": "Field required",
                "input": parsed,
            }));
            String::new()
        }
    });
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(unprocessable(&problems))
    }
}

/// Pydantic's `EmailStr` in its simplest form: one `@`, something before it, a dotted
/// domain after it.
fn check_email(email: &str) -> Result<(), Box<Response>> {
    let reason = match email.split_once('@') {
        None => "The email address is not valid. It must have exactly one @-sign.",
        Some((_, domain)) if domain.contains('@') => {
            "The email address is not valid. It must have exactly one @-sign."
        }
        Some(("", _)) => "There must be something before the @-sign.",
        Some((_, domain)) if !domain.contains('.') || domain.starts_with('.') => {
            "The part after the @-sign is not valid. It should have a period."
        }
        Some((local, domain))
            if local.contains(char::is_whitespace) || domain.contains(char::is_whitespace) =>
        {
            "The email address contains invalid characters."
        }
        Some(_) => return Ok(()),
    };
    Err(unprocessable(&[json!({
        "type": "value_error",
        "loc": ["body", "email"],
        "msg": format!("value is not a valid email address: {reason}"),
        "input": email,
        "ctx": { "reason": reason },
    })]))
}

/// The 500 of a change the store could not save, the error on stderr for whoever runs the
/// platform.
fn not_saved(err: &std::io::Error, message: &str) -> Response {
    eprintln!("lift-testkit fake auth: users not saved: {err}");
    detail(500, message)
}

fn unprocessable(detail: &[Value]) -> Box<Response> {
    Box::new(answer(422, &json!({ "detail": detail })))
}

fn detail(status: u16, detail: &str) -> Response {
    answer(status, &json!({ "detail": detail }))
}

fn answer(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}
