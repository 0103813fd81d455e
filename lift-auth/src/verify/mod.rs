//! Token verification: keys pinned to algorithms, time checks with a bounded leeway,
//! optional issuer and audience, JWKS by `kid`.

mod builder;
mod cache;
mod jwt_error;
mod keys;
#[cfg(feature = "client")]
mod remote;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::claims::{Claims, RawClaims};
use crate::error::{AuthErrorKind, Error};

pub(crate) use builder::MIN_SECRET_LEN;
pub use builder::TokenVerifierBuilder;
use cache::TokenCache;
use jwt_error::{header_error, map_jwt_error};
pub(crate) use keys::{KeyCell, VerifyKey, parse_jwks};
#[cfg(feature = "client")]
pub use remote::MAX_JWKS_BYTES;

/// Tokens longer than this are refused before any decoding (a core token is ~600 bytes).
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Verifies Lift tokens and returns their [`Claims`].
///
/// Each key is pinned to one algorithm: HS256 with the shared secret (what the core auth
/// service issues), RS256, ES256 or EdDSA from a PEM public key, or the keys of a JWKS,
/// chosen by the token's `kid`. A token whose `alg` differs from its key's, or is `none`, is
/// refused. `exp` is required; `exp`, `nbf` and an `iat` in the future are checked with a
/// leeway (60 s by default, at most 5 minutes); a time claim of the wrong JSON type is an
/// error. Issuer and audience are checked when configured.
///
/// Verified tokens are cached (10 000 by default, see
/// [`cache_capacity`](TokenVerifierBuilder::cache_capacity)): a token seen before is not
/// decoded or signature-checked again, but its `exp`, `nbf` and `iat` are checked on every
/// call against that call's time, with the same leeway and the same errors as the first
/// time. Only tokens that passed every check are cached, and a change of the key set (a
/// JWKS refresh) empties the cache. The cache is keyed by the token itself; that is safe
/// because its hasher is randomly seeded, it holds only verified tokens, and the process
/// holds each token anyway; no token appears in `Debug` output, logs or errors.
///
/// Cheap to clone (one reference count) and `Send + Sync`: build it once and share it. Clones
/// share one cache, so the [auth layer](crate::JwtAuthLayer) and handlers holding a clone
/// benefit from each other's verifications.
///
/// ```
/// use lift_auth::{AuthErrorKind, TokenVerifier};
///
/// # fn run() -> lift_auth::Result<()> {
/// let verifier = TokenVerifier::hs256("lift-shared-secret-for-tests-0123456789abcdef")?;
/// let err = verifier.verify("not-a-jwt").unwrap_err();
/// assert_eq!(err.kind(), AuthErrorKind::Malformed);
///
/// // The reference's default secret is refused unless explicitly allowed.
/// assert!(TokenVerifier::hs256("your-secret-key").is_err());
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct TokenVerifier {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The keys given to the builder plus, for a remote JWKS, the last good fetched set.
    keys: KeyCell,
    /// Verified tokens; `None` when caching is off.
    cache: Option<TokenCache>,
    /// Whether every key is one without `kid` and only one exists (the fast path).
    single: Option<VerifyKey>,
    leeway_nanos: i128,
    issuers: Vec<String>,
    audiences: Vec<String>,
    /// Whether a token with an `aud` passes when `audiences` is empty.
    any_audience: bool,
    #[cfg(feature = "client")]
    remote: Option<remote::RemoteJwks>,
}

impl TokenVerifier {
    /// Starts configuring a verifier.
    pub fn builder() -> TokenVerifierBuilder {
        TokenVerifierBuilder::default()
    }

    /// A verifier for core tokens: HS256 with the shared `JWT_SECRET`, default leeway, no
    /// issuer or audience check.
    ///
    /// # Errors
    ///
    /// An error of kind [`Config`](AuthErrorKind::Config) when the secret is shorter than 32
    /// bytes (use the [builder](Self::builder) and
    /// [`allow_weak_secret`](TokenVerifierBuilder::allow_weak_secret) to accept it).
    pub fn hs256(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Self::builder().hs256(secret).build()
    }

