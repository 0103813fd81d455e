//! The HTTP surface of a module: FastAPI-shaped errors, request limits, `//` tolerance, and the
//! per-request context and span.
//!
//! How `serve` stacks the pieces, outermost first (each file says why it sits where it does):
//!
//! 1. [`tolerate_double_slashes`] (outside the router: routing must see the collapsed path);
//! 2. [`harden`]: the request context and span, the metrics, the plain-text → JSON rewrite,
//!    the panic catcher, the timeout, the body limit and the 404 fallback;
//! 3. the routes (module routes: [`RecordUserLayer`] inside lift-auth's layer).

mod error;
mod json;
mod limits;
mod path;
mod rejection;
mod request;
mod stack;
mod upstream;
mod validation;

#[cfg(test)]
mod tests;

pub use error::HttpError;
pub use json::Json;
pub use limits::HttpLimits;

pub(crate) use path::{TolerantRouter, tolerate_double_slashes};
pub(crate) use request::RecordUserLayer;
pub(crate) use stack::harden;
