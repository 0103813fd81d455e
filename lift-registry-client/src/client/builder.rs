//! Building a [`RegistryClient`] for one of the two routing modes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use lift_core::http::HeaderMap;
use lift_core::{AuthProvider, Error, RetryPolicy, Transport, async_trait, reqwest};

use super::RegistryClient;

/// The headers that carry a caller's identity inside the platform network (contract §4.2).
/// The gateway injects them from the bearer token; a client copy would win over the
/// gateway's and is a spoofing hole (contract §10 D15), so they are never sent to it.
pub(crate) const USER_CONTEXT_HEADERS: [&str; 5] = [
    "x-user-id",
    "x-org-id",
    "x-organization-id",
    "x-user-roles",
    "x-memory-context",
];

/// Configures a [`RegistryClient`]: which routing mode, which credentials, and transport
/// settings.
///
/// Choose exactly one routing mode:
///
/// - [`gateway_url`](Self::gateway_url): through the gateway, at `{gateway}/registry`, with
///   a bearer token. The client strips any `X-User-*` / `X-Org-ID` / `X-Memory-Context`
///   header the credential provider adds, so the gateway's own (from the token) are used.
/// - [`registry_url`](Self::registry_url): straight to the registry, inside the platform
///   network, with the user-context headers (`X-User-ID`, `X-Org-ID`, `X-User-Roles`).
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// use lift_auth::StaticToken;
/// use lift_registry_client::RegistryClient;
///
/// # fn run(token: String) -> Result<(), lift_registry_client::Error> {
/// let registry = RegistryClient::builder()
///     .gateway_url("http://localhost:8000")
///     .auth(Arc::new(StaticToken::new(token)))
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # drop(registry); Ok(()) }
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct RegistryClientBuilder {
    gateway_url: Option<String>,
    registry_url: Option<String>,
    auth: Option<Arc<dyn AuthProvider>>,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
    retry_policy: Option<RetryPolicy>,
}

impl RegistryClientBuilder {
    pub(super) fn new() -> Self {
        Self {
            gateway_url: None,
            registry_url: None,
            auth: None,
            http_client: None,
            timeout: None,
            retry_policy: None,
        }
    }

    /// Routes through the gateway at `url` (e.g. `http://localhost:8000`); calls go to
    /// `{url}/registry/...`.
    pub fn gateway_url(mut self, url: impl Into<String>) -> Self {
        self.gateway_url = Some(url.into());
        self
    }

    /// Routes straight to the registry at `url` (e.g. `http://registry:8005`).
    pub fn registry_url(mut self, url: impl Into<String>) -> Self {
        self.registry_url = Some(url.into());
        self
    }

    /// The credentials: [`lift_auth::StaticToken`] (a bearer token) for the gateway,
    /// [`lift_auth::UserContextHeaders`] for direct calls, or any other provider.
    pub fn auth(mut self, provider: Arc<dyn AuthProvider>) -> Self {
        self.auth = Some(provider);
        self
    }

    /// An existing `reqwest::Client`, to share its connection pool.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The time-out of each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy (registration is never resent once it may have reached the server).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](lift_core::ErrorKind::Builder) when neither or both
    /// routing modes were chosen, or when the URL is not an absolute http(s) URL.
    pub fn build(self) -> Result<RegistryClient, Error> {
        let (base_url, through_gateway) = match (self.gateway_url, self.registry_url) {
            (Some(gateway), None) => (format!("{}/registry", gateway.trim_end_matches('/')), true),
            (None, Some(registry)) => (registry, false),
            (None, None) => {
                return Err(Error::builder(
                    "no registry address: set gateway_url or registry_url",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(Error::builder(
                    "gateway_url and registry_url are exclusive: set only one",
                ));
            }
        };
        let mut builder = Transport::builder(base_url).service("registry");
        if let Some(client) = self.http_client {
            builder = builder.http_client(client);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(policy) = self.retry_policy {
            builder = builder.retry_policy(policy);
        }
        if let Some(provider) = self.auth {
            builder = builder.auth(provider);
        }
        let transport = builder.build()?;
        Ok(if through_gateway {
            RegistryClient::through_gateway(transport)
        } else {
            RegistryClient::new(transport)
        })
    }
}

impl fmt::Debug for RegistryClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryClientBuilder")
            .field("gateway_url", &self.gateway_url)
            .field("registry_url", &self.registry_url)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("retry_policy", &self.retry_policy)
            .finish_non_exhaustive()
    }
}

/// Wraps a provider so the gateway never receives user-context headers from the client.
#[derive(Debug)]
pub(crate) struct GatewayAuth {
    inner: Arc<dyn AuthProvider>,
}

impl GatewayAuth {
    pub(crate) fn new(inner: Arc<dyn AuthProvider>) -> Self {
        Self { inner }
    }
}

#[async_trait]
impl AuthProvider for GatewayAuth {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        self.inner.authorize(headers).await?;
        for name in USER_CONTEXT_HEADERS {
            headers.remove(name);
        }
        Ok(())
    }

    async fn refresh(&self) -> Result<bool, Error> {
        self.inner.refresh().await
    }
}
