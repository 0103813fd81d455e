//! Where a module listens and what it registers: `ModuleSettings`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use lift_sdk_core::Error;
use url::Url;

use super::public_url::{PublicUrl, PublicUrlSource};
use super::{parse_url, values};

/// The port a module listens on when `LIFT_MODULE_PORT` is unset.
const DEFAULT_MODULE_PORT: u16 = 9100;

/// Where a module's runtime listens and what it registers, read from `LIFT_MODULE_*` by
/// [`LiftConfig::from_env`](crate::LiftConfig::from_env).
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `LIFT_MODULE_PORT` | `9100` | the port to listen on (`0`: any free port) |
/// | `LIFT_MODULE_HOST` | `0.0.0.0` | the address to listen on (an IP address, or `localhost`) |
/// | `LIFT_MODULE_PUBLIC_URL` | derived from the bound address | the base URL registered with the registry |
/// | `LIFT_MODULE_MANIFEST` | `module.json` | the manifest file, when the module gives none in code |
///
/// Without a public URL, the runtime registers the address it actually bound; bound to every
/// interface (`0.0.0.0`, `::`), it registers the host's primary non-loopback address instead
/// ([`public_url_choice`](Self::public_url_choice) says which and why). Behind a proxy or a
/// Kubernetes Service, set `LIFT_MODULE_PUBLIC_URL` to the address the gateway reaches the
/// module at.
///
/// The runtime's tuning has variables too, each `None` when unset so that the runtime's
/// default applies; a value given in code through the [`Runtime`](crate::runtime::Runtime)
/// builder wins over the variable:
///
/// | variable | field | the runtime's default |
/// |---|---|---|
/// | `LIFT_MODULE_DRAIN_TIMEOUT` | [`drain_timeout`](Self::drain_timeout) | 10 s |
/// | `LIFT_MODULE_SHUTDOWN_DELAY` | [`shutdown_delay`](Self::shutdown_delay) | 0 |
/// | `LIFT_MODULE_SHUTDOWN_TIMEOUT` | [`shutdown_timeout`](Self::shutdown_timeout) | 10 s |
/// | `LIFT_MODULE_HEADER_READ_TIMEOUT` | [`header_read_timeout`](Self::header_read_timeout) | 30 s |
/// | `LIFT_MODULE_IDLE_TIMEOUT` | [`idle_timeout`](Self::idle_timeout) | 75 s |
/// | `LIFT_MODULE_MAX_CONNECTIONS` | [`max_connections`](Self::max_connections) | 10 000 |
/// | `LIFT_MODULE_BODY_LIMIT` | [`body_limit`](Self::body_limit) | 2 MiB |
/// | `LIFT_MODULE_REQUEST_TIMEOUT` | [`request_timeout`](Self::request_timeout) | 30 s |
/// | `LIFT_MODULE_CHECK_INTERVAL` | [`check_interval`](Self::check_interval) | 30 s |
/// | `LIFT_MODULE_DEREGISTER_TIMEOUT` | [`deregister_timeout`](Self::deregister_timeout) | 5 s |
///
/// Durations read as `500ms`, `30s`, `2m` or plain seconds; sizes as bytes, `512KiB` or
/// `2MiB`.
///
/// ```
/// use lift_sdk::LiftConfig;
///
/// let env = [("LIFT_MODULE_PORT", "9200"), ("LIFT_MODULE_PUBLIC_URL", "http://analytics:9200")];
/// let config = LiftConfig::from_lookup(|name| {
///     env.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string())
/// })?;
/// assert_eq!(config.module.port, 9200);
/// assert_eq!(config.module.public_url.unwrap().as_str(), "http://analytics:9200/");
///
/// let bad = LiftConfig::from_lookup(|name| (name == "LIFT_MODULE_PORT").then(|| "http".into()));
/// assert!(bad.unwrap_err().to_string().contains("LIFT_MODULE_PORT"));
/// # Ok::<(), lift_sdk::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModuleSettings {
    /// The port to listen on (`LIFT_MODULE_PORT`).
    pub port: u16,
    /// The address to listen on (`LIFT_MODULE_HOST`).
    pub host: IpAddr,
    /// The base URL to register (`LIFT_MODULE_PUBLIC_URL`); derived from the bound address
    /// when unset.
    pub public_url: Option<Url>,
    /// The manifest file read when the module gives none in code (`LIFT_MODULE_MANIFEST`).
    pub manifest: PathBuf,
    /// How long in-flight requests may finish at shutdown (`LIFT_MODULE_DRAIN_TIMEOUT`).
    pub drain_timeout: Option<Duration>,
    /// How long the listener keeps accepting after readiness turned 503 and the module
    /// deregistered, so that load balancers stop sending first (`LIFT_MODULE_SHUTDOWN_DELAY`;
    /// `0` allowed).
    pub shutdown_delay: Option<Duration>,
    /// The bound on the module's `on_shutdown` (`LIFT_MODULE_SHUTDOWN_TIMEOUT`).
    pub shutdown_timeout: Option<Duration>,
    /// How long a client may take to send a request's headers
    /// (`LIFT_MODULE_HEADER_READ_TIMEOUT`).
    pub header_read_timeout: Option<Duration>,
    /// How long an idle keep-alive connection stays open (`LIFT_MODULE_IDLE_TIMEOUT`).
    pub idle_timeout: Option<Duration>,
    /// The most connections open at once (`LIFT_MODULE_MAX_CONNECTIONS`; above zero).
    pub max_connections: Option<usize>,
    /// The largest request body accepted, in bytes (`LIFT_MODULE_BODY_LIMIT`).
    pub body_limit: Option<usize>,
    /// How long a request may take (`LIFT_MODULE_REQUEST_TIMEOUT`).
    pub request_timeout: Option<Duration>,
    /// How often the registration is confirmed (`LIFT_MODULE_CHECK_INTERVAL`).
    pub check_interval: Option<Duration>,
    /// How long deregistering may take at shutdown (`LIFT_MODULE_DEREGISTER_TIMEOUT`).
    pub deregister_timeout: Option<Duration>,
}

