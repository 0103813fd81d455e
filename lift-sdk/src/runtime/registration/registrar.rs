//! The registration lifecycle: register (replacing this instance's stale records), confirm
//! periodically, register again when the registry lost the module, deregister at shutdown.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use lift_registry_client::{ModuleId, ModuleManifest, ModuleRecord, RegistryClient, Unregistered};
use lift_sdk_core::Error;
use url::Url;

use super::backoff::Backoff;
use super::credentials::CredentialSource;
use super::instance::{INSTANCE_ID_KEY, InstanceProbe, Owner};
use super::refusal::{Failure, hint};
use super::settings::RegistrationSettings;
use crate::runtime::error::ServeError;
use crate::runtime::state::{RegistrationState, RuntimeState};

/// The shortest pause or interval: a zero setting must not make a busy loop.
pub(super) const MIN_PAUSE: Duration = Duration::from_millis(1);

/// Registers one module instance and keeps it registered.
///
/// A record in the registry with the module's name **and** its base URL (trailing `/`
/// ignored: the registry stores `http://h:1/` for `http://h:1`) may belong to this instance:
/// at start such records are stale (left by a crash, or by a registration whose answer was
/// lost) and are deleted before registering afresh, unless the URL answers with another
/// live instance's id (see [`InstanceProbe`]): then the start is refused with
/// [`ServeError::Conflict`]. When registering *again* after the registry lost the module,
/// such a record is adopted instead (it is the answer of a lost attempt, or a replica
/// serving the same URL, which must not be made to re-register in turn). Records with other
/// base URLs (other replicas) are never touched.
#[derive(Debug)]
pub(crate) struct Registrar {
    pub(super) registry: RegistryClient,
    manifest: ModuleManifest,
    /// The public base URL, normalised and without trailing `/`, as sent.
    base_url: String,
    pub(super) settings: RegistrationSettings,
    /// Where the credentials come from, for the hints of refusals.
    pub(super) credentials: Option<CredentialSource>,
    /// Tells this instance's stale records from a live replica's; none: every record with
    /// this URL counts as stale.
    probe: Option<InstanceProbe>,
    /// Successful registrations so far.
    registrations: AtomicU64,
    /// A registration `POST` was sent and its outcome is unknown: a record may exist that
    /// nobody knows the id of, so deregistering looks for it.
    maybe_orphan: AtomicBool,
}

/// How an attempt ended.
enum Outcome {
    Registered(ModuleId),
    Adopted(ModuleId),
}

/// Why an attempt failed.
enum AttemptError {
    Registry(Error),
    /// Another live instance serves this base URL (its instance id).
    Conflict(String),
}

impl From<Error> for AttemptError {
    fn from(err: Error) -> Self {
        Self::Registry(err)
    }
}

impl Registrar {
    /// A registrar for `manifest`, registered at `public_url` (which replaces the manifest's
    /// own `base_url`) through `registry`.
    ///
    /// # Errors
    ///
    /// A [`Builder`](lift_sdk_core::ErrorKind::Builder) error naming the manifest field that
    /// cannot be registered; its source is the
    /// [`ManifestError`](lift_registry_client::ManifestError).
    pub(crate) fn new(
        registry: RegistryClient,
        mut manifest: ModuleManifest,
        public_url: &Url,
        settings: RegistrationSettings,
    ) -> Result<Self, Error> {
        let base_url = normalised(public_url.as_str());
        manifest.base_url = Some(base_url.clone());
        manifest.validate_for_registration().map_err(|err| {
            let field = err.field().unwrap_or("manifest").to_owned();
            Error::builder(format!(
                "the module manifest cannot be registered: field `{field}` is invalid"
            ))
            .with_source(err)
        })?;
        Ok(Self {
            registry,
            manifest,
            base_url,
            settings,
            credentials: None,
            probe: None,
            registrations: AtomicU64::new(0),
            maybe_orphan: AtomicBool::new(false),
        })
    }

    /// Names where the credentials come from, so refusals say what to check.
    pub(crate) fn with_credentials(mut self, source: CredentialSource) -> Self {
        self.credentials = Some(source);
        self
    }

    /// Probes the URL of a same-URL record before deleting it, and registers `probe.this`
    /// in the record's metadata.
    pub(crate) fn with_instance(mut self, probe: InstanceProbe) -> Self {
        let metadata = self.manifest.metadata.get_or_insert_with(Default::default);
        metadata
            .extra
            .insert(INSTANCE_ID_KEY.to_owned(), probe.this.clone().into());
        self.probe = Some(probe);
        self
    }

