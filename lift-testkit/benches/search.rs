//! The fake memory service's search at 1,000 and at 10,000 stored memories, in one run.
//!
//! The corpus is deterministic (a seeded generator): every memory has 12 words from a
//! 500-word vocabulary, and two rare terms occur in exactly 10 and 5 memories whatever the
//! corpus size. A query of the rare terms reads only their postings, so it should cost
//! about the same at both sizes: target < 2× at 10,000 against 1,000 (an index, not a scan
//! of every memory). A query of two common terms is measured too: its postings grow with
//! the corpus, so its cost does. Next to criterion's figures, the bench prints a paired
//! ratio per query (rounds alternating the two sizes, so the machine's drift cancels out),
//! and one search over HTTP (the service's router on loopback, 1,000 memories).

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use lift_testkit::platform::{FakePlatform, MemoryIndex};
use serde_json::json;

const SIZES: [usize; 2] = [1_000, 10_000];
const RARE_QUERY: &str = "zephyr quartz";
const COMMON_QUERY: &str = "word7 word42";

/// The `i`th memory of a corpus of `size`.
fn memory(rng: &mut fastrand::Rng, i: usize, size: usize) -> String {
    let mut words: Vec<String> = (0..12)
        .map(|_| format!("word{}", rng.usize(..500)))
        .collect();
    if i.is_multiple_of(size / 10) {
        words.push("zephyr".into());
    }
    if i % (size / 5) == 1 {
        words.push("quartz".into());
    }
    words.join(" ")
}

fn index(size: usize) -> MemoryIndex {
    let mut rng = fastrand::Rng::with_seed(10);
    let mut index = MemoryIndex::new();
    for i in 0..size {
        index.insert(&format!("memory_bench_{i:06}"), &memory(&mut rng, i, size));
    }
    index
}

fn search(c: &mut Criterion) {
    let indexes: Vec<(usize, MemoryIndex)> = SIZES.iter().map(|&n| (n, index(n))).collect();
    for (size, index) in &indexes {
        assert_eq!(index.search(RARE_QUERY, 100).len(), 15, "{size}");
    }
    let mut group = c.benchmark_group("memory_index_search");
    for (size, index) in &indexes {
        group.bench_function(format!("rare_terms/{size}"), |b| {
            b.iter(|| black_box(index.search(black_box(RARE_QUERY), 10)));
        });
        group.bench_function(format!("common_terms/{size}"), |b| {
            b.iter(|| black_box(index.search(black_box(COMMON_QUERY), 10)));
        });
    }
    group.finish();
    for query in [RARE_QUERY, COMMON_QUERY] {
        paired_ratio(&indexes[0].1, &indexes[1].1, query);
    }
    http(c);
}

/// The 10,000/1,000 time ratio of `query`, from rounds that alternate the two indexes.
fn paired_ratio(small: &MemoryIndex, large: &MemoryIndex, query: &str) {
    const ROUNDS: usize = 41;
    const SEARCHES: usize = 2_000;
    let time = |index: &MemoryIndex| {
        let started = Instant::now();
        for _ in 0..SEARCHES {
            black_box(index.search(black_box(query), 10));
        }
        started.elapsed().as_secs_f64() / SEARCHES as f64
    };
    let mut rounds: Vec<(f64, f64)> = (0..ROUNDS).map(|_| (time(small), time(large))).collect();
    rounds.sort_by(|a, b| (a.1 / a.0).total_cmp(&(b.1 / b.0)));
    let (s, l) = rounds[ROUNDS / 2];
    let ratio = |r: (f64, f64)| r.1 / r.0;
    println!(
        "query {query:?}: {:.2} µs at 1,000 memories, {:.2} µs at 10,000; 10,000 over 1,000, paired: median {:.3}x (quartiles {:.3}x to {:.3}x, {ROUNDS} rounds)",
        s * 1e6,
        l * 1e6,
        ratio(rounds[ROUNDS / 2]),
        ratio(rounds[ROUNDS / 4]),
        ratio(rounds[3 * ROUNDS / 4]),
    );
}

/// One search over HTTP: the service's router on loopback holding 1,000 memories.
fn http(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let platform = rt.block_on(FakePlatform::start()).unwrap();
    let url = platform.memory_url().to_owned();
    let client = reqwest::Client::new();
    let post = |path: &str| {
        client
            .post(format!("{url}{path}"))
            .header("X-User-ID", "u-bench")
            .header("X-Org-ID", "bench")
    };
    rt.block_on(async {
        let mut rng = fastrand::Rng::with_seed(10);
        for i in 0..SIZES[0] {
            let content = memory(&mut rng, i, SIZES[0]);
            let stored = post("/store").json(&json!({ "content": content })).send();
            assert!(stored.await.unwrap().status().is_success());
        }
    });
    let body = json!({ "query": RARE_QUERY, "limit": 10 });
    c.bench_function("memory_http_search/rare_terms/1000", |b| {
        b.to_async(&rt).iter(|| async {
            let answer = post("/search").json(&body).send().await.unwrap();
            assert!(answer.status().is_success());
            black_box(answer.bytes().await.unwrap());
        });
    });
}

criterion_group!(benches, search);
criterion_main!(benches);
