//! The fake platform: the intended contract of the auth, registry, memory and gateway
//! services as real in-process HTTP services (axum) sharing one state.

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
pub use memory::{IndexHit, MemoryIndex, standalone_router as memory_router, tokenize};
pub use quirks::Quirks;
