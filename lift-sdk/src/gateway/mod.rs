//! The gateway client: platform health, and calls into modules.

mod info;
mod module;
mod passthrough;

use std::sync::Arc;

use lift_auth::{Caller, Token};
use lift_registry_client::RegistryClient;
use lift_sdk_core::{AuthProvider, Error, Transport};

pub use info::GatewayInfo;
pub use lift_sdk_core::{Readiness, ReadinessCheck, ServiceHealth, Uptime};
pub use module::ModuleHandle;
pub use passthrough::Passthrough;

/// The gateway: its own health and readiness, and calls into modules at
/// `/modules/{id}/{path}`.
///
/// Cheap to clone; create once (usually through [`LiftClient::gateway`](crate::LiftClient::gateway))
/// and reuse. Inside a request handler, [`for_token`](Self::for_token) gives a copy that
/// calls modules as the caller, sharing the connection pool.
///
/// Every request goes out on a [`Transport::through_gateway`] copy of the transport: no
/// `X-User-ID`, `X-Org-ID`, `X-Memory-Context`, `X-User-Roles` or `X-Module-ID` header ever
/// reaches the gateway, whatever the credential provider adds, because the gateway would
/// forward the client's copy first and downstream services would believe it (contract
/// §4.2, §10 D15). The gateway derives them from the bearer token.
///
/// ```no_run
/// use lift_sdk_core::Transport;
/// use lift_sdk::GatewayClient;
/// use serde_json::Value;
///
/// # async fn run() -> Result<(), lift_sdk_core::Error> {
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

    /// A copy that acts for `caller`, sharing the connection pool: their bearer token
    /// ([`Caller::Token`]). A [`Caller::Context`] sends no identity at all here, since the
    /// gateway only trusts the token: use [`for_token`](Self::for_token) with the token of
    /// the request being handled. Name lookups ([`module_named`](Self::module_named)) go
    /// through the registry as the same caller when that registry client is itself routed
    /// through the gateway.
    #[must_use]
    pub fn for_user(&self, caller: impl Into<Caller>) -> Self {
        self.for_provider(caller.into().into_provider())
    }

    /// A copy that sends `Authorization: Bearer <token>`, sharing the connection pool.
    #[must_use]
    pub fn for_token(&self, token: impl Into<String>) -> Self {
        self.for_user(Token::new(token))
    }

    /// A copy that takes its credentials from `provider`, sharing the connection pool;
    /// user-context headers the provider adds are stripped.
    #[must_use]
    pub fn for_provider(&self, provider: Arc<dyn AuthProvider>) -> Self {
        let registry = self.registry.as_ref().map(|registry| {
            if registry.transport().is_through_gateway() {
                registry.for_provider(Arc::clone(&provider))
            } else {
                // A direct registry client authenticates with user-context headers, which
                // a bearer-token provider cannot replace.
                registry.clone()
            }
        });
        Self {
            transport: self.transport.with_auth(provider),
            registry,
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
    /// Any [`lift_sdk_core::Error`]; a body that is not JSON is a decode error.
    pub async fn health(&self) -> Result<ServiceHealth, Error> {
        self.transport.get("/health").send_json().await
    }

    /// `GET /ready`: readiness. A gateway that is not ready answers 503, returned as an error
    /// whose `api_error()` carries `Service gateway not ready`.
    ///
    /// # Errors
    ///
    /// Any [`lift_sdk_core::Error`], including the 503 of a gateway that is not ready.
    pub async fn ready(&self) -> Result<Readiness, Error> {
        self.transport.get("/ready").send_json().await
    }

    /// `GET /health/detailed`: the gateway's health with each service it probes (5 s each)
    /// in [`dependencies`](ServiceHealth::dependencies), `healthy` or `unhealthy`. The
    /// top-level status of the reference is always `healthy`: read the dependencies.
    ///
    /// # Errors
    ///
    /// Any [`lift_sdk_core::Error`]; a body that is not JSON is a decode error.
    pub async fn health_detailed(&self) -> Result<ServiceHealth, Error> {
        self.transport.get("/health/detailed").send_json().await
    }

    /// `GET /`: the gateway's version and the services it knows.
    ///
    /// # Errors
    ///
    /// Any [`lift_sdk_core::Error`].
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
    /// [`is_not_found`](lift_sdk_core::Error::is_not_found)) when no module has that name; any
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
