//! Confirming, at a jittered interval, that the registry still holds the module.

use std::time::Duration;

use lift_registry_client::ModuleId;
use lift_sdk_core::Error;

use super::refusal::{Failure, hint};
use super::registrar::{MIN_PAUSE, Registrar};
use crate::runtime::state::{RegistrationState, RuntimeState};

impl Registrar {
    /// Returns when the registry says it no longer holds `id`.
    ///
    /// A failed check makes the state [`RegistrationState::Unconfirmed`] (since the first
    /// failure of a run) until a check succeeds again; it is checked again at the next
    /// interval. A credentials problem (401, 403) is logged once per run of failures, with
    /// what to fix; other failures once per check.
    pub(super) async fn confirm_until_lost(
        &self,
        state: &RuntimeState,
        id: &ModuleId,
        registrations: u64,
    ) {
        let period = self.settings.check_interval.max(MIN_PAUSE);
        let mut credentials_reported = false;
        loop {
            tokio::time::sleep(jittered(period)).await;
            match self.registry.is_registered(id).await {
                Ok(true) => {
                    if matches!(state.registration(), RegistrationState::Unconfirmed { .. }) {
                        tracing::info!(module_id = %id, "registration confirmed again");
                    } else {
                        tracing::debug!(module_id = %id, "registration confirmed");
                    }
                    credentials_reported = false;
                    state.set_registration(RegistrationState::Registered {
                        id: id.clone(),
                        registrations,
                    });
                }
                Ok(false) => {
                    tracing::warn!(module_id = %id, "the registry no longer holds the module; registering again");
                    return;
                }
                Err(err) => {
                    self.report_unconfirmed(id, &err, &mut credentials_reported);
                    mark_unconfirmed(state, id, registrations, &err);
                }
            }
        }
    }

    fn report_unconfirmed(&self, id: &ModuleId, err: &Error, credentials_reported: &mut bool) {
        match Failure::of(err) {
            Failure::Credentials if *credentials_reported => {
                tracing::debug!(module_id = %id, error = %err, "registration still unconfirmed: credentials refused");
            }
            Failure::Credentials => {
                *credentials_reported = true;
                tracing::error!(module_id = %id, status = err.status().map(|status| status.as_u16()), error = %err, "cannot confirm the registration: a credentials problem, not the registry's: {}", hint(err, self.credentials));
            }
            Failure::Undecodable => {
                tracing::warn!(module_id = %id, error = %err, "cannot confirm the registration: the registry's answer could not be decoded; checking again at the next interval");
            }
            Failure::Transient | Failure::Refused => {
                tracing::warn!(module_id = %id, error = %err, "cannot confirm the registration; checking again at the next interval");
            }
        }
    }
}

/// Publishes "unconfirmed", keeping the time of the first failure of the run.
fn mark_unconfirmed(state: &RuntimeState, id: &ModuleId, registrations: u64, err: &Error) {
    let since = match state.registration() {
        RegistrationState::Unconfirmed { since, .. } => since,
        _ => chrono::Utc::now(),
    };
    state.set_registration(RegistrationState::Unconfirmed {
        id: id.clone(),
        registrations,
        since,
        last_error: err.to_string(),
    });
}

/// `period` ±10 %, so that a fleet started together does not check in lockstep.
fn jittered(period: Duration) -> Duration {
    period.mul_f64(fastrand::f64().mul_add(0.2, 0.9))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_varies_within_ten_percent() {
        let period = Duration::from_secs(30);
        let pauses: Vec<Duration> = (0..200).map(|_| jittered(period)).collect();
        assert!(pauses.iter().all(|pause| {
            *pause >= Duration::from_secs(27) && *pause <= Duration::from_secs(33)
        }));
        let distinct: std::collections::BTreeSet<_> = pauses.iter().collect();
        assert!(distinct.len() > 100, "not jittered: {distinct:?}");
    }
}
