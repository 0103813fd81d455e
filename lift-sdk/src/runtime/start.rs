//! Starting a module: configuration first, then the listener, `on_start`, the server and
//! registration; and the shutdown sequence.

use std::sync::Arc;

use lift_auth::{JwtAuthLayer, TokenVerifier};
use lift_registry_client::ModuleManifest;
use tokio::net::TcpListener;
use url::Url;

use super::app::app;
use super::builder::{DEFAULT_DRAIN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, Runtime};
use super::context::ModuleShared;
use super::error::ServeError;
use super::health::{Metrics, Readiness};
use super::http::HttpLimits;
use super::module::{LiftModule, ManifestSource};
use super::registration::RegistrationSettings;
use super::registration::{
    CredentialSource, InstanceProbe, Registrar, register_with_observability, registry_client,
    service_token_signer,
};
use super::running::RunningModule;
use super::server::Server;
use super::shutdown::{Shutdown, ShutdownTiming, run_hook, watch_os_signals};
use super::state::RuntimeState;
use crate::config::{Credentials, Routing, parse_public_url};
use crate::{LiftClient, LiftConfig};

pub(crate) async fn start<M: LiftModule>(runtime: Runtime<M>) -> Result<RunningModule, ServeError> {
    let Runtime {
        module,
        config,
        client,
        bind,
        listener,
        public_url,
        auth,
        shutdown,
        register,
        registration,
        readiness,
        limits,
        drain_timeout,
        shutdown_delay,
        shutdown_timeout,
    } = runtime;

    // Everything that can be wrong in the configuration is found before anything starts.
    let config = match config {
        Some(config) => config,
        None => LiftConfig::from_env()?,
    };
    // Code wins over the environment, the environment over the defaults.
    let env = &config.module;
    let limits = limits.unwrap_or_else(|| HttpLimits::from_settings(env));
    let registration = registration.unwrap_or_else(|| RegistrationSettings::from_settings(env));
    let drain_timeout = drain_timeout
        .or(env.drain_timeout)
        .unwrap_or(DEFAULT_DRAIN_TIMEOUT);
    let shutdown_delay = shutdown_delay.or(env.shutdown_delay).unwrap_or_default();
    let shutdown_timeout = shutdown_timeout
        .or(env.shutdown_timeout)
        .unwrap_or(DEFAULT_SHUTDOWN_TIMEOUT);
    let manifest = load_manifest(module.manifest(), &config)?;
    let auth = match auth {
        Some(layer) => layer,
        None => default_auth(&config)?,
    };
    let public_url = public_url
        .map(|url| parse_public_url("public url", &url))
        .transpose()?;
    let metrics = Metrics::new();
    let client = match client {
        Some(client) => client,
        None => module_client(&config, &manifest.name, &metrics)?,
    };
    let http = lift_sdk_core::default_http_client()?;
    let registry = if register {
        Some(registry_client(
            &config,
            http.clone(),
            &manifest.name,
            metrics.call_observer(),
        )?)
    } else {
        None
    };
    let readiness = Arc::new(Readiness::new(module.readiness_checks(), readiness)?);

    let listener = match listener {
        Some(listener) => listener,
        None => {
            let addr = bind.unwrap_or_else(|| config.module.bind_addr());
            TcpListener::bind(addr)
                .await
                .map_err(|source| ServeError::Bind { addr, source })?
        }
    };
    let local_addr = listener.local_addr().map_err(ServeError::Server)?;
    let public_url = public_url.unwrap_or_else(|| {
        let choice = config.module.public_url_choice(local_addr);
        choice.log(local_addr);
        choice.url
    });
    let state = Arc::new(RuntimeState::new(
        &manifest.name,
        &manifest.version,
        register,
    ));
    let registrar = match registry {
        Some(registry) => {
            let mut registrar =
                Registrar::new(registry, manifest.clone(), &public_url, registration)?
                    .with_instance(InstanceProbe {
                        this: state.instance_id().to_owned(),
                        health_path: manifest.health_endpoint().to_owned(),
                        http: http.clone(),
                    });
            if let Ok(source) = CredentialSource::of(&config) {
                registrar = registrar.with_credentials(source);
            }
            Some(Arc::new(registrar))
        }
        None => None,
    };

    module.on_start(&client).await.map_err(ServeError::Start)?;
    let shared = ModuleShared {
        state: state.clone(),
        client,
    };
    let app = app(
        &module, &manifest, auth, shared, readiness, &metrics, &limits,
    );

    let server = Server::spawn(listener, app, limits);
    tracing::info!(
        module = %manifest.name,
        version = %manifest.version,
        address = %local_addr,
        public_url = %public_url,
        instance_id = state.instance_id(),
        "module listening"
    );

    let registering = registrar.clone().map(|registrar| {
        let state = state.clone();
        tokio::spawn(async move {
            let result = registrar.run(&state).await;
            if result.is_err() {
                // Registering would evict a live replica: the module must not serve.
                state.begin_shutdown();
            }
            result
        })
    });
    if let Some(observability) = config.observability_url.clone() {
        let health_url = health_url(&public_url, &manifest);
        let manifest = manifest.clone();
        // Best effort: monitoring is optional, and its outage must not stop the module.
        tokio::spawn(async move {
            match register_with_observability(&http, &observability, &manifest, &health_url).await {
                Ok(done) => {
                    tracing::info!(outcome = ?done, "health endpoint registered with observability")
                }
                Err(err) => tracing::warn!(error = %err, "could not register with observability"),
            }
        });
    }
    match shutdown {
        Some(signal) => {
            let stopper = state.clone();
            tokio::spawn(async move {
                tokio::select! {
                    () = signal => stopper.begin_shutdown(),
                    () = stopper.shutdown_started() => {}
                }
            });
        }
        None => {
            tokio::spawn(watch_os_signals(state.clone()));
        }
    }

    let sequence = Shutdown {
        state: state.clone(),
        registrar,
        registering,
        server,
        timing: ShutdownTiming {
            drain_timeout,
            shutdown_delay,
        },
    };
    let module = Arc::new(module);
    let task = tokio::spawn(async move {
        let result = sequence.run().await;
        // The hook runs even when the server failed: it releases what on_start took.
        let hook = run_hook(module, shutdown_timeout).await;
        tracing::info!("module stopped");
        result.and(hook)
    });
    Ok(RunningModule {
        local_addr,
        public_url,
        state,
        task: Some(task),
    })
}

