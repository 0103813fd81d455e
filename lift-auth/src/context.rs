//! The identity of the caller, as a module sees it.

use http::{HeaderMap, HeaderValue};

use crate::claims::{Claims, default_memory_context};
use crate::error::{AuthErrorKind, Error};
use crate::headers::{
    X_MEMORY_CONTEXT, X_MODULE_ID, X_ORG_ID, X_ORGANIZATION_ID, X_USER_ID, X_USER_PERMISSIONS,
    X_USER_ROLES,
};
use crate::permission::PermissionSet;
use crate::role::Role;

/// Who is calling: user id, organisation, roles, memory context and, through the gateway's
/// module route, the module id (contract §7.2).
///
/// Built from verified [`Claims`], from the gateway's `X-User-*` headers, or by hand; written
/// back as headers for direct calls inside the platform network.
///
/// ```
/// use lift_auth::{Role, UserContext};
///
/// # fn run() -> lift_auth::Result<()> {
/// let ctx = UserContext::new("user-1", "org-1").with_roles([Role::User, Role::Admin]);
/// assert_eq!(ctx.memory_context(), "org_org-1_context");
///
/// let mut headers = http::HeaderMap::new();
/// ctx.write_headers(&mut headers);
/// assert_eq!(headers["x-user-roles"], "user,admin");
/// assert_eq!(UserContext::from_headers(&headers)?, ctx);
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserContext {
    user_id: String,
    org_id: String,
    roles: Vec<Role>,
    memory_context: String,
    module_id: Option<String>,
}

impl UserContext {
    /// A context for `user_id` in `org_id`, with no roles, the default memory context and no
    /// module id.
    #[must_use]
    pub fn new(user_id: impl Into<String>, org_id: impl Into<String>) -> Self {
        let org_id = org_id.into();
        Self {
            user_id: user_id.into(),
            memory_context: default_memory_context(&org_id),
            org_id,
            roles: Vec::new(),
            module_id: None,
        }
    }

    /// Sets the roles.
    #[must_use]
    pub fn with_roles(mut self, roles: impl IntoIterator<Item = Role>) -> Self {
        self.roles = roles.into_iter().collect();
        self
    }

    /// Sets the memory context (default `org_{org_id}_context`).
    #[must_use]
    pub fn with_memory_context(mut self, memory_context: impl Into<String>) -> Self {
        self.memory_context = memory_context.into();
        self
    }

    /// Sets the module id.
    #[must_use]
    pub fn with_module_id(mut self, module_id: impl Into<String>) -> Self {
        self.module_id = Some(module_id.into());
        self
    }

    /// The context of verified claims (no module id).
    #[must_use]
    pub fn from_claims(claims: &Claims) -> Self {
        Self {
            user_id: claims.sub.clone(),
            org_id: claims.org_id.clone(),
            roles: claims.roles.clone(),
            memory_context: claims.memory_context.clone(),
            module_id: None,
        }
    }

