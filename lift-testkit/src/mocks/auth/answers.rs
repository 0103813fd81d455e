//! The auth mock's happy answers over its users (contract §3.1, the `compat/` captures).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use lift_auth::{Role, SubscriptionTier, TokenVerifier};
use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use crate::mocks::fastapi::{envelope, json_answer, naive_utc_now, uuid4};
use crate::tokens::TestTokens;

/// How long a token the mock issues lives: the reference's default `JWT_EXPIRATION_HOURS`.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A user account the auth mock knows.
#[derive(Clone)]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) username: String,
    pub(crate) full_name: String,
    pub(crate) password: String,
    pub(crate) admin: bool,
    pub(crate) is_verified: bool,
}

impl Account {
    /// The `user` object of the answers, without the timestamps.
    fn user(&self) -> serde_json::Map<String, Value> {
        let user = json!({
            "id": self.id,
            "email": self.email,
            "username": self.username,
            "full_name": self.full_name,
            "is_active": true,
            "is_verified": self.is_verified,
        });
        match user {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        }
    }
}

/// The accounts, and what signs and checks the tokens.
pub(crate) struct AuthState {
    pub(crate) accounts: Vec<Account>,
    pub(crate) tokens: Arc<TestTokens>,
    pub(crate) verifier: TokenVerifier,
}

impl AuthState {
    /// A token for `account`, as the reference issues one: `org_id` is the user id, roles
    /// `[user]` (plus `admin` for superusers), enterprise tier for superusers.
    pub(crate) fn token_for(&self, account: &Account) -> String {
        let (roles, tier) = if account.admin {
            (vec![Role::User, Role::Admin], SubscriptionTier::Enterprise)
        } else {
            (vec![Role::User], SubscriptionTier::Free)
        };
        self.tokens
            .user(account.id.clone())
            .org(account.id.clone())
            .email(account.email.clone())
            .roles(roles)
            .tier(tier)
            .expires_in(TOKEN_LIFETIME)
            .issue()
    }
}

/// The routes the auth mock answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Root,
    Health,
    Ready,
    Register,
    Login,
    Verify,
    Refresh,
}

impl Route {
    /// Every route with its method and path.
    pub(crate) const ALL: [(Self, &'static str, &'static str); 7] = [
        (Self::Root, "GET", "/"),
        (Self::Health, "GET", "/health"),
        (Self::Ready, "GET", "/ready"),
        (Self::Register, "POST", "/register"),
        (Self::Login, "POST", "/login"),
        (Self::Verify, "POST", "/verify"),
        (Self::Refresh, "POST", "/refresh"),
    ];
}

/// Answers one route from the shared state.
pub(crate) struct Answer {
    pub(crate) state: Arc<Mutex<AuthState>>,
    pub(crate) route: Route,
}

impl Respond for Answer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = lock(&self.state);
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let text = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
        match self.route {
            Route::Root => json_answer(
                200,
                &envelope(
                    "Lift OS Core Authentication Service",
                    json!({
                        "version": "1.0.0",
                        "endpoints": ["/login", "/register", "/verify", "/refresh"],
                        "docs": "/docs",
                    }),
                ),
            ),
            Route::Health => json_answer(
                200,
                &json!({
                    "status": "healthy",
                    "service": "auth",
                    "timestamp": naive_utc_now(),
                    "uptime": "running",
                }),
            ),
            Route::Ready => json_answer(
                200,
                &json!({
                    "status": "ready",
                    "service": "auth",
                    "timestamp": naive_utc_now(),
                    "checks": {
                        "database": {
                            "status": "ready",
                            "result": { "users_count": state.accounts.len() },
                        },
                    },
                }),
            ),
            Route::Register => {
                let (email, username) = (text("email"), text("username"));
                if state.accounts.iter().any(|a| a.email == email) {
                    return detail(400, "User with this email already exists");
                }
                if state.accounts.iter().any(|a| a.username == username) {
                    return detail(400, "Username already taken");
                }
                let account = Account {
                    id: uuid4(),
                    email,
                    username,
                    full_name: text("full_name"),
                    password: text("password"),
                    admin: false,
                    is_verified: false,
                };
                state.accounts.push(account.clone());
                token_answer(
                    &state,
                    &account,
                    "User registered successfully",
                    "created_at",
                )
            }
            Route::Login => {
                let (email, password) = (text("email"), text("password"));
                let found = state
                    .accounts
                    .iter()
                    .find(|a| a.email == email && a.password == password)
                    .cloned();
                match found {
                    Some(account) => {
                        token_answer(&state, &account, "Login successful", "last_login")
                    }
                    None => detail(401, "Invalid credentials"),
                }
            }
            Route::Verify | Route::Refresh => bearer_answer(&state, self.route, request),
        }
    }
}

/// `/verify` and `/refresh`: FastAPI's `HTTPBearer` first (403), then the token (401).
fn bearer_answer(state: &AuthState, route: Route, request: &Request) -> ResponseTemplate {
    let Some(value) = request
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    else {
        return detail(403, "Not authenticated");
    };
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return detail(403, "Invalid authentication credentials"),
    };
    let Ok(claims) = state.verifier.verify(token) else {
        return detail(401, "Invalid or expired token");
    };
    let Some(account) = state.accounts.iter().find(|a| a.id == claims.sub) else {
        return detail(401, "User not found or inactive");
    };
    if route == Route::Refresh {
        let data = json!({
            "access_token": state.token_for(account),
            "token_type": "bearer",
            "expires_in": TOKEN_LIFETIME.as_secs(),
        });
        return json_answer(200, &envelope("Token refreshed successfully", data));
    }
    let claims = serde_json::to_value(&claims).unwrap_or(Value::Null);
    let data = json!({ "valid": true, "user": account.user(), "claims": claims });
    json_answer(200, &envelope("Token is valid", data))
}

/// The register and login answer: the token, its type and lifetime, and the user with
/// `stamp` (`created_at` or `last_login`) now, aware UTC as the reference writes it.
fn token_answer(
    state: &AuthState,
    account: &Account,
    message: &str,
    stamp: &str,
) -> ResponseTemplate {
    let mut user = account.user();
    user.insert(stamp.to_owned(), Value::from(aware_utc_now()));
    let data = json!({
        "access_token": state.token_for(account),
        "token_type": "bearer",
        "expires_in": TOKEN_LIFETIME.as_secs(),
        "user": user,
    });
    json_answer(200, &envelope(message, data))
}

/// Now as Python's aware `isoformat()` writes it: `2026-11-23T07:27:33.139892+00:00`.
fn aware_utc_now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

fn detail(status: u16, detail: &str) -> ResponseTemplate {
    json_answer(status, &json!({ "detail": detail }))
}

pub(crate) fn lock(state: &Mutex<AuthState>) -> MutexGuard<'_, AuthState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}
