//! The role → default-permission table of contract §3.2 (`get_user_permissions`).

use super::Permission;

/// Default permissions of `user`.
pub(crate) static USER: &[Permission] = &[
    Permission::from_static("user:read"),
    Permission::from_static("user:write"),
    Permission::from_static("memory:read"),
    Permission::from_static("memory:write"),
    Permission::from_static("modules:read"),
    Permission::from_static("causal:read"),
];

/// Default permissions of `viewer`.
pub(crate) static VIEWER: &[Permission] = &[
    Permission::from_static("user:read"),
    Permission::from_static("memory:read"),
    Permission::from_static("modules:read"),
    Permission::from_static("causal:read"),
];

/// Default permissions of `analyst`.
pub(crate) static ANALYST: &[Permission] = &[
    Permission::from_static("user:read"),
    Permission::from_static("user:write"),
    Permission::from_static("memory:read"),
    Permission::from_static("memory:write"),
    Permission::from_static("modules:read"),
    Permission::from_static("modules:write"),
    Permission::from_static("causal:read"),
    Permission::from_static("causal:write"),
    Permission::from_static("causal:experiments:design"),
    Permission::from_static("causal:experiments:run"),
    Permission::from_static("causal:data:access"),
    Permission::from_static("causal:insights:generate"),
    Permission::from_static("causal:optimization:run"),
];

/// Default permissions of `developer`.
pub(crate) static DEVELOPER: &[Permission] = &[
    Permission::from_static("user:read"),
    Permission::from_static("user:write"),
    Permission::from_static("memory:read"),
    Permission::from_static("memory:write"),
    Permission::from_static("modules:read"),
    Permission::from_static("modules:write"),
    Permission::from_static("modules:admin"),
    Permission::from_static("causal:read"),
    Permission::from_static("causal:write"),
    Permission::from_static("causal:models:create"),
    Permission::from_static("causal:models:deploy"),
    Permission::from_static("causal:data:access"),
];

/// Default permissions of `admin`.
pub(crate) static ADMIN: &[Permission] = &[
    Permission::from_static("user:read"),
    Permission::from_static("user:write"),
    Permission::from_static("user:delete"),
    Permission::from_static("org:read"),
    Permission::from_static("org:write"),
    Permission::from_static("org:delete"),
    Permission::from_static("billing:read"),
    Permission::from_static("billing:write"),
    Permission::from_static("memory:read"),
    Permission::from_static("memory:write"),
    Permission::from_static("memory:admin"),
    Permission::from_static("modules:read"),
    Permission::from_static("modules:write"),
    Permission::from_static("modules:admin"),
    Permission::from_static("causal:read"),
    Permission::from_static("causal:write"),
    Permission::from_static("causal:admin"),
    Permission::from_static("causal:experiments:design"),
    Permission::from_static("causal:experiments:run"),
    Permission::from_static("causal:data:access"),
    Permission::from_static("causal:data:export"),
    Permission::from_static("causal:models:create"),
    Permission::from_static("causal:models:deploy"),
    Permission::from_static("causal:insights:generate"),
    Permission::from_static("causal:optimization:run"),
];
