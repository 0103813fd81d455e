//! The command line and the environment: which ports, which secret, where the data lives.
//!
//! Hand-parsed (a dozen flags do not earn a parser crate). Flags win over the variables the
//! SDK itself reads (`GATEWAY_URL`, `AUTH_SERVICE_URL`, `MEMORY_SERVICE_URL`,
//! `REGISTRY_SERVICE_URL`, `JWT_SECRET`), so a module and lift-dev started with the same
//! environment find each other.

use std::fmt;
use std::path::PathBuf;

use url::Url;

/// The seeded admin of the reference (and of the fake platform).
pub(crate) const DEFAULT_ADMIN_EMAIL: &str = "admin@lift.dev";
/// The seeded admin's password.
pub(crate) const DEFAULT_ADMIN_PASSWORD: &str = "admin123";
/// The secret lift-dev signs tokens with when neither `--secret` nor `JWT_SECRET` is given.
/// Public on purpose: lift-dev is a development tool.
pub(crate) const DEFAULT_SECRET: &str = "lift-dev-insecure-secret-0123456789abcdef";
/// HS256 secrets shorter than this are refused (as lift-auth refuses them).
const MIN_SECRET_LEN: usize = 32;

/// One service of the platform: its flag, its variable and its standard port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Gateway,
    Auth,
    Memory,
    Registry,
}

impl Service {
    pub(crate) const ALL: [Self; 4] = [Self::Gateway, Self::Auth, Self::Memory, Self::Registry];

    fn flag(self) -> &'static str {
        match self {
            Self::Gateway => "--gateway-port",
            Self::Auth => "--auth-port",
            Self::Memory => "--memory-port",
            Self::Registry => "--registry-port",
        }
    }

    pub(crate) fn variable(self) -> &'static str {
        match self {
            Self::Gateway => "GATEWAY_URL",
            Self::Auth => "AUTH_SERVICE_URL",
            Self::Memory => "MEMORY_SERVICE_URL",
            Self::Registry => "REGISTRY_SERVICE_URL",
        }
    }

    pub(crate) fn default_port(self) -> u16 {
        match self {
            Self::Gateway => 8000,
            Self::Auth => 8001,
            Self::Memory => 8003,
            Self::Registry => 8005,
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Gateway => 0,
            Self::Auth => 1,
            Self::Memory => 2,
            Self::Registry => 3,
        }
    }
}

/// What lift-dev was asked to do.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    /// Serve the platform.
    Run(Options),
    /// Print the usage and exit 0.
    Help,
    /// Print the version and exit 0.
    Version,
}

/// How to serve the platform.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Options {
    ports: [u16; 4],
    /// The HS256 secret shared with modules.
    pub(crate) secret: String,
    /// Where state persists; `None` keeps it in memory.
    pub(crate) data_dir: Option<PathBuf>,
    /// The seeded admin's e-mail.
    pub(crate) admin_email: String,
    /// The seeded admin's password.
    pub(crate) admin_password: String,
    /// Every reference quirk on (contract §10).
    pub(crate) reference_quirks: bool,
    /// The gateway's rate limit, requests per 60 s per client; `None`: no limit.
    pub(crate) rate_limit: Option<usize>,
}

impl Options {
    /// The port `service` listens on (0: any free port).
    pub(crate) fn port(&self, service: Service) -> u16 {
        self.ports[service.index()]
    }
}

/// A flag or variable lift-dev cannot use; printed with a hint, exit status 2.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage_error(message: impl Into<String>) -> UsageError {
    UsageError(message.into())
}

/// The `--help` text.
pub(crate) const USAGE: &str = "\
lift-dev: the Lift OS Core platform (gateway, auth, memory, registry) on one machine,
without Docker. It implements the intended contract; see docs/testing.md.

USAGE:
    lift-dev [OPTIONS]

