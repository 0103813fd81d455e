//! The gateway's user-context headers, for direct calls inside the platform network.

use async_trait::async_trait;
use http::HeaderMap;
use lift_sdk_core::{AuthProvider, Error};

use crate::context::UserContext;

/// Sends the user-context headers the gateway would add (`X-User-ID`, `X-Org-ID`,
/// `X-Memory-Context`, `X-User-Roles`, and `X-Module-ID` when set), never `Authorization`.
///
/// Memory and registry trust these headers without checking them, so this is how a module
/// inside the trusted network calls them directly on behalf of a user (contract §7.3).
/// **Never use it towards the gateway**: the gateway forwards the client's copies first, so
/// they would override the token's identity (contract §4.2).
///
/// ```
/// use lift_auth::{Role, UserContext, UserContextHeaders};
///
/// let ctx = UserContext::new("user-1", "org-1").with_roles([Role::User]);
/// let provider = UserContextHeaders::new(ctx);
/// assert_eq!(provider.context().user_id(), "user-1");
/// ```
#[derive(Debug, Clone)]
pub struct UserContextHeaders {
    context: UserContext,
}

impl UserContextHeaders {
    /// A provider that sends the headers of `context`.
    #[must_use]
    pub fn new(context: UserContext) -> Self {
        Self { context }
    }

    /// The context sent.
    #[must_use]
    pub fn context(&self) -> &UserContext {
        &self.context
    }
}

#[async_trait]
impl AuthProvider for UserContextHeaders {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        self.context.write_headers(headers);
        Ok(())
    }
}
