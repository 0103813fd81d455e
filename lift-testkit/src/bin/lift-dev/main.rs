//! `lift-dev`: the Lift OS Core fake platform as a process, for developing any module
//! (Rust, Python or other) locally without Docker.
//!
//! Serves the gateway on 8000, auth on 8001, memory on 8003 and the registry on 8005 (each
//! changeable by flag or by the SDK's own `*_URL` variables), prints the URLs, the seeded
//! admin's credentials and a ready-made admin token, then logs each request on one line.
//! Ctrl-C or SIGTERM stops it cleanly (exit 0); a bad flag or variable exits 2, a platform
//! that cannot start (a port in use, an unreadable data directory) exits 1.
//!
//! `lift-dev --help` lists the flags; docs/testing.md, "Running locally with lift-dev", shows
//! a Python module using it.

mod args;
mod banner;

use std::io::{self, IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::time::Duration;

use lift_testkit::platform::{FakePlatform, Quirks, SeedUser};
use tracing_subscriber::EnvFilter;

use crate::args::{Command, Options, Service};
use crate::banner::Banner;

fn main() -> ExitCode {
    let args = match std::env::args_os()
        .skip(1)
        .map(|arg| arg.into_string())
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(args) => args,
        Err(arg) => {
            eprintln!("lift-dev: argument {arg:?} is not valid UTF-8");
            return ExitCode::from(2);
        }
    };
    // A variable that is not UTF-8 becomes one that fails to parse, named in the error.
    let lookup =
        |name: &str| std::env::var_os(name).map(|value| value.to_string_lossy().into_owned());
    match args::parse(args, lookup) {
        Ok(Command::Help) => {
            print!("{}", args::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("lift-dev {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(Command::Run(options)) => run(&options),
        Err(err) => {
            eprintln!("lift-dev: {err}\n\nRun `lift-dev --help` for the flags and variables.");
            ExitCode::from(2)
        }
    }
}

fn run(options: &Options) -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("lift-dev: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lift-dev: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Serves the platform until Ctrl-C or SIGTERM.
async fn serve(options: &Options) -> Result<(), String> {
    // Installed before the platform starts: a signal that comes as soon as the ports answer
    // already stops it cleanly.
    let stop = Stop::install().map_err(|err| format!("cannot listen for Ctrl-C/SIGTERM: {err}"))?;

    let mut admin = SeedUser::admin();
    admin.email.clone_from(&options.admin_email);
    admin.password.clone_from(&options.admin_password);
    let quirks = if options.reference_quirks {
        Quirks::reference()
    } else {
        Quirks::default()
    };
    let mut builder = FakePlatform::builder()
        .gateway_port(options.port(Service::Gateway))
        .auth_port(options.port(Service::Auth))
        .memory_port(options.port(Service::Memory))
        .registry_port(options.port(Service::Registry))
        .secret(options.secret.clone())
        .quirks(quirks)
        .admin(admin);
    builder = match options.rate_limit {
        Some(requests) => builder.rate_limit(requests, Duration::from_secs(60)),
        None => builder.no_rate_limit(),
    };
    if let Some(dir) = &options.data_dir {
        builder = builder.data_dir(dir.clone());
    }
    let platform = builder
        .start()
        .await
        .map_err(|err| format!("cannot start the platform: {err}"))?;

    let admin_token = platform.admin_token();
    let banner = Banner {
        urls: vec![
            ("gateway", platform.gateway_url().to_owned()),
            ("auth", platform.auth_url().to_owned()),
            ("memory", platform.memory_url().to_owned()),
            ("registry", platform.registry_url().to_owned()),
        ],
        admin_email: &options.admin_email,
        admin_password: &options.admin_password,
        admin_token: &admin_token,
        secret: &options.secret,
        data_dir: options.data_dir.as_deref(),
        reference_quirks: options.reference_quirks,
    };
    let mut stdout = io::stdout().lock();
    // Whoever reads the banner (a script, a test) reads it now, not when a buffer fills.
    let _ = stdout.write_all(banner.render().as_bytes());
    let _ = stdout.flush();
    drop(stdout);

    let signal = stop.wait().await;
    tracing::info!(target: "lift_dev", "{signal}: shutting down");
    platform.shutdown().await;
    tracing::info!(target: "lift_dev", "stopped");
    Ok(())
}

/// Ctrl-C (SIGINT) and, on Unix, SIGTERM.
struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    #[cfg(unix)]
    fn install() -> io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn install() -> io::Result<Self> {
        Ok(Self {})
    }

    /// Waits for the first signal and names it.
    #[cfg(unix)]
    async fn wait(mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }

    #[cfg(not(unix))]
    async fn wait(self) -> &'static str {
        match tokio::signal::ctrl_c().await {
            Ok(()) => "Ctrl-C",
            // No way to hear Ctrl-C: serve until killed.
            Err(_) => std::future::pending().await,
        }
    }
}
