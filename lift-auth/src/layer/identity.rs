//! The verified identity the layer puts into request extensions.

use http::Request;

use crate::claims::Claims;
use crate::context::UserContext;
use crate::headers;
use crate::permission::PermissionSet;

/// Who the auth layer let in: the [`UserContext`], the verified [`Claims`] when the caller
/// presented a token, and the permissions used by the guards.
///
/// Usable as an extractor; [`Claims`] and [`UserContext`] are extractors too.
#[derive(Debug, Clone)]
pub struct Authenticated {
    context: UserContext,
    claims: Option<Claims>,
    permissions: PermissionSet,
}

impl Authenticated {
    pub(crate) fn from_claims(claims: Claims) -> Self {
        Self {
            context: UserContext::from_claims(&claims),
            permissions: claims.effective_permissions(),
            claims: Some(claims),
        }
    }

    pub(crate) fn from_context(context: UserContext) -> Self {
        Self {
            permissions: context.permissions(),
            context,
            claims: None,
        }
    }

    /// The caller's context.
    #[must_use]
    pub fn context(&self) -> &UserContext {
        &self.context
    }

    /// The verified claims; `None` when the caller was identified by gateway headers.
    #[must_use]
    pub fn claims(&self) -> Option<&Claims> {
        self.claims.as_ref()
    }

    /// The permissions the guards check: the token's `permissions` plus the default
    /// permissions of the roles.
    #[must_use]
    pub fn permissions(&self) -> &PermissionSet {
        &self.permissions
    }

    /// Makes the request's `X-User-*` headers say what was verified: a caller's own copies
    /// are removed, so a handler that reads headers cannot be fooled either.
    pub(crate) fn apply<B>(&self, request: &mut Request<B>) {
        if self.claims.is_some() {
            let map = request.headers_mut();
            for name in headers::ALL {
                map.remove(name);
            }
            self.context.write_headers(map);
        }
    }
}