impl Default for ModuleSettings {
    fn default() -> Self {
        Self {
            port: DEFAULT_MODULE_PORT,
            host: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            public_url: None,
            manifest: PathBuf::from("module.json"),
            drain_timeout: None,
            shutdown_delay: None,
            shutdown_timeout: None,
            header_read_timeout: None,
            idle_timeout: None,
            max_connections: None,
            body_limit: None,
            request_timeout: None,
            check_interval: None,
            deregister_timeout: None,
        }
    }
}

impl fmt::Debug for ModuleSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModuleSettings")
            .field("port", &self.port)
            .field("host", &self.host)
            .field(
                "public_url",
                &self
                    .public_url
                    .as_ref()
                    .map(|url| lift_sdk_core::redact_userinfo(url.as_str())),
            )
            .field("manifest", &self.manifest)
            .field("drain_timeout", &self.drain_timeout)
            .field("shutdown_delay", &self.shutdown_delay)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("body_limit", &self.body_limit)
            .field("request_timeout", &self.request_timeout)
            .field("check_interval", &self.check_interval)
            .field("deregister_timeout", &self.deregister_timeout)
            .finish()
    }
}

impl ModuleSettings {
    /// Reads the `LIFT_MODULE_*` variables through `get` (which trims and drops empty values).
    pub(crate) fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let defaults = Self::default();
        let port = match get("LIFT_MODULE_PORT") {
            Some(value) => values::port("LIFT_MODULE_PORT", &value, true)?,
            None => defaults.port,
        };
        let duration = |name: &str, allow_zero: bool| {
            get(name)
                .map(|value| values::duration(name, &value, allow_zero))
                .transpose()
        };
        let host = match get("LIFT_MODULE_HOST") {
            Some(value) => parse_host(&value)?,
            None => defaults.host,
        };
        let public_url = get("LIFT_MODULE_PUBLIC_URL")
            .map(|value| parse_public_url("LIFT_MODULE_PUBLIC_URL", &value))
            .transpose()?;
        Ok(Self {
            port,
            host,
            public_url,
            manifest: get("LIFT_MODULE_MANIFEST").map_or(defaults.manifest, PathBuf::from),
            drain_timeout: duration("LIFT_MODULE_DRAIN_TIMEOUT", false)?,
            // Zero is the default: no delay.
            shutdown_delay: duration("LIFT_MODULE_SHUTDOWN_DELAY", true)?,
            shutdown_timeout: duration("LIFT_MODULE_SHUTDOWN_TIMEOUT", false)?,
            header_read_timeout: duration("LIFT_MODULE_HEADER_READ_TIMEOUT", false)?,
            idle_timeout: duration("LIFT_MODULE_IDLE_TIMEOUT", false)?,
            max_connections: get("LIFT_MODULE_MAX_CONNECTIONS")
                .map(|value| values::count("LIFT_MODULE_MAX_CONNECTIONS", &value))
                .transpose()?,
            body_limit: get("LIFT_MODULE_BODY_LIMIT")
                .map(|value| values::size("LIFT_MODULE_BODY_LIMIT", &value))
                .transpose()?,
            request_timeout: duration("LIFT_MODULE_REQUEST_TIMEOUT", false)?,
            check_interval: duration("LIFT_MODULE_CHECK_INTERVAL", false)?,
            deregister_timeout: duration("LIFT_MODULE_DEREGISTER_TIMEOUT", false)?,
        })
    }

    /// The address to bind.
    #[must_use]
    pub fn bind_addr(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }

    /// The base URL to register for a listener bound at `bound`: the configured public URL,
    /// the bound address, or, bound to every interface, the host's primary non-loopback
    /// address (see [`public_url_choice`](Self::public_url_choice)).
    #[must_use]
    pub fn public_url_for(&self, bound: SocketAddr) -> Url {
        self.public_url_choice(bound).url
    }

    /// [`public_url_for`](Self::public_url_for) with the reason for the choice, for the
    /// runtime to log (and to warn when another host could not reach it).
    ///
    /// Bound to `0.0.0.0` or `::` without `LIFT_MODULE_PUBLIC_URL`, the address is the one
    /// the host's routing table gives for outside traffic (found without sending any:
    /// connecting a UDP socket only picks a route); loopback only when the host has no
    /// other, which [`PublicUrlSource::LoopbackFallback`] says.
    #[must_use]
    pub fn public_url_choice(&self, bound: SocketAddr) -> PublicUrl {
        match &self.public_url {
            Some(url) => PublicUrl {
                url: url.clone(),
                source: PublicUrlSource::Configured,
            },
            None => super::public_url::choose(bound, &super::public_url::route_addresses()),
        }
    }
}