fn load_manifest(
    source: ManifestSource,
    config: &LiftConfig,
) -> Result<ModuleManifest, ServeError> {
    let (manifest, path) = match source {
        ManifestSource::Manifest(manifest) => (*manifest, None),
        ManifestSource::Path(path) => read_manifest(path)?,
        ManifestSource::FromConfig => read_manifest(config.module.manifest.clone())?,
    };
    manifest
        .validate()
        .map_err(|source| ServeError::Manifest { path, source })?;
    Ok(manifest)
}

fn read_manifest(
    path: std::path::PathBuf,
) -> Result<(ModuleManifest, Option<std::path::PathBuf>), ServeError> {
    match ModuleManifest::from_path(&path) {
        Ok(manifest) => Ok((manifest, Some(path))),
        Err(source) => Err(ServeError::Manifest {
            path: Some(path),
            source,
        }),
    }
}

/// The module's own client: the given configuration's credentials, or, when it has none and
/// `JWT_SECRET` is set, the service token the module registers with (so `on_start`, the
/// module's readiness checks and `ModuleContext::module_client` act as the module itself).
fn module_client(
    config: &LiftConfig,
    module_name: &str,
    metrics: &Metrics,
) -> Result<LiftClient, ServeError> {
    let mut builder = LiftClient::builder(config.clone()).call_observer(metrics.call_observer());
    if let (Some(secret), Credentials::None, Routing::Gateway) =
        (&config.jwt_secret, &config.credentials, &config.routing)
    {
        builder = builder.credentials(service_token_signer(secret.expose(), module_name)?);
    }
    Ok(builder.build()?)
}

fn default_auth(config: &LiftConfig) -> Result<JwtAuthLayer, ServeError> {
    let secret = config.jwt_secret.as_ref().ok_or_else(|| {
        lift_sdk_core::Error::builder(
            "JWT_SECRET is not set: the module cannot verify its callers' tokens \
             (set it, or choose another auth mode with Runtime::auth)",
        )
    })?;
    let verifier = TokenVerifier::hs256(secret.expose()).map_err(|err| {
        lift_sdk_core::Error::builder(format!("JWT_SECRET cannot verify tokens: {err}"))
            .with_source(err)
    })?;
    Ok(JwtAuthLayer::new(verifier))
}

fn health_url(public_url: &Url, manifest: &ModuleManifest) -> Url {
    let base = public_url.as_str().trim_end_matches('/');
    let text = format!("{base}{}", manifest.health_endpoint());
    Url::parse(&text).unwrap_or_else(|_| public_url.clone())
}
