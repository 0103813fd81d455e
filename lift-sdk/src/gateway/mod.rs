//! The gateway client: platform health, and calls into modules.

mod health;
mod module;

use lift_core::{Error, Transport};
use lift_registry_client::RegistryClient;

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
    registry: Option<RegistryClient>,
}

impl GatewayClient {
    /// A client for the gateway at the transport's base URL.
    #[must_use]
    pub fn new(transport: Transport) -> Self {
        Self {
            transport,
            registry: None,
        }
    }

    /// Resolves module names through `registry` (see [`module_named`](Self::module_named)).
    /// [`LiftClient`](crate::LiftClient) sets this up itself.
    #[must_use]
    pub fn with_registry(mut self, registry: RegistryClient) -> Self {
        self.registry = Some(registry);
        self
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

    /// The module registered most recently under `name`, found through the registry.
    ///
    /// The registry assigns a new id at every registration and forgets every module when it
    /// restarts (contract §10 C12), so look a module up again when a call answers 404
    /// `Module … not found`.
    ///
    /// # Errors
    ///
    /// An error of kind `Builder` when no registry client is set; a not-found error (see
    /// [`is_not_found`](lift_core::Error::is_not_found)) when no module has that name; any
    /// error of the registry call.
    pub async fn module_named(&self, name: &str) -> Result<ModuleHandle, Error> {
        let registry = self.registry.as_ref().ok_or_else(|| {
            Error::builder(
                "module_named needs a registry client (see GatewayClient::with_registry)",
            )
        })?;
        match registry.find_by_name(name).await? {
            Some(record) => Ok(self.module(record.id.into_string())),
            None => Err(Error::not_found(format!(
                "no module named `{name}` is registered"
            ))),
        }
    }
}
