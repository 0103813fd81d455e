//! The gateway client: platform health, and calls into modules.

mod health;
mod module;

use lift_core::{Error, Transport};

pub use health::{GatewayInfo, Readiness, ReadinessCheck, ServiceHealth, Uptime};
pub use module::ModuleHandle;

/// The gateway: its own health and readiness, and calls into modules at
/// `/modules/{id}/{path}`.
///
/// Cheap to clone; create once (usually through [`LiftClient::gateway`](crate::LiftClient::gateway))
/// and reuse.
///
/// ```no_run
/// use lift_core::Transport;
/// use lift_sdk::GatewayClient;
/// use serde_json::Value;
///
/// # async fn run() -> Result<(), lift_core::Error> {
/// let gateway = GatewayClient::new(Transport::new("http://localhost:8000")?);
/// assert!(gateway.health().await?.is_healthy());
/// let pong: Value = gateway.module("427a04c5-26ec-4fa3-82d1-a4e0ec2db046").get_json("/api/v1/ping").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct GatewayClient {
    transport: Transport,
}

impl GatewayClient {
    /// A client for the gateway at the transport's base URL.
    #[must_use]
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// The underlying transport.
    #[must_use]
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// `GET /health`: liveness (never rate-limited by the reference gateway).
    ///
    /// # Errors
    ///
    /// Any [`lift_core::Error`]; a body that is not JSON is a decode error.
    pub async fn health(&self) -> Result<ServiceHealth, Error> {
        self.transport.get("/health").send_json().await
    }

    /// `GET /ready`: readiness. A gateway that is not ready answers 503, returned as an error
    /// whose `api_error()` carries `Service gateway not ready`.
    ///
    /// # Errors
    ///
    /// Any [`lift_core::Error`], including the 503 of a gateway that is not ready.
    pub async fn ready(&self) -> Result<Readiness, Error> {
        self.transport.get("/ready").send_json().await
    }

    /// `GET /`: the gateway's version and the services it knows.
    ///
    /// # Errors
    ///
    /// Any [`lift_core::Error`].
    pub async fn info(&self) -> Result<GatewayInfo, Error> {
        self.transport.get("/").send_data().await
    }

    /// A module reached through the gateway by its registry id (a UUID the registry assigned
    /// at registration).
    #[must_use]
    pub fn module(&self, module_id: impl Into<String>) -> ModuleHandle {
        ModuleHandle::new(self.transport.clone(), module_id.into())
    }
}
