//! Minting tokens in the reference format.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use jsonwebtoken::{EncodingKey, Header};

use crate::algorithm::Algorithm;
use crate::claims::{Audience, Claims, NumericDate};
use crate::error::{AuthErrorKind, Error};
use crate::verify::MIN_SECRET_LEN;

/// How long issued tokens live by default: the reference's `JWT_EXPIRATION_HOURS` (24 h).
pub(crate) const DEFAULT_TTL: Duration = Duration::from_secs(24 * 3600);

/// Signs tokens in the format of the core auth service: `exp` and `iat` as integer epoch
/// seconds in true UTC, header `{"alg": …, "typ": "JWT"}` (plus `kid` when set).
///
/// Used by services written in Rust, by the test kit and by service accounts. Cheap to
/// clone; `Debug` does not show the key.
///
/// ```
/// use lift_auth::{Role, TokenIssuer, TokenVerifier};
///
/// # fn run() -> lift_auth::Result<()> {
/// let secret = "lift-shared-secret-for-tests-0123456789abcdef";
/// let issuer = TokenIssuer::hs256(secret)?;
/// let claims = issuer.claims("user-1", "org-1", "ana@example.com").roles([Role::User]);
/// let token = issuer.issue(&claims)?;
///
/// let verified = TokenVerifier::hs256(secret)?.verify(&token)?;
/// assert_eq!(verified.sub, "user-1");
/// assert!(verified.permission_set().allows(&"memory:write".parse()?));
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[derive(Clone)]
pub struct TokenIssuer {
    inner: Arc<Inner>,
}

struct Inner {
    alg: Algorithm,
    key: EncodingKey,
    kid: Option<String>,
    ttl: Duration,
    issuer: Option<String>,
    audience: Option<String>,
}

impl TokenIssuer {
    /// Starts configuring an issuer.
    pub fn builder() -> TokenIssuerBuilder {
        TokenIssuerBuilder {
            key: None,
            kid: None,
            ttl: DEFAULT_TTL,
            issuer: None,
            audience: None,
            weak_secret: false,
            secret_len: None,
            error: None,
        }
    }

    /// An HS256 issuer with the shared secret and the default lifetime (24 h).
    ///
    /// # Errors
    ///
    /// [`Config`](AuthErrorKind::Config) when the secret is shorter than 32 bytes.
    pub fn hs256(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Self::builder().hs256(secret).build()
    }

    /// The algorithm tokens are signed with.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.inner.alg
    }

    /// Claims for a user, as the reference issues them: `org_id`, default memory context,
    /// tier `free`, `iat` now and `exp` after the configured lifetime, plus `iss`/`aud` when
    /// configured. Add roles with [`Claims::roles`].
    #[must_use]
    pub fn claims(
        &self,
        sub: impl Into<String>,
        org_id: impl Into<String>,
        email: impl Into<String>,
    ) -> Claims {
        self.claims_at(sub, org_id, email, SystemTime::now())
    }

    /// Like [`claims`](Self::claims), issued at `now`.
    #[must_use]
    pub fn claims_at(
        &self,
        sub: impl Into<String>,
        org_id: impl Into<String>,
        email: impl Into<String>,
        now: SystemTime,
    ) -> Claims {
        let iat = NumericDate::from_system_time(now);
        let mut claims = Claims::new(sub, org_id, email, iat.add(self.inner.ttl));
        claims.iat = Some(iat);
        claims.iss.clone_from(&self.inner.issuer);
        claims.aud = self.inner.audience.clone().map(Audience::One);
        claims
    }

    /// The public key as a JWK (with `kid` and `alg`), for publishing a JWKS that a
    /// [`TokenVerifier`](crate::TokenVerifier) can fetch. Available for RS256 and ES256 keys.
    ///
    /// # Errors
    ///
    /// [`Config`](AuthErrorKind::Config) for HS256 (a shared secret must never be published)
    /// and EdDSA (not supported by the key backend).
    pub fn public_jwk(&self) -> Result<serde_json::Value, Error> {
        if !matches!(self.inner.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(Error::with_detail(
                AuthErrorKind::Config,
                "public jwk needs an rs256 or es256 key",
            ));
        }
        let mut jwk =
            jsonwebtoken::jwk::Jwk::from_encoding_key(&self.inner.key, self.inner.alg.to_jwt())
                .map_err(|err| Error::new(AuthErrorKind::Config).with_source(err))?;
        jwk.common.key_id.clone_from(&self.inner.kid);
        serde_json::to_value(&jwk).map_err(|err| Error::new(AuthErrorKind::Config).with_source(err))
    }

    /// Signs `claims` in the reference format: time claims are written as whole epoch
    /// seconds (a fraction is dropped, since the reference answers 500 to a fractional
    /// `iat`), a missing `iat` is set to now, and entries of [`Claims::extra`] that repeat a
    /// named claim (`exp`, `sub`, …) are left out rather than written twice.
    ///
    /// # Errors
    ///
    /// [`Signing`](AuthErrorKind::Signing) when the claims cannot be serialised or signed.
    pub fn issue(&self, claims: &Claims) -> Result<String, Error> {
        let mut header = Header::new(self.inner.alg.to_jwt());
        header.kid.clone_from(&self.inner.kid);
        let claims = reference_format(claims, SystemTime::now());
        jsonwebtoken::encode(&header, &*claims, &self.inner.key)
            .map_err(|err| Error::new(AuthErrorKind::Signing).with_source(err))
    }
}

