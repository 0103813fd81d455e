//! The facade is enough: a module that depends on `lift-sdk` alone compiles every example of
//! the SDK guide and of this crate's README, and finds the everyday names at the root.

use std::path::Path;

/// Crates a module would have to add next to `lift-sdk` if an example named them. Not
/// `tokio`: a module's `main` needs `#[tokio::main]` (and its runtime features) whatever the
/// SDK re-exports.
const OTHER_CRATES: [&str; 13] = [
    "lift_sdk_core",
    "lift_auth",
    "lift_memory_client",
    "lift_registry_client",
    "serde_json",
    "serde",
    "http",
    "url",
    "reqwest",
    "axum",
    "async_trait",
    "anyhow",
    "wiremock",
];

/// The Rust code blocks of a Markdown file (rustdoc compiles unlabelled fences as Rust too),
/// hidden `# ` lines included, with the line each starts on.
fn rust_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (number, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            match current.take() {
                Some(block) => blocks.push(block),
                None if info.is_empty() || info.starts_with("rust") => {
                    current = Some((number + 1, String::new()));
                }
                // Another language: skip to its closing fence.
                None => current = Some((0, String::new())),
            }
            continue;
        }
        if let Some((_, code)) = current.as_mut() {
            code.push_str(line);
            code.push('\n');
        }
    }
    blocks.into_iter().filter(|(line, _)| *line != 0).collect()
}

/// The crates of [`OTHER_CRATES`] that `code` names as the root of a path (`serde_json::…`,
/// not `lift_sdk::serde_json::…`).
fn other_crates_named(code: &str) -> Vec<&'static str> {
    let mut named = Vec::new();
    for name in OTHER_CRATES {
        let pattern = format!("{name}::");
        for (at, _) in code.match_indices(&pattern) {
            let before = code[..at].chars().next_back();
            let is_root = !matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == ':');
            if is_root && !named.contains(&name) {
                named.push(name);
            }
        }
    }
    named
}

#[test]
fn the_guide_and_the_readme_need_only_lift_sdk() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for file in [
        root.join("../docs/sdk.md"),
        root.join("../docs/modules.md"),
        root.join("README.md"),
    ] {
        let markdown = std::fs::read_to_string(&file).unwrap();
        let blocks = rust_blocks(&markdown);
        assert!(!blocks.is_empty(), "{} has no code", file.display());
        for (line, code) in blocks {
            for name in other_crates_named(&code) {
                found.push(format!("{}:{line} names `{name}::`", file.display()));
            }
        }
    }

    assert!(
        found.is_empty(),
        "examples that need more than lift-sdk:\n{found:#?}"
    );
}

#[test]
fn the_scan_sees_roots_and_ignores_paths_through_the_facade() {
    let code = "use lift_sdk::serde_json::Value;\n# async fn run() -> Result<(), lift_sdk_core::Error> {\nlet v: serde_json::Value;";

    assert_eq!(other_crates_named(code), ["lift_sdk_core", "serde_json"]);
    assert!(other_crates_named("use lift_sdk::core::http::Method;").is_empty());
    assert_eq!(
        rust_blocks("```toml\nx = 1\n```\n```rust,no_run\nlet a = 1;\n```\n").len(),
        1
    );
}

/// The names a module's code uses every day, from the root of the facade.
#[allow(dead_code, reason = "compiling it is the test")]
async fn a_handler_written_against_the_facade_alone(
    client: lift_sdk::LiftClient,
    headers: lift_sdk::core::http::HeaderMap,
) -> lift_sdk::Result<lift_sdk::ServiceHealth> {
    let caller = lift_sdk::Caller::from_headers(&headers)
        .unwrap_or_else(|_| lift_sdk::Caller::from_token(lift_sdk::Token::new("t")));
    let context = lift_sdk::UserContext::new("u", "o").with_roles([lift_sdk::Role::User]);
    let memory: lift_sdk::MemoryClient = client.memory().for_user(&caller);
    let _stored = memory
        .for_context(&context)
        .store(lift_sdk::StoreRequest::new("noted"))
        .await?;
    let _found = memory.search(lift_sdk::SearchRequest::new("q")).await?;
    let registry: lift_sdk::RegistryClient = client.registry().for_user(caller);
    let err: Option<lift_sdk::Error> = None;
    let _kind: Option<lift_sdk::ErrorKind> = err.map(|err| err.kind());
    let _value: lift_sdk::serde_json::Value = lift_sdk::serde_json::json!({"ok": true});
    let _auth: &lift_sdk::AuthClient = client.auth();
    registry.health().await
}

/// The manifest, record and id types, from the root of the facade.
#[allow(dead_code, reason = "compiling it is the test")]
fn the_registry_and_memory_types_are_at_the_root(
    _: lift_sdk::ModuleManifest,
    _: lift_sdk::ModuleRecord,
    _: lift_sdk::Registration,
    _: lift_sdk::ModuleId,
    _: lift_sdk::MemoryId,
) {
}