    /// Verifies `token` at the current time.
    ///
    /// Never performs I/O: with a remote JWKS, a `kid` that is not cached yet gives
    /// [`UnknownKey`](AuthErrorKind::UnknownKey); use
    /// [`verify_async`](Self::verify_async) to fetch the set on demand.
    ///
    /// # Errors
    ///
    /// An error whose [`kind`](Error::kind) names the failed check: `Malformed`,
    /// `InvalidSignature`, `Expired`, `NotYetValid`, `InvalidIssuer`, `InvalidAudience`,
    /// `MissingClaim`, `InvalidClaim`, `UnknownKey` or `DisallowedAlgorithm`.
    pub fn verify(&self, token: &str) -> Result<Claims, Error> {
        self.verify_at(token, SystemTime::now())
    }

    /// Verifies `token` as of `now` (for tests and replays). A cached token's `exp`, `nbf`
    /// and `iat` are checked against `now` as well: the cache never changes the answer.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    pub fn verify_at(&self, token: &str, now: SystemTime) -> Result<Claims, Error> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Error::with_detail(
                AuthErrorKind::Malformed,
                "token too long",
            ));
        }
        let now = epoch_nanos(now);
        let Some(cache) = &self.inner.cache else {
            let (claims, _) = self.decode(token)?;
            return self.check(claims, now);
        };
        if let Some(claims) = cache.get(token, self.inner.keys.generation()) {
            // Verified before under the current keys: only the time claims can have changed.
            return match self.check_time(&claims, now) {
                Ok(()) => Ok(Claims::clone(&claims)),
                Err(err) => {
                    if err.kind() == AuthErrorKind::Expired {
                        cache.remove(token);
                    }
                    Err(err)
                }
            };
        }
        let (claims, generation) = self.decode(token)?;
        let claims = self.check(claims, now)?;
        cache.insert(token, Arc::new(claims.clone()), generation);
        Ok(claims)
    }

    /// Like [`verify`](Self::verify), but when the token names a `kid` that a remote JWKS
    /// (`TokenVerifierBuilder::jwks_url`, feature `client`) does not have cached, fetches
    /// the set first, at most once per `jwks_refresh_interval`. While the endpoint is down,
    /// the last good keys keep serving.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify), plus [`KeyUnavailable`](AuthErrorKind::KeyUnavailable)
    /// when the set could not be fetched and no key is cached.
    pub async fn verify_async(&self, token: &str) -> Result<Claims, Error> {
        match self.verify(token) {
            #[cfg(feature = "client")]
            Err(err) if err.kind() == AuthErrorKind::UnknownKey => {
                let Some(remote) = &self.inner.remote else {
                    return Err(err);
                };
                let kid = header_kid(token);
                let generation = self.inner.keys.generation();
                let refreshed = remote.refresh_for(&self.inner.keys, kid.as_deref()).await;
                self.forget_older_keys(generation);
                if refreshed? {
                    self.verify(token)
                } else {
                    Err(err)
                }
            }
            other => other,
        }
    }

    /// Fetches the remote JWKS now (for example at start-up), ignoring the rate limit.
    /// Does nothing without a remote JWKS.
    ///
    /// # Errors
    ///
    /// [`KeyUnavailable`](AuthErrorKind::KeyUnavailable) when the set cannot be fetched or
    /// read; the keys cached before stay in use.
    #[cfg(feature = "client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    pub async fn refresh_jwks(&self) -> Result<(), Error> {
        match &self.inner.remote {
            Some(remote) => {
                let generation = self.inner.keys.generation();
                let fetched = remote.fetch_into(&self.inner.keys).await;
                self.forget_older_keys(generation);
                fetched
            }
            None => Ok(()),
        }
    }

    /// Empties the token cache when the key set changed since `generation`. Entries of an
    /// older set are never served anyway (each carries its generation); this frees them.
    #[cfg(feature = "client")]
    fn forget_older_keys(&self, generation: u64) {
        if self.inner.keys.generation() != generation {
            self.clear_cache();
        }
    }

    /// The number of verified tokens currently cached (0 when caching is off).
    #[must_use]
    pub fn cached_tokens(&self) -> usize {
        self.inner.cache.as_ref().map_or(0, TokenCache::len)
    }

    /// Empties the cache of verified tokens: each token is decoded and checked in full the
    /// next time it is presented.
    pub fn clear_cache(&self) {
        if let Some(cache) = &self.inner.cache {
            cache.clear();
        }
    }

    /// The leeway applied to time claims.
    #[must_use]
    pub fn leeway(&self) -> Duration {
        let nanos = u64::try_from(self.inner.leeway_nanos).unwrap_or(u64::MAX);
        Duration::from_nanos(nanos)
    }

    /// Checks the signature with the token's key and reads the claims; also returns the
    /// generation of the key set used.
    fn decode(&self, token: &str) -> Result<(Claims, u64), Error> {
        let (raw, generation) = match &self.inner.single {
            // A single configured key is never replaced: its generation stays the first.
            Some(key) => (decode(token, key)?, self.inner.keys.generation()),
            None => {
                let (keys, generation) = self.inner.keys.load();
                let key = select_key(token, &keys)?;
                (decode(token, key)?, generation)
            }
        };
        Ok((raw.into_claims()?, generation))
    }

    /// Every check after the signature: time claims first, then issuer and audience.
    fn check(&self, claims: Claims, now: i128) -> Result<Claims, Error> {
        self.check_time(&claims, now)?;
        if !self.inner.issuers.is_empty() {
            match &claims.iss {
                None => return Err(Error::with_detail(AuthErrorKind::MissingClaim, "iss")),
                Some(iss) if !self.inner.issuers.contains(iss) => {
                    return Err(Error::new(AuthErrorKind::InvalidIssuer));
                }
                Some(_) => {}
            }
        }
        if self.inner.audiences.is_empty() {
            if claims.aud.is_some() && !self.inner.any_audience {
                return Err(Error::with_detail(
                    AuthErrorKind::InvalidAudience,
                    "the token names an audience and this verifier expects none",
                ));
            }
        } else {
            match &claims.aud {
                None => return Err(Error::with_detail(AuthErrorKind::MissingClaim, "aud")),
                Some(aud) if !self.inner.audiences.iter().any(|a| aud.contains(a)) => {
                    return Err(Error::new(AuthErrorKind::InvalidAudience));
                }
                Some(_) => {}
            }
        }
        Ok(claims)
    }

    /// `exp`, `nbf` and `iat` against `now` (epoch nanoseconds), with the leeway.
    fn check_time(&self, claims: &Claims, now: i128) -> Result<(), Error> {
        let leeway = self.inner.leeway_nanos;
        if claims.exp.as_nanos() + leeway <= now {
            return Err(Error::new(AuthErrorKind::Expired));
        }
        if let Some(nbf) = claims.nbf
            && nbf.as_nanos() > now + leeway
        {
            return Err(Error::new(AuthErrorKind::NotYetValid));
        }
        if let Some(iat) = claims.iat
            && iat.as_nanos() > now + leeway
        {
            return Err(Error::with_detail(
                AuthErrorKind::NotYetValid,
                "issued in the future",
            ));
        }
        Ok(())
    }
}

