//! The fake platform: the intended contract of the auth, registry, memory and gateway
//! services as real in-process HTTP services (axum) sharing one state.
//!
//! [`FakePlatform::start`] (or [`FakePlatform::builder`]) binds the four services on
//! loopback ports and serves them, each behind the same layers: the reference's OpenAPI
//! checks (FastAPI's 404, 405 and 422), a body-size limit (413), a panic catcher (500) and
//! a one-line log per request. [`Quirks`] reproduce the reference's documented traps;
//! [`SeedUser`] seeds accounts (the reference's admin by default).
//!
//! Layout: `builder` and `fake` (the platform), `serve`, `validate`, `log` and `errors` (the
//! shared layers), `gateway`, `auth`, `memory` and `registry` (the services, each with
//! `XState::open`, `reset` and `router`), `store` (in memory or a data directory).

mod auth;
mod builder;
mod errors;
mod fake;
mod gateway;
mod log;
mod memory;
mod quirks;
mod registry;
mod serve;
mod store;
mod validate;

pub use auth::SeedUser;
pub use builder::{DEFAULT_BODY_LIMIT, FakePlatformBuilder};
pub use fake::FakePlatform;
pub use memory::{IndexHit, MemoryIndex, tokenize};
pub use quirks::Quirks;
