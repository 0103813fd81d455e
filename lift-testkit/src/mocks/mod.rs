//! Mocks of the platform's services, on wiremock, each on its own loopback port.
//!
//! Every mock is built on [`MockService`]:
//! - it answers the contract's happy paths with realistic bodies (the `APIResponse`
//!   envelope, naive-UTC timestamps, ids shaped like the reference's);
//! - it checks every request against the reference service's OpenAPI document and answers
//!   what FastAPI would (422 with `{"detail":[{type, loc, msg, input}]}`), so a client bug
//!   the real service would refuse fails in the mock too;
//! - it records what it received as typed values ([`Received`]), stamped on the test's tokio
//!   clock;
//! - it verifies domain-named expectations ([`Expected`]) on [`MockService::verify`] and on
//!   drop.
//!
//! Paths are served as the service sees them and under its gateway prefix (`/memory/…`),
//! so one mock serves clients in both routing modes.

mod auth;
mod expect;
mod fastapi;
mod gateway;
mod memory;
mod received;
mod registry;
mod service;

pub use auth::{Credentials, MockAuth};
pub use expect::{Expected, Times};
pub(crate) use fastapi::unprocessable_body;
pub use fastapi::{envelope, naive_utc_now, uuid4};
pub use gateway::{
    CORRELATION_ID, GATEWAY_ORG, GATEWAY_USER, MockGateway, MockModule, ModuleCall,
    WithCorrelationId,
};
pub use memory::{Memory, MockMemory, SearchRecord, StoreRecord};
pub use received::{Caller, Received};
pub use registry::{MockRegistry, RegistryEvent, RegistryEventKind};
pub use service::{MockService, RouteMatcher};