/// The names [`Claims`] serialises itself; the same keys in `extra` would be duplicates.
const NAMED_CLAIMS: [&str; 13] = [
    "sub",
    "org_id",
    "email",
    "roles",
    "permissions",
    "memory_context",
    "subscription_tier",
    "exp",
    "iat",
    "iss",
    "aud",
    "nbf",
    "jti",
];

/// `claims` with whole-second time claims, an `iat` and no duplicate names; borrowed when
/// they already are.
fn reference_format(claims: &Claims, now: SystemTime) -> Cow<'_, Claims> {
    let whole = |date: Option<NumericDate>| date.is_none_or(|d| d.is_whole_secs());
    let duplicates = claims
        .extra
        .keys()
        .any(|name| NAMED_CLAIMS.contains(&name.as_str()));
    if claims.iat.is_some()
        && whole(Some(claims.exp))
        && whole(claims.iat)
        && whole(claims.nbf)
        && !duplicates
    {
        return Cow::Borrowed(claims);
    }
    let mut owned = claims.clone();
    owned.exp = NumericDate::from_secs(owned.exp.as_secs());
    owned.iat = Some(NumericDate::from_secs(
        owned
            .iat
            .unwrap_or_else(|| NumericDate::from_system_time(now))
            .as_secs(),
    ));
    owned.nbf = owned.nbf.map(|nbf| NumericDate::from_secs(nbf.as_secs()));
    owned
        .extra
        .retain(|name, _| !NAMED_CLAIMS.contains(&name.as_str()));
    Cow::Owned(owned)
}

impl fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("alg", &self.inner.alg)
            .field("kid", &self.inner.kid)
            .field("ttl", &self.inner.ttl)
            .field("issuer", &self.inner.issuer)
            .field("audience", &self.inner.audience)
            .finish_non_exhaustive()
    }
}

/// Configures a [`TokenIssuer`]; made by [`TokenIssuer::builder`].
#[must_use]
pub struct TokenIssuerBuilder {
    key: Option<(Algorithm, EncodingKey)>,
    kid: Option<String>,
    ttl: Duration,
    issuer: Option<String>,
    audience: Option<String>,
    weak_secret: bool,
    secret_len: Option<usize>,
    error: Option<Error>,
}

impl TokenIssuerBuilder {
    /// Signs with HS256 and the shared secret.
    pub fn hs256(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secret_len = Some(secret.as_ref().len());
        self.key = Some((Algorithm::HS256, EncodingKey::from_secret(secret.as_ref())));
        self
    }

