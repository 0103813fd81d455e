//! Verification keys, each pinned to one algorithm, and the JWKS format.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{DecodingKey, Validation};

use crate::algorithm::Algorithm;
use crate::error::{AuthErrorKind, Error};

/// One verification key: the algorithm it is pinned to, an optional `kid`, and a prepared
/// `jsonwebtoken` validation that accepts that algorithm only and leaves every time and
/// claim check to us.
#[derive(Clone)]
pub(crate) struct VerifyKey {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<String>,
    pub(crate) key: DecodingKey,
    pub(crate) validation: Validation,
    /// For an HS256 key, the secret's length in bytes (checked against `MIN_SECRET_LEN`).
    pub(crate) secret_len: Option<usize>,
}

impl VerifyKey {
    pub(crate) fn new(alg: Algorithm, key: DecodingKey, kid: Option<String>) -> Self {
        let mut validation = Validation::new(alg.to_jwt());
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        Self {
            alg,
            kid,
            key,
            validation,
            secret_len: None,
        }
    }

    /// An HS256 key from a shared secret.
    pub(crate) fn hs256(secret: &[u8]) -> Self {
        let mut key = Self::new(Algorithm::HS256, DecodingKey::from_secret(secret), None);
        key.secret_len = Some(secret.len());
        key
    }

    /// Whether this is an HS256 key shorter than `min` bytes.
    pub(crate) fn is_weak(&self, min: usize) -> bool {
        self.secret_len.is_some_and(|len| len < min)
    }

    pub(crate) fn from_pem(alg: Algorithm, pem: &[u8]) -> Result<Self, Error> {
        let key = match alg {
            Algorithm::HS256 => Err(Error::with_detail(
                AuthErrorKind::Config,
                "hs256 takes a secret, not a pem",
            ))?,
            Algorithm::RS256 => DecodingKey::from_rsa_pem(pem),
            Algorithm::ES256 => DecodingKey::from_ec_pem(pem),
            Algorithm::EdDSA => DecodingKey::from_ed_pem(pem),
        }
        .map_err(|err| {
            Error::with_detail(AuthErrorKind::Config, "invalid public key pem").with_source(err)
        })?;
        Ok(Self::new(alg, key, None))
    }

    /// A key of a JWKS, or `None` for keys this crate does not use (encryption keys,
    /// unsupported algorithms or curves).
    pub(crate) fn from_jwk(jwk: &Jwk) -> Option<Self> {
        if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
            return None;
        }
        let alg = match (&jwk.common.key_algorithm, &jwk.algorithm) {
            (Some(KeyAlgorithm::RS256), AlgorithmParameters::RSA(_)) => Algorithm::RS256,
            (Some(KeyAlgorithm::ES256), AlgorithmParameters::EllipticCurve(_)) => Algorithm::ES256,
            (Some(KeyAlgorithm::EdDSA), AlgorithmParameters::OctetKeyPair(_)) => Algorithm::EdDSA,
            (Some(KeyAlgorithm::HS256), AlgorithmParameters::OctetKey(_)) => Algorithm::HS256,
            (Some(_), _) => return None,
            // Without `alg`, the key type decides; symmetric keys need an explicit `alg`.
            (None, AlgorithmParameters::RSA(_)) => Algorithm::RS256,
            (None, AlgorithmParameters::EllipticCurve(ec)) if ec.curve == EllipticCurve::P256 => {
                Algorithm::ES256
            }
            (None, AlgorithmParameters::OctetKeyPair(okp))
                if okp.curve == EllipticCurve::Ed25519 =>
            {
                Algorithm::EdDSA
            }
            (None, _) => return None,
        };
        let key = DecodingKey::from_jwk(jwk).ok()?;
        let mut key = Self::new(alg, key, jwk.common.key_id.clone());
        if let AlgorithmParameters::OctetKey(oct) = &jwk.algorithm {
            use base64::Engine as _;
            let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(oct.value.trim_end_matches('='))
                .ok()?;
            key.secret_len = Some(secret.len());
        }
        Some(key)
    }
}

impl fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The current key set and its generation.
///
/// Every replacement bumps the generation, so a token verified under an older set (and cached
/// with that set's generation) is not served from the token cache after a rotation.
#[derive(Debug)]
pub(crate) struct KeyCell {
    keys: RwLock<Arc<Vec<VerifyKey>>>,
    /// Written only while `keys` is write-locked, so `load` reads a matching pair.
    generation: AtomicU64,
}

impl KeyCell {
    pub(crate) fn new(keys: Vec<VerifyKey>) -> Self {
        Self {
            keys: RwLock::new(Arc::new(keys)),
            generation: AtomicU64::new(0),
        }
    }

    /// The keys and the generation they belong to.
    pub(crate) fn load(&self) -> (Arc<Vec<VerifyKey>>, u64) {
        let keys = match self.keys.read() {
            Ok(keys) => keys,
            Err(poisoned) => poisoned.into_inner(),
        };
        (Arc::clone(&keys), self.generation.load(Ordering::Acquire))
    }

    /// The current generation (a lock-free read for cache hits).
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Replaces the key set and starts a new generation.
    #[cfg(feature = "client")]
    pub(crate) fn replace(&self, keys: Vec<VerifyKey>) {
        let mut cell = match self.keys.write() {
            Ok(cell) => cell,
            Err(poisoned) => poisoned.into_inner(),
        };
        *cell = Arc::new(keys);
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

/// Parses a JWKS document (`{"keys": [...]}`) into the keys this crate can use.
pub(crate) fn parse_jwks(json: &[u8]) -> Result<Vec<VerifyKey>, Error> {
    #[derive(serde::Deserialize)]
    struct Document {
        keys: Vec<serde_json::Value>,
    }
    let document: Document = serde_json::from_slice(json).map_err(|err| {
        Error::with_detail(AuthErrorKind::Config, "invalid jwks document").with_source(err)
    })?;
    // Each key on its own: one key of an unknown type must not hide the others.
    Ok(document
        .keys
        .into_iter()
        .filter_map(|key| serde_json::from_value::<Jwk>(key).ok())
        .filter_map(|jwk| VerifyKey::from_jwk(&jwk))
        .collect())
}
