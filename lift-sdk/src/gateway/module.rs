//! Calls into a module through the gateway's `/modules/{id}/{path}` route.

use http::Method;
use lift_registry_client::ModuleId;
use lift_sdk_core::{Error, RequestBuilder, Transport};
use url::Url;

use super::json_calls::json_calls;

/// A module reached through the gateway, by its registry id.
///
/// Paths are the module's own (the gateway inserts no `api_prefix`, contract §10 B9): call
/// `module.get("/api/v1/reports")`. The module answers whatever shape it likes, so the typed
/// helpers decode bare JSON; use [`request`](Self::request) for anything else.
///
/// ```no_run
/// use lift_sdk::serde_json::Value;
/// use lift_sdk::{GatewayClient, ModuleId};
///
/// # async fn run(gateway: GatewayClient, id: ModuleId) -> lift_sdk::Result<()> {
/// let reports = gateway.module(&id);
/// let latest: Value = reports.get_json("/api/v1/reports?limit=1").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ModuleHandle {
    transport: Transport,
    module_id: ModuleId,
}

impl ModuleHandle {
    pub(crate) fn new(transport: Transport, module_id: ModuleId) -> Self {
        Self {
            transport,
            module_id,
        }
    }

    /// The registry id the calls go to.
    #[must_use]
    pub fn module_id(&self) -> &ModuleId {
        &self.module_id
    }

    /// The gateway URL of `path` inside this module. An empty path gets the trailing slash
    /// the gateway needs (`/modules/{id}/`); any other path gets none (a trailing slash
    /// would earn a `307` to an internal URL, contract §10 B7), and empty, `.` and `..`
    /// pieces are dropped, so a path never leaves the module. The path is literal text,
    /// percent-encoded here (`a b` becomes `a%20b`; do not encode it yourself); a query
    /// after `?` is used as given.
    ///
    /// # Errors
    ///
    /// An error of kind [`InvalidInput`](lift_sdk_core::ErrorKind::InvalidInput) for an empty
    /// module id.
    pub fn url(&self, path: &str) -> Result<Url, Error> {
        let base = self.transport.url(["modules", self.module_id.as_str()])?;
        Ok(super::passthrough::join(base, path))
    }

    /// Starts a request to `path` inside the module (the raw request builder: any method,
    /// headers, body and decoding). `path` is joined as [`url`](Self::url) does; an empty
    /// module id makes the request fail with `InvalidInput` when it is sent, before
    /// anything reaches the network.
    ///
    /// ```no_run
    /// use lift_sdk::core::http::Method;
    ///
    /// # async fn run(gateway: lift_sdk::GatewayClient, id: lift_sdk::ModuleId) -> lift_sdk::Result<()> {
    /// let response = gateway
    ///     .module(&id)
    ///     .request(Method::GET, "/api/v1/export.csv")
    ///     .header("accept", "text/csv")
    ///     .send()
    ///     .await?;
    /// println!("{} bytes of csv", response.bytes().len());
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        match self.url(path) {
            Ok(url) => self.transport.request_url(method, url),
            // Surfaces the error when the request is sent.
            Err(_) => self
                .transport
                .request(method, ["modules", self.module_id.as_str()]),
        }
    }

    json_calls!(
        "Any [`Error`](crate::Error): the module's status and `detail`, a 404 from the gateway when the id is unknown, a decode error when the body is not a `T`."
    );
}
