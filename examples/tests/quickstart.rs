//! The quickstart's tour, run as `cargo run --example quickstart` runs it, checked line by
//! line and by the state it leaves behind.

use lift_examples::quickstart::{self, MEMORIES, NOTE, Transcript};

#[tokio::test]
async fn the_quickstart_tour_walks_every_step_in_order_and_leaves_the_module_deregistered() {
    // Arrange
    let mut transcript = Transcript::silent();

    // Act
    let outcome = quickstart::run(&mut transcript).await.unwrap();

    // Assert: one line per step, in order, each timed; the metric lines under step 6.
    let lines = transcript.lines();
    let steps: Vec<&String> = lines.iter().filter(|line| !line.starts_with(' ')).collect();
    let expected = [
        "1. start the fake platform: gateway at http://127.0.0.1:",
        "2. start the notes module: `notes` 1.0.0 listens on http://127.0.0.1:",
        "3. sign up and log in a user: ana@example.com signed up and logged in as user ",
        "4. store and search memories: stored 3 memories; \"campaign signups\" found 2, best \"Q3 campaign lifted signups by twelve percent\"",
        "5. call the module as the user: POST /modules/",
        "6. probe the module: /health healthy (notes 1.0.0), /ready ready (registered ready, shutting_down ready), /metrics:",
        "7. shut the module down: deregistered and stopped; the registry no longer lists `notes`",
    ];
    assert_eq!(steps.len(), expected.len(), "{lines:#?}");
    for (line, start) in steps.iter().zip(expected) {
        assert!(
            line.starts_with(start),
            "{line:?} should start with {start:?}"
        );
        assert!(
            line.ends_with(" ms)"),
            "{line:?} should end with its timing"
        );
    }
    let id = outcome.module_id.to_string();
    assert!(
        steps[1].contains(&format!("registered itself as {id}")),
        "{}",
        steps[1]
    );
    assert!(steps[2].contains(&outcome.user_id), "{}", steps[2]);
    assert!(
        steps[4].contains(&format!("/modules/{id}/api/v1/notes")),
        "{}",
        steps[4]
    );
    assert!(steps[4].contains("found 1"), "{}", steps[4]);
    let metrics: Vec<&str> = lines
        .iter()
        .skip_while(|line| !line.starts_with("6. "))
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .map(|line| line.trim())
        .collect();
    for metric in [
        "http_requests_total{method=\"POST\",route=\"/api/v1/notes\",status=\"200\"} 1",
        "http_requests_total{method=\"GET\",route=\"/api/v1/notes/search\",status=\"200\"} 1",
        "lift_outgoing_calls_total{service=\"memory\",outcome=\"success\"} 2",
        "lift_module_registered 1",
    ] {
        assert!(metrics.contains(&metric), "{metric} not in {metrics:#?}");
    }

    // Assert: the module is gone; the user's organisation holds the three memories and the
    // module's note, which both searches found.
    let platform = &outcome.platform;
    assert!(platform.modules().is_empty(), "{:?}", platform.modules());
    let contents: Vec<String> = platform
        .memories(&outcome.user_id)
        .iter()
        .map(|memory| memory["content"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut stored: Vec<&str> = MEMORIES.to_vec();
    stored.push(NOTE);
    assert_eq!(contents, stored);
    assert_eq!(outcome.found, 2);
    assert_eq!(outcome.found_by_module, 1);
    assert!(
        !lines
            .iter()
            .any(|line| line.contains("Some(") || line.contains("{ "))
    );
}

#[tokio::test]
async fn a_failing_step_is_named_with_its_number_and_cause_and_writes_no_line() {
    use lift_examples::quickstart::Shown;

    // Arrange
    let mut transcript = Transcript::silent();
    transcript
        .step("first", async {
            Ok(((), Shown::line("fine").detail("under it")))
        })
        .await
        .unwrap();

    // Act
    let failed = transcript
        .step("second", async {
            Err::<((), Shown), _>(anyhow::anyhow!("the registry refused"))
        })
        .await
        .unwrap_err();

    // Assert
    assert_eq!(
        format!("{failed:#}"),
        "step 2 (second) failed: the registry refused"
    );
    let lines = transcript.lines();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].starts_with("1. first: fine ("), "{}", lines[0]);
    assert!(lines[0].ends_with(" ms)"), "{}", lines[0]);
    assert_eq!(lines[1], "     under it");
}
