//! The `memory_roundtrip` example: store a few memories through the gateway, then search
//! them, as one user.
//!
//! [`Target::from_env`] reads `GATEWAY_URL` and `LIFT_ACCESS_TOKEN`; with both set,
//! [`run`] talks to that gateway as the token's user. Without them, it starts a
//! [`FakePlatform`] in-process, signs a user up and logs them in, and runs the same calls
//! against it. It returns the lines it would print, so `tests/memory_roundtrip.rs` checks
//! exactly what `cargo run --example memory_roundtrip` shows.

use anyhow::{Context as _, ensure};
use lift_sdk::{LiftClient, LiftConfig, SearchRequest, StoreRequest};
use lift_testkit::platform::FakePlatform;

use crate::target::sign_up;

pub use crate::target::Target;

/// What the example stores.
pub const MEMORIES: [&str; 3] = [
    "Q3 campaign lifted signups by twelve percent",
    "Holiday campaign budget doubled for paid search",
    "The office coffee machine was replaced",
];

/// What it searches for.
pub const QUERY: &str = "campaign signups";

/// The user signed up on the fake platform.
const EMAIL: &str = "roundtrip@example.com";

/// That user's password.
const PASSWORD: &str = "correct-horse-battery";

/// Stores [`MEMORIES`] and searches for [`QUERY`] against `target`, or against an
/// in-process fake platform when `target` is `None`; returns the lines to print.
///
/// # Errors
///
/// The first call that fails, named; a search that does not find the first memory.
pub async fn run(target: Option<Target>) -> anyhow::Result<Vec<String>> {
    match target {
        Some(target) => {
            let config = LiftConfig::new(&target.gateway_url)?.token(target.token);
            let mut lines = vec![format!("gateway {} (from GATEWAY_URL)", target.gateway_url)];
            lines.extend(roundtrip(&LiftClient::new(config)?).await?);
            Ok(lines)
        }
        None => {
            let platform = FakePlatform::start().await?;
            let result = on_fake_platform(&platform).await;
            platform.shutdown().await;
            result
        }
    }
}

/// Signs a user up on `platform` and runs the round trip as them.
async fn on_fake_platform(platform: &FakePlatform) -> anyhow::Result<Vec<String>> {
    let (user, _) = sign_up(
        platform.gateway_url(),
        EMAIL,
        PASSWORD,
        "roundtrip",
        "Round Trip",
    )
    .await?;
    let mut lines = vec![format!(
        "gateway {} (an in-process fake platform; set GATEWAY_URL and LIFT_ACCESS_TOKEN to use yours), as {EMAIL}",
        platform.gateway_url()
    )];
    lines.extend(roundtrip(&user).await?);
    Ok(lines)
}

/// The round trip itself: three stores, one search.
async fn roundtrip(client: &LiftClient) -> anyhow::Result<Vec<String>> {
    let mut lines = Vec::new();
    for text in MEMORIES {
        let stored = client
            .memory()
            .store(StoreRequest::new(text))
            .await
            .with_context(|| format!("storing \"{text}\""))?;
        lines.push(format!("stored \"{text}\" as {}", stored.memory_id));
    }
    let found = client
        .memory()
        .search(SearchRequest::new(QUERY))
        .await
        .with_context(|| format!("searching \"{QUERY}\""))?;
    lines.push(format!("search \"{QUERY}\" found {}", found.count));
    for (rank, hit) in found.results.iter().enumerate() {
        lines.push(format!(
            "  {}. \"{}\" (score {:.2})",
            rank + 1,
            hit.content,
            hit.score
        ));
    }
    ensure!(
        found.results.iter().any(|hit| hit.content == MEMORIES[0]),
        "the search did not find \"{}\"",
        MEMORIES[0]
    );
    Ok(lines)
}
