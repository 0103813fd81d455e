//! The module runtime: serve a [`LiftModule`](crate::runtime) with health, readiness,
//! metrics, automatic registration and graceful shutdown.

// The parts below are wired together by `serve`; until then some of their items are unused.
#![allow(dead_code)]

mod health;
mod http;
mod registration;
mod request_id;
mod state;

pub use http::{HttpError, HttpLimits, Json};
pub use health::{Check, ReadinessSettings};
pub use request_id::RequestId;
pub use state::RegistrationState;
