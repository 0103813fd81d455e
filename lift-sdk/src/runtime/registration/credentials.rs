//! Which credentials the runtime registers the module with, and the registry client that
//! carries them.
//!
//! Registry writes need the `admin` or `developer` role (contract §6). The first of these
//! that the configuration provides is used:
//!
//! 1. `JWT_SECRET`: a short-lived service token with the `developer` role, minted by
//!    [`ServiceTokenSigner`], sent through the gateway (`{gateway}/registry/…`) whatever
//!    `LIFT_ROUTING` says: the registry reads roles only from headers the gateway derives
//!    from a token. Its subject is `module-<slug of the module name>` (so the registry's
//!    `registered_by` names the module), in the organisation of the same name, as the
//!    reference makes every user their own organisation.
//! 2. `LIFT_ACCESS_TOKEN`, through the gateway.
//! 3. `LIFT_EMAIL`/`LIFT_PASSWORD`, logged in through the gateway's `/auth` ([`LoginSession`](lift_auth::LoginSession)).
//! 4. `LIFT_ROUTING=direct` with `LIFT_USER_ID`/`LIFT_ORG_ID`/`LIFT_USER_ROLES`: straight to
//!    `REGISTRY_SERVICE_URL` with the user-context headers. The roles must include `admin` or
//!    `developer` spelled exactly so: the registry does not trim or fold case.

use std::sync::Arc;

use lift_auth::{Role, ServiceTokenSigner, TokenIssuer, UserContext};
use lift_registry_client::RegistryClient;
use lift_sdk_core::{AuthProvider, CallObserver, CircuitBreaker, Error, RetryPolicy};

use crate::client::LiftClient;
use crate::config::{Credentials, LiftConfig, Routing};

/// The roles that may write to the registry.
const WRITE_ROLES: [&str; 2] = ["admin", "developer"];

/// Where the registration credentials come from (for logs and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialSource {
    /// A service token minted with `JWT_SECRET`, through the gateway.
    ServiceToken,
    /// `LIFT_ACCESS_TOKEN`, through the gateway.
    AccessToken,
    /// `LIFT_EMAIL`/`LIFT_PASSWORD`, through the gateway.
    Login,
    /// `LIFT_USER_*` headers, directly to the registry.
    Direct,
}

impl CredentialSource {
    /// The first source `config` provides.
    ///
    /// # Errors
    ///
    /// A [`Builder`](lift_sdk_core::ErrorKind::Builder) error naming the variables to set when
    /// none applies, or naming `LIFT_USER_ROLES` when the direct identity cannot write.
    pub(crate) fn of(config: &LiftConfig) -> Result<Self, Error> {
        if config.jwt_secret.is_some() {
            return Ok(Self::ServiceToken);
        }
        match &config.credentials {
            Credentials::Token(_) => return Ok(Self::AccessToken),
            Credentials::Login { .. } => return Ok(Self::Login),
            _ => {}
        }
        match (&config.routing, &config.direct_identity) {
            (Routing::Direct, Some(identity)) => {
                if identity
                    .roles
                    .iter()
                    .any(|role| WRITE_ROLES.contains(&role.as_str()))
                {
                    Ok(Self::Direct)
                } else {
                    Err(Error::builder(format!(
                        "LIFT_USER_ROLES=`{}` has neither `admin` nor `developer`: the registry \
                         refuses to register a module without one of them (exact, lower case)",
                        identity.roles.join(",")
                    )))
                }
            }
            _ => Err(Error::builder(
                "no credentials to register the module with: set JWT_SECRET (a service token \
                 is minted), LIFT_ACCESS_TOKEN, LIFT_EMAIL and LIFT_PASSWORD, or \
                 LIFT_ROUTING=direct with LIFT_USER_ID, LIFT_ORG_ID and LIFT_USER_ROLES \
                 (admin or developer)",
            )),
        }
    }

    /// A short description for logs: never a secret.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::ServiceToken => "a service token minted with JWT_SECRET, through the gateway",
            Self::AccessToken => "LIFT_ACCESS_TOKEN, through the gateway",
            Self::Login => "the LIFT_EMAIL account, through the gateway",
            Self::Direct => "the LIFT_USER_* identity, directly to the registry",
        }
    }
}

/// The registry client the runtime registers with, for the module called `module_name`,
/// on the shared connection pool `http`, its calls reported to `observer` (the module's
/// metrics).
///
/// # Errors
///
/// As [`registry_client_with`].
pub(crate) fn registry_client(
    config: &LiftConfig,
    http: reqwest::Client,
    module_name: &str,
    observer: Arc<dyn CallObserver>,
) -> Result<RegistryClient, Error> {
    registry_client_with(
        config,
        http,
        module_name,
        RetryPolicy::default(),
        Some(observer),
    )
}

/// [`registry_client`] with the retry policy of each call (tests lift its deadline).
///
/// The client has no circuit breaker: the registrar paces its own attempts, and a breaker
/// would replace the registry's real error with "circuit open" in readiness.
///
/// # Errors
///
/// A [`Builder`](lift_sdk_core::ErrorKind::Builder) error when no credentials apply (see
/// [`CredentialSource::of`]), when `JWT_SECRET` cannot sign tokens (too short), or when a
/// URL cannot be used.
pub(crate) fn registry_client_with(
    config: &LiftConfig,
    http: reqwest::Client,
    module_name: &str,
    retry_policy: RetryPolicy,
    observer: Option<Arc<dyn CallObserver>>,
) -> Result<RegistryClient, Error> {
    let source = CredentialSource::of(config)?;
    tracing::info!(
        credentials = source.describe(),
        "registry credentials chosen"
    );
    let signer = match (&config.jwt_secret, source) {
        (Some(secret), CredentialSource::ServiceToken) => {
            Some(service_token_signer(secret.expose(), module_name)?)
        }
        _ => None,
    };
    let mut config = config.clone();
    config.routing = match source {
        CredentialSource::Direct => Routing::Direct,
        _ => Routing::Gateway,
    };
    let mut builder = LiftClient::builder(config)
        .http_client(http)
        .retry_policy(retry_policy)
        .shared_circuit_breaker(CircuitBreaker::disabled());
    if let Some(signer) = signer {
        builder = builder.credentials(signer);
    }
    if let Some(observer) = observer {
        builder = builder.call_observer(observer);
    }
    Ok(builder.build()?.registry().clone())
}

/// The signer of the module's service tokens: subject `module-<slug>`, role `developer`.
pub(crate) fn service_token_signer(
    secret: &str,
    module_name: &str,
) -> Result<Arc<dyn AuthProvider>, Error> {
    let issuer = TokenIssuer::hs256(secret).map_err(|err| {
        Error::builder("JWT_SECRET cannot sign service tokens for registration").with_source(err)
    })?;
    let subject = service_subject(module_name);
    let identity = UserContext::new(&subject, &subject).with_roles([Role::Developer]);
    Ok(Arc::new(ServiceTokenSigner::new(issuer, identity)))
}

/// `module-<slug>`: lower-case ASCII letters and digits, other runs as one `-`, so the
/// token's e-mail (`<sub>@services.lift.local`) is a valid address.
pub(crate) fn service_subject(module_name: &str) -> String {
    let mut slug = String::with_capacity(module_name.len());
    for c in module_name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "module".to_owned()
    } else {
        format!("module-{slug}")
    }
}
