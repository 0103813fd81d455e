//! The registry client.

mod body;
mod root;

use std::collections::HashSet;
use std::sync::Arc;

use lift_auth::{Caller, Token, UserContext};
use lift_sdk_core::{
    AuthProvider, Error, Readiness, ServiceClient, ServiceClientBuilder, ServiceHealth, Transport,
};
use serde::Deserialize;

use crate::health::{HealthSummary, ModuleHealthReport};
use crate::id::ModuleId;
use crate::manifest::ModuleManifest;
use crate::page::{ListModules, MAX_PAGE_SIZE, Page};
use crate::record::{ModuleRecord, Registration, UpdatedModule};
use crate::update::ModuleUpdate;
use body::RegistrationBody;
pub use root::RegistryInfo;

/// Configures a [`RegistryClient`] from URLs: `gateway_url` (calls go to
/// `{gateway}/registry`) or `service_url` (the registry's own URL), credentials and
/// transport settings. See [`RegistryClient::builder`].
pub type RegistryClientBuilder = ServiceClientBuilder<RegistryClient>;

/// The hint added to a `403` on a write: the registry checks roles, not permissions.
pub(crate) const WRITE_ROLE_HINT: &str = "requires the admin or developer role";

/// A typed client for the module registry: register, list, look up, update and unregister
/// modules, and read their health.
///
/// It is cheap to clone (`Arc` inside) and `Send + Sync`: **create it once and reuse it**,
/// as the connection pool lives in the [`Transport`] it is built on.
///
/// # Routing modes
///
/// The routing mode is which transport the client is built on:
///
/// - **through the gateway**: base URL `{gateway}/registry` and a bearer token
///   (`RegistryClient::builder().gateway_url(…)`). The gateway turns the token into the
///   user-context headers; the client never sends `X-User-*` itself (contract §10 D15).
/// - **direct**: the registry's own URL and the user-context headers `X-User-ID`,
///   `X-Org-ID` and `X-User-Roles` (`RegistryClient::builder().service_url(…)`), for
///   services inside the platform network.
///
/// Reads need any authenticated caller. Writes ([`register`](Self::register),
/// [`update`](Self::update), [`unregister`](Self::unregister)) need the `admin` or
/// `developer` role; a `403` comes back as an error of kind
/// [`Status`](lift_sdk_core::ErrorKind::Status) whose message says so. In direct mode,
/// `X-User-Roles` must be comma-separated **without spaces** (`user,admin`): the registry
/// does not trim.
///
/// ```no_run
/// use lift_auth::{Role, UserContext};
/// use lift_registry_client::{ModuleManifest, RegistryClient};
///
/// # async fn run(token: String) -> Result<(), Box<dyn std::error::Error>> {
/// // Through the gateway, as the holder of a bearer token.
/// let via_gateway = RegistryClient::builder()
///     .gateway_url("http://localhost:8000")
///     .build()?
///     .for_token(token);
/// let page = via_gateway.list(&Default::default()).await?;
///
/// // Directly, inside the platform network, as a developer.
/// let direct = RegistryClient::builder()
///     .service_url("http://registry:8005")
///     .build()?
///     .for_context(&UserContext::new("ops", "ops").with_roles([Role::Developer]));
/// let registered = direct.register(&ModuleManifest::from_path("module.json")?).await?;
/// println!("{} modules, registered {}", page.total, registered.module_id);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RegistryClient {
    transport: Transport,
}