    /// Registers the module and keeps it registered until shutdown starts.
    ///
    /// Publishes [`RegistrationState::Pending`] after each failed attempt,
    /// [`RegistrationState::Registered`] on success and
    /// [`RegistrationState::Unconfirmed`] while confirmations fail. Cancel-safe: the state is
    /// only changed between awaits, from answers actually received, so dropping this future
    /// anywhere leaves it true. A registration cut short may leave a record behind;
    /// [`deregister`](Self::deregister) looks for it.
    ///
    /// # Errors
    ///
    /// [`ServeError::Conflict`] when another live instance serves this base URL: the module
    /// must not start (it would evict that instance's record).
    pub(crate) async fn run(&self, state: &RuntimeState) -> Result<(), ServeError> {
        let mut lost: Option<ModuleId> = None;
        loop {
            let id = tokio::select! {
                biased;
                () = state.shutdown_started() => return Ok(()),
                id = self.register(state, lost.as_ref()) => id?,
            };
            let registrations = self.registrations.load(Ordering::Relaxed);
            tokio::select! {
                biased;
                () = state.shutdown_started() => return Ok(()),
                () = self.confirm_until_lost(state, &id, registrations) => {}
            }
            state.set_registration(RegistrationState::Pending {
                attempts: 0,
                last_error: Some(format!("the registry no longer holds module {id}")),
            });
            lost = Some(id);
        }
    }

    /// Attempts until one succeeds, pausing with backoff; returns the module's id.
    async fn register(
        &self,
        state: &RuntimeState,
        lost: Option<&ModuleId>,
    ) -> Result<ModuleId, ServeError> {
        let mut backoff = Backoff::new(
            self.settings.retry_initial.max(MIN_PAUSE),
            self.settings.retry_max.max(MIN_PAUSE),
        );
        let mut attempts: u32 = 0;
        loop {
            let err = match self.attempt(lost.is_some()).await {
                Ok(outcome) => return Ok(self.registered(state, outcome, lost)),
                Err(AttemptError::Conflict(other)) => {
                    let err = self.conflict(state, other);
                    tracing::error!(error = %err, "registration refused: the module stops");
                    return Err(err);
                }
                Err(AttemptError::Registry(err)) => err,
            };
            attempts = attempts.saturating_add(1);
            state.set_registration(RegistrationState::Pending {
                attempts,
                last_error: Some(err.to_string()),
            });
            let pause = match Failure::of(&err) {
                Failure::Transient => {
                    let pause = backoff.next_pause();
                    tracing::warn!(attempts, error = %err, retry_in = ?pause, "registration failed; retrying");
                    pause
                }
                Failure::Undecodable => {
                    let pause = backoff.next_pause();
                    tracing::warn!(attempts, error = %err, retry_in = ?pause, "the registry's answer could not be decoded (a proxy's page, or a registry of another version?); retrying");
                    pause
                }
                Failure::Credentials | Failure::Refused => {
                    // A configuration problem: say what to check, and retry rarely in case
                    // it is fixed on the platform side (a role granted, a secret rotated).
                    let pause = backoff.max();
                    let status = err.status().map(|status| status.as_u16());
                    tracing::warn!(attempts, status, error = %err, retry_in = ?pause, "the registry refused the registration: {}", hint(&err, self.credentials));
                    pause
                }
            };
            tokio::time::sleep(pause).await;
        }
    }

    /// Publishes and logs a successful attempt.
    fn registered(
        &self,
        state: &RuntimeState,
        outcome: Outcome,
        lost: Option<&ModuleId>,
    ) -> ModuleId {
        let (id, how) = match outcome {
            Outcome::Registered(id) => (id, "registered"),
            Outcome::Adopted(id) => (id, "adopted the existing record"),
        };
        let registrations = self.registrations.fetch_add(1, Ordering::Relaxed) + 1;
        state.set_registration(RegistrationState::Registered {
            id: id.clone(),
            registrations,
        });
        match lost {
            None => {
                tracing::info!(module_id = %id, base_url = %self.base_url, how, "module registered")
            }
            Some(old) => tracing::info!(
                module_id = %id,
                previous_id = %old,
                how,
                registrations,
                "module registered again: the registry had lost it"
            ),
        }
        id
    }

    fn conflict(&self, state: &RuntimeState, other: String) -> ServeError {
        ServeError::Conflict {
            module: self.manifest.name.clone(),
            base_url: self.base_url.clone(),
            this: state.instance_id().to_owned(),
            other,
        }
    }

