//! Verification: round trips per algorithm, leeway edges, wrong-typed time claims,
//! issuer and audience, weak secrets.

use std::time::Duration;

use lift_auth::{AuthErrorKind, Role, TokenIssuer, TokenVerifier};
use serde_json::json;

use crate::support::{SECRET, at, claims_at, hs_issuer, hs256_raw, key};

const NOW: u64 = 1_800_000_000;

#[test]
fn round_trip_each_algorithm() {
    let pairs = [
        (
            TokenIssuer::builder().hs256(SECRET).build().unwrap(),
            TokenVerifier::builder().hs256(SECRET).build().unwrap(),
        ),
        (
            TokenIssuer::builder()
                .rs256_pem(key("rsa-private.pem"))
                .build()
                .unwrap(),
            TokenVerifier::builder()
                .rs256_pem(key("rsa-public.pem"))
                .build()
                .unwrap(),
        ),
        (
            TokenIssuer::builder()
                .es256_pem(key("ec-private.pem"))
                .build()
                .unwrap(),
            TokenVerifier::builder()
                .es256_pem(key("ec-public.pem"))
                .build()
                .unwrap(),
        ),
        (
            TokenIssuer::builder()
                .eddsa_pem(key("ed25519-private.pem"))
                .build()
                .unwrap(),
            TokenVerifier::builder()
                .eddsa_pem(key("ed25519-public.pem"))
                .build()
                .unwrap(),
        ),
    ];
    for (issuer, verifier) in pairs {
        let claims = issuer
            .claims("user-1", "org-1", "ana@example.com")
            .roles([Role::User, Role::Admin]);
        let token = issuer.issue(&claims).unwrap();
        let verified = verifier.verify(&token).unwrap();
        assert_eq!(verified, claims, "{}", issuer.algorithm());
        // Reference format: integer exp/iat, 24 h apart.
        let payload = decode_payload(&token);
        assert!(payload["exp"].is_i64() && payload["iat"].is_i64());
        assert_eq!(
            payload["exp"].as_i64().unwrap() - payload["iat"].as_i64().unwrap(),
            86_400
        );
    }
}

#[test]
fn a_key_refuses_tokens_of_another_algorithm() {
    let rs = TokenIssuer::builder()
        .rs256_pem(key("rsa-private.pem"))
        .build()
        .unwrap();
    let token = rs.issue(&rs.claims("u", "o", "e")).unwrap();
    let es_verifier = TokenVerifier::builder()
        .es256_pem(key("ec-public.pem"))
        .build()
        .unwrap();
    let err = es_verifier.verify(&token).unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::DisallowedAlgorithm);
    let hs_verifier = TokenVerifier::hs256(SECRET).unwrap();
    assert_eq!(
        hs_verifier.verify(&token).unwrap_err().kind(),
        AuthErrorKind::DisallowedAlgorithm
    );
}

#[test]
fn other_key_is_a_bad_signature() {
    let token = TokenIssuer::builder()
        .rs256_pem(key("rsa2-private.pem"))
        .build()
        .unwrap();
    let token = token.issue(&token.claims("u", "o", "e")).unwrap();
    let verifier = TokenVerifier::builder()
        .rs256_pem(key("rsa-public.pem"))
        .build()
        .unwrap();
    assert_eq!(
        verifier.verify(&token).unwrap_err().kind(),
        AuthErrorKind::InvalidSignature
    );
}

#[test]
fn leeway_edges() {
    let verifier = TokenVerifier::builder()
        .hs256(SECRET)
        .leeway(Duration::from_secs(60))
        .build()
        .unwrap();
    let exp = NOW as i64;
    let token = hs_issuer().issue(&claims_at(exp - 3600, exp)).unwrap();
    // exp + leeway is the first instant the token is expired.
    assert!(verifier.verify_at(&token, at(NOW + 59)).is_ok());
    assert_eq!(
        verifier.verify_at(&token, at(NOW + 60)).unwrap_err().kind(),
        AuthErrorKind::Expired
    );

    // iat in the future: accepted within the leeway, refused beyond it.
    let token = hs_issuer().issue(&claims_at(exp + 60, exp + 3600)).unwrap();
    assert!(verifier.verify_at(&token, at(NOW)).is_ok());
    let token = hs_issuer().issue(&claims_at(exp + 61, exp + 3600)).unwrap();
    assert_eq!(
        verifier.verify_at(&token, at(NOW)).unwrap_err().kind(),
        AuthErrorKind::NotYetValid
    );

    // nbf likewise.
    let mut claims = claims_at(exp, exp + 3600);
    claims.nbf = Some(lift_auth::NumericDate::from_secs(exp + 61));
    let token = hs_issuer().issue(&claims).unwrap();
    assert_eq!(
        verifier.verify_at(&token, at(NOW)).unwrap_err().kind(),
        AuthErrorKind::NotYetValid
    );
    assert!(verifier.verify_at(&token, at(NOW + 1)).is_ok());
}

