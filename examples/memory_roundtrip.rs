//! `memory_roundtrip`: store three memories through the gateway, then search them.
//!
//! ```sh
//! cargo run --example memory_roundtrip                      # against an in-process fake platform
//! GATEWAY_URL=http://127.0.0.1:8000 LIFT_ACCESS_TOKEN=… cargo run --example memory_roundtrip
//! ```
//!
//! With `GATEWAY_URL` and `LIFT_ACCESS_TOKEN` set it calls that gateway (`lift-dev` or a real
//! platform) as the token's user; without them it starts the fake platform from
//! `lift-testkit`, signs a user up and runs the same calls against it. It prints one line
//! per memory stored, then the search's hits, best first; it exits 1 naming the call that
//! failed.
//!
//! The logic is `lift_examples::memory_roundtrip::run`, which `tests/memory_roundtrip.rs`
//! runs too.

use std::process::ExitCode;

use lift_examples::memory_roundtrip::{self, Target};

#[tokio::main]
async fn main() -> ExitCode {
    match memory_roundtrip::run(Target::from_env()).await {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("memory_roundtrip failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}
