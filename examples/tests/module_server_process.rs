//! The `module_server` example as a process, the way it runs against `lift-dev`: configured
//! from the environment, it listens on `LIFT_MODULE_PORT`, registers that port's URL, serves
//! its routes, and on SIGTERM deregisters and exits 0.
#![cfg(unix)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use lift_sdk::auth::Role;
use lift_sdk::serde_json::Value;
use lift_testkit::platform::FakePlatform;

/// How long the process may take to register, and to stop.
const PATIENCE: Duration = Duration::from_secs(30);

/// Builds the example (a no-op when `cargo test` already did) and returns its path.
fn example_binary() -> Result<PathBuf, Box<dyn std::error::Error>> {
    let built = Command::new(env!("CARGO"))
        .args([
            "build",
            "-q",
            "-p",
            "lift-examples",
            "--example",
            "module_server",
        ])
        .status()?;
    if !built.success() {
        return Err(format!("cargo build --example module_server: {built}").into());
    }
    // This test runs from `<target>/<profile>/deps/`; examples sit in `<target>/<profile>/examples/`.
    let exe = std::env::current_exe()?;
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or("the test binary has no profile directory")?;
    Ok(profile.join("examples").join("module_server"))
}

/// A loopback port nothing listens on right now.
fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The example's process; killed if the test fails before it exits.
struct Process(Option<Child>);

impl Process {
    /// Waits for the process to exit, at most [`PATIENCE`].
    async fn exit(&mut self) -> Result<ExitStatus, Box<dyn std::error::Error>> {
        let mut child = self.0.take().ok_or("the process was already waited for")?;
        let waited = tokio::task::spawn_blocking(move || child.wait());
        Ok(tokio::time::timeout(PATIENCE, waited).await???)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            // A failed test must not leave the module running.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test]
async fn the_process_registers_its_port_serves_and_deregisters_on_sigterm_exiting_0() {
    // Arrange
    let platform = FakePlatform::start().await.unwrap();
    let binary = example_binary().unwrap();
    let port = free_port().unwrap();
    let child = Command::new(&binary)
        .env_clear()
        .env("GATEWAY_URL", platform.gateway_url())
        .env("JWT_SECRET", platform.secret())
        .env("LIFT_MODULE_HOST", "127.0.0.1")
        .env("LIFT_MODULE_PORT", port.to_string())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let mut process = Process(Some(child));

    // Act: wait for the registration (the only signal the process gives), call it, stop it.
    let registered = tokio::time::timeout(PATIENCE, async {
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        loop {
            tick.tick().await;
            if let Some(module) = platform.modules().into_iter().next() {
                return module;
            }
        }
    })
    .await
    .unwrap();
    let claims = platform
        .claims("u-1", "u-1", "u1@example.com")
        .roles([Role::User]);
    let whoami: Value = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{port}/api/v1/whoami"))
        .bearer_auth(platform.sign(&claims))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or_default();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = process.exit().await.unwrap();

    // Assert
    assert_eq!(registered["name"], "whoami");
    assert_eq!(
        registered["base_url"]
            .as_str()
            .map(|url| url.trim_end_matches('/')),
        Some(format!("http://127.0.0.1:{port}").as_str())
    );
    assert_eq!(whoami["sub"], "u-1");
    assert!(killed.success());
    assert!(status.success(), "the module exited with {status}");
    assert!(platform.modules().is_empty(), "{:?}", platform.modules());
}
