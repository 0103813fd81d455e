//! The cache of verified tokens: hits keep every time check, failures are never cached, a
//! key rotation empties it, a flood of tokens cannot grow it past its capacity.

use lift_auth::{AuthErrorKind, Claims, NumericDate, TokenIssuer, TokenVerifier};

use crate::support::{SECRET, at, claims_at, hs_issuer};

const NOW: u64 = 1_800_000_000;

fn now() -> i64 {
    i64::try_from(NOW).unwrap()
}

fn uncached() -> TokenVerifier {
    TokenVerifier::builder()
        .hs256(SECRET)
        .cache_capacity(0)
        .build()
        .unwrap()
}

/// A token valid from `NOW` for 100 s.
fn short_lived() -> (Claims, String) {
    let claims = claims_at(now(), now() + 100);
    let token = hs_issuer().issue(&claims).unwrap();
    (claims, token)
}

#[test]
fn a_repeated_token_is_served_from_the_cache_shared_by_clones() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let (claims, token) = short_lived();

    let first = verifier.verify_at(&token, at(NOW)).unwrap();
    let clone = verifier.clone();
    let second = clone.verify_at(&token, at(NOW + 1)).unwrap();

    assert_eq!(first, claims);
    assert_eq!(second, claims);
    assert_eq!(verifier.cached_tokens(), 1);
    assert_eq!(clone.cached_tokens(), 1);
}

#[test]
fn a_cached_token_is_refused_as_expired_once_exp_and_leeway_pass() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let (_, token) = short_lived();
    verifier.verify_at(&token, at(NOW)).unwrap();

    // Within the 60 s leeway after exp, the hit is still served.
    let leeway_end = NOW + 100 + 60;
    assert!(verifier.verify_at(&token, at(leeway_end - 1)).is_ok());
    let cached = verifier.verify_at(&token, at(leeway_end)).unwrap_err();
    let fresh = uncached().verify_at(&token, at(leeway_end)).unwrap_err();

    assert_eq!(cached.kind(), AuthErrorKind::Expired);
    assert_eq!(cached.to_string(), fresh.to_string());
    assert_eq!(verifier.cached_tokens(), 0, "the expired entry is evicted");
}

#[test]
fn nbf_and_iat_are_checked_again_on_every_hit() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let mut claims = claims_at(now() + 1_000, now() + 5_000);
    claims.nbf = Some(NumericDate::from_secs(now() + 2_000));
    let token = hs_issuer().issue(&claims).unwrap();
    verifier.verify_at(&token, at(NOW + 2_000)).unwrap();

    for earlier in [NOW, NOW + 1_500] {
        let cached = verifier.verify_at(&token, at(earlier)).unwrap_err();
        let fresh = uncached().verify_at(&token, at(earlier)).unwrap_err();
        assert_eq!(cached.kind(), AuthErrorKind::NotYetValid);
        assert_eq!(cached.to_string(), fresh.to_string());
    }
    assert!(verifier.verify_at(&token, at(NOW + 2_000)).is_ok());
}

#[test]
fn failures_are_never_cached() {
    let verifier = TokenVerifier::builder()
        .hs256(SECRET)
        .issuer("https://auth.lift.dev")
        .build()
        .unwrap();
    let ours = TokenIssuer::builder()
        .hs256(SECRET)
        .issuer("https://auth.lift.dev")
        .build()
        .unwrap();
    let theirs = TokenIssuer::builder()
        .hs256("another-shared-secret-of-at-least-32-bytes")
        .issuer("https://auth.lift.dev")
        .build()
        .unwrap();
    let elsewhere = TokenIssuer::builder()
        .hs256(SECRET)
        .issuer("https://auth.elsewhere.dev")
        .build()
        .unwrap();
    let for_billing = TokenIssuer::builder()
        .hs256(SECRET)
        .issuer("https://auth.lift.dev")
        .audience("billing")
        .build()
        .unwrap();
    // Each issued at `issued_at` for the issuer's default lifetime (24 h).
    let issued = |issuer: &TokenIssuer, issued_at: u64| {
        let claims = issuer.claims_at("user-1", "org-1", "ana@example.com", at(issued_at));
        issuer.issue(&claims).unwrap()
    };
    let cases = [
        (issued(&theirs, NOW), AuthErrorKind::InvalidSignature),
        (issued(&elsewhere, NOW), AuthErrorKind::InvalidIssuer),
        (issued(&for_billing, NOW), AuthErrorKind::InvalidAudience),
        (issued(&ours, NOW - 2 * 86_400), AuthErrorKind::Expired),
        ("not.a.jwt".to_owned(), AuthErrorKind::Malformed),
    ];

    for (token, kind) in cases {
        for _ in 0..2 {
            assert_eq!(
                verifier.verify_at(&token, at(NOW)).unwrap_err().kind(),
                kind
            );
        }
    }
    assert_eq!(verifier.cached_tokens(), 0);

    // A token issued later is refused (and not cached) before, and passes once valid.
    let later = issued(&ours, NOW + 1_000);
    let err = verifier.verify_at(&later, at(NOW)).unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::NotYetValid);
    assert_eq!(verifier.cached_tokens(), 0);
    assert!(verifier.verify_at(&later, at(NOW + 1_000)).is_ok());
    assert_eq!(verifier.cached_tokens(), 1);
}

