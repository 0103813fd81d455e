//! HS256 and RS256 verification with `lift-auth` next to bare `jsonwebtoken` decoding of the
//! same token. Target: `lift-auth` at ≥ 0.9× the bare crate's throughput.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use lift_auth::{Role, TokenIssuer, TokenVerifier};
use serde::Deserialize;

const SECRET: &str = "lift-shared-secret-for-tests-0123456789abcdef";

/// The core claims, as a service using jsonwebtoken directly would declare them.
#[allow(dead_code)]
#[derive(Deserialize)]
struct BareClaims {
    sub: String,
    org_id: String,
    email: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    permissions: Vec<String>,
    #[serde(default)]
    memory_context: Option<String>,
    #[serde(default)]
    subscription_tier: Option<String>,
    exp: u64,
    iat: u64,
}

fn key(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn bench(c: &mut Criterion) {
    let cases = [
        (
            "hs256",
            TokenIssuer::hs256(SECRET).unwrap(),
            TokenVerifier::hs256(SECRET).unwrap(),
            DecodingKey::from_secret(SECRET.as_bytes()),
            Algorithm::HS256,
        ),
        (
            "rs256",
            TokenIssuer::builder()
                .rs256_pem(key("rsa-private.pem"))
                .build()
                .unwrap(),
            TokenVerifier::builder()
                .rs256_pem(key("rsa-public.pem"))
                .build()
                .unwrap(),
            DecodingKey::from_rsa_pem(key("rsa-public.pem").as_bytes()).unwrap(),
            Algorithm::RS256,
        ),
    ];
    for (name, issuer, verifier, bare_key, alg) in cases {
        let claims = issuer
            .claims(
                "3f0c5a9e-1d2b-4c8e-9f71-2a6b8d4e0c13",
                "3f0c5a9e-1d2b-4c8e-9f71-2a6b8d4e0c13",
                "ana@example.com",
            )
            .roles([Role::User]);
        let token = issuer.issue(&claims).unwrap();
        let validation = Validation::new(alg);
        assert!(jsonwebtoken::decode::<BareClaims>(&token, &bare_key, &validation).is_ok());
        assert!(verifier.verify(&token).is_ok());

        let mut group = c.benchmark_group(name);
        group.bench_function("lift_auth", |b| {
            b.iter(|| verifier.verify(black_box(&token)).unwrap());
        });
        group.bench_function("jsonwebtoken", |b| {
            b.iter(|| {
                jsonwebtoken::decode::<BareClaims>(black_box(&token), &bare_key, &validation)
                    .unwrap()
            });
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
