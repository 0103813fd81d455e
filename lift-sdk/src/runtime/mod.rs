//! The module runtime: serve a [`LiftModule`] with health, readiness, metrics, automatic
//! registration and graceful shutdown.
//!
//! [`serve`] runs a module with every default; [`Runtime`] changes any of them. Handlers
//! reach the platform through [`ModuleContext`]. The guide is `docs/modules.md` in the
//! repository.

mod app;
mod builder;
mod context;
mod error;
mod health;
mod http;
mod logging;
mod module;
mod registration;
mod request_id;
mod running;
mod server;
mod shutdown;
mod start;
mod state;

pub use builder::{DEFAULT_DRAIN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, Runtime, serve};
pub use context::{ContextRejection, ModuleContext};
pub use error::ServeError;
pub use health::{Check, ReadinessSettings};
pub use http::{HttpError, HttpLimits, Json};
pub use module::{BoxError, LiftModule, ManifestSource};
pub use registration::RegistrationSettings;
pub use request_id::RequestId;
pub use running::RunningModule;
pub use state::RegistrationState;
