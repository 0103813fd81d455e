//! The auth service's routes (contract §3.1), answering as the `compat/` captures show.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header::AUTHORIZATION};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::body::{check_email, fields};
use super::causal::{causal_capabilities, causal_permissions};
use super::info::{health, health_detailed, ready, root};
use super::user::{UserRecord, aware_utc_now};
use super::{AuthState, Refused, password};
use crate::mocks::{envelope, uuid4};

/// The lifetime of the tokens the service issues: the reference's `JWT_EXPIRATION_HOURS`
/// default, in seconds.
const EXPIRES_IN: u64 = 24 * 3600;

/// The auth service's routes, as the service itself sees them (no `/auth` prefix).
pub(crate) fn router(state: Arc<AuthState>) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/health/detailed", get(health_detailed))
        .route("/causal/capabilities", get(causal_capabilities))
        .route("/causal/permissions/{user_id}", get(causal_permissions))
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/verify", post(verify))
        .route("/refresh", post(refresh))
        .fallback(|| async { detail(404, "Not Found") })
        .method_not_allowed_fallback(|| async { detail(405, "Method Not Allowed") })
        .with_state(state)
}

/// `POST /register`: 400 for a taken e-mail (checked first) or username, else the user is
/// saved and answered with a token and `created_at`.
async fn register(State(state): State<Arc<AuthState>>, body: Bytes) -> Response {
    let [email, password, username, full_name] =
        match fields(&body, ["email", "password", "username", "full_name"]) {
            Ok(fields) => fields,
            Err(refusal) => return *refusal,
        };
    let email = match check_email(&email) {
        Ok(normalized) => normalized,
        Err(refusal) => return *refusal,
    };
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
    let email = match check_email(&email) {
        Ok(normalized) => normalized,
        Err(refusal) => return *refusal,
    };
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
pub(super) fn bearer_user(
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

/// The 500 of a change the store could not save, the error on stderr for whoever runs the
/// platform.
fn not_saved(err: &std::io::Error, message: &str) -> Response {
    eprintln!("lift-testkit fake auth: users not saved: {err}");
    detail(500, message)
}

pub(super) fn detail(status: u16, detail: &str) -> Response {
    answer(status, &json!({ "detail": detail }))
}

pub(super) fn answer(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}
