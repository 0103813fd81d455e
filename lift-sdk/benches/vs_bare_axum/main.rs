//! The module runtime against a bare axum server, as users see it: release builds as separate
//! processes, loaded over HTTP by `wrk`.
//!
//! ```sh
//! cargo bench -p lift-sdk --bench vs_bare_axum
//! LIFT_BENCH_SECONDS=10 LIFT_BENCH_ROUNDS=7 cargo bench -p lift-sdk --bench vs_bare_axum
//! ```
//!
//! The bench binary re-executes itself (`--serve runtime|bare --port N`) to be each server:
//!
//! - **runtime**: a `LiftModule` whose `/api/v1/whoami` answers the caller's verified claims
//!   as JSON (examples/src/module_server.rs's handler), served by `Runtime` without
//!   registration, so nothing leaves the machine;
//! - **bare**: axum and jsonwebtoken alone (none of our code), answering `/health` with the
//!   same body and `/api/v1/whoami` by verifying the same HS256 token on every request.
//!
//! Each server is pinned to core 0 and `wrk` to core 1 (`taskset`, when installed), 32
//! connections. Rounds interleave the two servers, the first of a round alternating
//! (runtime, bare; bare, runtime; …), and the median of the per-round ratios is printed per
//! route: drift of the machine's speed hits both sides of a round alike.
//!
//! Knobs: `LIFT_BENCH_SECONDS` (per run, default 5), `LIFT_BENCH_ROUNDS` (default 5),
//! `LIFT_BENCH_CONNECTIONS` (default 32). Without `wrk` it says how to install it and exits 0.

mod servers;
mod wrk;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.iter().position(|arg| arg == "--serve") {
        Some(at) => serve(&args[at + 1..]),
        None => wrk::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("vs_bare_axum: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `--serve runtime|bare --port N`: be one of the servers.
fn serve(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let which = args.first().ok_or("--serve needs runtime or bare")?;
    let port = match args.get(1..3) {
        Some([flag, port]) if flag == "--port" => port
            .parse()
            .map_err(|err| format!("--port {port:?}: {err}"))?,
        _ => return Err("--serve needs --port N".into()),
    };
    servers::serve(which, port)
}
