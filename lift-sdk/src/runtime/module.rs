//! The `LiftModule` trait: what a module gives the runtime.

use std::future::Future;
use std::path::PathBuf;

use axum::Router;
use lift_registry_client::ModuleManifest;

use super::health::Check;
use crate::LiftClient;

/// The error a module's [`on_start`](LiftModule::on_start) hook may return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A Lift module: what it is (its manifest), what it serves (its routes) and what it needs
/// to be ready; [`serve`](super::serve) does everything else.
///
/// The runtime mounts [`routes`](Self::routes) under the manifest's `api_prefix` behind the
/// auth layer, and serves `/health`, `/ready`, `/health/live`, `/health/ready` and
/// `/metrics` next to them. It registers the module with the registry once it listens,
/// keeps it registered, and on SIGTERM or Ctrl-C reports not-ready, deregisters, drains the
/// requests in flight and runs [`on_shutdown`](Self::on_shutdown).
///
/// The module value is its own state: `routes` runs once, so clone what the handlers need
/// into the router (with `Router::with_state` or closures). Handlers reach the platform
/// through the [`ModuleContext`](super::ModuleContext) extractor.
///
/// ```no_run
/// use lift_sdk::axum::{Router, routing::get};
/// use lift_sdk::ModuleManifest;
/// use lift_sdk::runtime::{LiftModule, ManifestSource, ModuleContext};
///
/// struct Hello;
///
/// impl LiftModule for Hello {
///     fn manifest(&self) -> ManifestSource {
///         ModuleManifest::new("hello", "1.0.0").into()
///     }
///
///     fn routes(&self) -> Router {
///         // Served at /api/v1/whoami (the manifest's default api_prefix).
///         Router::new().route(
///             "/whoami",
///             get(|ctx: ModuleContext| async move { ctx.user().user_id().to_owned() }),
///         )
///     }
/// }
///
/// #[tokio::main]
/// async fn main() -> Result<(), lift_sdk::runtime::ServeError> {
///     lift_sdk::serve(Hello).await
/// }
/// ```
pub trait LiftModule: Send + Sync + 'static {
    /// The module's manifest: given in code, or the path of a `module.json`. By default the
    /// file named by `LIFT_MODULE_MANIFEST` (`module.json`).
    ///
    /// The runtime registers the manifest's registry fields with its own public URL as
    /// `base_url`, and mounts the routes under its `api_prefix` (`/api/v1` when absent).
    fn manifest(&self) -> ManifestSource {
        ManifestSource::FromConfig
    }

    /// The module's own routes, relative to the manifest's `api_prefix`. Every one of them
    /// sits behind the auth layer.
    fn routes(&self) -> Router;

    /// Checks `/ready` runs besides the built-in `registered` and `shutting_down`, each with
    /// its own timeout; an [optional](Check::optional) one only warns.
    fn readiness_checks(&self) -> Vec<Check> {
        Vec::new()
    }

    /// Runs once the configuration is known to be good and the listener is bound, before
    /// the module serves or registers. An error stops the start: nothing is registered.
    ///
    /// `client` acts with the module's own credentials (from the configuration).
    fn on_start(&self, client: &LiftClient) -> impl Future<Output = Result<(), BoxError>> + Send {
        let _ = client;
        async { Ok(()) }
    }

    /// Runs last during shutdown, after the module deregistered and the requests in flight
    /// drained (or the drain deadline passed).
    fn on_shutdown(&self) -> impl Future<Output = ()> + Send {
        async {}
    }
}

/// Where a module's manifest comes from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ManifestSource {
    /// Given in code.
    Manifest(Box<ModuleManifest>),
    /// Read from this `module.json`.
    Path(PathBuf),
    /// Read from the file `LIFT_MODULE_MANIFEST` names (`module.json` by default).
    FromConfig,
}

impl From<ModuleManifest> for ManifestSource {
    fn from(manifest: ModuleManifest) -> Self {
        Self::Manifest(Box::new(manifest))
    }
}

impl From<PathBuf> for ManifestSource {
    fn from(path: PathBuf) -> Self {
        Self::Path(path)
    }
}

impl From<&str> for ManifestSource {
    fn from(path: &str) -> Self {
        Self::Path(PathBuf::from(path))
    }
}
