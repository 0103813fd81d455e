//! `registry_discovery`: list the registered modules, find one by name, and have the
//! registry probe its health.
//!
//! ```sh
//! cargo run --example registry_discovery               # against an in-process fake platform
//! GATEWAY_URL=http://127.0.0.1:8000 LIFT_ACCESS_TOKEN=… cargo run --example registry_discovery -- notes
//! ```
//!
//! The argument names the module to find (`notes` by default). With `GATEWAY_URL` and
//! `LIFT_ACCESS_TOKEN` set it asks that gateway's registry; without them it starts the fake
//! platform from `lift-testkit` with two modules built with `lift-sdk` (`notes` and
//! `whoami`), which register themselves. It prints the modules, the id found and the health
//! probe's outcome; it exits 1 naming what failed.
//!
//! The logic is `lift_examples::registry_discovery::run`, which
//! `tests/registry_discovery.rs` runs too.

use std::process::ExitCode;

use lift_examples::registry_discovery::{self, Target};

#[tokio::main]
async fn main() -> ExitCode {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "notes".to_owned());
    match registry_discovery::run(Target::from_env(), &name).await {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("registry_discovery failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}
