//! `module_server`: a standalone Lift module, meant to run against `lift-dev` or a real
//! platform.
//!
//! ```sh
//! GATEWAY_URL=http://127.0.0.1:8000 JWT_SECRET=… cargo run --example module_server
//! ```
//!
//! It reads `LiftConfig` from the environment (`GATEWAY_URL`, `JWT_SECRET` or a token, …;
//! see the configuration guide), listens on `LIFT_MODULE_PORT` (default 9100; host
//! `LIFT_MODULE_HOST`) and registers itself as `whoami` with the public URL of that port
//! (`LIFT_MODULE_PUBLIC_URL` overrides it). It serves, behind the auth layer:
//!
//! - `GET /api/v1/whoami`: the caller's claims as JSON (a valid token is enough);
//! - `POST /api/v1/notes` with `{"text": …}`: stores the text in the caller's memory, as the
//!   caller (needs `memory:write`, else `403`);
//! - `GET /api/v1/notes/search?q=…`: searches the caller's memory (needs `memory:read`);
//!
//! plus the runtime's `/health`, `/ready` and `/metrics`. It runs until Ctrl-C or SIGTERM;
//! then it reports not-ready, deregisters, drains the requests in flight and exits 0.
//!
//! The module itself is `lift_examples::module_server::Whoami` (`examples/src/`), so
//! `tests/module_server.rs` runs the same routes against the fake platform.

use std::process::ExitCode;

use lift_examples::module_server::Whoami;

#[tokio::main]
async fn main() -> ExitCode {
    // `serve` reads the configuration from the environment and stops on Ctrl-C or SIGTERM.
    match lift_sdk::serve(Whoami).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("module_server failed: {err}");
            ExitCode::FAILURE
        }
    }
}
