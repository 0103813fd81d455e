//! Shared helpers: fixtures, test keys, token minting.

#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use lift_auth::{Claims, NumericDate, TokenIssuer};
use serde_json::Value;

pub(crate) const SECRET: &str = "lift-shared-secret-for-tests-0123456789abcdef";

pub(crate) fn fixture(path: &str) -> String {
    let full = format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|err| panic!("{full}: {err}"))
}

pub(crate) fn key(name: &str) -> String {
    let full = format!("{}/tests/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|err| panic!("{full}: {err}"))
}

pub(crate) fn vectors() -> Value {
    serde_json::from_str(&fixture("jwt-vectors.json")).unwrap()
}

pub(crate) fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

pub(crate) fn hs_issuer() -> TokenIssuer {
    TokenIssuer::hs256(SECRET).unwrap()
}

pub(crate) fn claims_at(iat: i64, exp: i64) -> Claims {
    let mut claims = Claims::new(
        "user-1",
        "org-1",
        "ana@example.com",
        NumericDate::from_secs(exp),
    );
    claims.iat = Some(NumericDate::from_secs(iat));
    claims
}

/// An HS256 token over an arbitrary JSON payload (for wrong-typed claims).
pub(crate) fn hs256_raw(payload: &Value) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let body = b64.encode(serde_json::to_vec(payload).unwrap());
    let message = format!("{header}.{body}");
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes());
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &key, jsonwebtoken::Algorithm::HS256)
            .unwrap();
    format!("{message}.{signature}")
}

/// An HS256 token over a payload given as JSON text, for numbers `serde_json::Value` cannot
/// hold (`1e400`, `18446744073709551616`).
pub(crate) fn hs256_raw_text(payload: &str) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let body = b64.encode(payload.as_bytes());
    let message = format!("{header}.{body}");
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes());
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &key, jsonwebtoken::Algorithm::HS256)
            .unwrap();
    format!("{message}.{signature}")
}

/// The current time in whole epoch seconds.
pub(crate) fn now_secs() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}
