//! Remote endpoints reached safely: JWKS only over https and without shared secrets unless
//! asked, a bounded JWKS body, and TLS available to a crate that depends on lift-auth alone.

use base64::Engine as _;
use lift_auth::{AuthClient, AuthErrorKind, MAX_JWKS_BYTES, TokenIssuer, TokenVerifier};
use lift_sdk_core::Transport;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::jwks::{issuer, jwks};
use crate::support::SECRET;

async fn serve(body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn oct_jwks() -> Value {
    let k = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(SECRET);
    json!({"keys": [{"kty": "oct", "k": k, "alg": "HS256", "kid": "shared"}]})
}

fn shared_secret_token() -> String {
    let issuer = TokenIssuer::builder()
        .hs256(SECRET)
        .kid("shared")
        .build()
        .unwrap();
    issuer.issue(&issuer.claims("u", "o", "e")).unwrap()
}

#[test]
fn a_plain_http_jwks_url_is_refused_unless_allowed() {
    let err = TokenVerifier::builder()
        .jwks_url("http://keys.example/jwks.json")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::Config);
    assert!(err.to_string().contains("https"), "{err}");
    for url in ["ftp://keys.example/jwks.json", "keys.example/jwks.json"] {
        assert!(
            TokenVerifier::builder().jwks_url(url).build().is_err(),
            "{url}"
        );
    }

    assert!(
        TokenVerifier::builder()
            .jwks_url("https://keys.example/jwks.json")
            .build()
            .is_ok()
    );
    assert!(
        TokenVerifier::builder()
            .jwks_url("http://127.0.0.1:9/jwks.json")
            .allow_http_jwks(true)
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn symmetric_keys_of_a_fetched_jwks_are_skipped_unless_allowed() {
    let server = serve(oct_jwks()).await;
    let url = format!("{}/jwks.json", server.uri());
    let token = shared_secret_token();

    let default = TokenVerifier::builder()
        .jwks_url(&url)
        .allow_http_jwks(true)
        .build()
        .unwrap();
    let err = default.verify_async(&token).await.unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::KeyUnavailable);

    let opted_in = TokenVerifier::builder()
        .jwks_url(&url)
        .allow_http_jwks(true)
        .allow_symmetric_jwks_keys(true)
        .build()
        .unwrap();
    assert_eq!(opted_in.verify_async(&token).await.unwrap().sub, "u");
}

#[tokio::test]
async fn an_oversized_jwks_body_is_refused() {
    let signer = issuer("rsa-private.pem", "k1");
    let mut body = jwks(&[&signer]);
    body["padding"] = json!("x".repeat(MAX_JWKS_BYTES));
    let server = serve(body).await;
    let verifier = TokenVerifier::builder()
        .jwks_url(format!("{}/jwks.json", server.uri()))
        .allow_http_jwks(true)
        .build()
        .unwrap();
    let token = signer.issue(&signer.claims("u", "o", "e")).unwrap();
    let err = verifier.verify_async(&token).await.unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::KeyUnavailable);
    assert!(err.to_string().contains("larger"), "{err}");
}

#[tokio::test]
async fn an_https_auth_url_speaks_tls_with_lift_auth_alone() {
    // A plain TCP listener that records the first byte a client sends. With TLS compiled
    // in, the client opens with a TLS handshake record (0x16). Without it, reqwest refuses
    // the https scheme before connecting, and nothing arrives.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let first_byte = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.ok()?;
        let mut byte = [0_u8; 1];
        tokio::io::AsyncReadExt::read_exact(&mut socket, &mut byte)
            .await
            .ok()?;
        Some(byte[0])
    });

    let auth = AuthClient::new(Transport::new(&format!("https://127.0.0.1:{port}/auth")).unwrap());
    let err = auth.login("ana@example.com", "s3cret!").await.unwrap_err();
    assert!(!err.is_status(), "{err:?}");
    let received = tokio::time::timeout(std::time::Duration::from_secs(5), first_byte)
        .await
        .ok()
        .and_then(Result::ok)
        .flatten();
    assert_eq!(
        received,
        Some(0x16),
        "no TLS handshake reached the server: {err:?}"
    );
}
