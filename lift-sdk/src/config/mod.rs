//! Where the platform is and how to authenticate: `LiftConfig`.

use std::cell::RefCell;
use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use lift_sdk_core::{Error, Secret};
use url::Url;

mod module;
mod public_url;
mod values;

pub(crate) use module::parse_public_url;

pub use module::ModuleSettings;
pub use public_url::{PublicUrl, PublicUrlSource};

/// How clients reach the services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Routing {
    /// Through the gateway (`{gateway}/memory/…`, `{gateway}/registry/…`) with a bearer
    /// token. The gateway derives the user context from the token; the SDK never sends
    /// `X-User-*` headers this way (contract §4.2).
    #[default]
    Gateway,
    /// Straight to each service's own URL with the user-context headers, as modules inside
    /// the platform network do (contract §7.3). Trusted networks only.
    Direct,
}

/// The credentials a [`LiftClient`](crate::LiftClient) uses when no caller is in scope.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// No credentials: only public routes (health, auth login) work.
    #[default]
    None,
    /// A ready-made access token.
    Token(Secret),
    /// An account the SDK logs in with, and logs in again before the token expires.
    Login {
        /// The account's e-mail.
        email: String,
        /// The account's password.
        password: Secret,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Token(_) => f.write_str("Token([redacted])"),
            Self::Login { email, .. } => f
                .debug_struct("Login")
                .field("email", email)
                .field("password", &"[redacted]")
                .finish(),
        }
    }
}

/// A fixed user context for [`Routing::Direct`] calls made outside any request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DirectIdentity {
    /// Sent as `X-User-ID`.
    pub user_id: String,
    /// Sent as `X-Org-ID`.
    pub org_id: String,
    /// Sent as `X-User-Roles`, comma-joined.
    pub roles: Vec<String>,
}

impl DirectIdentity {
    /// An identity with no roles.
    #[must_use]
    pub fn new(user_id: impl Into<String>, org_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            org_id: org_id.into(),
            roles: Vec::new(),
        }
    }

    /// Sets the roles.
    #[must_use]
    pub fn roles<I, S>(mut self, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles = roles.into_iter().map(Into::into).collect();
        self
    }
}

/// Where the Lift services are and how to call them.
///
/// Build it from the environment with [`from_env`](Self::from_env) (the variables the
/// reference services use, table below), or in code with [`new`](Self::new) and the
/// setters. Every URL is checked when the config is built, and an error names the variable
/// or setting that was wrong.
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `GATEWAY_URL` | `http://localhost:8000` | the gateway |
/// | `AUTH_SERVICE_URL` | `http://localhost:8001` | auth (direct routing) |
/// | `MEMORY_SERVICE_URL` | `http://localhost:8003` | memory (direct routing) |
/// | `REGISTRY_SERVICE_URL` | `http://localhost:8005` | registry (direct routing) |
/// | `LIFT_ROUTING` | `gateway` | `gateway` or `direct` |
/// | `JWT_SECRET` | — | the shared HS256 secret, for verifying callers and minting service tokens |
/// | `LIFT_ACCESS_TOKEN` | — | a ready-made access token |
/// | `LIFT_EMAIL`, `LIFT_PASSWORD` | — | an account to log in with (both or neither) |
/// | `LIFT_USER_ID`, `LIFT_ORG_ID`, `LIFT_USER_ROLES` | — | the identity of direct calls made outside a request |
/// | `LIFT_HTTP_TIMEOUT` | `10s` | time-out of one attempt, under the 30 s deadline of a whole call (`500ms`, `30s`, `2m` or plain seconds) |
/// | `OBSERVABILITY_SERVICE_URL` | — | the observability service; a module registers its health endpoint there when set |
/// | `LIFT_MODULE_PORT` | `9100` | the port a module listens on ([`ModuleSettings`]) |
/// | `LIFT_MODULE_HOST` | `0.0.0.0` | the address a module listens on |
/// | `LIFT_MODULE_PUBLIC_URL` | derived from the bound address | the base URL a module registers |
/// | `LIFT_MODULE_MANIFEST` | `module.json` | the manifest a module reads when it gives none in code |
///
/// ```
/// use lift_sdk::{LiftConfig, Routing};
///
/// let env = [("GATEWAY_URL", "http://gw.internal:8000"), ("LIFT_ROUTING", "gateway")];
/// let config = LiftConfig::from_lookup(|name| {
///     env.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string())
/// })?;
/// assert_eq!(config.gateway_url.as_str(), "http://gw.internal:8000/");
/// assert_eq!(config.routing, Routing::Gateway);
///
/// let bad = LiftConfig::from_lookup(|name| (name == "MEMORY_SERVICE_URL").then(|| "memory:8003".into()));
/// assert!(bad.unwrap_err().to_string().contains("MEMORY_SERVICE_URL"));
/// # Ok::<(), lift_sdk::Error>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct LiftConfig {
    /// The gateway's base URL.
    pub gateway_url: Url,
    /// The auth service's own URL.
    pub auth_url: Url,
    /// The memory service's own URL.
    pub memory_url: Url,
    /// The registry's own URL.
    pub registry_url: Url,
    /// How clients reach the services.
    pub routing: Routing,
    /// Default credentials.
    pub credentials: Credentials,
    /// The shared HS256 secret (`JWT_SECRET`), if this process knows it.
    pub jwt_secret: Option<Secret>,
    /// The identity of [`Routing::Direct`] calls made outside a request.
    pub direct_identity: Option<DirectIdentity>,
    /// The time-out of one attempt.
    pub timeout: Duration,
    /// The observability service (`OBSERVABILITY_SERVICE_URL`): when set, a module's
    /// runtime also registers its health endpoint there.
    pub observability_url: Option<Url>,
    /// Where a module listens and what it registers (`LIFT_MODULE_*`).
    pub module: ModuleSettings,
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl fmt::Debug for LiftConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A password in a URL (`http://svc:pw@host`) is never shown.
        let shown = |url: &Url| {
            let mut url = url.clone();
            if url.password().is_some() {
                let _ = url.set_password(Some("redacted"));
            }
            String::from(url)
        };
        f.debug_struct("LiftConfig")
            .field("gateway_url", &shown(&self.gateway_url))
            .field("auth_url", &shown(&self.auth_url))
            .field("memory_url", &shown(&self.memory_url))
            .field("registry_url", &shown(&self.registry_url))
            .field("routing", &self.routing)
            .field("credentials", &self.credentials)
            .field("jwt_secret", &self.jwt_secret)
            .field("direct_identity", &self.direct_identity)
            .field("timeout", &self.timeout)
            .field(
                "observability_url",
                &self.observability_url.as_ref().map(shown),
            )
            .field("module", &self.module)
            .finish()
    }
}

