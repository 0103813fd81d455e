//! Where a module listens and what it registers: `ModuleSettings`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;

use lift_sdk_core::Error;
use url::Url;

use super::parse_url;

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
/// Without a public URL, the runtime registers the address it actually bound, with
/// `127.0.0.1` in place of an unspecified address (`0.0.0.0`, `::`). That is right for a
/// platform on the same host; anywhere else (containers, Kubernetes), set
/// `LIFT_MODULE_PUBLIC_URL` to the address the gateway reaches the module at.
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
}

impl Default for ModuleSettings {
    fn default() -> Self {
        Self {
            port: DEFAULT_MODULE_PORT,
            host: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            public_url: None,
            manifest: PathBuf::from("module.json"),
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
            .finish()
    }
}

impl ModuleSettings {
    /// Reads the `LIFT_MODULE_*` variables through `get` (which trims and drops empty values).
    pub(crate) fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let defaults = Self::default();
        let port = match get("LIFT_MODULE_PORT") {
            Some(value) => value.parse().map_err(|err| {
                Error::builder(format!(
                    "LIFT_MODULE_PORT=`{value}` is not a port number (0 to 65535)"
                ))
                .with_source(err)
            })?,
            None => defaults.port,
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
        })
    }

    /// The address to bind.
    #[must_use]
    pub fn bind_addr(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }

    /// The base URL to register for a listener bound at `bound`: the configured public URL,
    /// or the bound address with loopback in place of an unspecified one.
    #[must_use]
    pub fn public_url_for(&self, bound: SocketAddr) -> Url {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        let ip = match bound.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let text = format!("http://{}", SocketAddr::new(ip, bound.port()));
        Url::parse(&text).unwrap_or_else(|_| unreachable!("a socket address is a valid host"))
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
    fn the_public_url_defaults_to_the_bound_address_with_loopback_for_unspecified() {
        let settings = ModuleSettings::default();
        let url = |addr: &str| settings.public_url_for(addr.parse().unwrap()).to_string();
        assert_eq!(url("0.0.0.0:41234"), "http://127.0.0.1:41234/");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080/");
        assert_eq!(url("127.0.0.1:9100"), "http://127.0.0.1:9100/");
        assert_eq!(url("10.1.2.3:9100"), "http://10.1.2.3:9100/");
        let configured = ModuleSettings {
            public_url: Some(Url::parse("http://analytics:9100").unwrap()),
            ..ModuleSettings::default()
        };
        assert_eq!(
            configured
                .public_url_for("0.0.0.0:1".parse().unwrap())
                .as_str(),
            "http://analytics:9100/"
        );
    }
}
