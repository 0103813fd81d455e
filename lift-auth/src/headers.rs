//! The user-context header names of the gateway (contract §4.2, §7.2).
//!
//! Header names are case-insensitive on the wire; these constants are the lower-case
//! [`HeaderName`]s `http` uses.

use http::HeaderName;

/// `X-User-ID`: the user id (`claims.sub`).
pub const X_USER_ID: HeaderName = HeaderName::from_static("x-user-id");
/// `X-Org-ID`: the organisation id (`claims.org_id`).
pub const X_ORG_ID: HeaderName = HeaderName::from_static("x-org-id");
/// `X-Memory-Context`: the memory context (`claims.memory_context`).
pub const X_MEMORY_CONTEXT: HeaderName = HeaderName::from_static("x-memory-context");
/// `X-User-Roles`: the roles, comma-joined without spaces (`user,admin`).
pub const X_USER_ROLES: HeaderName = HeaderName::from_static("x-user-roles");
/// `X-Module-ID`: the registry id of the module called through `/modules/{id}/`.
pub const X_MODULE_ID: HeaderName = HeaderName::from_static("x-module-id");
/// `X-User-Permissions`: permissions, comma-joined. The reference gateway does not send it,
/// but some modules read it; never written, refused when repeated, stripped before the
/// gateway like the others.
pub const X_USER_PERMISSIONS: HeaderName = HeaderName::from_static("x-user-permissions");
/// `X-Organization-ID`: an alias of `X-Org-ID` that the llm module and the docs use; read,
/// never written.
pub const X_ORGANIZATION_ID: HeaderName = HeaderName::from_static("x-organization-id");

/// Every header that carries user context, for stripping them from requests to the gateway
/// (which would otherwise forward the client's copy first: contract §4.2).
pub const ALL: [HeaderName; 7] = [
    X_USER_ID,
    X_ORG_ID,
    X_MEMORY_CONTEXT,
    X_USER_ROLES,
    X_MODULE_ID,
    X_ORGANIZATION_ID,
    X_USER_PERMISSIONS,
];
