//! `protected_routes`: `lift-auth`'s auth layer and permission/role guards in a plain axum
//! app, with no SDK runtime and no platform.
//!
//! ```sh
//! cargo run --example protected_routes
//! ```
//!
//! It serves the app of `lift_examples::protected_routes::app` on a loopback port: a public
//! `/health`; `/api/v1/me` for any valid token; `POST /api/v1/notes` guarded by
//! `RequirePermission<perm::MemoryWrite>`; `/api/v1/reports/export` guarded by a permission
//! the app defines itself (`permission_marker!`); `/api/v1/admin/stats` behind
//! `RequireRole<role::Admin>` as a route layer. Then it calls every route as nobody, a
//! viewer, a user, a user granted `reports:export`, an admin, an expired token and a forged
//! one, and prints one line per call: `401` without a valid token, `403` naming what is
//! missing, `200` otherwise.
//!
//! `tests/protected_routes.rs` runs the same calls and checks every line.

use std::process::ExitCode;

use lift_examples::protected_routes;

#[tokio::main]
async fn main() -> ExitCode {
    match protected_routes::run().await {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("protected_routes failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}
