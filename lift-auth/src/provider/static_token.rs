//! A fixed bearer token.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use lift_sdk_core::{AuthProvider, Error};

use crate::secret::Token;

/// Sends `Authorization: Bearer <token>` with a token given up front: a caller's token
/// propagated by a module, or one obtained elsewhere. It is never renewed.
///
/// Cheap to clone; `Debug` does not show the token.
///
/// ```
/// use std::sync::Arc;
/// use lift_auth::StaticToken;
/// use lift_sdk_core::AuthProvider;
///
/// let provider: Arc<dyn AuthProvider> = Arc::new(StaticToken::new("eyJhbGciOi…"));
/// assert!(!format!("{provider:?}").contains("eyJ"));
/// ```
#[derive(Clone)]
pub struct StaticToken {
    token: Arc<Token>,
}

impl StaticToken {
    /// A provider that always sends `token`.
    #[must_use]
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: Arc::new(Token::new(token)),
        }
    }

    /// The token.
    #[must_use]
    pub fn token(&self) -> &Token {
        &self.token
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken")
            .field("token", &*self.token)
            .finish()
    }
}

#[async_trait]
impl AuthProvider for StaticToken {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        headers.insert(AUTHORIZATION, super::bearer_value(self.token.expose())?);
        Ok(())
    }
}
