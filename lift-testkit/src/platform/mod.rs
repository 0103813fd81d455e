//! The fake platform: the intended contract of the auth, registry, memory and gateway
//! services as real in-process HTTP services (axum) sharing one state.

mod memory;
mod quirks;
mod store;

pub use memory::{IndexHit, MemoryIndex, standalone_router as memory_router, tokenize};
pub use quirks::Quirks;