    /// Reads the gateway's headers: `X-User-ID` and `X-Org-ID` (or its alias
    /// `X-Organization-ID`) are required; `X-User-Roles` is split on `,` with each role
    /// trimmed and empty items dropped; `X-Memory-Context` and `X-Module-ID` are optional.
    /// Names are case-insensitive; surrounding spaces are trimmed and an empty value counts
    /// as absent.
    ///
    /// A user-context header sent more than once is refused (`X-User-ID`, `X-Org-ID`,
    /// `X-Organization-ID`, `X-User-Roles`, `X-Memory-Context`, `X-User-Permissions`,
    /// `X-Module-ID`; and `X-Org-ID` next to an `X-Organization-ID` that differs): the reference gateway forwards the client's own
    /// copy *before* the one it injects, and FastAPI reads the first, so a repeated header is
    /// a caller trying to pass for someone else (contract §4.2).
    ///
    /// These headers prove nothing by themselves, and refusing repeats does not make them
    /// safe: trust them only from trusted components in a private network that nothing else
    /// can reach (behind the gateway, verify the forwarded bearer token instead). See
    /// `docs/auth.md` for which mode to use where.
    ///
    /// # Errors
    ///
    /// An error of kind [`MissingToken`](AuthErrorKind::MissingToken) when `X-User-ID` or the
    /// org id is absent or empty, and [`InvalidHeader`](AuthErrorKind::InvalidHeader) when a
    /// value is not visible ASCII/UTF-8 or a header is repeated.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, Error> {
        refuse_repeated(headers)?;
        let user_id = header_str(headers, &X_USER_ID)?.ok_or_else(|| {
            Error::with_detail(AuthErrorKind::MissingToken, "no x-user-id header")
        })?;
        let org_id = match header_str(headers, &X_ORG_ID)? {
            Some(org_id) => org_id,
            None => header_str(headers, &X_ORGANIZATION_ID)?.ok_or_else(|| {
                Error::with_detail(AuthErrorKind::MissingToken, "no x-org-id header")
            })?,
        };
        let roles = header_str(headers, &X_USER_ROLES)?
            .map(|roles| {
                roles
                    .split(',')
                    .map(str::trim)
                    .filter(|role| !role.is_empty())
                    .map(Role::from)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            user_id: user_id.to_owned(),
            org_id: org_id.to_owned(),
            roles,
            memory_context: header_str(headers, &X_MEMORY_CONTEXT)?
                .map_or_else(|| default_memory_context(org_id), str::to_owned),
            module_id: header_str(headers, &X_MODULE_ID)?.map(str::to_owned),
        })
    }

    /// Writes `X-User-ID`, `X-Org-ID`, `X-Memory-Context`, `X-User-Roles` (comma-joined,
    /// no spaces; omitted when there are no roles) and `X-Module-ID` when set, replacing any
    /// value already there. A value that is not a valid header value is skipped.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let mut put = |name, value: &str| {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        };
        put(X_USER_ID, &self.user_id);
        put(X_ORG_ID, &self.org_id);
        put(X_MEMORY_CONTEXT, &self.memory_context);
        if !self.roles.is_empty() {
            put(X_USER_ROLES, &self.roles_header());
        }
        if let Some(module_id) = &self.module_id {
            put(X_MODULE_ID, module_id);
        }
    }

    /// The user id.
    #[must_use]
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The organisation id.
    #[must_use]
    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    /// The roles.
    #[must_use]
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// The memory context: as given, or `org_{org_id}_context`.
    #[must_use]
    pub fn memory_context(&self) -> &str {
        &self.memory_context
    }

    /// The module id, when called through the gateway's module route.
    #[must_use]
    pub fn module_id(&self) -> Option<&str> {
        self.module_id.as_deref()
    }

    /// Whether `role` is among the roles.
    #[must_use]
    pub fn has_role(&self, role: &Role) -> bool {
        self.roles.contains(role)
    }

    /// The default permissions of the roles (contract §3.2): what a caller identified by
    /// headers alone may do.
    #[must_use]
    pub fn permissions(&self) -> PermissionSet {
        PermissionSet::from_roles(&self.roles)
    }

    /// The roles as the gateway writes them: `user,admin`.
    #[must_use]
    pub fn roles_header(&self) -> String {
        let mut out = String::new();
        for (i, role) in self.roles.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(role.as_str());
        }
        out
    }
}

impl From<&Claims> for UserContext {
    fn from(claims: &Claims) -> Self {
        Self::from_claims(claims)
    }
}

/// Refuses a request that carries a user-context header more than once, or `X-Org-ID` and
/// its alias `X-Organization-ID` with different values.
///
/// # Errors
///
/// [`InvalidHeader`](AuthErrorKind::InvalidHeader) naming the header.
pub(crate) fn refuse_repeated(headers: &HeaderMap) -> Result<(), Error> {
    let repeated = |name: &http::HeaderName| headers.get_all(name).iter().nth(1).is_some();
    let single = [
        X_USER_ID,
        X_ORG_ID,
        X_ORGANIZATION_ID,
        X_USER_ROLES,
        X_MEMORY_CONTEXT,
        X_USER_PERMISSIONS,
        X_MODULE_ID,
    ];
    if let Some(name) = single.iter().find(|name| repeated(name)) {
        return Err(sent_twice(name.as_str()));
    }
    // The alias next to the real name: fine when both say the same, a spoof when not.
    if let (Some(org), Some(alias)) = (headers.get(X_ORG_ID), headers.get(X_ORGANIZATION_ID))
        && org.as_bytes().trim_ascii() != alias.as_bytes().trim_ascii()
    {
        return Err(sent_twice("x-org-id (as x-organization-id)"));
    }
    Ok(())
}

fn sent_twice(name: &str) -> Error {
    // The name only: the values never go into the error.
    Error::with_detail(
        AuthErrorKind::InvalidHeader,
        format!("{name} sent more than once"),
    )
}

/// The value of `name`, trimmed; `None` when absent or empty.
fn header_str<'a>(
    headers: &'a HeaderMap,
    name: &http::HeaderName,
) -> Result<Option<&'a str>, Error> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| Error::with_detail(AuthErrorKind::InvalidHeader, name.as_str().to_owned()))?
        .trim();
    Ok((!value.is_empty()).then_some(value))
}
