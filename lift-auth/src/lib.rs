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
//! | `rustls` | yes | with `client`: TLS through rustls for https auth and JWKS URLs (forwarded to `lift-sdk-core`) |
//! | `native-tls` | no | with `client`: TLS through the platform's library instead |
//!
//! Without `client` and `axum` the crate depends on no HTTP client and no web framework
//! (`rustls` alone enables nothing).
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
#[cfg(feature = "client")]
#[doc(no_inline)]
pub use lift_sdk_core::Secret;
#[doc(inline)]
pub use permission::{Permission, PermissionSet};
#[cfg(feature = "client")]
#[doc(inline)]
pub use provider::{Caller, LoginSession, ServiceTokenSigner, StaticToken, UserContextHeaders};
#[doc(inline)]
pub use role::Role;
#[doc(inline)]
pub use secret::Token;
#[doc(inline)]
pub use tier::SubscriptionTier;
#[cfg(feature = "client")]
#[doc(inline)]
pub use verify::MAX_JWKS_BYTES;
#[doc(inline)]
pub use verify::{TokenVerifier, TokenVerifierBuilder};

/// `Result` with [`Error`] as its default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

// The README's code blocks are compiled and run as doctests, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
