//! The fake platform: the intended contract of the auth, registry, memory and gateway
//! services as real in-process HTTP services (axum) sharing one state.

mod quirks;
mod registry;
mod store;

pub use quirks::Quirks;
