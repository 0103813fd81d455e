//! Configuring a [`TokenVerifier`].

use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::{Inner, TokenVerifier, VerifyKey, parse_jwks};
use crate::algorithm::Algorithm;
use crate::error::{AuthErrorKind, Error};

/// The leeway applied when none is configured.
pub(crate) const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);
/// The largest leeway accepted: more would let expired tokens live on noticeably.
pub(crate) const MAX_LEEWAY: Duration = Duration::from_secs(300);
/// Shortest HMAC secret accepted without [`TokenVerifierBuilder::allow_weak_secret`]
/// (RFC 7518 §3.2: a key of at least the hash size).
pub(crate) const MIN_SECRET_LEN: usize = 32;
/// Default minimum time between two fetches of a remote JWKS.
#[cfg(feature = "client")]
pub(crate) const DEFAULT_JWKS_REFRESH: Duration = Duration::from_secs(30);

/// Configures a [`TokenVerifier`]; made by [`TokenVerifier::builder`].
///
/// Add one or more keys (each pinned to its algorithm), then optional checks. Problems
/// (a weak secret, an unreadable PEM, a leeway too large) are reported by
/// [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
/// use lift_auth::TokenVerifier;
///
/// # fn run() -> lift_auth::Result<()> {
/// let verifier = TokenVerifier::builder()
///     .hs256("lift-shared-secret-for-tests-0123456789abcdef")
///     .leeway(Duration::from_secs(30))
///     .issuer("https://auth.lift.dev")
///     .audience("lift")
///     .build()?;
/// assert_eq!(verifier.leeway(), Duration::from_secs(30));
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[derive(Debug)]
#[must_use]
pub struct TokenVerifierBuilder {
    keys: Vec<VerifyKey>,
    weak_secret: bool,
    leeway: Duration,
    issuers: Vec<String>,
    audiences: Vec<String>,
    #[cfg(feature = "client")]
    jwks_url: Option<String>,
    #[cfg(feature = "client")]
    jwks_refresh: Duration,
    error: Option<Error>,
}

impl Default for TokenVerifierBuilder {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            weak_secret: false,
            leeway: DEFAULT_LEEWAY,
            issuers: Vec::new(),
            audiences: Vec::new(),
            #[cfg(feature = "client")]
            jwks_url: None,
            #[cfg(feature = "client")]
            jwks_refresh: DEFAULT_JWKS_REFRESH,
            error: None,
        }
    }
}

impl TokenVerifierBuilder {
    /// Adds an HS256 key: the shared `JWT_SECRET` of the core services.
    pub fn hs256(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.keys.push(VerifyKey::hs256(secret.as_ref()));
        self
    }

    /// Accepts HS256 secrets shorter than 32 bytes (refused by default, so that the
    /// reference's `your-secret-key` is never accepted silently). This covers symmetric
    /// (`oct`) keys of a JWKS too; a fetched set's weak symmetric keys are skipped without it.
    pub fn allow_weak_secret(mut self, allow: bool) -> Self {
        self.weak_secret = allow;
        self
    }

    /// Adds an RS256 key from a PEM public key (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`).
    pub fn rs256_pem(self, pem: impl AsRef<[u8]>) -> Self {
        self.pem(Algorithm::RS256, pem.as_ref())
    }

    /// Adds an ES256 key from a PEM public key (P-256).
    pub fn es256_pem(self, pem: impl AsRef<[u8]>) -> Self {
        self.pem(Algorithm::ES256, pem.as_ref())
    }

    /// Adds an EdDSA key from a PEM public key (Ed25519).
    pub fn eddsa_pem(self, pem: impl AsRef<[u8]>) -> Self {
        self.pem(Algorithm::EdDSA, pem.as_ref())
    }

    fn pem(mut self, alg: Algorithm, pem: &[u8]) -> Self {
        match VerifyKey::from_pem(alg, pem) {
            Ok(key) => self.keys.push(key),
            Err(err) => self.defer(err),
        }
        self
    }