impl Default for LiftConfig {
    /// The reference's local defaults: gateway on 8000, auth 8001, memory 8003, registry 8005.
    fn default() -> Self {
        Self {
            gateway_url: local(8000),
            auth_url: local(8001),
            memory_url: local(8003),
            registry_url: local(8005),
            routing: Routing::Gateway,
            credentials: Credentials::None,
            jwt_secret: None,
            direct_identity: None,
            timeout: DEFAULT_TIMEOUT,
            observability_url: None,
            module: ModuleSettings::default(),
        }
    }
}

fn local(port: u16) -> Url {
    let mut url = Url::parse("http://localhost").unwrap_or_else(|_| unreachable!("a constant URL"));
    let _ = url.set_port(Some(port));
    url
}

impl LiftConfig {
    /// A configuration for a platform whose gateway is at `gateway_url`; the service URLs
    /// keep their local defaults.
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](lift_sdk_core::ErrorKind::Builder) when the URL is not an
    /// absolute http(s) URL.
    pub fn new(gateway_url: &str) -> Result<Self, Error> {
        Ok(Self {
            gateway_url: parse_url("gateway url", gateway_url)?,
            ..Self::default()
        })
    }

    /// Reads the configuration from the process environment (table above).
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](lift_sdk_core::ErrorKind::Builder) naming the first variable
    /// that is malformed.
    /// A value that is not valid UTF-8 is an error naming its variable, never taken as unset.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_os_lookup(|name| std::env::var_os(name))
    }

    /// [`from_lookup`](Self::from_lookup) over raw OS values: the first variable read whose
    /// value is not UTF-8 is the error (its value is not shown: it may be a secret).
    pub(crate) fn from_os_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, Error> {
        let not_unicode = RefCell::new(None::<String>);
        let config = Self::from_lookup(|name| match lookup(name)?.into_string() {
            Ok(value) => Some(value),
            Err(_) => {
                not_unicode
                    .borrow_mut()
                    .get_or_insert_with(|| name.to_owned());
                None
            }
        });
        // Checked first: the value was read as unset, so any other error may stem from it.
        if let Some(name) = not_unicode.into_inner() {
            return Err(Error::builder(format!(
                "{name} is not valid UTF-8: set it to text, or unset it"
            )));
        }
        config
    }

    /// Reads the configuration through `lookup` (for tests, or a source other than the
    /// process environment). Empty values count as unset.
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](lift_sdk_core::ErrorKind::Builder) naming the first variable
    /// that is malformed.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let url = |name: &str, default: Url| match get(name) {
            Some(value) => parse_url(name, &value),
            None => Ok(default),
        };
        let defaults = Self::default();
        let routing = match get("LIFT_ROUTING").as_deref() {
            None | Some("gateway") => Routing::Gateway,
            Some("direct") => Routing::Direct,
            Some(other) => {
                return Err(Error::builder(format!(
                    "LIFT_ROUTING=`{other}` must be `gateway` or `direct`"
                )));
            }
        };
        let credentials = match (
            get("LIFT_ACCESS_TOKEN"),
            get("LIFT_EMAIL"),
            get("LIFT_PASSWORD"),
        ) {
            (Some(_), Some(_), _) => {
                return Err(Error::builder(
                    "LIFT_ACCESS_TOKEN and LIFT_EMAIL are both set: choose one kind of credentials",
                ));
            }
            (Some(token), None, _) => Credentials::Token(Secret::new(token)),
            (None, Some(email), Some(password)) => Credentials::Login {
                email,
                password: Secret::new(password),
            },
            (None, Some(_), None) => {
                return Err(Error::builder("LIFT_EMAIL is set but LIFT_PASSWORD is not"));
            }
            (None, None, Some(_)) => {
                return Err(Error::builder("LIFT_PASSWORD is set but LIFT_EMAIL is not"));
            }
            (None, None, None) => Credentials::None,
        };
        let direct_identity = match (get("LIFT_USER_ID"), get("LIFT_ORG_ID")) {
            (Some(user), Some(org)) => Some(
                DirectIdentity::new(user, org).roles(
                    get("LIFT_USER_ROLES")
                        .unwrap_or_default()
                        .split(',')
                        .map(str::trim)
                        .filter(|role| !role.is_empty()),
                ),
            ),
            (None, None) => None,
            (Some(_), None) => {
                return Err(Error::builder("LIFT_USER_ID is set but LIFT_ORG_ID is not"));
            }
            (None, Some(_)) => {
                return Err(Error::builder("LIFT_ORG_ID is set but LIFT_USER_ID is not"));
            }
        };
        let timeout = match get("LIFT_HTTP_TIMEOUT") {
            Some(value) => parse_duration(&value).ok_or_else(|| {
                Error::builder(format!(
                    "LIFT_HTTP_TIMEOUT=`{value}` is not a duration (use e.g. `500ms`, `30s`, `2m`)"
                ))
            })?,
            None => DEFAULT_TIMEOUT,
        };
        Ok(Self {
            gateway_url: url("GATEWAY_URL", defaults.gateway_url)?,
            auth_url: url("AUTH_SERVICE_URL", defaults.auth_url)?,
            memory_url: url("MEMORY_SERVICE_URL", defaults.memory_url)?,
            registry_url: url("REGISTRY_SERVICE_URL", defaults.registry_url)?,
            routing,
            credentials,
            jwt_secret: get("JWT_SECRET").map(Secret::new),
            direct_identity,
            timeout,
            observability_url: get("OBSERVABILITY_SERVICE_URL")
                .map(|value| parse_url("OBSERVABILITY_SERVICE_URL", &value))
                .transpose()?,
            module: ModuleSettings::from_lookup(&get)?,
        })
    }

    /// Sets how clients reach the services.
    #[must_use]
    pub fn routing(mut self, routing: Routing) -> Self {
        self.routing = routing;
        self
    }

    /// Uses a ready-made access token.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Credentials::Token(Secret::new(token));
        self
    }

    /// Logs in with an account (and again before its token expires).
    #[must_use]
    pub fn login(mut self, email: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Credentials::Login {
            email: email.into(),
            password: Secret::new(password),
        };
        self
    }

    /// Sets the shared HS256 secret.
    #[must_use]
    pub fn jwt_secret(mut self, secret: impl Into<String>) -> Self {
        self.jwt_secret = Some(Secret::new(secret));
        self
    }

    /// Sets the identity of direct calls made outside a request.
    #[must_use]
    pub fn direct_identity(mut self, identity: DirectIdentity) -> Self {
        self.direct_identity = Some(identity);
        self
    }

    /// Sets the time-out of one attempt.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets a service's own URL (`"auth"`, `"memory"` or `"registry"`).
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](lift_sdk_core::ErrorKind::Builder) for an unknown service or
    /// a URL that is not an absolute http(s) URL.
    pub fn service_url(mut self, service: &str, url: &str) -> Result<Self, Error> {
        let parsed = parse_url(&format!("{service} url"), url)?;
        match service {
            "auth" => self.auth_url = parsed,
            "memory" => self.memory_url = parsed,
            "registry" => self.registry_url = parsed,
            other => {
                return Err(Error::builder(format!(
                    "unknown service `{other}` (expected auth, memory or registry)"
                )));
            }
        }
        Ok(self)
    }
}

pub(crate) fn parse_url(name: &str, value: &str) -> Result<Url, Error> {
    let shown = lift_sdk_core::redact_userinfo(value);
    let url = Url::parse(value).map_err(|err| {
        Error::builder(format!("{name}=`{shown}` is not a valid url")).with_source(err)
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::builder(format!(
            "{name}=`{shown}` must be an http or https url with a host"
        )));
    }
    Ok(url)
}

/// `500ms`, `30s`, `2m`, `1h`, or plain seconds (`30`, `0.5`); above zero.
fn parse_duration(text: &str) -> Option<Duration> {
    values::parse_duration_or_zero(text).filter(|d| !d.is_zero())
}

#[cfg(test)]
mod tests;