#[test]
fn a_flood_of_distinct_tokens_stays_within_capacity() {
    let verifier = TokenVerifier::builder()
        .hs256(SECRET)
        .cache_capacity(64)
        .build()
        .unwrap();
    let issuer = hs_issuer();
    let tokens: Vec<String> = (0..500)
        .map(|n| {
            let mut claims = claims_at(now(), now() + 3_600);
            claims.jti = Some(format!("token-{n}"));
            issuer.issue(&claims).unwrap()
        })
        .collect();

    for token in &tokens {
        verifier.verify_at(token, at(NOW)).unwrap();
        assert!(
            verifier.cached_tokens() <= 64,
            "{}",
            verifier.cached_tokens()
        );
    }

    assert!(verifier.cached_tokens() > 0);
    // Evicted tokens are verified again in full.
    assert!(verifier.verify_at(&tokens[0], at(NOW)).is_ok());
}

#[test]
fn capacity_zero_turns_the_cache_off() {
    let verifier = uncached();
    let (_, token) = short_lived();

    verifier.verify_at(&token, at(NOW)).unwrap();
    verifier.verify_at(&token, at(NOW)).unwrap();

    assert_eq!(verifier.cached_tokens(), 0);
}

#[test]
fn clear_cache_empties_it() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let (_, token) = short_lived();
    verifier.verify_at(&token, at(NOW)).unwrap();

    verifier.clear_cache();

    assert_eq!(verifier.cached_tokens(), 0);
    assert!(verifier.verify_at(&token, at(NOW)).is_ok());
}

#[test]
fn debug_output_never_shows_a_cached_token() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let (_, token) = short_lived();
    verifier.verify_at(&token, at(NOW)).unwrap();

    let debug = format!("{verifier:?}");

    for part in token.split('.') {
        assert!(!debug.contains(part), "{debug}");
    }
    assert!(debug.contains("TokenCache"), "{debug}");
}

#[cfg(feature = "client")]
mod rotation {
    use std::time::Duration;

    use super::*;
    use crate::jwks::{issuer, jwks};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    async fn publish(server: &MockServer, keys: serde_json::Value) {
        server.reset().await;
        Mock::given(method("GET"))
            .and(path("/jwks.json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(keys))
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn a_jwks_rotation_stops_serving_tokens_of_the_removed_key() {
        let old = issuer("rsa-private.pem", "old");
        let new = issuer("rsa2-private.pem", "new");
        let server = MockServer::start().await;
        publish(&server, jwks(&[&old])).await;
        let verifier = TokenVerifier::builder()
            .jwks_url(format!("{}/jwks.json", server.uri()))
            .allow_http_jwks(true)
            .jwks_refresh_interval(Duration::ZERO)
            .build()
            .unwrap();
        let old_token = old.issue(&old.claims("u", "o", "e")).unwrap();
        let new_token = new.issue(&new.claims("u", "o", "e")).unwrap();
        verifier.verify_async(&old_token).await.unwrap();
        assert_eq!(verifier.cached_tokens(), 1);

        // The issuer rotates `old` out; a token of `new` makes the verifier fetch the set.
        publish(&server, jwks(&[&new])).await;
        verifier.verify_async(&new_token).await.unwrap();

        assert_eq!(verifier.cached_tokens(), 1, "only the new token");
        let err = verifier.verify(&old_token).unwrap_err();
        assert_eq!(err.kind(), AuthErrorKind::UnknownKey);
        let err = verifier.verify_async(&old_token).await.unwrap_err();
        assert_eq!(err.kind(), AuthErrorKind::UnknownKey);
    }

    #[tokio::test]
    async fn an_explicit_refresh_empties_the_cache_and_kept_keys_verify_again() {
        let old = issuer("rsa-private.pem", "old");
        let new = issuer("rsa2-private.pem", "new");
        let server = MockServer::start().await;
        publish(&server, jwks(&[&old])).await;
        let verifier = TokenVerifier::builder()
            .jwks_url(format!("{}/jwks.json", server.uri()))
            .allow_http_jwks(true)
            .build()
            .unwrap();
        verifier.refresh_jwks().await.unwrap();
        let old_token = old.issue(&old.claims("u", "o", "e")).unwrap();
        verifier.verify(&old_token).unwrap();

        publish(&server, jwks(&[&old, &new])).await;
        verifier.refresh_jwks().await.unwrap();

        assert_eq!(verifier.cached_tokens(), 0);
        assert!(verifier.verify(&old_token).is_ok());
        assert_eq!(verifier.cached_tokens(), 1);
    }
}

#[cfg(feature = "axum")]
#[tokio::test]
async fn the_auth_layer_goes_through_the_verifiers_cache() {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use http::{Request, StatusCode, header};
    use lift_auth::JwtAuthLayer;
    use tower::ServiceExt as _;

    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let app = Router::new()
        .route("/me", get(|| async { "ok" }))
        .layer(JwtAuthLayer::new(verifier.clone()));
    let issuer = hs_issuer();
    let token = issuer
        .issue(&issuer.claims("user-1", "org-1", "ana@example.com"))
        .unwrap();
    let request = || {
        Request::get("/me")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };

    let first = app.clone().oneshot(request()).await.unwrap();
    let second = app.oneshot(request()).await.unwrap();

    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(verifier.cached_tokens(), 1);
    assert_eq!(verifier.verify(&token).unwrap().sub, "user-1");
}

#[test]
fn the_default_cache_holds_ten_thousand_tokens() {
    let verifier = TokenVerifier::hs256(SECRET).unwrap();
    let issuer = hs_issuer();
    let expires = now() + 3_600;
    let tokens: Vec<String> = (0..10_000)
        .map(|n| {
            let mut claims = claims_at(now(), expires);
            claims.jti = Some(n.to_string());
            issuer.issue(&claims).unwrap()
        })
        .collect();
    for token in &tokens {
        verifier.verify_at(token, at(NOW)).unwrap();
    }
    assert!(
        verifier.cached_tokens() > 9_000,
        "{}",
        verifier.cached_tokens()
    );
    assert!(verifier.cached_tokens() <= 10_000);
}
