//! The gateway client: platform health, and calls into modules.

mod info;
mod json_calls;
mod module;
mod passthrough;

use std::sync::Arc;

use lift_registry_client::{ModuleId, RegistryClient};
use lift_sdk_core::{Error, ServiceClient, Transport};

pub use info::GatewayInfo;
pub use lift_sdk_core::{Readiness, ReadinessCheck, ServiceHealth, Uptime};
pub use module::ModuleHandle;
pub use passthrough::Passthrough;

/// The gateway: its own health and readiness, and calls into modules at
/// `/modules/{id}/{path}`.
///
/// Cheap to clone; create once (usually through [`LiftClient::gateway`](crate::LiftClient::gateway))
/// and reuse. Inside a request handler, [`for_user`](Self::for_user) gives a copy that
/// calls modules as the caller (with their bearer token), sharing the connection pool.
///
/// Every request goes out on a [`Transport::through_gateway`] copy of the transport: no
/// user-context header ([`USER_CONTEXT_HEADERS`](crate::core::USER_CONTEXT_HEADERS):
/// `X-User-ID`, `X-Org-ID`, `X-User-Roles`, `X-User-Permissions`, …) ever reaches the
/// gateway, whatever the credential provider adds, because the gateway would forward the
/// client's copy first and downstream services would believe it (contract §4.2, §10 D15).
/// The gateway derives them from the bearer token, so a caller known only by their user
/// context cannot act through it: such a copy fails every call before sending, with an
/// error of kind [`Auth`](crate::ErrorKind::Auth).
///
/// ```no_run
/// use lift_sdk::{GatewayClient, ModuleId};
/// use lift_sdk::core::Transport;
/// use lift_sdk::serde_json::Value;
///
/// # async fn run(reports: ModuleId) -> lift_sdk::Result<()> {
/// let gateway = GatewayClient::new(Transport::new("http://localhost:8000")?);
/// assert!(gateway.health().await?.is_healthy());
/// let pong: Value = gateway.module(&reports).get_json("/api/v1/ping").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct GatewayClient {
    transport: Transport,
    registry: Option<RegistryClient>,
}

impl GatewayClient {
    /// A client for the gateway at the transport's base URL, sending the transport's
    /// credentials (a bearer token) with the user-context headers stripped.
    #[must_use]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "takes the transport like the service clients do; the copy only sets the gateway flag"
    )]
    pub fn new(transport: Transport) -> Self {
        Self {
            transport: transport.through_gateway(),
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

    /// `GET /health/detailed`: the gateway's health with each service it probes (5 s each)
    /// in [`dependencies`](ServiceHealth::dependencies), `healthy` or `unhealthy`. The
    /// top-level status of the reference is always `healthy`: read the dependencies.
    ///
    /// # Errors
    ///
    /// Any [`Error`](crate::Error); a body that is not JSON is a decode error.
    pub async fn health_detailed(&self) -> Result<ServiceHealth, Error> {
        self.transport.get("/health/detailed").send_json().await
    }

    /// `GET /`: the gateway's version and the services it knows.
    ///
    /// # Errors
    ///
    /// Any [`Error`](crate::Error).
    pub async fn info(&self) -> Result<GatewayInfo, Error> {
        self.transport.get("/").send_data().await
    }

    /// Raw JSON calls under `{gateway}/billing/…`, for the billing service, which has no
    /// typed client (see [`Passthrough`]).
    #[must_use]
    pub fn billing(&self) -> Passthrough {
        Passthrough::new(self.transport.clone(), "billing")
    }

    /// Raw JSON calls under `{gateway}/observability/…`, for the observability service,
    /// which has no typed client (see [`Passthrough`]).
    #[must_use]
    pub fn observability(&self) -> Passthrough {
        Passthrough::new(self.transport.clone(), "observability")
    }

    /// A module reached through the gateway by its registry id (the id the registry
    /// assigned at registration, as [`Registration`](crate::registry::Registration) and
    /// [`ModuleRecord`](crate::ModuleRecord) carry it).
    #[must_use]
    pub fn module(&self, module_id: &ModuleId) -> ModuleHandle {
        ModuleHandle::new(self.transport.clone(), module_id.clone())
    }

    /// The module registered most recently under `name`, found through the registry, or
    /// `None` when no module has that name (no 404 is made up: the registry sent none).
    ///
    /// The registry assigns a new id at every registration and forgets every module when it
    /// restarts (contract §10 C12), so look a module up again when a call answers 404
    /// `Module … not found`.
    ///
    /// # Errors
    ///
    /// An error of kind `Builder` when no registry client is set; any error of the registry
    /// call.
    pub async fn module_named(&self, name: &str) -> Result<Option<ModuleHandle>, Error> {
        let registry = self.registry.as_ref().ok_or_else(|| {
            Error::builder(
                "module_named needs a registry client (see GatewayClient::with_registry)",
            )
        })?;
        Ok(registry
            .find_by_name(name)
            .await?
            .map(|record| self.module(&record.id)))
    }
}

impl ServiceClient for GatewayClient {
    const SERVICE: &'static str = "gateway";
    // The gateway's own routes sit at its root.
    const GATEWAY_PREFIX: &'static str = "";

    fn from_transport(transport: Transport) -> Self {
        Self::new(transport)
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Carries the registry along: name lookups act as the same caller when that registry
    /// client is itself routed through the gateway. A direct registry client authenticates
    /// with its own user-context headers, which a gateway credential cannot replace, so it
    /// is kept as it is.
    fn with_transport(&self, transport: Transport) -> Self {
        let registry = self
            .registry
            .as_ref()
            .map(|registry| match transport.auth() {
                Some(provider) if registry.is_through_gateway() => {
                    registry.for_provider(Arc::clone(provider))
                }
                _ => registry.clone(),
            });
        Self {
            transport: transport.through_gateway(),
            registry,
        }
    }
}

// `builder`, `through_gateway`, `transport`, `is_through_gateway`, `for_user`, `for_token`,
// `for_context`, `for_provider`, `health` and `ready`, shared by every Lift client.
lift_auth::impl_service_client!(GatewayClient, "lift_sdk::GatewayClient");