/// Nanoseconds since the Unix epoch (negative before it).
fn epoch_nanos(time: SystemTime) -> i128 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => i128::try_from(since.as_nanos()).unwrap_or(i128::MAX),
        Err(before) => -i128::try_from(before.duration().as_nanos()).unwrap_or(i128::MAX),
    }
}

/// Picks the key for `token`: by `kid` when the token has one, otherwise the first key of
/// the token's algorithm.
fn select_key<'k>(token: &str, keys: &'k [VerifyKey]) -> Result<&'k VerifyKey, Error> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| header_error(token))?;
    if let Some(kid) = &header.kid {
        return keys
            .iter()
            .find(|key| key.kid.as_deref() == Some(kid))
            .ok_or_else(|| Error::new(AuthErrorKind::UnknownKey));
    }
    keys.iter()
        .find(|key| key.alg.to_jwt() == header.alg)
        .or_else(|| keys.first())
        .ok_or_else(|| Error::new(AuthErrorKind::UnknownKey))
}

/// The `kid` of a token's header, if it can be read.
#[cfg(feature = "client")]
fn header_kid(token: &str) -> Option<String> {
    jsonwebtoken::decode_header(token).ok()?.kid
}

/// Verifies the signature with `key` (whose validation allows its algorithm only) and reads
/// the claims.
fn decode(token: &str, key: &VerifyKey) -> Result<RawClaims, Error> {
    #[cfg(test)]
    SIGNATURE_CHECKS.with(|checks| checks.set(checks.get() + 1));
    match jsonwebtoken::decode::<RawClaims>(token, &key.key, &key.validation) {
        Ok(data) => Ok(data.claims),
        Err(err) => Err(map_jwt_error(token, &err)),
    }
}

#[cfg(test)]
thread_local! {
    /// Signature checks made on this thread: unit tests show that a cache hit makes none.
    static SIGNATURE_CHECKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
pub(crate) fn signature_checks() -> usize {
    SIGNATURE_CHECKS.with(std::cell::Cell::get)
}