#[test]
fn zero_leeway_and_bounded_leeway() {
    let strict = TokenVerifier::builder()
        .hs256(SECRET)
        .leeway(Duration::ZERO)
        .build()
        .unwrap();
    let exp = NOW as i64;
    let token = hs_issuer().issue(&claims_at(exp - 10, exp)).unwrap();
    assert!(strict.verify_at(&token, at(NOW - 1)).is_ok());
    assert!(strict.verify_at(&token, at(NOW)).is_err());

    let err = TokenVerifier::builder()
        .hs256(SECRET)
        .leeway(Duration::from_secs(301))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::Config);
}

#[test]
fn fractional_time_claims_are_accepted() {
    let token = hs256_raw(&json!({
        "sub": "u", "org_id": "o", "email": "e",
        "exp": NOW as f64 + 100.5, "iat": NOW as f64 - 0.25,
    }));
    let claims = TokenVerifier::hs256(SECRET)
        .unwrap()
        .verify_at(&token, at(NOW))
        .unwrap();
    assert_eq!(claims.exp.as_secs(), NOW as i64 + 100);
}

#[test]
fn wrong_typed_time_claims_are_errors_not_skipped_checks() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    for (claim, value) in [
        ("exp", json!("2100")),
        ("exp", json!(null)),
        ("exp", json!(true)),
        ("exp", json!({"t": 1})),
        ("iat", json!("1700000000")),
        ("nbf", json!("4102444800")),
        ("nbf", json!([1])),
    ] {
        let mut payload = json!({"sub": "u", "org_id": "o", "email": "e", "exp": NOW + 3600});
        payload[claim] = value.clone();
        let err = verifier
            .verify_at(&hs256_raw(&payload), at(NOW))
            .unwrap_err();
        assert_eq!(err.kind(), AuthErrorKind::InvalidClaim, "{claim} = {value}");
        assert_eq!(err.detail(), Some(claim));
    }
}

#[test]
fn exp_is_required_and_other_claims_typed() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let err = verifier
        .verify_at(
            &hs256_raw(&json!({"sub": "u", "org_id": "o", "email": "e"})),
            at(NOW),
        )
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.detail()),
        (AuthErrorKind::MissingClaim, Some("exp"))
    );
    let err = verifier
        .verify_at(
            &hs256_raw(&json!({"sub": 7, "org_id": "o", "email": "e", "exp": NOW + 1})),
            at(NOW),
        )
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.detail()),
        (AuthErrorKind::InvalidClaim, Some("sub"))
    );
    assert_eq!(err.to_string(), "invalid claim: sub");
    let err = verifier
        .verify_at(
            &hs256_raw(
                &json!({"sub": "u", "org_id": "o", "email": "e", "exp": NOW + 1, "roles": "admin"}),
            ),
            at(NOW),
        )
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.detail()),
        (AuthErrorKind::InvalidClaim, Some("roles"))
    );
    // A signed payload that is not a JSON object.
    let err = verifier
        .verify_at(&hs256_raw(&json!([1, 2])), at(NOW))
        .unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::Malformed);
}

#[test]
fn issued_tokens_have_whole_second_times_and_an_iat() {
    let issuer = hs_issuer();
    // Claims::new leaves iat unset and the caller may give a fractional exp.
    let mut claims = lift_auth::Claims::new(
        "u",
        "o",
        "e",
        lift_auth::NumericDate::from_secs(NOW as i64 + 3600),
    );
    claims.exp = claims.exp.add(Duration::from_millis(500));
    claims.extra.insert("iat".to_owned(), json!("not a date"));
    let token = issuer.issue(&claims).unwrap();
    let payload = decode_payload(&token);
    assert_eq!(payload["exp"], json!(NOW + 3600));
    assert!(payload["iat"].is_i64(), "{payload}");
    let verified = TokenVerifier::hs256(SECRET)
        .unwrap()
        .verify_at(&token, at(payload["iat"].as_u64().unwrap()))
        .unwrap();
    assert!(verified.iat.is_some());
}

