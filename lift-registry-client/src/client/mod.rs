//! The registry client.

mod body;
mod lookup;
mod registration;
mod root;

use std::collections::HashSet;

use lift_sdk_core::{Error, ServiceClient, ServiceClientBuilder, Transport};

use crate::health::{HealthSummary, ModuleHealthReport};
use crate::id::ModuleId;
use crate::page::{ListModules, MAX_PAGE_SIZE, Page};
use crate::record::{ModuleRecord, UpdatedModule};
use crate::update::ModuleUpdate;

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
/// [`for_user`](Self::for_user) gives a copy that acts for a caller in the form the routing
/// needs (their token through the gateway, their user context directly). The registry's
/// [`health`](Self::health) carries the counts of registered and active modules in its
/// `dependencies`.
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
/// use lift_registry_client::{ListModules, ModuleManifest, RegistryClient};
///
/// # async fn run(token: String) -> Result<(), Box<dyn std::error::Error>> {
/// // Through the gateway, as the holder of a bearer token.
/// let via_gateway = RegistryClient::builder()
///     .gateway_url("http://localhost:8000")
///     .build()?
///     .for_token(token);
/// let page = via_gateway.list(ListModules::new()).await?;
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
    /// The client sends what the transport's provider adds. For a gateway transport use
    /// [`through_gateway`](Self::through_gateway) (or the [`builder`](Self::builder)), which
    /// also strips user-context headers.
    #[must_use]
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// Lists one page of modules (`GET /modules`).
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput`, before anything is sent, for a page of 0, a size
    /// outside 1..=100 or an unknown status filter (the reference answers those with a
    /// 500); any error of the call.
    pub async fn list(&self, params: impl Into<ListModules>) -> Result<Page<ModuleRecord>, Error> {
        let params = params.into();
        params.check()?;
        self.transport
            .get("/modules")
            .query(&params)
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
    pub async fn list_all(
        &self,
        params: impl Into<ListModules>,
    ) -> Result<Vec<ModuleRecord>, Error> {
        let mut params = params.into();
        if !params.has_size() {
            params = params.size(MAX_PAGE_SIZE);
        }
        let mut modules = Vec::new();
        let mut seen = HashSet::new();
        let mut page = params.page_number();
        loop {
            let current = self.list(params.clone().page(page)).await?;
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
    /// An error of kind `InvalidInput`, before anything is sent, for an id that is not a safe
    /// path segment (see [`ModuleId`]); kind `Status` with
    /// [`is_not_found`](Error::is_not_found) when the registry does not know the id (it
    /// may have restarted: register again); any error of the call.
    pub async fn get(&self, id: &ModuleId) -> Result<ModuleRecord, Error> {
        let id = id.as_path_segment()?;
        self.transport.get(["modules", id]).send_data().await
    }

    /// Changes some fields of a module (`PUT /modules/{id}`).
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput` naming the field, before anything is sent, for a
    /// blank or unsafe id or an invalid value; kind `Status` for `404` or `403` (with a hint that the
    /// `admin` or `developer` role is required); any error of the call.
    pub async fn update(
        &self,
        id: &ModuleId,
        update: impl Into<ModuleUpdate>,
    ) -> Result<UpdatedModule, Error> {
        let id = id.as_path_segment()?;
        let update = update.into().checked()?;
        self.transport
            .put(["modules", id])
            .json(&update)
            .send_data()
            .await
            .map_err(with_role_hint)
    }

    /// Probes one module now (`GET /modules/{id}/health`).
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput`, before anything is sent, for an id that is not a safe
    /// path segment (see [`ModuleId`]); kind `Status` with
    /// [`is_not_found`](Error::is_not_found) for an unknown id; any error of the call.
    pub async fn module_health(&self, id: &ModuleId) -> Result<ModuleHealthReport, Error> {
        let id = id.as_path_segment()?;
        self.transport
            .get(["modules", id, "health"])
            .send_data()
            .await
    }

    /// Probes every module, one after another, and summarises (`GET /health-summary`).
    ///
    /// # Errors
    ///
    /// Any error of the call.
    pub async fn health_summary(&self) -> Result<HealthSummary, Error> {
        self.transport.get("/health-summary").send_data().await
    }
}

impl ServiceClient for RegistryClient {
    const SERVICE: &'static str = "registry";
    const GATEWAY_PREFIX: &'static str = "registry";

    fn from_transport(transport: Transport) -> Self {
        Self::new(transport)
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }
}

// `builder`, `through_gateway`, `transport`, `is_through_gateway`, `for_user`, `for_token`,
// `for_context`, `for_provider`, `health` and `ready`, shared by every Lift client.
lift_auth::impl_service_client!(RegistryClient, "lift_registry_client::RegistryClient");

/// Adds the role a registry write needs to a `403`.
pub(crate) fn with_role_hint(err: Error) -> Error {
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
