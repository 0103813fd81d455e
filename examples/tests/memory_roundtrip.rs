//! The `memory_roundtrip` example, run as `cargo run --example memory_roundtrip` runs it
//! without platform variables: against an in-process fake platform.

use lift_examples::memory_roundtrip::{self, MEMORIES};

#[tokio::test]
async fn the_roundtrip_stores_three_memories_and_finds_the_campaign_ones() {
    // Act
    let lines = memory_roundtrip::run(None).await.unwrap();

    // Assert
    assert_eq!(lines.len(), 7, "{lines:#?}");
    assert!(
        lines[0].starts_with("gateway http://127.0.0.1:"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with("as roundtrip@example.com"),
        "{}",
        lines[0]
    );
    for (line, text) in lines[1..4].iter().zip(MEMORIES) {
        assert!(
            line.starts_with(&format!("stored \"{text}\" as ")),
            "{line}"
        );
    }
    assert_eq!(lines[4], "search \"campaign signups\" found 2");
    assert!(
        lines[5].starts_with("  1. \"Q3 campaign lifted signups by twelve percent\" (score "),
        "{}",
        lines[5]
    );
    assert!(
        lines[6].starts_with("  2. \"Holiday campaign budget doubled for paid search\" (score "),
        "{}",
        lines[6]
    );
}
