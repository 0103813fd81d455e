//! Identity for Lift OS Core: who is calling, and may they.
//!
//! This crate holds the shared identity types ([`Claims`], [`Role`], [`Permission`],
//! [`UserContext`]), and the gateway's bearer and header parsing. Its optional features add
//! the axum auth layer and the auth-service client with token providers.
//!
//! ```no_run
//! use lift_auth::{Role, UserContext};
//!
//! # fn run(headers: &http::HeaderMap) -> lift_auth::Result<()> {
//! // Behind the gateway, a module reads the caller from the injected headers.
//! let caller = UserContext::from_headers(headers)?;
//! if caller.has_role(&Role::Admin) {
//!     println!("{} administers {}", caller.user_id(), caller.org_id());
//! }
//! # Ok(()) }
//! ```
//!
//! # Feature flags
//!
//! | flag | default | enables |
//! |---|---|---|
//! | `axum` | no | the auth `Layer`, extractors and permission/role guards (axum, tower) |
//! | `client` | no | the auth-service client and the token providers (on `lift-core`) |
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
pub use client::{AuthClient, RegisterRequest, TokenResponse, User, VerifyResponse};
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
pub use provider::{LoginSession, ServiceTokenSigner, StaticToken, UserContextHeaders};
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
