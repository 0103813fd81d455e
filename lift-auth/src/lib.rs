//! Identity for Lift OS Core: who is calling, and may they.
//!
//! The shared identity types ([`Claims`], [`Role`], [`SubscriptionTier`], [`Permission`],
//! [`PermissionSet`], [`UserContext`]), token verification ([`TokenVerifier`]: HS256 with
//! the shared secret, RS256/ES256/EdDSA, JWKS by `kid`) and issuing ([`TokenIssuer`]), and
//! the gateway's bearer and header parsing. Optional features add the axum auth layer and
//! the auth-service client with token providers.
//!
//! ```no_run
//! use lift_auth::{Permission, Role, TokenVerifier, UserContext};
//!
//! # fn run(bearer_token: &str) -> lift_auth::Result<()> {
//! let verifier = TokenVerifier::hs256(std::env::var("JWT_SECRET").unwrap_or_default())?;
//! let claims = verifier.verify(bearer_token)?;
//! let caller = UserContext::from_claims(&claims);
//! let write: Permission = "memory:write".parse()?;
//! if caller.has_role(&Role::Admin) || claims.effective_permissions().allows(&write) {
//!     println!("{} may write to {}", caller.user_id(), caller.memory_context());
//! }
//! # Ok(()) }
//! ```
//!
//! # Feature flags
//!
//! | flag | default | enables |
//! |---|---|---|
//! | `axum` | no | `JwtAuthLayer` (modes `Jwt`, `GatewayHeaders`, `JwtOrGatewayHeaders`), extractors and the permission/role guards of `layer` (axum, tower) |
//! | `client` | no | `AuthClient`, the token providers of `provider`, and JWKS fetched from a URL (on `lift-sdk-core`) |
//!
//! Without features the crate depends on no HTTP client and no web framework.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod algorithm;
mod bearer;
mod claims;
#[cfg(feature = "client")]
mod client;
mod context;
mod error;
mod issue;
mod permission;
mod role;
mod secret;
mod tier;
mod verify;

pub mod headers;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod layer;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub mod provider;

#[doc(inline)]
pub use algorithm::Algorithm;
#[doc(inline)]
pub use bearer::{bearer_from_headers, parse_bearer};
#[doc(inline)]
pub use claims::{Audience, Claims, NumericDate};
#[cfg(feature = "client")]
#[doc(inline)]
pub use client::{
    AuthClient, AuthServiceInfo, CausalAccessRequest, CausalCapabilities, CausalDataScope,
    CausalDataScopes, CausalPermissionLevel, CausalPermissions, CausalRoleRequest,
    CausalTierLimits, RegisterRequest, TokenResponse, User, VerifyResponse,
};
#[doc(inline)]
pub use context::UserContext;
#[doc(inline)]
pub use error::{AuthErrorKind, Error};
#[doc(inline)]
pub use issue::{TokenIssuer, TokenIssuerBuilder};
#[cfg(feature = "axum")]
#[doc(inline)]
pub use layer::{AuthMode, Authenticated, JwtAuthLayer, RequirePermission, RequireRole};
#[doc(inline)]
pub use permission::{Permission, PermissionSet};
#[cfg(feature = "client")]
#[doc(inline)]
pub use provider::{Caller, LoginSession, ServiceTokenSigner, StaticToken, UserContextHeaders};
#[doc(inline)]
pub use role::Role;
#[doc(inline)]
pub use secret::{Secret, Token};
#[doc(inline)]
pub use tier::SubscriptionTier;
#[doc(inline)]
pub use verify::{TokenVerifier, TokenVerifierBuilder};

/// `Result` with [`Error`] as its default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
