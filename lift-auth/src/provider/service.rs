//! Short-lived tokens minted with the shared secret.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use lift_sdk_core::{AuthProvider, Error};

use crate::context::UserContext;
use crate::issue::TokenIssuer;
use crate::secret::Token;

/// Default lifetime of a service token.
const DEFAULT_TTL: Duration = Duration::from_secs(300);
/// How far `iat` is set back: the reference checks `iat` with zero leeway (contract §2,
/// §10 22), so a receiver whose clock is a little behind ours would refuse a token issued
/// "now" as issued in the future.
pub(crate) const BACKDATE: Duration = Duration::from_secs(5);

/// Mints short-lived bearer tokens for a service identity with a [`TokenIssuer`] (usually
/// HS256 with the platform's `JWT_SECRET`), for deployments whose services share the secret.
///
/// A token is reused until less than half its lifetime remains, then a new one is minted.
/// Its `iat` is set a few seconds in the past, because the reference checks `iat` with zero
/// leeway and clocks drift; `exp` is `iat` plus the lifetime.
///
/// Its errors are [`lift_sdk_core::Error`]s of kind `Auth`, like [`LoginSession`]'s, so
/// code that obtains tokens handles one error type whichever provider it uses.
///
/// [`LoginSession`]: crate::LoginSession
///
/// ```
/// use lift_auth::{Role, ServiceTokenSigner, TokenIssuer, UserContext};
///
/// # fn run() -> lift_auth::Result<()> {
/// let issuer = TokenIssuer::hs256("lift-shared-secret-for-tests-0123456789abcdef")?;
/// let identity = UserContext::new("svc-ingest", "platform").with_roles([Role::Developer]);
/// let signer = ServiceTokenSigner::new(issuer, identity);
/// assert!(!format!("{signer:?}").contains("lift-shared-secret"));
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[derive(Clone)]
pub struct ServiceTokenSigner {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: TokenIssuer,
    identity: UserContext,
    ttl: Duration,
    cached: Mutex<Option<(Token, SystemTime)>>,
}

impl ServiceTokenSigner {
    /// A signer minting tokens for `identity` (its user id becomes `sub`) that live 5
    /// minutes.
    #[must_use]
    pub fn new(issuer: TokenIssuer, identity: UserContext) -> Self {
        Self::build(issuer, identity, DEFAULT_TTL)
    }

    /// The same signer with tokens that live `ttl`.
    #[must_use]
    pub fn ttl(self, ttl: Duration) -> Self {
        Self::build(self.inner.issuer.clone(), self.inner.identity.clone(), ttl)
    }

    fn build(issuer: TokenIssuer, identity: UserContext, ttl: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                issuer,
                identity,
                ttl,
                cached: Mutex::new(None),
            }),
        }
    }

    /// A token for the service identity: the cached one, or a new one.
    ///
    /// # Errors
    ///
    /// An error of kind [`Auth`](lift_sdk_core::ErrorKind::Auth) when signing fails; its
    /// `source()` is the [`lift_auth::Error`](crate::Error) of kind
    /// [`Signing`](crate::AuthErrorKind::Signing).
    pub fn token(&self) -> Result<Token, Error> {
        let now = SystemTime::now();
        if let Ok(cached) = self.inner.cached.lock()
            && let Some((token, renew_at)) = &*cached
            && now < *renew_at
        {
            return Ok(token.clone());
        }
        let identity = &self.inner.identity;
        let mut claims = self
            .inner
            .issuer
            .claims_at(
                identity.user_id(),
                identity.org_id(),
                format!("{}@services.lift.local", identity.user_id()),
                now.checked_sub(BACKDATE).unwrap_or(now),
            )
            .roles(identity.roles().to_vec());
        // The lifetime counts from now, not from the backdated `iat`.
        claims.exp = crate::NumericDate::from_system_time(now).add(self.inner.ttl);
        identity
            .memory_context()
            .clone_into(&mut claims.memory_context);
        let token = self
            .inner
            .issuer
            .issue(&claims)
            .map_err(|err| Error::auth("cannot sign a service token").with_source(err))?;
        let token = Token::new(token);
        if let Ok(mut cached) = self.inner.cached.lock() {
            // An absurd ttl cannot overflow: the token is then minted afresh each time.
            let renew_at = now.checked_add(self.inner.ttl / 2).unwrap_or(now);
            *cached = Some((token.clone(), renew_at));
        }
        Ok(token)
    }
}

impl fmt::Debug for ServiceTokenSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceTokenSigner")
            .field("issuer", &self.inner.issuer)
            .field("sub", &self.inner.identity.user_id())
            .field("ttl", &self.inner.ttl)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl AuthProvider for ServiceTokenSigner {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        let token = self.token()?;
        headers.insert(AUTHORIZATION, super::bearer_value(token.expose())?);
        Ok(())
    }
}