OPTIONS:
    --gateway-port <PORT>      gateway port [env: GATEWAY_URL's port] [default: 8000]
    --auth-port <PORT>         auth port [env: AUTH_SERVICE_URL's port] [default: 8001]
    --memory-port <PORT>       memory port [env: MEMORY_SERVICE_URL's port] [default: 8003]
    --registry-port <PORT>     registry port [env: REGISTRY_SERVICE_URL's port] [default: 8005]
    --secret <SECRET>          HS256 token secret, at least 32 bytes [env: JWT_SECRET]
                               [default: a fixed development secret, printed at start]
    --data-dir <DIR>           keep users, modules and memories in DIR across restarts
                               [default: in memory only]
    --admin-email <EMAIL>      the seeded admin's e-mail [default: admin@lift.dev]
    --admin-password <PASS>    the seeded admin's password [default: admin123]
                               (seeded when no account has that e-mail yet: with
                               --data-dir, a kept admin keeps its password)
    --reference-quirks         reproduce the reference's documented traps (contract §10)
    --rate-limit <N>           the gateway's rate limit: N requests per 60 s per client
                               [default: none; 100, the reference's, with --reference-quirks]
    -h, --help                 print this help
    -V, --version              print the version

Flags win over variables. Port 0 picks a free port. Each request is logged on one line
(filter with RUST_LOG, e.g. RUST_LOG=debug). Ctrl-C or SIGTERM stops it (exit 0).
";

/// Reads the command line (without the program name) and the environment through
/// `lookup`; empty variables count as unset, as in the SDK.
pub(crate) fn parse(
    args: impl IntoIterator<Item = String>,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Command, UsageError> {
    let lookup = |name: &str| {
        lookup(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let mut flag_ports: [Option<u16>; 4] = [None; 4];
    let mut secret = None;
    let mut data_dir = None;
    let mut admin_email = None;
    let mut admin_password = None;
    let mut reference_quirks = false;
    let mut rate_limit = None;

    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // `--flag=value` and `--flag value` both work.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, UsageError> {
            match inline.clone().or_else(|| args.next()) {
                Some(value) => Ok(value),
                None => Err(usage_error(format!(
                    "{flag} needs a value: {flag} <{what}>"
                ))),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--reference-quirks" if inline.is_none() => reference_quirks = true,
            "--rate-limit" => {
                let requests = value("N")?;
                rate_limit = Some(requests.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    usage_error(format!(
                        "--rate-limit: `{requests}` is not a positive number of requests"
                    ))
                })?);
            }
            "--secret" => secret = Some(check_secret("--secret", value("SECRET")?)?),
            "--data-dir" => {
                let dir = value("DIR")?;
                if dir.is_empty() {
                    return Err(usage_error("--data-dir: the directory is empty"));
                }
                data_dir = Some(PathBuf::from(dir));
            }
            "--admin-email" => admin_email = Some(check_email(value("EMAIL")?)?),
            "--admin-password" => {
                let password = value("PASS")?;
                if password.is_empty() {
                    return Err(usage_error("--admin-password: the password is empty"));
                }
                admin_password = Some(password);
            }
            other => match Service::ALL.into_iter().find(|s| s.flag() == other) {
                Some(service) => {
                    flag_ports[service.index()] =
                        Some(parse_port(service.flag(), &value("PORT")?)?);
                }
                None if other.starts_with('-') => {
                    return Err(usage_error(format!("unknown flag {other}")));
                }
                None => return Err(usage_error(format!("unexpected argument `{other}`"))),
            },
        }
    }

    let mut ports = [0; 4];
    for service in Service::ALL {
        ports[service.index()] = match flag_ports[service.index()] {
            Some(port) => port,
            None => match lookup(service.variable()) {
                Some(url) => port_of(service.variable(), &url)?,
                None => service.default_port(),
            },
        };
    }
    let secret = match secret {
        Some(secret) => secret,
        None => match lookup("JWT_SECRET") {
            Some(secret) => check_secret("JWT_SECRET", secret)?,
            None => DEFAULT_SECRET.to_owned(),
        },
    };
    Ok(Command::Run(Options {
        ports,
        secret,
        data_dir,
        admin_email: admin_email.unwrap_or_else(|| DEFAULT_ADMIN_EMAIL.to_owned()),
        admin_password: admin_password.unwrap_or_else(|| DEFAULT_ADMIN_PASSWORD.to_owned()),
        reference_quirks,
        // The reference limits every client to 100 requests per 60 s; a developer's own
        // test runs should not trip over it unless they ask for the reference.
        rate_limit: rate_limit.or(reference_quirks.then_some(100)),
    }))
}

fn parse_port(flag: &str, value: &str) -> Result<u16, UsageError> {
    value
        .parse()
        .map_err(|_| usage_error(format!("{flag}: `{value}` is not a port number (0-65535)")))
}

/// The port of a service URL as the SDK reads it: an absolute http(s) URL; without an
/// explicit port, the scheme's default (80, 443) is where the SDK would call.
fn port_of(variable: &str, value: &str) -> Result<u16, UsageError> {
    let url = Url::parse(value).map_err(|err| {
        usage_error(format!(
            "{variable}=`{value}` is not a URL ({err}); e.g. http://localhost:8000"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(usage_error(format!(
            "{variable}=`{value}` must be an http(s) URL with a host, e.g. http://localhost:8000"
        )));
    }
    url.port_or_known_default()
        .ok_or_else(|| usage_error(format!("{variable}=`{value}` has no port")))
}

fn check_secret(source: &str, secret: String) -> Result<String, UsageError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(usage_error(format!(
            "{source}: the secret is {} bytes; HS256 needs at least {MIN_SECRET_LEN}",
            secret.len()
        )));
    }
    Ok(secret)
}

fn check_email(email: String) -> Result<String, UsageError> {
    match email.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => Ok(email),
        _ => Err(usage_error(format!(
            "--admin-email: `{email}` is not an e-mail address"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], env: &[(&str, &str)]) -> Result<Options, UsageError> {
        let args = args.iter().map(|arg| (*arg).to_owned());
        let lookup = |name: &str| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        match parse(args, lookup)? {
            Command::Run(options) => Ok(options),
            other => panic!("expected options, got {other:?}"),
        }
    }

    fn ports(options: &Options) -> [u16; 4] {
        Service::ALL.map(|service| options.port(service))
    }

    #[test]
    fn without_flags_or_variables_the_standard_ports_and_the_seeded_admin() {
        let options = run(&[], &[]).unwrap();
        assert_eq!(ports(&options), [8000, 8001, 8003, 8005]);
        assert_eq!(options.secret, DEFAULT_SECRET);
        assert_eq!(options.data_dir, None);
        assert_eq!(options.admin_email, "admin@lift.dev");
        assert_eq!(options.admin_password, "admin123");
        assert!(!options.reference_quirks);
        assert_eq!(options.rate_limit, None);
    }

    #[test]
    fn the_sdk_variables_give_the_ports_and_the_secret_and_flags_win() {
        let env = [
            ("GATEWAY_URL", "http://localhost:9000"),
            ("AUTH_SERVICE_URL", " http://auth:9001/ "),
            ("MEMORY_SERVICE_URL", "http://127.0.0.1"),
            ("REGISTRY_SERVICE_URL", ""),
            ("JWT_SECRET", "s3cret-s3cret-s3cret-s3cret-s3cret"),
        ];
        let options = run(&["--auth-port", "7001", "--memory-port=7003"], &env).unwrap();
        assert_eq!(ports(&options), [9000, 7001, 7003, 8005]);
        assert_eq!(options.secret, "s3cret-s3cret-s3cret-s3cret-s3cret");
        let options = run(&["--secret", &"x".repeat(32)], &env).unwrap();
        assert_eq!(options.secret, "x".repeat(32));
        assert_eq!(
            ports(&run(&[], &[("MEMORY_SERVICE_URL", "https://m")]).unwrap())[2],
            443
        );
    }

    #[test]
    fn every_other_flag_is_read() {
        let options = run(
            &[
                "--data-dir",
                "/tmp/lift",
                "--admin-email=root@example.com",
                "--admin-password",
                "pw",
                "--reference-quirks",
                "--gateway-port",
                "0",
            ],
            &[],
        )
        .unwrap();
        assert_eq!(options.data_dir, Some(PathBuf::from("/tmp/lift")));
        assert_eq!(options.admin_email, "root@example.com");
        assert_eq!(options.admin_password, "pw");
        assert!(options.reference_quirks);
        assert_eq!(options.rate_limit, Some(100));
        assert_eq!(options.port(Service::Gateway), 0);
        assert_eq!(
            run(&["--rate-limit", "5"], &[]).unwrap().rate_limit,
            Some(5)
        );
        let none = |name: &str| -> Option<String> { panic!("{name} read") };
        assert_eq!(parse(["-h".to_owned()], none), Ok(Command::Help));
        assert_eq!(parse(["--version".to_owned()], none), Ok(Command::Version));
    }

    /// Arguments, variables, and what the error must say.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

    #[test]
    fn bad_flags_and_variables_are_named() {
        let cases: &[Case<'_>] = &[
            (
                &["--gateway-port", "80000"],
                &[],
                "--gateway-port: `80000` is not a port",
            ),
            (&["--auth-port=x"], &[], "--auth-port: `x`"),
            (&["--memory-port"], &[], "--memory-port needs a value"),
            (&["--bogus"], &[], "unknown flag --bogus"),
            (&["serve"], &[], "unexpected argument `serve`"),
            (
                &["--reference-quirks=yes"],
                &[],
                "unknown flag --reference-quirks",
            ),
            (
                &["--secret", "short"],
                &[],
                "--secret: the secret is 5 bytes",
            ),
            (&["--admin-email", "admin"], &[], "--admin-email: `admin`"),
            (&["--data-dir="], &[], "--data-dir: the directory is empty"),
            (
                &["--rate-limit=0"],
                &[],
                "--rate-limit: `0` is not a positive number",
            ),
            (
                &[],
                &[("GATEWAY_URL", "localhost:8000")],
                "GATEWAY_URL=`localhost:8000`",
            ),
            (
                &[],
                &[("REGISTRY_SERVICE_URL", "registry")],
                "REGISTRY_SERVICE_URL=`registry` is not a URL",
            ),
            (
                &[],
                &[("AUTH_SERVICE_URL", "ftp://auth:21")],
                "AUTH_SERVICE_URL=`ftp://auth:21` must be an http(s) URL",
            ),
            (
                &[],
                &[("JWT_SECRET", "short")],
                "JWT_SECRET: the secret is 5 bytes",
            ),
        ];
        for (args, env, expected) in cases {
            let err = run(args, env).unwrap_err();
            assert!(
                err.to_string().contains(expected),
                "{args:?} {env:?}: {err}"
            );
        }
    }
}