fn parse_host(value: &str) -> Result<IpAddr, Error> {
    if value.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    value.parse().map_err(|err| {
        Error::builder(format!(
            "LIFT_MODULE_HOST=`{value}` is not an IP address (e.g. `0.0.0.0`, `127.0.0.1`, `::`) or `localhost`"
        ))
        .with_source(err)
    })
}

/// A base URL the registry accepts: absolute http(s), a host, no query or fragment.
pub(crate) fn parse_public_url(name: &str, value: &str) -> Result<Url, Error> {
    let url = parse_url(name, value)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::builder(format!(
            "{name}=`{}` must not have a query or a fragment",
            lift_sdk_core::redact_userinfo(value)
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<ModuleSettings, Error> {
        ModuleSettings::from_lookup(&|name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn defaults_listen_on_every_address_at_9100() {
        let settings = read(&[]).unwrap();
        assert_eq!(settings.bind_addr().to_string(), "0.0.0.0:9100");
        assert_eq!(settings.manifest, PathBuf::from("module.json"));
        assert_eq!(settings.public_url, None);
    }

    #[test]
    fn every_variable_is_read() {
        let settings = read(&[
            ("LIFT_MODULE_PORT", "0"),
            ("LIFT_MODULE_HOST", "localhost"),
            ("LIFT_MODULE_PUBLIC_URL", "https://analytics.lift.internal"),
            ("LIFT_MODULE_MANIFEST", "/etc/module/module.json"),
        ])
        .unwrap();
        assert_eq!(settings.bind_addr().to_string(), "127.0.0.1:0");
        assert_eq!(
            settings.public_url.unwrap().as_str(),
            "https://analytics.lift.internal/"
        );
        assert_eq!(settings.manifest, PathBuf::from("/etc/module/module.json"));
    }

    #[test]
    fn errors_name_the_variable() {
        for (vars, name) in [
            (&[("LIFT_MODULE_PORT", "70000")][..], "LIFT_MODULE_PORT"),
            (&[("LIFT_MODULE_PORT", "-1")], "LIFT_MODULE_PORT"),
            (&[("LIFT_MODULE_HOST", "0.0.0.0:80")], "LIFT_MODULE_HOST"),
            (
                &[("LIFT_MODULE_PUBLIC_URL", "analytics:9100")],
                "LIFT_MODULE_PUBLIC_URL",
            ),
            (
                &[("LIFT_MODULE_PUBLIC_URL", "http://a:1/?x=1")],
                "LIFT_MODULE_PUBLIC_URL",
            ),
        ] {
            let err = read(vars).unwrap_err();
            assert!(err.to_string().contains(name), "{name}: {err}");
        }
    }

    #[test]
    fn the_public_url_is_the_configured_one_or_the_bound_address() {
        let settings = ModuleSettings::default();
        let choice = |settings: &ModuleSettings, addr: &str| {
            let choice = settings.public_url_choice(addr.parse().unwrap());
            (choice.url.to_string(), choice.source)
        };
        assert_eq!(
            choice(&settings, "127.0.0.1:9100"),
            ("http://127.0.0.1:9100/".to_owned(), PublicUrlSource::Bound)
        );
        assert_eq!(
            settings
                .public_url_for("10.1.2.3:9100".parse().unwrap())
                .as_str(),
            "http://10.1.2.3:9100/"
        );
        // Bound to every interface: never the unspecified address itself.
        let (url, source) = choice(&settings, "0.0.0.0:41234");
        assert!(!url.contains("0.0.0.0"), "{url}");
        assert!(
            matches!(
                source,
                PublicUrlSource::HostAddress(_) | PublicUrlSource::LoopbackFallback
            ),
            "{source:?}"
        );
        let configured = ModuleSettings {
            public_url: Some(Url::parse("http://analytics:9100").unwrap()),
            ..ModuleSettings::default()
        };
        assert_eq!(
            choice(&configured, "0.0.0.0:1"),
            (
                "http://analytics:9100/".to_owned(),
                PublicUrlSource::Configured
            )
        );
    }

    #[test]
    fn the_runtime_tuning_is_read_and_unset_is_none() {
        let unset = read(&[]).unwrap();
        assert_eq!(unset.drain_timeout, None);

        let settings = read(&[
            ("LIFT_MODULE_DRAIN_TIMEOUT", "15s"),
            ("LIFT_MODULE_SHUTDOWN_DELAY", "0"),
            ("LIFT_MODULE_SHUTDOWN_TIMEOUT", "2m"),
            ("LIFT_MODULE_HEADER_READ_TIMEOUT", "500ms"),
            ("LIFT_MODULE_IDLE_TIMEOUT", "90"),
            ("LIFT_MODULE_MAX_CONNECTIONS", "2000"),
            ("LIFT_MODULE_BODY_LIMIT", "8MiB"),
            ("LIFT_MODULE_REQUEST_TIMEOUT", "1m"),
            ("LIFT_MODULE_CHECK_INTERVAL", "45s"),
            ("LIFT_MODULE_DEREGISTER_TIMEOUT", "3s"),
        ])
        .unwrap();
        let secs = Duration::from_secs;
        assert_eq!(settings.drain_timeout, Some(secs(15)));
        assert_eq!(settings.shutdown_delay, Some(Duration::ZERO));
        assert_eq!(settings.shutdown_timeout, Some(secs(120)));
        assert_eq!(
            settings.header_read_timeout,
            Some(Duration::from_millis(500))
        );
        assert_eq!(settings.idle_timeout, Some(secs(90)));
        assert_eq!(settings.max_connections, Some(2000));
        assert_eq!(settings.body_limit, Some(8 * 1024 * 1024));
        assert_eq!(settings.request_timeout, Some(secs(60)));
        assert_eq!(settings.check_interval, Some(secs(45)));
        assert_eq!(settings.deregister_timeout, Some(secs(3)));
    }

    #[test]
    fn each_tuning_error_names_its_variable() {
        for (name, value) in [
            ("LIFT_MODULE_DRAIN_TIMEOUT", "soon"),
            ("LIFT_MODULE_DRAIN_TIMEOUT", "0s"),
            ("LIFT_MODULE_SHUTDOWN_DELAY", "-1s"),
            ("LIFT_MODULE_SHUTDOWN_TIMEOUT", "10 days"),
            ("LIFT_MODULE_HEADER_READ_TIMEOUT", "0"),
            ("LIFT_MODULE_IDLE_TIMEOUT", "75x"),
            ("LIFT_MODULE_MAX_CONNECTIONS", "0"),
            ("LIFT_MODULE_MAX_CONNECTIONS", "many"),
            ("LIFT_MODULE_BODY_LIMIT", "2MB"),
            ("LIFT_MODULE_REQUEST_TIMEOUT", "1d"),
            ("LIFT_MODULE_CHECK_INTERVAL", "often"),
            ("LIFT_MODULE_DEREGISTER_TIMEOUT", "forever"),
        ] {
            let err = read(&[(name, value)]).unwrap_err();
            let message = err.to_string();
            assert!(message.contains(name), "{name}={value}: {message}");
            assert!(message.contains(value), "{name}={value}: {message}");
        }
    }
}
