//! What a failed registry call means for the registrar, and what to tell the operator.

use lift_sdk_core::Error;

use super::credentials::CredentialSource;

/// How a failed registration or confirmation is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Connection failures, time-outs, 429, 5xx, an open circuit: retried with backoff.
    Transient,
    /// The registry answered, but not in its contract's shape: retried with backoff (a
    /// proxy's error page, a registry mid-deploy), and logged as what it is.
    Undecodable,
    /// 401 or 403: the credentials, not the registry. Retried rarely, logged with the fix.
    Credentials,
    /// Any other refusal (422, other 4xx, credentials that could not be obtained): a
    /// configuration problem, retried rarely.
    Refused,
}

impl Failure {
    pub(crate) fn of(err: &Error) -> Self {
        if err.is_unauthorized() || err.is_forbidden() {
            Self::Credentials
        } else if err.kind() == lift_sdk_core::ErrorKind::Decode {
            Self::Undecodable
        } else if err.is_retryable()
            || err.is_circuit_open()
            || err.status().is_some_and(|status| status.is_server_error())
        {
            Self::Transient
        } else {
            Self::Refused
        }
    }
}

/// What to check after the registry refused `err`, given where the credentials came from.
pub(crate) fn hint(err: &Error, source: Option<CredentialSource>) -> String {
    use CredentialSource::{AccessToken, Direct, Login, ServiceToken};
    if err.is_unauthorized() {
        return match source {
            Some(ServiceToken) => "the gateway refused the service token minted from \
                JWT_SECRET: the secret probably differs from the platform's (the auth \
                service's JWT_SECRET)"
                .to_owned(),
            Some(AccessToken) => "LIFT_ACCESS_TOKEN was refused: it has expired or was not \
                issued by this platform; log in again and set the new token"
                .to_owned(),
            Some(Login) => "the session of the LIFT_EMAIL account was refused: check that \
                the account exists on this platform"
                .to_owned(),
            Some(Direct) | None => {
                "the credentials were refused: check them against the platform".to_owned()
            }
        };
    }
    if err.is_forbidden() {
        let whose = match source {
            Some(ServiceToken) => "the service token (minted with the developer role)",
            Some(AccessToken) => "the user of LIFT_ACCESS_TOKEN",
            Some(Login) => "the LIFT_EMAIL account",
            Some(Direct) => "LIFT_USER_ROLES",
            None => "the credentials",
        };
        return format!("{whose} lacks a role the registry needs to write: `admin` or `developer`");
    }
    match err.status() {
        Some(status) if status.as_u16() == 422 => {
            "the registry refused the manifest: fix the field the error names".to_owned()
        }
        Some(_) => "the registry refused the registration".to_owned(),
        None => "the credentials could not be obtained".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_told_apart_by_what_retrying_can_cure() {
        let decode = Error::decode("expected value at line 1 column 1");
        assert_eq!(Failure::of(&decode), Failure::Undecodable);
        assert_eq!(Failure::of(&Error::timeout("slow")), Failure::Transient);
        assert_eq!(
            Failure::of(&Error::builder("no credentials")),
            Failure::Refused
        );
    }
}
