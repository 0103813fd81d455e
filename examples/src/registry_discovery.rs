//! The `registry_discovery` example: list the registered modules, find one by name, and
//! have the registry probe its health.
//!
//! With a [`Target`] (`GATEWAY_URL` and `LIFT_ACCESS_TOKEN`), [`run`] asks that gateway's
//! registry. Without one, it starts a [`FakePlatform`] in-process with two modules built with
//! `lift-sdk` (the quickstart's `notes` and the `module_server` example's `whoami`), which
//! register themselves, asks the same questions, and shuts the modules down. It returns the
//! lines to print, so `tests/registry_discovery.rs` checks what the example shows.

use std::time::Duration;

use anyhow::{Context as _, bail};
use lift_sdk::registry::ListModules;
use lift_sdk::runtime::{LiftModule, RunningModule, Runtime};
use lift_sdk::{LiftClient, LiftConfig};
use lift_testkit::platform::FakePlatform;
use tokio::net::TcpListener;

pub use crate::target::Target;
use crate::{module_server::Whoami, quickstart::Notes};

/// How long a module may take to register, or to stop.
const PATIENCE: Duration = Duration::from_secs(10);

/// Lists the modules, finds `name` and reads its health, against `target` or, when it is
/// `None`, an in-process fake platform with two modules; returns the lines to print.
///
/// # Errors
///
/// A call that fails, named; no module called `name`; on the fake platform, a module that
/// does not register or stop.
pub async fn run(target: Option<Target>, name: &str) -> anyhow::Result<Vec<String>> {
    if let Some(target) = target {
        let config = LiftConfig::new(&target.gateway_url)?.token(target.token);
        let mut lines = vec![format!("gateway {} (from GATEWAY_URL)", target.gateway_url)];
        lines.extend(discover(&LiftClient::new(config)?, name).await?);
        return Ok(lines);
    }
    let platform = FakePlatform::start().await?;
    let result = on_fake_platform(&platform, name).await;
    platform.shutdown().await;
    result
}

/// Starts two modules on `platform`, discovers `name` as its admin, stops the modules.
async fn on_fake_platform(platform: &FakePlatform, name: &str) -> anyhow::Result<Vec<String>> {
    let notes = start_module(platform, Notes)
        .await
        .context("starting `notes`")?;
    let whoami = start_module(platform, Whoami)
        .await
        .context("starting `whoami`")?;
    let config = LiftConfig::new(platform.gateway_url())?.token(platform.admin_token());
    let mut lines = vec![format!(
        "gateway {} (an in-process fake platform running `notes` and `whoami`; \
         set GATEWAY_URL and LIFT_ACCESS_TOKEN to use yours)",
        platform.gateway_url()
    )];
    let discovered = discover(&LiftClient::new(config)?, name).await;
    for module in [notes, whoami] {
        module.shutdown();
        tokio::time::timeout(PATIENCE, module.wait())
            .await
            .context("a module did not stop within 10 s")??;
    }
    lines.extend(discovered?);
    Ok(lines)
}

/// `module` on a free loopback port, configured from `platform`, once registered.
async fn start_module<M: LiftModule>(
    platform: &FakePlatform,
    module: M,
) -> anyhow::Result<RunningModule> {
    let running = Runtime::new(module)
        .config(platform.config())
        .listener(TcpListener::bind("127.0.0.1:0").await?)
        // `on_fake_platform` stops the module itself, not on Ctrl-C.
        .shutdown_signal(std::future::pending())
        .start()
        .await?;
    match tokio::time::timeout(PATIENCE, running.registered()).await {
        Ok(Some(_)) => Ok(running),
        Ok(None) => bail!("the module stopped before it registered"),
        Err(_) => bail!("the module did not register within 10 s"),
    }
}

/// The discovery itself: list, find by name, probe.
async fn discover(client: &LiftClient, name: &str) -> anyhow::Result<Vec<String>> {
    let registry = client.registry();
    let mut modules = registry
        .list_all(ListModules::default())
        .await
        .context("listing the modules")?;
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    let mut lines = vec![format!("{} modules registered:", modules.len())];
    for module in &modules {
        lines.push(format!(
            "  {} {} at {} ({})",
            module.name, module.version, module.base_url, module.status
        ));
    }
    let Some(found) = registry
        .find_by_name(name)
        .await
        .with_context(|| format!("finding `{name}`"))?
    else {
        bail!("no module is called `{name}`");
    };
    lines.push(format!("`{name}` is module {}", found.id));
    let report = registry
        .module_health(&found.id)
        .await
        .with_context(|| format!("probing `{name}`"))?;
    let probe = report.health;
    let mut health = format!("the registry probed `{name}`: {}", probe.status);
    if let Some(took) = probe.response_time {
        health.push_str(&format!(" in {:.1} ms", took.as_secs_f64() * 1000.0));
    }
    if let Some(details) = &probe.details {
        // The module's own `/health` body, as the registry read it.
        let field = |key: &str| details[key].as_str().unwrap_or("?").to_owned();
        health.push_str(&format!(
            "; it says {} {} is {}",
            field("service"),
            field("version"),
            field("status")
        ));
    }
    if let Some(error) = probe.error {
        health.push_str(&format!(" ({error})"));
    }
    lines.push(health);
    Ok(lines)
}
