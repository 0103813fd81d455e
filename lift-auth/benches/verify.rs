//! HS256 and RS256 verification with `lift-auth` next to bare `jsonwebtoken` decoding of the
//! same token, and the cache of verified tokens.
//!
//! Targets:
//! - `{hs256,rs256}/lift_auth` (cache off) at ≥ 0.9× the throughput of `…/jsonwebtoken`;
//! - `cache/hit` (a repeated token) ≥ 10× faster than `cache/jsonwebtoken`;
//! - `cache/miss` (distinct tokens, cache on) ≤ 1.1× the time of `cache/uncached` (the same
//!   tokens, cache off). On a noisy machine the two runs drift apart by more than the
//!   difference being measured, so the group also prints a paired ratio: rounds that
//!   alternate the two paths, the median of their per-round ratios.
//!
//! Run with `cargo bench -p lift-auth --all-features --bench verify`.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Instant;

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

/// Verification without the cache, next to bare jsonwebtoken, per algorithm.
fn uncached(c: &mut Criterion) {
    let cases = [
        (
            "hs256",
            TokenIssuer::hs256(SECRET).unwrap(),
            TokenVerifier::builder()
                .hs256(SECRET)
                .cache_capacity(0)
                .build()
                .unwrap(),
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
                .cache_capacity(0)
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

/// Distinct tokens (more than the miss verifier caches, visited in turn, so every call misses).
const DISTINCT: usize = 4096;
/// The capacity of the miss verifier: far below `DISTINCT`.
const MISS_CAPACITY: usize = 256;

/// HS256 with the cache: a hit and a miss, next to bare jsonwebtoken and the uncached path.
fn cache(c: &mut Criterion) {
    let issuer = TokenIssuer::hs256(SECRET).unwrap();
    let tokens: Vec<String> = (0..DISTINCT)
        .map(|n| {
            let mut claims = issuer
                .claims(
                    "3f0c5a9e-1d2b-4c8e-9f71-2a6b8d4e0c13",
                    "3f0c5a9e-1d2b-4c8e-9f71-2a6b8d4e0c13",
                    "ana@example.com",
                )
                .roles([Role::User]);
            // Distinct tokens of one size: a token id of fixed width.
            claims.jti = Some(format!("{n:08}"));
            issuer.issue(&claims).unwrap()
        })
        .collect();
    let token = &tokens[0];
    let cached = TokenVerifier::hs256(SECRET).unwrap();
    let missing = TokenVerifier::builder()
        .hs256(SECRET)
        .cache_capacity(MISS_CAPACITY)
        .build()
        .unwrap();
    let uncached = TokenVerifier::builder()
        .hs256(SECRET)
        .cache_capacity(0)
        .build()
        .unwrap();
    let bare_key = DecodingKey::from_secret(SECRET.as_bytes());
    let validation = Validation::new(Algorithm::HS256);
    assert!(cached.verify(token).is_ok());

    let mut group = c.benchmark_group("cache");
    group.bench_function("jsonwebtoken", |b| {
        b.iter(|| {
            jsonwebtoken::decode::<BareClaims>(black_box(token), &bare_key, &validation).unwrap()
        });
    });
    group.bench_function("hit", |b| {
        b.iter(|| cached.verify(black_box(token)).unwrap());
    });
    for (name, verifier) in [("miss", &missing), ("uncached", &uncached)] {
        group.bench_function(name, |b| {
            let mut next = tokens.iter().cycle();
            b.iter(|| {
                let token = next.next().unwrap();
                verifier.verify(black_box(token)).unwrap()
            });
        });
    }
    group.finish();
    assert!(missing.cached_tokens() <= MISS_CAPACITY);
    paired_miss_ratio(&missing, &uncached, &tokens);
}

/// The miss/uncached time ratio, from alternating rounds: drift of the machine's speed
/// (other tenants, frequency changes) hits both sides of a round alike and cancels out.
fn paired_miss_ratio(missing: &TokenVerifier, uncached: &TokenVerifier, tokens: &[String]) {
    const ROUNDS: usize = 101;
    let time = |verifier: &TokenVerifier| {
        let started = Instant::now();
        for token in tokens {
            black_box(verifier.verify(black_box(token)).unwrap());
        }
        started.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|_| time(missing) / time(uncached))
        .collect();
    ratios.sort_by(f64::total_cmp);
    println!(
        "cache/miss over cache/uncached, paired: median {:.3}x (quartiles {:.3}x to {:.3}x, {ROUNDS} rounds of {} tokens)",
        ratios[ROUNDS / 2],
        ratios[ROUNDS / 4],
        ratios[3 * ROUNDS / 4],
        tokens.len()
    );
}

criterion_group!(benches, uncached, cache);
criterion_main!(benches);
