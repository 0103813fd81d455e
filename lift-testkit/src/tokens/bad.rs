//! Every kind of token a verifier must refuse, each for one reason.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use lift_auth::TokenIssuer;

use super::{Keys, TestTokens};

/// A secret that is not the kit's: HS256 tokens signed with it carry a wrong signature.
const OTHER_SECRET: &str = "not-the-lift-testkit-secret-0123456789abcdefghij";

/// How far outside its validity a bad token's time lies: well beyond the verifier's
/// leeway (at most five minutes), so it is refused whatever the leeway.
const FAR: Duration = Duration::from_secs(3600);

impl TestTokens {
    /// A token whose `exp` passed an hour ago (issued two hours ago).
    ///
    /// Refused with [`Expired`](lift_auth::AuthErrorKind::Expired).
    #[must_use]
    pub fn expired(&self) -> String {
        let two_hours_ago = SystemTime::now()
            .checked_sub(FAR * 2)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        self.user("u-expired")
            .issued_at(two_hours_ago)
            .expires_in(FAR)
            .issue()
    }

    /// A token whose `nbf` lies an hour ahead.
    ///
    /// Refused with [`NotYetValid`](lift_auth::AuthErrorKind::NotYetValid).
    #[must_use]
    pub fn not_yet_valid(&self) -> String {
        self.user("u-early")
            .not_before(SystemTime::now() + FAR)
            .expires_in(FAR * 2)
            .issue()
    }

    /// A token naming the audience `another-service`, meant for someone else.
    ///
    /// Refused with [`InvalidAudience`](lift_auth::AuthErrorKind::InvalidAudience) by a
    /// verifier expecting no audience or another one.
    #[must_use]
    pub fn other_audience(&self) -> String {
        self.user("u-elsewhere").audience("another-service").issue()
    }

    /// A token of the right algorithm and `kid` whose signature was made with another key
    /// (another secret, or the other fixed RSA key).
    ///
    /// Refused with [`InvalidSignature`](lift_auth::AuthErrorKind::InvalidSignature).
    ///
    /// # Panics
    ///
    /// Never in practice: the other key is fixed and valid.
    #[must_use]
    pub fn wrong_signature(&self) -> String {
        let forger = match &self.keys {
            Keys::Hs256 { .. } => TokenIssuer::hs256(OTHER_SECRET),
            Keys::Rs256 { current, .. } => TokenIssuer::builder()
                .rs256_pem(current.other().private_pem)
                .kid(current.kid)
                .build(),
        };
        self.sign_with(forger, "u-forged")
    }

    /// A validly signed token of another algorithm than the verifier's key: RS256 for an
    /// HS256 secret; for RSA keys, the classic confusion attack, HS256 keyed with the RSA
    /// public key under the key's `kid`.
    ///
    /// Refused with [`DisallowedAlgorithm`](lift_auth::AuthErrorKind::DisallowedAlgorithm).
    ///
    /// # Panics
    ///
    /// Never in practice: the keys are fixed and valid.
    #[must_use]
    pub fn wrong_algorithm(&self) -> String {
        let forger = match &self.keys {
            Keys::Hs256 { .. } => TokenIssuer::builder()
                .rs256_pem(super::jwks::FIRST.private_pem)
                .build(),
            Keys::Rs256 { current, .. } => TokenIssuer::builder()
                .hs256(current.public_pem)
                .kid(current.kid)
                .build(),
        };
        self.sign_with(forger, "u-confused")
    }

    /// An unsigned token: header `{"alg":"none"}` and an empty signature.
    ///
    /// Refused with [`DisallowedAlgorithm`](lift_auth::AuthErrorKind::DisallowedAlgorithm).
    #[must_use]
    pub fn alg_none(&self) -> String {
        // jsonwebtoken cannot make such a token (it has no `none`): put together by hand.
        let header = match self.kid() {
            Some(kid) => serde_json::json!({ "alg": "none", "typ": "JWT", "kid": kid }),
            None => serde_json::json!({ "alg": "none", "typ": "JWT" }),
        };
        let claims = serde_json::to_value(self.user("u-unsigned").claims()).unwrap_or_default();
        format!("{}.{}.", base64_json(&header), base64_json(&claims))
    }

    /// A correctly signed token whose `roles` claim is the string `"admin"` instead of a
    /// list (a decoder that coerces types would let it through).
    ///
    /// Refused with [`InvalidClaim`](lift_auth::AuthErrorKind::InvalidClaim), detail
    /// `roles`.
    ///
    /// # Panics
    ///
    /// Never in practice: the payload is a JSON object and the key was checked when the
    /// [`TestTokens`] was made.
    #[must_use]
    pub fn wrong_typed_claim(&self) -> String {
        let mut claims = serde_json::to_value(self.user("u-mistyped").claims()).unwrap_or_default();
        claims["roles"] = serde_json::json!("admin");
        // lift-auth's issuer only signs well-typed claims: sign the JSON with jsonwebtoken.
        let (header, key) = match &self.keys {
            Keys::Hs256 { secret } => (
                Header::new(Algorithm::HS256),
                Ok(EncodingKey::from_secret(secret.as_bytes())),
            ),
            Keys::Rs256 { current, .. } => {
                let mut header = Header::new(Algorithm::RS256);
                header.kid = Some(current.kid.to_owned());
                let key = EncodingKey::from_rsa_pem(current.private_pem.as_bytes());
                (header, key)
            }
        };
        match key.and_then(|key| jsonwebtoken::encode(&header, &claims, &key)) {
            Ok(token) => token,
            Err(err) => panic!("signing a test token failed: {err}"),
        }
    }

    /// A truncated token: a good one without its signature segment.
    ///
    /// Refused with [`Malformed`](lift_auth::AuthErrorKind::Malformed).
    #[must_use]
    pub fn malformed(&self) -> String {
        let mut token = self.user("u-truncated").issue();
        if let Some(dot) = token.rfind('.') {
            token.truncate(dot);
        }
        token
    }

    fn sign_with(&self, forger: Result<TokenIssuer, lift_auth::Error>, sub: &str) -> String {
        let claims = self.user(sub).claims();
        match forger.and_then(|forger| forger.issue(&claims)) {
            Ok(token) => token,
            Err(err) => panic!("signing a test token failed: {err}"),
        }
    }
}

fn base64_json(value: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}
