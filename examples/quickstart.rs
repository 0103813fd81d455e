//! Quickstart: the whole Lift platform story on your machine, in-process, in well under a
//! second.
//!
//! `cargo run --example quickstart` starts a fake platform (gateway, auth, memory and
//! registry, from `lift-testkit`) on loopback ports, runs a module built with `lift-sdk`
//! against it, and walks a user through it: sign up, store and search memory, call the
//! module (which stores and searches memory on the user's behalf), read the module's
//! probes, and shut it down. Each step prints one line with its timing.
//!
//! The tour itself is `lift_examples::quickstart::run` (`examples/src/quickstart/`), so a
//! test runs exactly what you see here. Point `LiftConfig` at a real gateway instead of the
//! fake one and the same SDK calls run against the platform.

use std::process::ExitCode;

use lift_examples::quickstart::{self, Transcript};

#[tokio::main]
async fn main() -> ExitCode {
    let mut transcript = Transcript::printing();
    match quickstart::run(&mut transcript).await {
        Ok(outcome) => {
            outcome.platform.shutdown().await;
            let ms = transcript.elapsed().as_secs_f64() * 1000.0;
            println!("quickstart done in {ms:.0} ms");
            ExitCode::SUCCESS
        }
        Err(err) => {
            // `{:#}` prints the step that failed, then each cause.
            eprintln!("quickstart failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}
