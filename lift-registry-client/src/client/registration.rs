//! Registering and unregistering modules, and asking whether one is registered.

use lift_sdk_core::Error;
use serde::Deserialize;

use super::body::RegistrationBody;
use super::{RegistryClient, with_role_hint};
use crate::id::ModuleId;
use crate::manifest::ModuleManifest;
use crate::record::{Registration, Unregistered};

impl RegistryClient {
    /// Registers a module (`POST /modules`): validates the manifest, sends the ten fields
    /// the registry reads (contract §6.1) with `base_url` stripped of its trailing `/`, and
    /// returns the new [`ModuleId`], the stored record and the first health probe.
    ///
    /// Every manifest variant of contract §7.4 registers with what it declares:
    /// `capabilities` are added to `features`; a top-level `description`, `author`,
    /// `category` and `tags` fill `metadata` where it has none; `health_check.endpoint` is
    /// the health endpoint when `health_endpoint` is absent.
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
    /// [`validate_for_registration`](ModuleManifest::validate_for_registration) or a merged
    /// variant has the wrong type; its [`source()`](std::error::Error::source) is the
    /// [`ManifestError`](crate::ManifestError), whose `field()` names the field; kind
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

    /// Unregisters a module (`DELETE /modules/{id}`).
    ///
    /// A module the registry no longer knows (a `404`: unregistered before, or forgotten
    /// when the registry restarted) is what unregistering wants, so it is reported as
    /// [`Unregistered::AlreadyGone`] rather than as an error.
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput`, before anything is sent, for an id that is not a
    /// safe path segment (see [`ModuleId`]); kind `Status` for `403` (with a hint that the
    /// `admin` or `developer` role is required) or another refusal; any error of the call.
    pub async fn unregister(&self, id: &ModuleId) -> Result<Unregistered, Error> {
        #[derive(Deserialize)]
        struct Removed {
            #[serde(default)]
            module_id: Option<ModuleId>,
        }

        let segment = id.as_path_segment()?;
        let answer = self
            .transport
            .delete(["modules", segment])
            .send_data::<Option<Removed>>()
            .await;
        match answer {
            Ok(removed) => Ok(Unregistered::Removed(
                removed
                    .and_then(|removed| removed.module_id)
                    .unwrap_or_else(|| id.clone()),
            )),
            Err(err) if err.is_not_found() => Ok(Unregistered::AlreadyGone),
            Err(err) => Err(with_role_hint(err)),
        }
    }

    /// Whether the registry knows the module (`GET /modules/{id}`: `true` on 200, `false`
    /// on 404). The registry probes the module's health to answer, so this takes as long as
    /// [`get`](Self::get).
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput`, before anything is sent, for an id that is not a
    /// safe path segment; any other error of the call.
    pub async fn is_registered(&self, id: &ModuleId) -> Result<bool, Error> {
        let segment = id.as_path_segment()?;
        let answer = self.transport.get(["modules", segment]).send().await;
        match answer {
            Ok(_) => Ok(true),
            Err(err) if err.is_not_found() => Ok(false),
            Err(err) => Err(err),
        }
    }
}
