//! The HTTP surface of a module: FastAPI-shaped errors, request limits, `//` tolerance, and the
//! per-request context and span.
//!
//! How `serve` stacks the pieces, outermost first (each file says why it sits where it does):
//!
//! 1. [`tolerate_double_slashes`] (outside the router: routing must see the collapsed path);
//! 2. [`with_request_context`] (request id, trace, span: it sees the final status);
//! 3. [`harden`]: the plain-text → JSON rewrite, the panic catcher, the timeout, the body limit
//!    and the 404 fallback;
//! 4. the routes (module routes: [`record_user`] inside lift-auth's layer).

mod error;
mod json;
mod limits;
mod path;
mod rejection;
mod request;
mod upstream;
mod validation;

#[cfg(test)]
mod tests;

pub use error::HttpError;
pub use json::Json;
pub use limits::HttpLimits;

pub(crate) use limits::harden;
pub(crate) use path::{TolerantRouter, tolerate_double_slashes};
pub(crate) use request::{record_user, with_request_context};
