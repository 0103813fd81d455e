//! The registration lifecycle: register (replacing this instance's stale records), confirm
//! periodically, register again when the registry lost the module, deregister at shutdown.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use lift_registry_client::{ModuleId, ModuleManifest, ModuleRecord, RegistryClient, Unregistered};
use lift_sdk_core::Error;
use tokio::time::{Instant, MissedTickBehavior};
use url::Url;

use super::backoff::Backoff;
use super::settings::RegistrationSettings;
use crate::runtime::state::{RegistrationState, RuntimeState};

/// The shortest pause or interval: a zero setting must not make a busy loop.
const MIN_PAUSE: Duration = Duration::from_millis(1);

/// Registers one module instance and keeps it registered.
///
/// A record in the registry with the module's name **and** its base URL (trailing `/`
/// ignored: the registry stores `http://h:1/` for `http://h:1`) belongs to this instance:
/// at start such records are stale (left by a crash, or by a registration whose answer was
/// lost) and are deleted before registering afresh; when registering *again* after the
/// registry lost the module, such a record is adopted instead (it is the answer of a lost
/// attempt, or a replica serving the same URL, which must not be made to re-register in
/// turn). Records with other base URLs (other replicas) are never touched.
#[derive(Debug)]
pub(crate) struct Registrar {
    registry: RegistryClient,
    manifest: ModuleManifest,
    /// The public base URL, normalised and without trailing `/`, as sent.
    base_url: String,
    settings: RegistrationSettings,
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
            registrations: AtomicU64::new(0),
            maybe_orphan: AtomicBool::new(false),
        })
    }

    /// Registers the module and keeps it registered until shutdown starts.
    ///
    /// Publishes [`RegistrationState::Pending`] after each failed attempt and
    /// [`RegistrationState::Registered`] on success. Cancel-safe: the state is only changed
    /// between awaits, from answers actually received, so dropping this future anywhere
    /// leaves it true. A registration cut short may leave a record behind;
    /// [`deregister`](Self::deregister) looks for it.
    pub(crate) async fn run(&self, state: &RuntimeState) {
        let mut lost: Option<ModuleId> = None;
        loop {
            let id = tokio::select! {
                biased;
                () = state.shutdown_started() => return,
                id = self.register(state, lost.as_ref()) => id,
            };
            tokio::select! {
                biased;
                () = state.shutdown_started() => return,
                () = self.confirm_until_lost(&id) => {}
            }
            state.set_registration(RegistrationState::Pending {
                attempts: 0,
                last_error: Some(format!("the registry no longer holds module {id}")),
            });
            lost = Some(id);
        }
    }

    /// Attempts until one succeeds, pausing with backoff; returns the module's id.
    async fn register(&self, state: &RuntimeState, lost: Option<&ModuleId>) -> ModuleId {
        let mut backoff = Backoff::new(
            self.settings.retry_initial.max(MIN_PAUSE),
            self.settings.retry_max.max(MIN_PAUSE),
        );
        let mut attempts: u32 = 0;
        loop {
            match self.attempt(lost.is_some()).await {
                Ok(outcome) => {
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
                        None => tracing::info!(module_id = %id, how, "module registered"),
                        Some(old) => tracing::info!(
                            module_id = %id,
                            previous_id = %old,
                            how,
                            registrations,
                            "module registered again: the registry had lost it"
                        ),
                    }
                    return id;
                }
                Err(err) => {
                    attempts = attempts.saturating_add(1);
                    state.set_registration(RegistrationState::Pending {
                        attempts,
                        last_error: Some(err.to_string()),
                    });
                    let pause = if is_curable(&err) {
                        let pause = backoff.next_pause();
                        tracing::warn!(attempts, error = %err, retry_in = ?pause, "registration failed; retrying");
                        pause
                    } else {
                        // A refusal (wrong credentials or role, invalid body) is a
                        // configuration problem: say so loudly, and retry rarely in case it
                        // is fixed on the platform side (a role granted, a secret rotated).
                        let pause = backoff.max();
                        tracing::error!(attempts, error = %err, retry_in = ?pause, "the registry refused the registration; check the credentials and their role (admin or developer)");
                        pause
                    };
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    /// One attempt: clean up or adopt this instance's records, then register.
    async fn attempt(&self, again: bool) -> Result<Outcome, Error> {
        let own = self.own_records().await?;
        if again {
            if let Some(record) = own.into_iter().next() {
                self.maybe_orphan.store(false, Ordering::Relaxed);
                return Ok(Outcome::Adopted(record.id));
            }
        } else {
            for record in own {
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

    /// Returns when the registry says it no longer holds `id`; a failed check is retried at
    /// the next interval.
    async fn confirm_until_lost(&self, id: &ModuleId) {
        let period = self.settings.check_interval.max(MIN_PAUSE);
        let mut interval = tokio::time::interval_at(Instant::now() + period, period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match self.registry.is_registered(id).await {
                Ok(true) => tracing::debug!(module_id = %id, "registration confirmed"),
                Ok(false) => {
                    tracing::warn!(module_id = %id, "the registry no longer holds the module; registering again");
                    return;
                }
                Err(err) => {
                    tracing::warn!(module_id = %id, error = %err, "cannot confirm the registration; checking again at the next interval")
                }
            }
        }
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

/// Whether retrying soon may help: connection failures, time-outs, 429, 5xx, an open
/// circuit. Refusals (401, 403, 422, other 4xx), credentials that cannot be obtained and
/// undecodable answers are not.
fn is_curable(err: &Error) -> bool {
    err.is_retryable()
        || err.is_circuit_open()
        || err.status().is_some_and(|status| status.is_server_error())
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
