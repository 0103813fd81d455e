//! The fake platform: the intended contract of the auth, registry, memory and gateway
//! services as real in-process HTTP services (axum) sharing one state.

mod auth;
mod quirks;
mod store;

pub use auth::SeedUser;
pub use quirks::Quirks;