#[test]
fn a_single_key_with_a_kid_refuses_tokens_naming_another_kid() {
    let verifier = TokenVerifier::builder()
        .rs256_pem(key("rsa-public.pem"))
        .kid("k1")
        .build()
        .unwrap();
    let signer = |kid: &str| {
        TokenIssuer::builder()
            .rs256_pem(key("rsa-private.pem"))
            .kid(kid)
            .build()
            .unwrap()
    };
    let good = signer("k1");
    assert!(
        verifier
            .verify(&good.issue(&good.claims("u", "o", "e")).unwrap())
            .is_ok()
    );
    let other = signer("k2");
    assert_eq!(
        verifier
            .verify(&other.issue(&other.claims("u", "o", "e")).unwrap())
            .unwrap_err()
            .kind(),
        AuthErrorKind::UnknownKey
    );
}

#[test]
fn issuer_and_audience_checks() {
    let verifier = TokenVerifier::builder()
        .hs256(SECRET)
        .issuer("https://auth.lift.dev")
        .audience("lift")
        .build()
        .unwrap();
    let issuer = TokenIssuer::builder()
        .hs256(SECRET)
        .issuer("https://auth.lift.dev")
        .audience("lift")
        .build()
        .unwrap();
    let good = issuer.claims("u", "o", "e");
    assert!(verifier.verify(&issuer.issue(&good).unwrap()).is_ok());

    let mut wrong_iss = good.clone();
    wrong_iss.iss = Some("https://evil.example".to_owned());
    assert_eq!(
        verifier
            .verify(&issuer.issue(&wrong_iss).unwrap())
            .unwrap_err()
            .kind(),
        AuthErrorKind::InvalidIssuer
    );
    let mut wrong_aud = good.clone();
    wrong_aud.aud = Some(lift_auth::Audience::Many(vec![
        "other".into(),
        "more".into(),
    ]));
    assert_eq!(
        verifier
            .verify(&issuer.issue(&wrong_aud).unwrap())
            .unwrap_err()
            .kind(),
        AuthErrorKind::InvalidAudience
    );
    let mut in_array = good.clone();
    in_array.aud = Some(lift_auth::Audience::Many(vec![
        "other".into(),
        "lift".into(),
    ]));
    assert!(verifier.verify(&issuer.issue(&in_array).unwrap()).is_ok());
    let mut no_aud = good;
    no_aud.aud = None;
    let err = verifier
        .verify(&issuer.issue(&no_aud).unwrap())
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.detail()),
        (AuthErrorKind::MissingClaim, Some("aud"))
    );
}

#[test]
fn weak_secrets_need_an_explicit_opt_in() {
    for weak in ["your-secret-key", "", "short"] {
        assert_eq!(
            TokenVerifier::hs256(weak).unwrap_err().kind(),
            AuthErrorKind::Config
        );
        assert!(TokenIssuer::hs256(weak).is_err());
    }
    let verifier = TokenVerifier::builder()
        .hs256("your-secret-key")
        .allow_weak_secret(true)
        .build()
        .unwrap();
    let issuer = TokenIssuer::builder()
        .hs256("your-secret-key")
        .allow_weak_secret(true)
        .build()
        .unwrap();
    assert!(
        verifier
            .verify(&issuer.issue(&issuer.claims("u", "o", "e")).unwrap())
            .is_ok()
    );
}

#[test]
fn malformed_tokens() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    for token in [
        "",
        "a",
        "a.b",
        "a.b.c",
        "...",
        "eyJ.eyJ.sig",
        &"x".repeat(20_000),
    ] {
        assert_eq!(
            verifier.verify(token).unwrap_err().kind(),
            AuthErrorKind::Malformed,
            "{token:.20}"
        );
    }
}

#[test]
fn secrets_never_show_in_debug() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let issuer = hs_issuer();
    let token = issuer.issue(&issuer.claims("u", "o", "e")).unwrap();
    let err = TokenVerifier::builder()
        .hs256("another-secret-that-is-long-enough-0000")
        .build()
        .unwrap()
        .verify(&token)
        .unwrap_err();
    for text in [
        format!("{verifier:?}"),
        format!("{issuer:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{:?}", lift_auth::Token::new(token.clone())),
        #[cfg(feature = "client")]
        format!("{:?}", lift_auth::Secret::new(SECRET)),
    ] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains(&token), "{text}");
    }
}

fn decode_payload(token: &str) -> serde_json::Value {
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    serde_json::from_slice(&payload).unwrap()
}