    /// Accepts an HS256 secret shorter than 32 bytes.
    pub fn allow_weak_secret(mut self, allow: bool) -> Self {
        self.weak_secret = allow;
        self
    }

    /// Signs with RS256 and a PEM private key (PKCS#1 or PKCS#8).
    pub fn rs256_pem(self, pem: impl AsRef<[u8]>) -> Self {
        let key = EncodingKey::from_rsa_pem(pem.as_ref());
        self.private_key(Algorithm::RS256, key)
    }

    /// Signs with ES256 and a PEM private key (P-256, PKCS#8).
    pub fn es256_pem(self, pem: impl AsRef<[u8]>) -> Self {
        let key = EncodingKey::from_ec_pem(pem.as_ref());
        self.private_key(Algorithm::ES256, key)
    }

    /// Signs with EdDSA and a PEM private key (Ed25519, PKCS#8).
    pub fn eddsa_pem(self, pem: impl AsRef<[u8]>) -> Self {
        let key = EncodingKey::from_ed_pem(pem.as_ref());
        self.private_key(Algorithm::EdDSA, key)
    }

    fn private_key(
        mut self,
        alg: Algorithm,
        key: jsonwebtoken::errors::Result<EncodingKey>,
    ) -> Self {
        match key {
            Ok(key) => self.key = Some((alg, key)),
            Err(err) => {
                self.error.get_or_insert(
                    Error::with_detail(AuthErrorKind::Config, "invalid private key pem")
                        .with_source(err),
                );
            }
        }
        self
    }

    /// The `kid` header of issued tokens.
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// How long tokens from [`TokenIssuer::claims`] live (default 24 h).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// The `iss` of tokens from [`TokenIssuer::claims`].
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The `aud` of tokens from [`TokenIssuer::claims`].
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Builds the issuer.
    ///
    /// # Errors
    ///
    /// [`Config`](AuthErrorKind::Config) for an unreadable PEM, no key, or a weak HS256
    /// secret without [`allow_weak_secret`](Self::allow_weak_secret).
    pub fn build(self) -> Result<TokenIssuer, Error> {
        if let Some(err) = self.error {
            return Err(err);
        }
        let Some((alg, key)) = self.key else {
            return Err(Error::with_detail(
                AuthErrorKind::Config,
                "no key configured",
            ));
        };
        if alg == Algorithm::HS256
            && self.secret_len.is_some_and(|len| len < MIN_SECRET_LEN)
            && !self.weak_secret
        {
            return Err(Error::with_detail(
                AuthErrorKind::Config,
                "hs256 secret shorter than 32 bytes; call allow_weak_secret(true) to accept it",
            ));
        }
        Ok(TokenIssuer {
            inner: Arc::new(Inner {
                alg,
                key,
                kid: self.kid,
                ttl: self.ttl,
                issuer: self.issuer,
                audience: self.audience,
            }),
        })
    }
}

impl fmt::Debug for TokenIssuerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenIssuerBuilder")
            .field("alg", &self.key.as_ref().map(|(alg, _)| alg))
            .field("kid", &self.kid)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_format_whole_seconds_iat_and_no_duplicates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut claims = Claims::new("u", "o", "e", NumericDate::from_secs(1_800_000_100));
        claims.exp = claims.exp.add(Duration::from_millis(750));
        claims
            .extra
            .insert("exp".to_owned(), serde_json::json!("2100"));
        claims
            .extra
            .insert("custom".to_owned(), serde_json::json!(1));
        let fixed = reference_format(&claims, now);
        let json = serde_json::to_string(&*fixed).unwrap();
        assert!(json.contains("\"exp\":1800000100,"), "{json}");
        assert!(json.contains("\"iat\":1800000000"), "{json}");
        assert_eq!(json.matches("\"exp\"").count(), 1, "{json}");
        assert!(json.contains("\"custom\":1"), "{json}");

        let mut ready = Claims::new("u", "o", "e", NumericDate::from_secs(2));
        ready.iat = Some(NumericDate::from_secs(1));
        assert!(matches!(reference_format(&ready, now), Cow::Borrowed(_)));
    }
}
