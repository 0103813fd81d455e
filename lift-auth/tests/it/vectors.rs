//! Every vector of fixtures/jwt-vectors.json (minted by PyJWT) reaches its stated verdict.

use lift_auth::{AuthErrorKind, TokenVerifier};

use crate::support::{at, vectors};

fn verifier_for(key: &serde_json::Value) -> TokenVerifier {
    let builder = TokenVerifier::builder();
    let pem = key["public_pem"].as_str().unwrap_or_default();
    let builder = match key["kind"].as_str().unwrap() {
        "hs256" => builder.hs256(key["secret"].as_str().unwrap()),
        "rs256" => builder.rs256_pem(pem),
        "es256" => builder.es256_pem(pem),
        "eddsa" => builder.eddsa_pem(pem),
        other => panic!("unknown key kind {other}"),
    };
    builder.build().unwrap()
}

#[test]
fn every_vector_reaches_its_verdict() {
    let doc = vectors();
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 12);
    // Vectors were minted in late 2025 with exp in 2100 (or in 2023 for the expired one).
    let now = at(1_763_856_000 + 3600);
    for vector in vectors {
        let name = vector["name"].as_str().unwrap();
        let token = vector["token"].as_str().unwrap();
        let result = verifier_for(&vector["key"]).verify_at(token, now);
        let expected = match vector["expect"].as_str().unwrap() {
            "valid" => None,
            "expired" => Some(AuthErrorKind::Expired),
            "invalid_signature" => Some(AuthErrorKind::InvalidSignature),
            "missing_claim" => Some(AuthErrorKind::MissingClaim),
            "not_yet_valid" => Some(AuthErrorKind::NotYetValid),
            "malformed" => Some(AuthErrorKind::Malformed),
            "rejected" => {
                assert!(result.is_err(), "{name} must be rejected");
                continue;
            }
            other => panic!("unknown verdict {other}"),
        };
        match (expected, result) {
            (None, Ok(claims)) => {
                if let Some(context) = vector["expect_memory_context"].as_str() {
                    assert_eq!(claims.memory_context, context, "{name}");
                }
            }
            (Some(kind), Err(err)) => {
                assert_eq!(err.kind(), kind, "{name}");
                if let Some(missing) = vector["missing"].as_str() {
                    assert_eq!(err.detail(), Some(missing), "{name}");
                }
            }
            (expected, result) => panic!("{name}: expected {expected:?}, got {result:?}"),
        }
    }
}

#[test]
fn alg_none_and_alg_confusion_are_disallowed_algorithms() {
    let doc = vectors();
    let now = at(1_763_856_000);
    for name in ["alg-none", "alg-confusion-hs256-with-rsa-public-key"] {
        let vector = doc["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap();
        let err = verifier_for(&vector["key"])
            .verify_at(vector["token"].as_str().unwrap(), now)
            .unwrap_err();
        assert_eq!(err.kind(), AuthErrorKind::DisallowedAlgorithm, "{name}");
    }
}

#[test]
fn unknown_role_is_kept_not_refused() {
    let doc = vectors();
    let vector = doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "hs256-unknown-role")
        .unwrap();
    let claims = verifier_for(&vector["key"])
        .verify_at(vector["token"].as_str().unwrap(), at(1_763_856_000))
        .unwrap();
    assert!(
        claims
            .roles
            .iter()
            .any(|role| matches!(role, lift_auth::Role::Other(_)))
    );
}

#[test]
fn rs256_vector_verifies_through_the_fixture_jwks() {
    let doc = vectors();
    let vector = doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "rs256-valid")
        .unwrap();
    let verifier = TokenVerifier::builder()
        .jwks_json(doc["jwks"].to_string())
        .build()
        .unwrap();
    let claims = verifier
        .verify_at(vector["token"].as_str().unwrap(), at(1_763_856_000))
        .unwrap();
    assert!(!claims.sub.is_empty());
}

#[test]
fn compat_capture_login_token_is_read() {
    // A token the reference issued through the gateway (signed with the capture run's
    // secret, which we do not have): its payload must decode into Claims.
    let capture: serde_json::Value = serde_json::from_str(&crate::support::fixture(
        "liftos-captures/compat/14-auth-login.json",
    ))
    .unwrap();
    let token = capture["response"]["body"]["data"]["access_token"]
        .as_str()
        .unwrap();
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    let claims: lift_auth::Claims = serde_json::from_slice(&payload).unwrap();
    assert_eq!(claims.sub, claims.org_id);
    assert_eq!(
        claims.memory_context,
        format!("org_{}_context", claims.org_id)
    );
    assert!(claims.iat.is_some());
}
