//! JWKS: keys chosen by kid, static rotation; remote fetching under feature `client`.

use lift_auth::{AuthErrorKind, TokenIssuer, TokenVerifier};
use serde_json::json;

use crate::support::key;

pub(crate) fn issuer(private: &str, kid: &str) -> TokenIssuer {
    TokenIssuer::builder()
        .rs256_pem(key(private))
        .kid(kid)
        .build()
        .unwrap()
}

pub(crate) fn jwks(issuers: &[&TokenIssuer]) -> serde_json::Value {
    json!({ "keys": issuers.iter().map(|i| i.public_jwk().unwrap()).collect::<Vec<_>>() })
}

#[test]
fn keys_are_chosen_by_kid() {
    let one = issuer("rsa-private.pem", "k1");
    let two = issuer("rsa2-private.pem", "k2");
    let verifier = TokenVerifier::builder()
        .jwks_json(jwks(&[&one, &two]).to_string())
        .build()
        .unwrap();
    for issuer in [&one, &two] {
        let token = issuer.issue(&issuer.claims("u", "o", "e")).unwrap();
        assert!(verifier.verify(&token).is_ok());
    }
    // A kid the set does not know.
    let three = issuer("rsa2-private.pem", "k3");
    let token = three.issue(&three.claims("u", "o", "e")).unwrap();
    assert_eq!(
        verifier.verify(&token).unwrap_err().kind(),
        AuthErrorKind::UnknownKey
    );
}

#[test]
fn rotation_with_static_sets() {
    let old = issuer("rsa-private.pem", "old");
    let new = issuer("rsa2-private.pem", "new");
    let before = TokenVerifier::builder()
        .jwks_json(jwks(&[&old]).to_string())
        .build()
        .unwrap();
    let during = TokenVerifier::builder()
        .jwks_json(jwks(&[&old, &new]).to_string())
        .build()
        .unwrap();
    let after = TokenVerifier::builder()
        .jwks_json(jwks(&[&new]).to_string())
        .build()
        .unwrap();
    let old_token = old.issue(&old.claims("u", "o", "e")).unwrap();
    let new_token = new.issue(&new.claims("u", "o", "e")).unwrap();
    assert!(before.verify(&old_token).is_ok());
    assert!(before.verify(&new_token).is_err());
    assert!(during.verify(&old_token).is_ok() && during.verify(&new_token).is_ok());
    assert!(after.verify(&old_token).is_err());
    assert!(after.verify(&new_token).is_ok());
}

#[test]
fn a_kid_naming_a_key_of_another_algorithm_is_refused() {
    let rsa = issuer("rsa-private.pem", "shared");
    let ec = TokenIssuer::builder()
        .es256_pem(key("ec-private.pem"))
        .kid("shared")
        .build()
        .unwrap();
    let verifier = TokenVerifier::builder()
        .jwks_json(jwks(&[&rsa]).to_string())
        .build()
        .unwrap();
    let token = ec.issue(&ec.claims("u", "o", "e")).unwrap();
    assert_eq!(
        verifier.verify(&token).unwrap_err().kind(),
        AuthErrorKind::DisallowedAlgorithm
    );
}

#[test]
fn unusable_keys_in_a_set_are_skipped() {
    let one = issuer("rsa-private.pem", "k1");
    let mut set = jwks(&[&one]);
    set["keys"]
        .as_array_mut()
        .unwrap()
        .push(json!({"kty": "weird", "kid": "x"}));
    let verifier = TokenVerifier::builder()
        .jwks_json(set.to_string())
        .build()
        .unwrap();
    let token = one.issue(&one.claims("u", "o", "e")).unwrap();
    assert!(verifier.verify(&token).is_ok());
    assert!(
        TokenVerifier::builder()
            .jwks_json("not json")
            .build()
            .is_err()
    );
}

#[test]
fn weak_symmetric_jwks_keys_need_the_opt_in() {
    use base64::Engine as _;
    let oct = |secret: &str| {
        json!({"keys": [{
            "kty": "oct", "alg": "HS256", "kid": "h1",
            "k": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret),
        }]})
        .to_string()
    };
    let err = TokenVerifier::builder()
        .jwks_json(oct("your-secret-key"))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::Config);
    assert!(
        TokenVerifier::builder()
            .jwks_json(oct("your-secret-key"))
            .allow_weak_secret(true)
            .build()
            .is_ok()
    );
    let strong = TokenVerifier::builder()
        .jwks_json(oct(crate::support::SECRET))
        .build()
        .unwrap();
    let issuer = TokenIssuer::builder()
        .hs256(crate::support::SECRET)
        .kid("h1")
        .build()
        .unwrap();
    assert!(
        strong
            .verify(&issuer.issue(&issuer.claims("u", "o", "e")).unwrap())
            .is_ok()
    );
}
