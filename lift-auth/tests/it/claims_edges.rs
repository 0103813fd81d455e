//! Claims at the edges: `aud` when no audience is expected, and time claims at every
//! integer and float extreme.

use std::panic::{AssertUnwindSafe, catch_unwind};

use lift_auth::{AuthErrorKind, TokenIssuer, TokenVerifier};

use crate::support::{SECRET, hs256_raw_text, now_secs};

fn issuer_for(audience: &str) -> TokenIssuer {
    TokenIssuer::builder()
        .hs256(SECRET)
        .audience(audience)
        .build()
        .unwrap()
}

#[test]
fn a_token_with_aud_is_refused_when_the_verifier_names_no_audience() {
    let issuer = issuer_for("billing");
    let token = issuer.issue(&issuer.claims("u", "o", "e")).unwrap();

    // RFC 7519 §4.1.3, jsonwebtoken's default: the token was meant for someone else.
    let err = TokenVerifier::hs256(SECRET)
        .unwrap()
        .verify(&token)
        .unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::InvalidAudience);

    // The explicit opt-out accepts it; a verifier that names the audience does too.
    let any = TokenVerifier::builder()
        .hs256(SECRET)
        .any_audience(true)
        .build()
        .unwrap();
    assert!(any.verify(&token).is_ok());
    let named = TokenVerifier::builder()
        .hs256(SECRET)
        .audience("billing")
        .build()
        .unwrap();
    assert!(named.verify(&token).is_ok());

    // Core tokens carry no `aud` and keep passing the default verifier.
    let core = crate::support::hs_issuer();
    let token = core.issue(&core.claims("u", "o", "e")).unwrap();
    assert!(TokenVerifier::hs256(SECRET).unwrap().verify(&token).is_ok());
}

/// Numbers no NumericDate can be: each must be refused (never panic, never wrap around to
/// a date that passes).
const OUT_OF_RANGE: &[&str] = &[
    "-9223372036854775808", // i64::MIN: `abs()` overflowed here
    "-9223372036854775807",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1099511627776",
    "-1099511627776",
    "1e19",
    "-1e19",
    "9.3e18",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "1e400",
    "-1e400",
];

#[test]
fn time_claims_at_integer_and_float_extremes_are_refused_without_panicking() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let (now, exp) = (now_secs(), now_secs() + 3600);
    for value in OUT_OF_RANGE {
        for claim in ["exp", "iat", "nbf"] {
            let exp = if claim == "exp" {
                (*value).to_owned()
            } else {
                exp.to_string()
            };
            let iat = if claim == "iat" {
                (*value).to_owned()
            } else {
                now.to_string()
            };
            let nbf = if claim == "nbf" {
                (*value).to_owned()
            } else {
                now.to_string()
            };
            let token = hs256_raw_text(&format!(
                r#"{{"sub":"u","org_id":"o","email":"e","exp":{exp},"iat":{iat},"nbf":{nbf}}}"#
            ));
            let result = catch_unwind(AssertUnwindSafe(|| verifier.verify(&token)));
            let result = result.unwrap_or_else(|_| panic!("{claim} = {value} panicked"));
            let err = result.expect_err(&format!("{claim} = {value} was accepted"));
            assert!(
                matches!(
                    err.kind(),
                    AuthErrorKind::InvalidClaim | AuthErrorKind::Malformed
                ),
                "{claim} = {value}: {err}"
            );
        }
    }
}

#[test]
fn time_claims_at_the_edge_of_the_range_are_dates() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let now = now_secs();
    // The farthest future `exp` and the farthest past `nbf`/`iat` still read as dates.
    let token = hs256_raw_text(&format!(
        r#"{{"sub":"u","org_id":"o","email":"e","exp":1099511627775,"iat":{now},"nbf":-1099511627775.5}}"#
    ));
    assert!(verifier.verify(&token).is_ok());
}
