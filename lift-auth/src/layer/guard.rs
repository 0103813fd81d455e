//! Permission and role guards, checked against typed markers.

use std::fmt;
use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::middleware::{FromExtractorLayer, from_extractor};
use http::request::Parts;

use super::extract::identity;
use crate::error::{AuthErrorKind, Error};
use crate::permission::Permission;
use crate::role::Role;

/// A permission known at compile time: a type per permission, so a guard names it in its
/// type and a typo is a compile error.
///
/// Define markers with [`permission_marker!`](crate::permission_marker), which checks the
/// string's grammar at compile time; [`perm`] holds the contract's common ones.
pub trait PermissionMarker: Send + Sync + 'static {
    /// The permission, e.g. `"memory:write"`.
    const PERMISSION: &'static str;
}

/// A role known at compile time; see [`role`] for the markers.
pub trait RoleMarker: Send + Sync + 'static {
    /// The role, e.g. `"admin"`.
    const ROLE: &'static str;
}

/// Defines a [`PermissionMarker`] type; the permission string is validated at compile time.
///
/// ```
/// lift_auth::permission_marker!(pub EvalRun = "eval:run");
/// use lift_auth::layer::PermissionMarker;
/// assert_eq!(EvalRun::PERMISSION, "eval:run");
/// ```
///
/// ```compile_fail
/// lift_auth::permission_marker!(pub Bad = "Eval Run");
/// ```
#[macro_export]
macro_rules! permission_marker {
    ($(#[$meta:meta])* $vis:vis $name:ident = $permission:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;
        impl $crate::layer::PermissionMarker for $name {
            const PERMISSION: &'static str = $permission;
        }
        const _: () = ::core::assert!(
            $crate::Permission::is_valid_str($permission),
            "invalid permission string"
        );
    };
}

/// Markers for the permissions of contract §3.2.
pub mod perm {
    crate::permission_marker!(
        /// `memory:read`.
        pub MemoryRead = "memory:read"
    );
    crate::permission_marker!(
        /// `memory:write`.
        pub MemoryWrite = "memory:write"
    );
    crate::permission_marker!(
        /// `memory:admin`.
        pub MemoryAdmin = "memory:admin"
    );
    crate::permission_marker!(
        /// `modules:read`.
        pub ModulesRead = "modules:read"
    );
    crate::permission_marker!(
        /// `modules:write`.
        pub ModulesWrite = "modules:write"
    );
    crate::permission_marker!(
        /// `modules:admin`.
        pub ModulesAdmin = "modules:admin"
    );
    crate::permission_marker!(
        /// `user:read`.
        pub UserRead = "user:read"
    );
    crate::permission_marker!(
        /// `user:write`.
        pub UserWrite = "user:write"
    );
    crate::permission_marker!(
        /// `causal:read`.
        pub CausalRead = "causal:read"
    );
    crate::permission_marker!(
        /// `causal:write`.
        pub CausalWrite = "causal:write"
    );
}

/// Markers for the roles of contract §3.2.
pub mod role {
    macro_rules! role_marker {
        ($name:ident, $role:literal) => {
            #[doc = concat!("The `", $role, "` role.")]
            #[derive(Debug, Clone, Copy, Default)]
            pub struct $name;
            impl super::RoleMarker for $name {
                const ROLE: &'static str = $role;
            }
        };
    }
    role_marker!(Admin, "admin");
    role_marker!(User, "user");
    role_marker!(Analyst, "analyst");
    role_marker!(Developer, "developer");
    role_marker!(Viewer, "viewer");
}

/// Requires the permission `P`: as a handler parameter
/// (`_: RequirePermission<perm::MemoryWrite>`) or as a route layer
/// ([`RequirePermission::layer`]). Answers 403 `insufficient_scope` naming the permission,
/// or 401 when the request was not authenticated.
///
/// ```
/// use axum::{Router, routing::post};
/// use lift_auth::layer::{RequirePermission, perm::MemoryWrite};
///
/// async fn store(_: RequirePermission<MemoryWrite>) -> &'static str { "stored" }
///
/// let app: Router = Router::new()
///     .route("/store", post(store))
///     .route("/batch", post(|| async { "ok" }))
///     .route_layer(RequirePermission::<MemoryWrite>::layer());
/// ```
pub struct RequirePermission<P>(PhantomData<fn() -> P>);

impl<P: PermissionMarker> RequirePermission<P> {
    /// The guard as a route layer (`Router::route_layer`).
    pub fn layer() -> FromExtractorLayer<Self, ()> {
        from_extractor::<Self>()
    }
}

impl<P> fmt::Debug for RequirePermission<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequirePermission")
    }
}

impl<P: PermissionMarker, S: Send + Sync> FromRequestParts<S> for RequirePermission<P> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let required = const {
            assert!(
                Permission::is_valid_str(P::PERMISSION),
                "invalid permission"
            );
            Permission::from_static(P::PERMISSION)
        };
        let identity = identity(parts).ok_or_else(|| Error::new(AuthErrorKind::MissingToken))?;
        if identity.permissions().allows(&required) {
            Ok(Self(PhantomData))
        } else {
            Err(Error::forbidden(P::PERMISSION))
        }
    }
}

/// Requires the role `R` (see [`role`]); answers 403 naming the role otherwise.
///
/// ```
/// use axum::{Router, routing::post};
/// use lift_auth::layer::{RequireRole, role::Admin};
///
/// async fn register(_: RequireRole<Admin>) -> &'static str { "registered" }
/// let app: Router = Router::new().route("/modules", post(register));
/// ```
pub struct RequireRole<R>(PhantomData<fn() -> R>);

impl<R: RoleMarker> RequireRole<R> {
    /// The guard as a route layer (`Router::route_layer`).
    pub fn layer() -> FromExtractorLayer<Self, ()> {
        from_extractor::<Self>()
    }
}

impl<R> fmt::Debug for RequireRole<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequireRole")
    }
}

impl<R: RoleMarker, S: Send + Sync> FromRequestParts<S> for RequireRole<R> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let identity = identity(parts).ok_or_else(|| Error::new(AuthErrorKind::MissingToken))?;
        if identity.context().has_role(&Role::from(R::ROLE)) {
            Ok(Self(PhantomData))
        } else {
            Err(Error::forbidden(format!("role {}", R::ROLE)))
        }
    }
}