    /// One attempt: clean up or adopt this instance's records, then register.
    async fn attempt(&self, again: bool) -> Result<Outcome, AttemptError> {
        let own = self.own_records().await?;
        if again {
            if let Some(record) = own.into_iter().next() {
                self.maybe_orphan.store(false, Ordering::Relaxed);
                return Ok(Outcome::Adopted(record.id));
            }
        } else {
            for record in own {
                if let Some(probe) = &self.probe
                    && let Owner::Other(other) = probe.owner_of(&record.base_url).await
                {
                    return Err(AttemptError::Conflict(other));
                }
                self.registry.unregister(&record.id).await?;
                tracing::info!(stale_id = %record.id, base_url = %self.base_url, "removed a stale record of this instance");
            }
        }
        self.maybe_orphan.store(true, Ordering::Relaxed);
        let answer = self.registry.register(&self.manifest).await;
        // An answer (success or refusal) settles it, and so does a request that never left
        // (no connection, no credentials); a lost answer leaves a record possible.
        let settled = match &answer {
            Ok(_) => true,
            Err(err) => err.status().is_some() || err.is_connect() || err.attempts() == 0,
        };
        if settled {
            self.maybe_orphan.store(false, Ordering::Relaxed);
        }
        Ok(Outcome::Registered(answer?.module_id))
    }

    /// Removes the module's record (a `404` counts as done), bounded by the deregister
    /// time-out, then publishes [`RegistrationState::Deregistered`]. Call it after
    /// [`run`](Self::run) returned or was dropped.
    ///
    /// When a registration was cut short (its answer never came), the records of this
    /// instance (same name and base URL) are looked up and removed too. Nothing happens when
    /// the module is not registered and no registration is in doubt.
    ///
    /// # Errors
    ///
    /// An error of kind [`Timeout`](lift_sdk_core::ErrorKind::Timeout) when it took longer
    /// than the deregister time-out; any error of the registry calls. The state is then
    /// left as it was.
    pub(crate) async fn deregister(&self, state: &RuntimeState) -> Result<(), Error> {
        let current = state.module_id();
        let in_doubt = self.maybe_orphan.load(Ordering::Relaxed);
        if current.is_none() && !in_doubt {
            return Ok(());
        }
        let work = async {
            if let Some(id) = &current {
                match self.registry.unregister(id).await? {
                    Unregistered::AlreadyGone => {
                        tracing::info!(module_id = %id, "module deregistered (the registry no longer held it)");
                    }
                    _ => {
                        tracing::info!(module_id = %id, "module deregistered");
                    }
                }
            }
            if in_doubt {
                for record in self.own_records().await? {
                    self.registry.unregister(&record.id).await?;
                    tracing::info!(module_id = %record.id, "removed the record of a registration cut short by shutdown");
                }
                self.maybe_orphan.store(false, Ordering::Relaxed);
            }
            Ok::<_, Error>(())
        };
        let limit = self.settings.deregister_timeout;
        match tokio::time::timeout(limit, work).await {
            Ok(Ok(())) => {
                state.set_registration(RegistrationState::Deregistered);
                Ok(())
            }
            Ok(Err(err)) => Err(err),
            Err(_) => Err(Error::timeout(format!(
                "deregistration took longer than {limit:?}"
            ))),
        }
    }

    /// The registry's records of this instance: same name, same base URL.
    async fn own_records(&self) -> Result<Vec<ModuleRecord>, Error> {
        let mut records = self.registry.find_all_by_name(&self.manifest.name).await?;
        records.retain(|record| normalised(&record.base_url) == self.base_url);
        Ok(records)
    }
}

/// A base URL as the registry compares it: parsed (scheme and host in lower case, default
/// port dropped) and without trailing `/`; as written, trimmed, when it does not parse.
fn normalised(url: &str) -> String {
    let url = url.trim();
    match Url::parse(url) {
        Ok(parsed) => parsed.as_str().trim_end_matches('/').to_owned(),
        Err(_) => url.trim_end_matches('/').to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_compare_without_trailing_slash_case_or_default_port() {
        assert_eq!(normalised("http://h:1/"), "http://h:1");
        assert_eq!(normalised("http://h:1"), "http://h:1");
        assert_eq!(normalised("HTTP://Host:80/"), "http://host");
        assert_eq!(normalised("http://h:1/mod/"), "http://h:1/mod");
        assert_ne!(normalised("http://h:2/"), normalised("http://h:1"));
        assert_eq!(normalised(" not a url/ "), "not a url");
    }
}