    /// Sets the `kid` of the key added last; tokens naming a `kid` are then matched against
    /// it.
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        match self.keys.last_mut() {
            Some(key) => key.kid = Some(kid.into()),
            None => self.defer(Error::with_detail(
                AuthErrorKind::Config,
                "kid set before any key",
            )),
        }
        self
    }

    /// Adds the keys of a JWKS document (`{"keys": [...]}`); keys are chosen by `kid`.
    /// Keys of unsupported types are skipped.
    pub fn jwks_json(mut self, json: impl AsRef<[u8]>) -> Self {
        match parse_jwks(json.as_ref()) {
            Ok(keys) => self.keys.extend(keys),
            Err(err) => self.defer(err),
        }
        self
    }

    /// Fetches keys from a JWKS URL on demand (see
    /// [`TokenVerifier::verify_async`]): first use, and an unknown `kid`, at most once per
    /// [`jwks_refresh_interval`](Self::jwks_refresh_interval).
    #[cfg(feature = "client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// The minimum time between two fetches of the remote JWKS (default 30 s).
    #[cfg(feature = "client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    pub fn jwks_refresh_interval(mut self, interval: Duration) -> Self {
        self.jwks_refresh = interval;
        self
    }

    /// The clock-skew leeway for `exp`, `nbf` and `iat` (default 60 s, at most 5 minutes).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts tokens whose `iss` is `issuer` (may be called several times). Without it,
    /// `iss` is not checked.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers.push(issuer.into());
        self
    }

    /// Accepts tokens whose `aud` names `audience` (may be called several times). Without
    /// it, `aud` is not checked.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    fn defer(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// Builds the verifier.
    ///
    /// # Errors
    ///
    /// An error of kind [`Config`](AuthErrorKind::Config) for a PEM that cannot be read, an
    /// HS256 secret shorter than 32 bytes without
    /// [`allow_weak_secret`](Self::allow_weak_secret), a leeway above 5 minutes, no key at
    /// all, or an invalid JWKS document or URL.
    pub fn build(self) -> Result<TokenVerifier, Error> {
        if let Some(err) = self.error {
            return Err(err);
        }
        if !self.weak_secret && self.keys.iter().any(|key| key.is_weak(MIN_SECRET_LEN)) {
            return Err(Error::with_detail(
                AuthErrorKind::Config,
                "hs256 secret shorter than 32 bytes; call allow_weak_secret(true) to accept it",
            ));
        }
        if self.leeway > MAX_LEEWAY {
            return Err(Error::with_detail(
                AuthErrorKind::Config,
                "leeway above 5 minutes",
            ));
        }
        #[cfg(feature = "client")]
        let remote = match self.jwks_url {
            Some(url) => Some(super::remote::RemoteJwks::new(
                &url,
                self.jwks_refresh,
                self.keys.clone(),
                self.weak_secret,
            )?),
            None => None,
        };
        #[cfg(feature = "client")]
        let has_remote = remote.is_some();
        #[cfg(not(feature = "client"))]
        let has_remote = false;
        if self.keys.is_empty() && !has_remote {
            return Err(Error::with_detail(
                AuthErrorKind::Config,
                "no key configured",
            ));
        }
        // A key with a `kid` goes through `select_key`, so a token naming another `kid` is
        // refused as `UnknownKey` even when it is the only key.
        let single = match self.keys.as_slice() {
            [only] if !has_remote && only.kid.is_none() => Some(only.clone()),
            _ => None,
        };
        Ok(TokenVerifier {
            inner: Arc::new(Inner {
                keys: RwLock::new(Arc::new(self.keys)),
                single,
                leeway_nanos: i128::try_from(self.leeway.as_nanos()).unwrap_or(i128::MAX),
                issuers: self.issuers,
                audiences: self.audiences,
                #[cfg(feature = "client")]
                remote,
            }),
        })
    }
}
