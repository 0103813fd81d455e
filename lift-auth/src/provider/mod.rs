//! Credential providers for Lift clients: implementations of
//! [`lift_sdk_core::AuthProvider`].
//!
//! | provider | sends | use it for |
//! |---|---|---|
//! | [`StaticToken`] | `Authorization: Bearer <token>` | a token you already have (e.g. the caller's, propagated) |
//! | [`UserContextHeaders`] | `X-User-ID`, `X-Org-ID`, `X-Memory-Context`, `X-User-Roles`, `X-Module-ID` | direct calls to memory/registry inside the trusted platform network |
//! | [`LoginSession`] | a bearer token obtained by logging in, renewed before expiry | tools and services with an account |
//! | [`ServiceTokenSigner`] | a short-lived token signed with the shared secret | services that share `JWT_SECRET` |
//!
//! A [`Caller`] (a bearer token, a user context, or both) picks [`StaticToken`] or
//! [`UserContextHeaders`] for a client's routing: that is what every client's `for_user`
//! does.

mod backoff;
mod binding;
mod caller;
mod login;
mod service;
mod static_token;
mod user_headers;

pub use caller::Caller;
pub use login::{LoginSession, LoginSessionBuilder};
pub use service::ServiceTokenSigner;
pub use static_token::StaticToken;
pub use user_headers::UserContextHeaders;

/// What `impl_service_client!` expands to names: reachable as `$crate::provider::__core`
/// from any crate that expands it.
#[doc(hidden)]
pub use lift_sdk_core as __core;

use http::HeaderValue;

/// `Bearer <token>` as a sensitive header value.
pub(crate) fn bearer_value(token: &str) -> Result<HeaderValue, lift_sdk_core::Error> {
    let mut value = HeaderValue::try_from(format!("Bearer {token}"))
        .map_err(|_| lift_sdk_core::Error::auth("token is not a valid header value"))?;
    value.set_sensitive(true);
    Ok(value)
}
