//! Whose credentials a client sends when it acts for a caller.

use std::sync::Arc;

use lift_sdk_core::AuthProvider;

use super::{StaticToken, UserContextHeaders};
use crate::{Token, UserContext};

/// The caller a client acts for: their bearer token (calls through the gateway), or their
/// user context sent as headers (direct calls inside the platform network).
///
/// Clients take it as `for_user(impl Into<Caller>)`, so a handler passes whatever it has:
///
/// ```
/// use lift_auth::{Caller, Token, UserContext};
///
/// let by_token = Caller::from(Token::new("eyJhbGciOi…"));
/// let by_context = Caller::from(&UserContext::new("user-1", "org-1"));
/// assert!(matches!(by_token, Caller::Token(_)));
/// assert!(!format!("{by_token:?}").contains("eyJ"));
/// # drop(by_context);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Caller {
    /// Sent as `Authorization: Bearer <token>`.
    Token(Token),
    /// Sent as `X-User-ID`, `X-Org-ID`, `X-Memory-Context`, `X-User-Roles` (and
    /// `X-Module-ID`); a gateway transport drops these headers.
    Context(UserContext),
}

impl Caller {
    /// The provider that sends this caller's credentials.
    #[must_use]
    pub fn into_provider(self) -> Arc<dyn AuthProvider> {
        match self {
            Self::Token(token) => Arc::new(StaticToken::new(token.expose())),
            Self::Context(context) => Arc::new(UserContextHeaders::new(context)),
        }
    }
}

impl From<Token> for Caller {
    fn from(token: Token) -> Self {
        Self::Token(token)
    }
}

impl From<UserContext> for Caller {
    fn from(context: UserContext) -> Self {
        Self::Context(context)
    }
}

impl From<&UserContext> for Caller {
    fn from(context: &UserContext) -> Self {
        Self::Context(context.clone())
    }
}
