//! Request and response bodies of the auth service (contract §3.1).

use std::fmt;

use lift_sdk_core::Timestamp;
use serde::{Deserialize, Serialize};

use crate::secret::Token;

/// `POST /register` body: all four fields are required by the service. `Debug` does not
/// show the password.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct RegisterRequest {
    email: String,
    password: String,
    username: String,
    full_name: String,
}

impl RegisterRequest {
    /// A registration.
    #[must_use]
    pub fn new(
        email: impl Into<String>,
        password: impl Into<String>,
        username: impl Into<String>,
        full_name: impl Into<String>,
    ) -> Self {
        Self {
            email: email.into(),
            password: password.into(),
            username: username.into(),
            full_name: full_name.into(),
        }
    }
}

impl fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .field("username", &self.username)
            .field("full_name", &self.full_name)
            .finish()
    }
}

/// `POST /login` body.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub(crate) struct LoginRequest<'a> {
    pub(crate) email: &'a str,
    pub(crate) password: &'a str,
}

/// The token the auth service returns from `register`, `login` and `refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct TokenResponse {
    /// The JWT (`Debug` redacted).
    pub access_token: Token,
    /// `"bearer"` (lower case in the reference).
    #[serde(default = "bearer")]
    pub token_type: String,
    /// Seconds until the token expires (`86400` by default); see
    /// [`expires_in`](Self::expires_in).
    #[serde(rename = "expires_in", default)]
    pub expires_in_secs: Option<u64>,
    /// The user (absent from `refresh`).
    #[serde(default)]
    pub user: Option<User>,
    /// Fields sent with another type than this SDK expects, kept as sent (contract §10 H).
    #[serde(skip)]
    pub mistyped: serde_json::Map<String, serde_json::Value>,
}

lift_sdk_core::tolerant_deserialize!(TokenResponse, mistyped);

impl TokenResponse {
    /// How long the token lives, when the service said.
    #[must_use]
    pub fn expires_in(&self) -> Option<std::time::Duration> {
        self.expires_in_secs.map(std::time::Duration::from_secs)
    }
}

fn bearer() -> String {
    "bearer".to_owned()
}

/// A user record as the auth service returns it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct User {
    /// The user id (a UUID string, also the org id today).
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Username.
    #[serde(default)]
    pub username: Option<String>,
    /// Full name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Whether the account is active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Whether the e-mail was verified (`false` after register; nothing verifies it).
    #[serde(default)]
    pub is_verified: Option<bool>,
    /// When the account was created (register only).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// The last login (login only).
    #[serde(default)]
    pub last_login: Option<Timestamp>,
    /// Fields sent with another type than this SDK expects, kept as sent (contract §10 H).
    #[serde(skip)]
    pub mistyped: serde_json::Map<String, serde_json::Value>,
}

lift_sdk_core::tolerant_deserialize!(User, mistyped);

/// `POST /verify` answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct VerifyResponse {
    /// Whether the token is valid.
    pub valid: bool,
    /// The user.
    #[serde(default)]
    pub user: Option<User>,
    /// The token's claims as the service decoded them.
    #[serde(default)]
    pub claims: Option<serde_json::Value>,
    /// Fields sent with another type than this SDK expects, kept as sent (contract §10 H).
    #[serde(skip)]
    pub mistyped: serde_json::Map<String, serde_json::Value>,
}

lift_sdk_core::tolerant_deserialize!(VerifyResponse, mistyped);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_request_debug_hides_the_password() {
        let request = RegisterRequest::new("ana@example.com", "hunter2-secret", "ana", "Ana");
        let text = format!("{request:?}");
        assert!(!text.contains("hunter2-secret"), "{text}");
        assert!(text.contains("ana@example.com"));
    }

    #[test]
    fn a_login_answer_with_mistyped_user_fields_decodes() {
        let answer: TokenResponse = serde_json::from_value(serde_json::json!({
            "access_token": "a.b.c", "token_type": null, "expires_in": "soon",
            "user": {"id": "u-1", "email": "ana@example.com", "is_active": "yes",
                     "created_at": null, "username": 7}
        }))
        .unwrap();
        let user = answer.user.unwrap();
        assert_eq!(answer.token_type, "bearer");
        assert_eq!(answer.expires_in_secs, None);
        assert_eq!(answer.mistyped["expires_in"], "soon");
        assert_eq!((user.id.as_str(), user.is_active), ("u-1", None));
        assert_eq!(user.mistyped["is_active"], "yes");
        assert_eq!(user.mistyped["username"], 7);
        assert_eq!(user.created_at, None);
    }
}
