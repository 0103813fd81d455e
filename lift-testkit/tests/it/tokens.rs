//! Test tokens: good ones carry what was chosen, every bad kind is refused for its reason,
//! by HS256 and through a JWKS served on a mock, before and after a key rotation.

use std::time::{Duration, SystemTime};

use lift_auth::{AuthErrorKind, NumericDate, Role, SubscriptionTier, TokenVerifier};
use lift_testkit::tokens::{TEST_SECRET, TestTokens};

/// Each bad kind with the error kind (and detail) a verifier must refuse it with.
fn bad_kinds(tokens: &TestTokens) -> Vec<(&'static str, String, AuthErrorKind)> {
    vec![
        ("expired", tokens.expired(), AuthErrorKind::Expired),
        (
            "not yet valid",
            tokens.not_yet_valid(),
            AuthErrorKind::NotYetValid,
        ),
        (
            "wrong signature",
            tokens.wrong_signature(),
            AuthErrorKind::InvalidSignature,
        ),
        (
            "wrong algorithm",
            tokens.wrong_algorithm(),
            AuthErrorKind::DisallowedAlgorithm,
        ),
        (
            "alg none",
            tokens.alg_none(),
            AuthErrorKind::DisallowedAlgorithm,
        ),
        (
            "wrong-typed claim",
            tokens.wrong_typed_claim(),
            AuthErrorKind::InvalidClaim,
        ),
        ("malformed", tokens.malformed(), AuthErrorKind::Malformed),
        (
            "other audience",
            tokens.other_audience(),
            AuthErrorKind::InvalidAudience,
        ),
    ]
}

#[test]
fn a_user_token_carries_the_chosen_claims() {
    let tokens = TestTokens::hs256();
    let token = tokens
        .user("u-1")
        .org("acme")
        .email("ada@acme.test")
        .roles([Role::Analyst, Role::Developer])
        .permissions(["memory:read", "registry:read"])
        .tier(SubscriptionTier::Pro)
        .expires_in(Duration::from_secs(600))
        .issue();
    let claims = tokens.verifier().verify(&token).unwrap();
    assert_eq!(claims.sub, "u-1");
    assert_eq!(claims.org_id, "acme");
    assert_eq!(claims.email, "ada@acme.test");
    assert_eq!(claims.memory_context, "org_acme_context");
    assert_eq!(claims.roles, [Role::Analyst, Role::Developer]);
    assert_eq!(claims.permissions, ["memory:read", "registry:read"]);
    assert_eq!(claims.subscription_tier, SubscriptionTier::Pro);
    let iat = claims.iat.unwrap();
    assert_eq!(claims.exp.as_secs() - iat.as_secs(), 600);
    assert_eq!((claims.nbf, claims.aud), (None, None));
}

#[test]
fn defaults_are_a_user_of_the_free_tier_with_the_roles_permissions() {
    let tokens = TestTokens::hs256();
    let claims = tokens
        .verifier()
        .verify(&tokens.user("u-2").issue())
        .unwrap();
    assert_eq!(claims.email, "u-2@example.com");
    assert_eq!(claims.org_id, "test-org");
    assert_eq!(claims.roles, [Role::User]);
    // The role's permissions, in the permission set's (sorted) order.
    let mut defaults: Vec<&str> = Role::User
        .default_permissions()
        .iter()
        .map(|permission| permission.as_str())
        .collect();
    defaults.sort_unstable();
    assert!(!defaults.is_empty());
    assert_eq!(claims.permissions, defaults);
    assert_eq!(claims.subscription_tier, SubscriptionTier::Free);
    assert_eq!(claims.exp.as_secs() - claims.iat.unwrap().as_secs(), 3600);
}

#[test]
fn the_admin_token_has_the_admin_role_and_its_permissions() {
    let tokens = TestTokens::hs256();
    let claims = tokens.verifier().verify(&tokens.admin()).unwrap();
    assert_eq!(claims.roles, [Role::Admin]);
    let write = "memory:write".parse().unwrap();
    assert!(claims.permission_set().allows(&write));
}

