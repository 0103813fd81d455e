//! The built-in readiness checks: `registered` and `shutting_down`, read live from the
//! runtime state on every probe (they cost nothing and must never be stale).

use std::sync::Arc;

use chrono::Utc;

use super::readiness::{CheckResult, Status};
use crate::runtime::state::{RegistrationState, RuntimeState};

/// The name of the built-in check that the registry holds the module's id.
pub(crate) const REGISTERED: &str = "registered";
/// The name of the built-in check that fails once shutdown has begun.
pub(crate) const SHUTTING_DOWN: &str = "shutting_down";

/// Passes while registered (its result carries the id) or when registration is disabled;
/// warns while unconfirmed (fails instead when `require_confirmed`); fails while pending
/// (saying why) and once deregistered.
pub(crate) fn registered(registration: &RegistrationState, require_confirmed: bool) -> CheckResult {
    let (status, output, module_id) = match registration {
        RegistrationState::Registered { id, .. } => (Status::Pass, None, Some(id.clone())),
        RegistrationState::Unconfirmed {
            id,
            since,
            last_error,
            ..
        } => {
            let status = if require_confirmed {
                Status::Fail
            } else {
                Status::Warn
            };
            let since = since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let output = format!("unconfirmed since {since}: {last_error}");
            (status, Some(output), Some(id.clone()))
        }
        RegistrationState::Disabled => (
            Status::Pass,
            Some("registration is disabled".to_owned()),
            None,
        ),
        RegistrationState::Pending {
            attempts: 0,
            last_error: _,
        } => (Status::Fail, Some("registering".to_owned()), None),
        RegistrationState::Pending {
            attempts,
            last_error,
        } => {
            let why = last_error.as_deref().unwrap_or("unknown error");
            let output = format!("not registered after {attempts} attempts: {why}");
            (Status::Fail, Some(output), None)
        }
        RegistrationState::Deregistered => (Status::Fail, Some("deregistered".to_owned()), None),
    };
    CheckResult {
        name: Arc::from(REGISTERED),
        status,
        output,
        module_id,
        elapsed: None,
        time: Utc::now(),
    }
}

/// Fails once shutdown has begun.
pub(crate) fn shutting_down(state: &RuntimeState) -> CheckResult {
    let (status, output) = if state.is_shutting_down() {
        (Status::Fail, Some("shutting down".to_owned()))
    } else {
        (Status::Pass, None)
    };
    CheckResult {
        name: Arc::from(SHUTTING_DOWN),
        status,
        output,
        module_id: None,
        elapsed: None,
        time: Utc::now(),
    }
}

#[cfg(test)]
mod tests {
    use lift_registry_client::ModuleId;

    use super::*;

    #[test]
    fn registration_states_map_to_the_registered_check() {
        let id = ModuleId::new("2f1c").expect("a valid id");
        let registered_state = RegistrationState::Registered {
            id: id.clone(),
            registrations: 2,
        };
        let pending = RegistrationState::Pending {
            attempts: 0,
            last_error: None,
        };

        assert_eq!(
            registered(&registered_state, false).module_id,
            Some(id.clone())
        );
        assert_eq!(
            registered(&RegistrationState::Disabled, false).status,
            Status::Pass
        );
        assert_eq!(registered(&pending, false).status, Status::Fail);
        assert_eq!(
            registered(&RegistrationState::Deregistered, false)
                .output
                .as_deref(),
            Some("deregistered")
        );
        let unconfirmed = RegistrationState::Unconfirmed {
            id: id.clone(),
            registrations: 1,
            since: Utc::now(),
            last_error: "503 from the registry".to_owned(),
        };
        let lenient = registered(&unconfirmed, false);
        assert_eq!(
            (lenient.status, lenient.module_id),
            (Status::Warn, Some(id))
        );
        assert!(lenient.output.unwrap().contains("unconfirmed since"));
        assert_eq!(registered(&unconfirmed, true).status, Status::Fail);
    }
}
