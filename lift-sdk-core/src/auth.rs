//! The credential hook every Lift client calls before sending a request.

use std::fmt;

use async_trait::async_trait;
use http::HeaderMap;

use crate::Error;

/// Attaches credentials to outgoing requests.
///
/// An `AuthProvider` adds whatever a Lift service needs to accept the call: a bearer token
/// (`Authorization: Bearer …`) for calls through the gateway, or the user-context headers of
/// the contract (`X-User-ID`, `X-Org-ID`, `X-Memory-Context`, `X-User-Roles`) for direct calls
/// inside the platform network. Implementations live in `lift-auth` (static token, login
/// session, service-token signer, user-context headers); write your own for anything else.
///
/// This trait uses [`macro@async_trait`] rather than a native `async fn` because clients hold
/// providers as `Arc<dyn AuthProvider>`: it must be object safe.
///
/// The transport marks an `Authorization` header sensitive after [`authorize`] returns, so
/// it never appears in `Debug` output or logs.
///
/// [`authorize`]: AuthProvider::authorize
///
/// ```
/// use async_trait::async_trait;
/// use http::{HeaderMap, HeaderValue};
/// use lift_sdk_core::{AuthProvider, Error};
///
/// #[derive(Debug)]
/// struct ApiKey;
///
/// #[async_trait]
/// impl AuthProvider for ApiKey {
///     async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
///         headers.insert("x-api-key", HeaderValue::from_static("demo"));
///         Ok(())
///     }
/// }
///
/// let provider: Box<dyn AuthProvider> = Box::new(ApiKey);
/// # drop(provider);
/// ```
#[async_trait]
pub trait AuthProvider: Send + Sync + fmt::Debug {
    /// Adds credentials to the headers of one attempt of a request.
    ///
    /// # Errors
    ///
    /// Returns an error of kind [`Auth`](crate::ErrorKind::Auth) when no credential can be
    /// obtained (for example a login that fails); the request is then not sent.
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error>;

    /// Called once when a request was answered `401 Unauthorized`. Return `Ok(true)` when the
    /// credentials were renewed and the request should be sent once more; the default
    /// returns `Ok(false)`.
    ///
    /// `refused` holds the credentials the refused attempt carried (today its
    /// `Authorization` header, when it had one). Compare them with what you hold now: when
    /// several requests share a provider, a late `401` for a token that was already replaced
    /// must not throw the newer one away (answer `Ok(true)` and let the resend use it).
    ///
    /// # Errors
    ///
    /// Returns an error when renewing failed; the caller then sees that error.
    async fn refresh(&self, refused: &HeaderMap) -> Result<bool, Error> {
        let _ = refused;
        Ok(false)
    }
}