#[test]
fn every_bad_kind_is_refused_by_the_hs256_verifier_for_its_reason() {
    let tokens = TestTokens::hs256();
    let verifier = tokens.verifier();
    for (name, token, kind) in bad_kinds(&tokens) {
        let err = verifier.verify(&token).unwrap_err();
        assert_eq!(err.kind(), kind, "{name}: {err}");
    }
    let err = verifier.verify(&tokens.wrong_typed_claim()).unwrap_err();
    assert_eq!(err.detail(), Some("roles"));
}

#[test]
fn the_bad_time_kinds_are_good_tokens_at_the_right_time() {
    // Proves `expired` and `not_yet_valid` fail on time alone, not on something else.
    let tokens = TestTokens::hs256();
    let verifier = tokens.verifier();
    let two_hours = Duration::from_secs(7200);
    let expired = tokens.expired();
    let back_then = SystemTime::now() - two_hours + Duration::from_secs(1);
    assert_eq!(
        verifier.verify_at(&expired, back_then).unwrap().sub,
        "u-expired"
    );
    let early = tokens.not_yet_valid();
    let later = SystemTime::now() + two_hours - Duration::from_secs(60);
    assert_eq!(verifier.verify_at(&early, later).unwrap().sub, "u-early");
}

#[test]
fn the_other_audience_is_accepted_by_a_verifier_expecting_it() {
    let tokens = TestTokens::hs256();
    let verifier = tokens
        .verifier_builder()
        .audience("another-service")
        .build()
        .unwrap();
    let claims = verifier.verify(&tokens.other_audience()).unwrap();
    assert!(claims.aud.unwrap().contains("another-service"));
    // The kit's own tokens name no audience, so that verifier wants one.
    let err = verifier.verify(&tokens.user("u-1").issue()).unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::MissingClaim);
}

#[test]
fn the_secret_is_the_one_a_module_is_configured_with() {
    let tokens = TestTokens::hs256();
    assert_eq!(tokens.secret(), Some(TEST_SECRET));
    let module_side = TokenVerifier::hs256(tokens.secret().unwrap()).unwrap();
    assert_eq!(module_side.verify(&tokens.admin()).unwrap().sub, "admin-1");
    assert!(!format!("{tokens:?}").contains(TEST_SECRET));
}

#[test]
fn a_chosen_secret_signs_and_weak_ones_are_refused() {
    let secret = "a-module-secret-of-forty-bytes-0123456789";
    let tokens = TestTokens::with_secret(secret).unwrap();
    let claims = TokenVerifier::hs256(secret)
        .unwrap()
        .verify(&tokens.user("u-1").issue())
        .unwrap();
    assert_eq!(claims.sub, "u-1");
    // Tokens of another kit are a wrong signature to this one.
    let err = tokens
        .verifier()
        .verify(&TestTokens::hs256().admin())
        .unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::InvalidSignature);
    let err = TestTokens::with_secret("your-secret-key").unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::Config);
}

#[test]
fn issued_at_and_not_before_are_written_as_given() {
    let tokens = TestTokens::hs256();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let claims = tokens
        .user("u-1")
        .issued_at(at)
        .not_before(at + Duration::from_secs(5))
        .expires_in(Duration::from_secs(10))
        .claims();
    assert_eq!(claims.iat, Some(NumericDate::from_secs(1_900_000_000)));
    assert_eq!(claims.nbf, Some(NumericDate::from_secs(1_900_000_005)));
    assert_eq!(claims.exp, NumericDate::from_secs(1_900_000_010));
}

#[test]
fn hs256_has_no_jwks_and_no_rotation() {
    let mut tokens = TestTokens::hs256();
    assert_eq!((tokens.jwks_url(), tokens.kid()), (None, None));
    assert_eq!(tokens.rotate().unwrap_err().kind(), AuthErrorKind::Config);
}

#[tokio::test]
async fn rs256_tokens_verify_through_the_jwks_served_on_the_mock() {
    let tokens = TestTokens::rs256_with_jwks().await;
    assert_eq!(tokens.secret(), None);
    assert_eq!(tokens.kid(), Some("test-rsa-1"));
    let url = tokens.jwks_url().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.ends_with("/.well-known/jwks.json"), "{url}");

    let verifier = tokens.verifier();
    let token = tokens.user("u-1").roles([Role::Viewer]).issue();
    // Nothing is fetched before the first verification that needs a key.
    assert_eq!(tokens.jwks_requests().await, 0);
    let claims = verifier.verify_async(&token).await.unwrap();
    assert_eq!(
        (claims.sub.as_str(), claims.roles),
        ("u-1", vec![Role::Viewer])
    );
    assert_eq!(tokens.jwks_requests().await, 1);

    // The served document itself: one RSA key with its kid.
    let body = reqwest::get(&url).await.unwrap().text().await.unwrap();
    let document: serde_json::Value = serde_json::from_str(&body).unwrap();
    let keys = document["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let key = (keys[0]["kty"].as_str(), keys[0]["kid"].as_str());
    assert_eq!(key, (Some("RSA"), Some("test-rsa-1")));
    assert_eq!(tokens.jwks_requests().await, 2);
}

