//! Building a [`MemoryClient`] for one of the two routing modes from URLs.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use lift_core::{AuthProvider, Error, RetryPolicy, Transport, reqwest};

use crate::client::MemoryClient;

/// Configures a [`MemoryClient`] from URLs: which routing mode, which credentials, and
/// transport settings. To reuse a [`Transport`] you already have, use
/// [`MemoryClient::through_gateway`] or [`MemoryClient::new`] instead.
///
/// Choose exactly one routing mode:
///
/// - [`gateway_url`](Self::gateway_url): through the gateway, at `{gateway}/memory`, with a
///   bearer token; no user-context header ever leaves the client.
/// - [`memory_url`](Self::memory_url): straight to the memory service, inside the platform
///   network, with the user-context headers.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// use lift_auth::StaticToken;
/// use lift_memory_client::MemoryClient;
///
/// # fn run(token: String) -> Result<(), lift_memory_client::Error> {
/// let memory = MemoryClient::builder()
///     .gateway_url("http://localhost:8000")
///     .auth(Arc::new(StaticToken::new(token)))
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # drop(memory); Ok(()) }
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct MemoryClientBuilder {
    gateway_url: Option<String>,
    memory_url: Option<String>,
    auth: Option<Arc<dyn AuthProvider>>,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
    retry_policy: Option<RetryPolicy>,
}

impl MemoryClientBuilder {
    pub(crate) fn new() -> Self {
        Self {
            gateway_url: None,
            memory_url: None,
            auth: None,
            http_client: None,
            timeout: None,
            retry_policy: None,
        }
    }

    /// Routes through the gateway at `url` (e.g. `http://localhost:8000`); calls go to
    /// `{url}/memory/...`.
    pub fn gateway_url(mut self, url: impl Into<String>) -> Self {
        self.gateway_url = Some(url.into());
        self
    }

    /// Routes straight to the memory service at `url` (e.g. `http://memory:8003`).
    pub fn memory_url(mut self, url: impl Into<String>) -> Self {
        self.memory_url = Some(url.into());
        self
    }

    /// The credentials: [`lift_auth::StaticToken`] (a bearer token) for the gateway,
    /// [`lift_auth::UserContextHeaders`] for direct calls, or any other provider. Without
    /// one, bind credentials per caller later with [`MemoryClient::for_token`] and friends.
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

    /// The retry policy (a store is never resent once it may have reached the server).
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
    pub fn build(self) -> Result<MemoryClient, Error> {
        let (base_url, through_gateway) = match (self.gateway_url, self.memory_url) {
            (Some(gateway), None) => (format!("{}/memory", gateway.trim_end_matches('/')), true),
            (None, Some(memory)) => (memory, false),
            (None, None) => {
                return Err(Error::builder(
                    "no memory address: set gateway_url or memory_url",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(Error::builder(
                    "gateway_url and memory_url are exclusive: set only one",
                ));
            }
        };
        let mut builder = Transport::builder(base_url).service("memory");
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
            MemoryClient::through_gateway(transport)
        } else {
            MemoryClient::new(transport)
        })
    }
}

impl fmt::Debug for MemoryClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryClientBuilder")
            .field("gateway_url", &self.gateway_url)
            .field("memory_url", &self.memory_url)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("retry_policy", &self.retry_policy)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use lift_core::ErrorKind;

    use super::*;

    #[test]
    fn exactly_one_routing_mode() {
        let none = MemoryClientBuilder::new().build().unwrap_err();
        let both = MemoryClientBuilder::new()
            .gateway_url("http://gw:8000")
            .memory_url("http://memory:8003")
            .build()
            .unwrap_err();
        assert_eq!(none.kind(), ErrorKind::Builder);
        assert_eq!(both.kind(), ErrorKind::Builder);
    }

    #[test]
    fn the_gateway_url_gets_the_memory_prefix() {
        let client = MemoryClientBuilder::new()
            .gateway_url("http://gw:8000/")
            .build()
            .unwrap();
        assert_eq!(
            client.transport().base_url().as_str(),
            "http://gw:8000/memory"
        );
        assert!(client.is_through_gateway());
        let direct = MemoryClientBuilder::new()
            .memory_url("http://memory:8003")
            .build()
            .unwrap();
        assert!(!direct.is_through_gateway());
    }
}
