//! The registry's self-description (`GET /`).

use lift_sdk_core::{Error, http};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::RegistryClient;

/// The registry's self-description, as `GET /` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct RegistryInfo {
    /// The service's version, such as `1.0.0`.
    #[serde(default)]
    pub version: Option<String>,
    /// How many modules are registered.
    #[serde(default)]
    pub registered_modules: Option<u64>,
    /// Where its API docs are, such as `/docs`.
    #[serde(default)]
    pub docs: Option<String>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(RegistryInfo, mistyped);

impl RegistryClient {
    /// The registry's version and how many modules it holds (`GET /`).
    ///
    /// Sent with a trailing slash (`{gateway}/registry/`): without it the gateway answers a
    /// `307` to an internal URL (contract §10 B7).
    ///
    /// ```no_run
    /// # async fn run(registry: lift_registry_client::RegistryClient) -> Result<(), lift_registry_client::Error> {
    /// let info = registry.info().await?;
    /// println!("{:?} modules registered", info.registered_modules);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The transport's errors, and `Decode` for a malformed answer.
    pub async fn info(&self) -> Result<RegistryInfo, Error> {
        let mut url = self.transport.url("")?;
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        self.transport
            .request_url(http::Method::GET, url)
            .send_data()
            .await
    }
}
