//! The `registry_discovery` example, run as `cargo run --example registry_discovery` runs it
//! without platform variables: against an in-process fake platform with two modules.

use lift_examples::registry_discovery;

#[tokio::test]
async fn discovery_lists_both_modules_finds_notes_and_reads_its_health() {
    // Act
    let lines = registry_discovery::run(None, "notes").await.unwrap();

    // Assert
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert!(
        lines[0].starts_with("gateway http://127.0.0.1:"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "2 modules registered:");
    assert!(
        lines[2].starts_with("  notes 1.0.0 at http://127.0.0.1:"),
        "{}",
        lines[2]
    );
    assert!(lines[2].ends_with(" (active)"), "{}", lines[2]);
    assert!(
        lines[3].starts_with("  whoami 1.0.0 at http://127.0.0.1:"),
        "{}",
        lines[3]
    );
    assert!(lines[4].starts_with("`notes` is module "), "{}", lines[4]);
    assert!(
        lines[5].starts_with("the registry probed `notes`: healthy in "),
        "{}",
        lines[5]
    );
    assert!(
        lines[5].ends_with(" ms; it says notes 1.0.0 is healthy"),
        "{}",
        lines[5]
    );
}

#[tokio::test]
async fn discovery_of_an_unknown_name_fails_naming_it() {
    // Act
    let failed = registry_discovery::run(None, "nope").await.unwrap_err();

    // Assert
    assert_eq!(format!("{failed:#}"), "no module is called `nope`");
}