#[tokio::test]
async fn every_bad_kind_is_refused_through_the_jwks() {
    let tokens = TestTokens::rs256_with_jwks().await;
    let verifier = tokens.verifier();
    verifier.refresh_jwks().await.unwrap();
    for (name, token, kind) in bad_kinds(&tokens) {
        let err = verifier.verify_async(&token).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{name}: {err}");
    }
}

#[tokio::test]
async fn after_rotation_the_new_kid_verifies_once_the_verifier_refetched_the_set() {
    let mut tokens = TestTokens::rs256_with_jwks().await;
    let verifier = tokens.verifier();
    let old = tokens.user("u-old").issue();
    verifier.verify_async(&old).await.unwrap();
    assert_eq!(tokens.jwks_requests().await, 1);

    tokens.rotate().unwrap();
    assert_eq!(tokens.kid(), Some("test-rsa-2"));
    let new = tokens.user("u-new").issue();
    // Without I/O the verifier does not know the new kid yet…
    assert_eq!(
        verifier.verify(&new).unwrap_err().kind(),
        AuthErrorKind::UnknownKey
    );
    // …and fetches the new set for it.
    assert_eq!(verifier.verify_async(&new).await.unwrap().sub, "u-new");
    assert_eq!(tokens.jwks_requests().await, 2);
    // The previous key stays published: tokens issued before the rotation still verify.
    assert_eq!(verifier.verify_async(&old).await.unwrap().sub, "u-old");
    // And the bad kinds follow the new key.
    let err = verifier
        .verify_async(&tokens.wrong_signature())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::InvalidSignature);
}

#[test]
fn sign_keeps_claims_no_setter_covers() {
    let tokens = TestTokens::hs256();
    let mut claims = tokens.user("u-1").claims();
    claims.iss = Some("https://auth.lift.test".to_owned());
    claims.jti = Some("t-42".to_owned());
    let verifier = tokens
        .verifier_builder()
        .issuer("https://auth.lift.test")
        .build()
        .unwrap();
    let verified = verifier.verify(&tokens.sign(&claims)).unwrap();
    assert_eq!(verified, claims);
    // The same token fails an issuer check it does not meet.
    let strict = tokens
        .verifier_builder()
        .issuer("elsewhere")
        .build()
        .unwrap();
    let err = strict.verify(&tokens.sign(&claims)).unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::InvalidIssuer);
}

#[tokio::test]
async fn the_public_key_pem_matches_the_signing_key_before_and_after_rotation() {
    let mut tokens = TestTokens::rs256_with_jwks().await;
    for kid in ["test-rsa-1", "test-rsa-2"] {
        assert_eq!(tokens.kid(), Some(kid));
        let pem = tokens.public_key_pem().unwrap();
        let verifier = TokenVerifier::builder()
            .rs256_pem(pem)
            .kid(kid)
            .build()
            .unwrap();
        assert_eq!(verifier.verify(&tokens.admin()).unwrap().sub, "admin-1");
        // The key the alg-confusion token abuses is this very public key.
        let err = verifier.verify(&tokens.wrong_algorithm()).unwrap_err();
        assert_eq!(err.kind(), AuthErrorKind::DisallowedAlgorithm);
        tokens.rotate().unwrap();
    }
    assert_eq!(TestTokens::hs256().public_key_pem(), None);
}

#[tokio::test]
async fn the_wrong_typed_claim_is_named_through_the_jwks() {
    let tokens = TestTokens::rs256_with_jwks().await;
    let err = tokens
        .verifier()
        .verify_async(&tokens.wrong_typed_claim())
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.detail()),
        (AuthErrorKind::InvalidClaim, Some("roles"))
    );
}
