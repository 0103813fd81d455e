//! Optional monitoring: registering the module's health endpoint with the observability
//! service (contract §9.2).

use lift_registry_client::ModuleManifest;
use lift_sdk_core::{Error, Transport};
use serde::Serialize;
use url::Url;

/// The placeholder sent as `?token=`: the reference demands the query parameter but never
/// checks it (contract §9), and a real token must not travel in a URL, where proxies log it.
const TOKEN_PLACEHOLDER: &str = "lift-module";

/// The outcome of [`register_with_observability`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObservabilityRegistration {
    /// The service now monitors the module (`200`).
    Registered,
    /// The service already monitored a service of that name (`409`).
    AlreadyRegistered,
}

/// `POST /api/v1/services/register` (a subset of the reference's `ServiceRegistration`:
/// its other fields keep their defaults).
#[derive(Debug, Serialize)]
struct Body<'a> {
    service_name: &'a str,
    health_endpoint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
}

/// Asks the observability service at `observability_url` to poll `health_url` (the full
/// URL of the module's health endpoint) under the manifest's name, with its description
/// and tags. The runtime calls it once after the first registration; its failure is logged,
/// never fatal.
///
/// # Errors
///
/// A [`Builder`](lift_sdk_core::ErrorKind::Builder) error for an unusable URL; any error of
/// the call other than a `409`.
pub(crate) async fn register_with_observability(
    http: &reqwest::Client,
    observability_url: &Url,
    manifest: &ModuleManifest,
    health_url: &Url,
) -> Result<ObservabilityRegistration, Error> {
    let transport = Transport::builder(observability_url.as_str())
        .service("observability")
        .http_client(http.clone())
        .build()?;
    let metadata = manifest.metadata.as_ref();
    let body = Body {
        service_name: &manifest.name,
        health_endpoint: health_url.as_str(),
        description: metadata.and_then(|metadata| metadata.description.as_deref()),
        tags: metadata.map_or(&[], |metadata| metadata.tags.as_slice()),
    };
    let answer = transport
        .post("/api/v1/services/register")
        .query(&[("token", TOKEN_PLACEHOLDER)])
        .json(&body)
        // Sending it twice is harmless: the second answer is a 409.
        .idempotent(true)
        .send()
        .await;
    match answer {
        Ok(_) => Ok(ObservabilityRegistration::Registered),
        Err(err) if err.status() == Some(http::StatusCode::CONFLICT) => {
            Ok(ObservabilityRegistration::AlreadyRegistered)
        }
        Err(err) => Err(err),
    }
}
