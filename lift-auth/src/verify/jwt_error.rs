//! Errors of `jsonwebtoken` mapped to ours, naming the failed check without echoing the token.

use jsonwebtoken::errors::ErrorKind as JwtErrorKind;

use crate::claims::{RawClaims, wrong_typed_claim};
use crate::error::{AuthErrorKind, Error};

pub(super) fn map_jwt_error(token: &str, err: &jsonwebtoken::errors::Error) -> Error {
    match err.kind() {
        JwtErrorKind::InvalidSignature
        | JwtErrorKind::InvalidEcdsaKey
        | JwtErrorKind::InvalidEddsaKey
        | JwtErrorKind::InvalidRsaKey(_)
        | JwtErrorKind::InvalidKeyFormat
        | JwtErrorKind::Provider(_) => Error::new(AuthErrorKind::InvalidSignature),
        JwtErrorKind::InvalidAlgorithm | JwtErrorKind::MissingAlgorithm => {
            Error::new(AuthErrorKind::DisallowedAlgorithm)
        }
        JwtErrorKind::Json(_) => {
            // Either the header (e.g. `"alg": "none"`) or the claims (e.g. a wrong type).
            if jsonwebtoken::decode_header(token).is_err() {
                header_error(token)
            } else {
                claims_error(token)
            }
        }
        JwtErrorKind::InvalidToken | JwtErrorKind::Base64(_) | JwtErrorKind::Utf8(_) => {
            header_error(token)
        }
        _ => Error::new(AuthErrorKind::Malformed),
    }
}

/// The error for a signed token whose claims could not be read: names the claim when the
/// payload is a JSON object, `Malformed` when it is not JSON at all.
fn claims_error(token: &str) -> Error {
    let Some(payload) = token.split('.').nth(1).and_then(base64url) else {
        return Error::new(AuthErrorKind::Malformed);
    };
    match serde_json::from_slice::<RawClaims>(&payload) {
        Ok(raw) => match raw.into_claims() {
            Err(err) => err,
            Ok(_) => Error::new(AuthErrorKind::InvalidClaim),
        },
        Err(err) if err.classify() == serde_json::error::Category::Data => {
            let payload =
                serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&payload);
            match payload {
                Ok(payload) => match wrong_typed_claim(&payload) {
                    Some(name) => Error::with_detail(AuthErrorKind::InvalidClaim, name),
                    None => Error::new(AuthErrorKind::InvalidClaim),
                },
                Err(_) => Error::with_detail(AuthErrorKind::Malformed, "claims are not an object"),
            }
        }
        Err(_) => Error::new(AuthErrorKind::Malformed),
    }
}

fn base64url(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
}

/// The error for a token whose header cannot be used: `DisallowedAlgorithm` when it names an
/// algorithm we never accept (`none`, `HS512`, …), `Malformed` otherwise.
pub(super) fn header_error(token: &str) -> Error {
    #[derive(serde::Deserialize)]
    struct AlgOnly {
        alg: String,
    }
    let alg = token
        .split('.')
        .next()
        .and_then(base64url)
        .and_then(|json| serde_json::from_slice::<AlgOnly>(&json).ok());
    match alg {
        Some(header) if header.alg.parse::<crate::Algorithm>().is_err() => {
            Error::new(AuthErrorKind::DisallowedAlgorithm)
        }
        _ => Error::new(AuthErrorKind::Malformed),
    }
}
