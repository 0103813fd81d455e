//! Property tests: no input panics the token, permission, bearer or header parsers.

use lift_auth::{Permission, TokenVerifier, UserContext, parse_bearer};
use proptest::prelude::*;

fn verifier() -> TokenVerifier {
    TokenVerifier::hs256(crate::support::SECRET).unwrap()
}

proptest! {
    #[test]
    fn verify_never_panics(token in ".{0,400}") {
        let _ = verifier().verify(&token);
    }

    #[test]
    fn verify_never_panics_on_jwt_shaped_input(
        header in "[A-Za-z0-9_-]{0,60}",
        payload in "[A-Za-z0-9_-]{0,200}",
        signature in "[A-Za-z0-9_-]{0,60}",
    ) {
        let _ = verifier().verify(&format!("{header}.{payload}.{signature}"));
    }

    #[test]
    fn verify_never_panics_on_signed_arbitrary_json(payload in any::<std::collections::HashMap<String, i64>>()) {
        let token = crate::support::hs256_raw(&serde_json::to_value(payload).unwrap());
        let _ = verifier().verify(&token);
    }

    #[test]
    fn verify_never_panics_on_extreme_time_claims(
        exp in prop_oneof![any::<i64>().prop_map(serde_json::Value::from), any::<f64>().prop_map(serde_json::Value::from), any::<u64>().prop_map(serde_json::Value::from)],
        iat in prop_oneof![any::<i64>().prop_map(serde_json::Value::from), any::<f64>().prop_map(serde_json::Value::from)],
        nbf in any::<f64>().prop_map(serde_json::Value::from),
    ) {
        let token = crate::support::hs256_raw(&serde_json::json!({
            "sub": "u", "org_id": "o", "email": "e", "exp": exp, "iat": iat, "nbf": nbf,
        }));
        let _ = verifier().verify(&token);
    }

    #[test]
    fn challenges_are_always_valid_header_values(detail in ".{0,80}") {
        for kind in [lift_auth::AuthErrorKind::Expired, lift_auth::AuthErrorKind::Forbidden] {
            let challenge = lift_auth::Error::with_detail(kind, detail.clone()).www_authenticate();
            prop_assert!(http::HeaderValue::from_str(&challenge).is_ok(), "{}", challenge);
        }
    }

    #[test]
    fn permission_parse_never_panics(value in ".{0,80}") {
        if let Ok(permission) = value.parse::<Permission>() {
            prop_assert_eq!(permission.as_str(), value.as_str());
        }
    }

    #[test]
    fn bearer_and_headers_never_panic(value in ".{0,120}") {
        let _ = parse_bearer(&value);
        if let Ok(header) = http::HeaderValue::from_str(&value) {
            let mut headers = http::HeaderMap::new();
            headers.insert("x-user-id", header.clone());
            headers.insert("x-org-id", header.clone());
            headers.insert("x-user-roles", header);
            let _ = UserContext::from_headers(&headers);
        }
    }
}