impl RegistryClient {
    /// A client on `transport`, whose base URL is the registry's (direct) or
    /// `{gateway}/registry`, and whose credential provider fits that mode.
    ///
    /// The client sends what the transport's provider adds. For a gateway transport prefer
    /// [`through_gateway`](Self::through_gateway) (or the [`builder`](Self::builder)), which
    /// also strips user-context headers.
    #[must_use]
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// A client on a gateway transport (base URL `{gateway}/registry`, bearer-token
    /// credentials): like [`new`](Self::new), but on a [`Transport::through_gateway`] copy,
    /// so any user-context header the transport's provider (or a later
    /// [`for_provider`](Self::for_provider)) adds is stripped and the gateway's own, taken
    /// from the token, are the ones the registry sees.
    #[must_use]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "takes the transport like `new` does; the copy only sets the gateway flag"
    )]
    pub fn through_gateway(transport: Transport) -> Self {
        Self::new(transport.through_gateway())
    }

    /// Starts configuring a client for one of the two routing modes: exactly one of
    /// [`gateway_url`](ServiceClientBuilder::gateway_url) (through the gateway, at
    /// `{gateway}/registry`, with a bearer token; user-context headers are stripped) and
    /// [`service_url`](ServiceClientBuilder::service_url) (the registry's own URL, with the
    /// user-context headers).
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use std::time::Duration;
    ///
    /// use lift_auth::StaticToken;
    /// use lift_registry_client::RegistryClient;
    ///
    /// # fn run(token: String) -> Result<(), lift_registry_client::Error> {
    /// let registry = RegistryClient::builder()
    ///     .gateway_url("http://localhost:8000")
    ///     .auth(Arc::new(StaticToken::new(token)))
    ///     .timeout(Duration::from_secs(10))
    ///     .build()?;
    /// # drop(registry); Ok(()) }
    /// ```
    pub fn builder() -> RegistryClientBuilder {
        ServiceClientBuilder::new()
    }

    /// The transport this client sends through.
    #[must_use]
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Whether this client talks to the gateway and strips user-context headers (see
    /// [`Transport::is_through_gateway`]).
    #[must_use]
    pub fn is_through_gateway(&self) -> bool {
        self.transport.is_through_gateway()
    }

    /// A copy that acts for `caller`: their bearer token ([`Caller::Token`]) or their user
    /// context as headers ([`Caller::Context`]), whichever the handler has. Cheap: it
    /// shares the connection pool, the retry budget and the circuit breaker.
    ///
    /// ```no_run
    /// # async fn run(registry: lift_registry_client::RegistryClient, caller: lift_auth::UserContext) -> Result<(), lift_registry_client::Error> {
    /// let modules = registry.for_user(&caller).list(&Default::default()).await?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn for_user(&self, caller: impl Into<Caller>) -> Self {
        self.for_provider(caller.into().into_provider())
    }

    /// A copy that acts as the holder of `token` (`Authorization: Bearer <token>`): the
    /// credentials for the gateway. Cheap: it shares the connection pool, the retry budget
    /// and the circuit breaker.
    #[must_use]
    pub fn for_token(&self, token: impl Into<String>) -> Self {
        self.for_user(Token::new(token))
    }

    /// A copy that acts as the user of `context`, sending the user-context headers
    /// (`X-User-ID`, `X-Org-ID`, `X-User-Roles`, …): the credentials for direct calls
    /// inside the platform network. On a client built with
    /// [`gateway_url`](ServiceClientBuilder::gateway_url) those headers are stripped, so
    /// such a copy sends no credentials at all.
    ///
    /// ```no_run
    /// use lift_auth::{Role, UserContext};
    /// use lift_registry_client::{ModuleManifest, RegistryClient};
    ///
    /// # async fn run(manifest: ModuleManifest) -> Result<(), lift_registry_client::Error> {
    /// let registry = RegistryClient::builder().service_url("http://registry:8005").build()?;
    /// let operator = UserContext::new("ops", "ops").with_roles([Role::Developer]);
    /// let registered = registry.for_context(&operator).register(&manifest).await?;
    /// # drop(registered); Ok(()) }
    /// ```
    #[must_use]
    pub fn for_context(&self, context: &UserContext) -> Self {
        self.for_user(context)
    }

    /// A copy that sends credentials from `provider` instead (for example on behalf of
    /// another caller), sharing the connection pool, retry budget and circuit breaker.
    /// Towards the gateway, any user-context header the provider adds is stripped.
    #[must_use]
    pub fn for_provider(&self, provider: Arc<dyn AuthProvider>) -> Self {
        Self::new(self.transport.with_auth(provider))
    }

    /// Registers a module (`POST /modules`): validates the manifest, sends the ten fields
    /// the registry reads (contract §6.1) with `base_url` stripped of its trailing `/`, and
    /// returns the new [`ModuleId`], the stored record and the first health probe.
    ///
    /// The registry assigns a **new id at every registration** and accepts duplicate names;
    /// it also forgets everything when it restarts. Register again when
    /// [`get`](Self::get) answers 404. The call is not idempotent and is never resent once
    /// it may have reached the registry.
    ///
    /// # Errors
    ///
    /// An error of kind [`InvalidInput`](lift_sdk_core::ErrorKind::InvalidInput) naming the
    /// field, before anything is sent, when the manifest fails
    /// [`validate_for_registration`](ModuleManifest::validate_for_registration); kind
    /// `Status` for a refusal, e.g. `403` (with a hint that the `admin` or `developer` role
    /// is required) or `422`; any transport error.
    pub async fn register(&self, manifest: &ModuleManifest) -> Result<Registration, Error> {
        let body = RegistrationBody::new(manifest)?;
        self.transport
            .post("/modules")
            .json(&body)
            .idempotent(false)
            .send_data()
            .await
            .map_err(with_role_hint)
    }

    /// Lists one page of modules (`GET /modules`).
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput`, before anything is sent, for a page of 0, a size
    /// outside 1..=100 or an unknown status filter (the reference answers those with a
    /// 500); any error of the call.
    pub async fn list(&self, params: &ListModules) -> Result<Page<ModuleRecord>, Error> {
        params.check()?;
        self.transport
            .get("/modules")
            .query(params)
            .send_data()
            .await
    }

    /// Lists every module matching `params`, following pages from `params`' page (100 per
    /// page unless `params` sets a size).
    ///
    /// It asks for the next page while the registry says there is one (`has_next`), and
    /// stops at the last page the registry counted (`pages`), at an empty page, or at a page
    /// that brings no module it has not seen, so a registry that ignores `page` cannot make
    /// it loop. A module listed twice (the registry's list shifted between two pages) is
    /// kept once.
    ///
    /// # Errors
    ///
    /// As [`list`](Self::list), for any page.
    pub async fn list_all(&self, params: &ListModules) -> Result<Vec<ModuleRecord>, Error> {
        let mut params = params.clone();
        if !params.has_size() {
            params = params.size(MAX_PAGE_SIZE);
        }
        let mut modules = Vec::new();
        let mut seen = HashSet::new();
        let mut page = params.page_number();
        loop {
            let current = self.list(&params.clone().page(page)).await?;
            let before = modules.len();
            for module in current.items {
                // Records without an id cannot be told apart: keep them all.
                if module.id.is_empty() || seen.insert(module.id.clone()) {
                    modules.push(module);
                }
            }
            let new_modules = modules.len() > before;
            let below_last = current.pages == 0 || page < current.pages;
            match page.checked_add(1) {
                Some(next) if current.has_next && new_modules && below_last => page = next,
                _ => return Ok(modules),
            }
        }
    }

    /// Gets one module (`GET /modules/{id}`), with a fresh health probe.
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput` for a blank id; kind `Status` with
    /// [`is_not_found`](Error::is_not_found) when the registry does not know the id (it
    /// may have restarted: register again); any error of the call.
    pub async fn get(&self, id: &ModuleId) -> Result<ModuleRecord, Error> {
        check_id(id)?;
        self.transport
            .get(["modules", id.as_str()])
            .send_data()
            .await
    }

    /// Changes some fields of a module (`PUT /modules/{id}`).
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput` naming the field, before anything is sent, for a
    /// blank id or an invalid value; kind `Status` for `404` or `403` (with a hint that the
    /// `admin` or `developer` role is required); any error of the call.
    pub async fn update(
        &self,
        id: &ModuleId,
        update: &ModuleUpdate,
    ) -> Result<UpdatedModule, Error> {
        check_id(id)?;
        let update = update.checked()?;
        self.transport
            .put(["modules", id.as_str()])
            .json(&update)
            .send_data()
            .await
            .map_err(with_role_hint)
    }

    /// Unregisters a module (`DELETE /modules/{id}`) and returns the id the registry
    /// confirmed.
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput` for a blank id; kind `Status` for `404` (already
    /// gone) or `403` (with a hint that the `admin` or `developer` role is required); any
    /// error of the call.
    pub async fn unregister(&self, id: &ModuleId) -> Result<ModuleId, Error> {
        #[derive(Deserialize)]
        struct Unregistered {
            module_id: ModuleId,
        }

        check_id(id)?;
        let answer: Option<Unregistered> = self
            .transport
            .delete(["modules", id.as_str()])
            .send_data()
            .await
            .map_err(with_role_hint)?;
        Ok(answer.map_or_else(|| id.clone(), |answer| answer.module_id))
    }

    /// Probes one module now (`GET /modules/{id}/health`).
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput` for a blank id; kind `Status` with
    /// [`is_not_found`](Error::is_not_found) for an unknown id; any error of the call.
    pub async fn module_health(&self, id: &ModuleId) -> Result<ModuleHealthReport, Error> {
        check_id(id)?;
        self.transport
            .get(["modules", id.as_str(), "health"])
            .send_data()
            .await
    }

    /// The registry's own liveness (`GET /health`), with the counts of registered and
    /// active modules in [`dependencies`](ServiceHealth::dependencies).
    ///
    /// # Errors
    ///
    /// Any error of the call; `Decode` for a body that is not a health object.
    pub async fn health(&self) -> Result<ServiceHealth, Error> {
        self.transport.get("/health").send_json().await
    }

    /// The registry's readiness (`GET /ready`); a registry that is not ready answers 503,
    /// returned as an error of kind `Status`.
    ///
    /// # Errors
    ///
    /// Any error of the call, including that 503.
    pub async fn ready(&self) -> Result<Readiness, Error> {
        self.transport.get("/ready").send_json().await
    }

    /// Probes every module, one after another, and summarises (`GET /health-summary`).
    ///
    /// # Errors
    ///
    /// Any error of the call.
    pub async fn health_summary(&self) -> Result<HealthSummary, Error> {
        self.transport.get("/health-summary").send_data().await
    }

    /// Finds the most recently registered module called exactly `name`.
    ///
    /// This is how a client finds a module again: ids change at every registration and the
    /// registry accepts duplicate names, so the newest record (by `created_at`) wins.
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput` for a blank name; any error of
    /// [`list_all`](Self::list_all).
    pub async fn find_by_name(&self, name: &str) -> Result<Option<ModuleRecord>, Error> {
        Ok(self.find_all_by_name(name).await?.into_iter().next())
    }

    /// Every module called exactly `name`, newest first (by `created_at`).
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput` for a blank name; any error of
    /// [`list_all`](Self::list_all).
    pub async fn find_all_by_name(&self, name: &str) -> Result<Vec<ModuleRecord>, Error> {
        if name.trim().is_empty() {
            return Err(Error::invalid_input("module name must not be blank"));
        }
        let mut found: Vec<ModuleRecord> = self
            .list_all(&ListModules::new())
            .await?
            .into_iter()
            .filter(|module| module.name == name)
            .collect();
        // Newest first; records without a timestamp go last, in listing order.
        found.sort_by_key(|module| std::cmp::Reverse(module.created_at));
        Ok(found)
    }
}

impl ServiceClient for RegistryClient {
    const SERVICE: &'static str = "registry";
    const GATEWAY_PREFIX: &'static str = "registry";

    fn from_transport(transport: Transport) -> Self {
        Self::new(transport)
    }
}

fn check_id(id: &ModuleId) -> Result<(), Error> {
    if id.as_str().trim().is_empty() {
        return Err(Error::invalid_input("module id must not be blank"));
    }
    Ok(())
}

/// Adds the role a registry write needs to a `403`.
fn with_role_hint(err: Error) -> Error {
    if err.is_forbidden() {
        err.with_hint(WRITE_ROLE_HINT)
    } else {
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_cheap_to_share() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<RegistryClient>();
    }
}
