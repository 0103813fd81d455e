//! The fake platform: the intended contract of the auth, registry, memory and gateway
//! services as real in-process HTTP services (axum) sharing one state.

mod errors;
mod gateway;
mod log;
mod quirks;
mod serve;
mod store;
mod validate;

pub use quirks::Quirks;
