//! Configuring a [`TokenVerifier`].

use std::sync::Arc;
use std::time::Duration;

use super::cache::{DEFAULT_CACHE_CAPACITY, TokenCache};
use super::{Inner, KeyCell, TokenVerifier, VerifyKey, parse_jwks};
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
    any_audience: bool,
    cache_capacity: usize,
    #[cfg(feature = "client")]
    jwks_url: Option<String>,
    #[cfg(feature = "client")]
    jwks_refresh: Duration,
    #[cfg(feature = "client")]
    jwks_http: bool,
    #[cfg(feature = "client")]
    jwks_symmetric: bool,
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
            any_audience: false,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
            #[cfg(feature = "client")]
            jwks_url: None,
            #[cfg(feature = "client")]
            jwks_refresh: DEFAULT_JWKS_REFRESH,
            #[cfg(feature = "client")]
            jwks_http: false,
            #[cfg(feature = "client")]
            jwks_symmetric: false,
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
    ///
    /// The URL must be `https://` unless [`allow_http_jwks`](Self::allow_http_jwks) is set,
    /// and symmetric (`oct`) keys of the fetched set are skipped unless
    /// [`allow_symmetric_jwks_keys`](Self::allow_symmetric_jwks_keys) is set. The body is
    /// read up to [`MAX_JWKS_BYTES`](crate::MAX_JWKS_BYTES).
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

    /// Accepts a plain `http://` JWKS URL (refused by default: anyone on the path could
    /// swap the keys). For loopback servers in tests and local setups.
    #[cfg(feature = "client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    pub fn allow_http_jwks(mut self, allow: bool) -> Self {
        self.jwks_http = allow;
        self
    }

    /// Keeps symmetric (`oct`, HS256) keys found in a fetched JWKS (skipped by default: a
    /// published shared secret lets anyone who can read the set mint tokens). For tests.
    #[cfg(feature = "client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    pub fn allow_symmetric_jwks_keys(mut self, allow: bool) -> Self {
        self.jwks_symmetric = allow;
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

    /// Accepts tokens whose `aud` names `audience` (may be called several times).
    ///
    /// Without it, a token that carries an `aud` is refused
    /// ([`InvalidAudience`](AuthErrorKind::InvalidAudience)): it was meant for someone who
    /// checks it, not for us (RFC 7519 §4.1.3; jsonwebtoken's default). Core tokens carry no
    /// `aud` and pass. See [`any_audience`](Self::any_audience) to accept them all.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// With no [`audience`](Self::audience) configured, accepts tokens whatever their `aud`
    /// says (default `false`: a token with an `aud` is then refused).
    pub fn any_audience(mut self, accept: bool) -> Self {
        self.any_audience = accept;
        self
    }

    /// The number of verified tokens kept in memory (default 10 000; `0` turns the cache
    /// off).
    ///
    /// A token seen again within its lifetime is then neither decoded nor signature-checked:
    /// only its time claims are checked again. Once full, the cache evicts the tokens least
    /// likely to come back (S3-FIFO), so a flood of distinct tokens never grows it past
    /// `capacity`. Each entry costs the token's length plus about 700 bytes (its claims and
    /// the map's bookkeeping): 10 000 core tokens (about 570 bytes each) take about 13 MiB.
    pub fn cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
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
                super::remote::Options {
                    allow_weak: self.weak_secret,
                    allow_http: self.jwks_http,
                    allow_symmetric: self.jwks_symmetric,
                },
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
                keys: KeyCell::new(self.keys),
                cache: TokenCache::new(self.cache_capacity),
                single,
                leeway_nanos: i128::try_from(self.leeway.as_nanos()).unwrap_or(i128::MAX),
                issuers: self.issuers,
                audiences: self.audiences,
                any_audience: self.any_audience,
                #[cfg(feature = "client")]
                remote,
            }),
        })
    }
}
