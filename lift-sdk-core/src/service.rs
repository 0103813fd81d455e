//! Building a typed service client for one of the two routing modes.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::Error;
use crate::auth::AuthProvider;
use crate::circuit::CircuitBreaker;
use crate::path::redact_userinfo;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::transport::{CallObserver, Transport, TransportBuilder};

/// A typed client over one Lift service's [`Transport`], such as `MemoryClient` or
/// `RegistryClient`: what [`ServiceClientBuilder`] needs to build one, and what the binding
/// methods every Lift client shares (`for_user`, `for_token`, `health`, …, generated once by
/// `lift_auth`'s `impl_service_client!`) need to make a copy on other credentials.
///
/// A plain trait used only generically: it has no async methods, and callers never need to
/// import it (the clients' methods are inherent).
pub trait ServiceClient: Sized {
    /// The service name used in spans and errors (e.g. `"memory"`).
    const SERVICE: &'static str;

    /// The gateway's route prefix for the service (e.g. `"memory"`): calls through the
    /// gateway go to `{gateway}/{GATEWAY_PREFIX}/...`.
    const GATEWAY_PREFIX: &'static str;

    /// The client over `transport`, whose base URL and credentials already fit the
    /// routing mode.
    fn from_transport(transport: Transport) -> Self;

    /// The transport the client sends through.
    fn transport(&self) -> &Transport;

    /// A copy of this client on `transport`, a copy of its own transport with other
    /// credentials ([`Transport::with_auth`]). The default is
    /// [`from_transport`](Self::from_transport); a client that holds more than its
    /// transport (the gateway client's registry, say) overrides it to carry that along.
    #[must_use]
    fn with_transport(&self, transport: Transport) -> Self {
        Self::from_transport(transport)
    }
}

/// Configures a [`ServiceClient`] from URLs: which routing mode, which credentials, and
/// transport settings. Problems in any setting are reported by [`build`](Self::build).
///
/// Choose exactly one routing mode:
///
/// - [`gateway_url`](Self::gateway_url): through the gateway, at
///   `{gateway}/{GATEWAY_PREFIX}`, with a bearer token. The transport is
///   [`through_gateway`](Transport::through_gateway), so no user-context header
///   (`X-User-ID`, `X-Org-ID`, …) ever leaves the client, whatever the provider adds.
/// - [`service_url`](Self::service_url): straight to the service, inside the platform
///   network, with the user-context headers.
///
/// ```
/// use std::time::Duration;
/// use lift_sdk_core::{ServiceClient, ServiceClientBuilder, Transport};
///
/// #[derive(Debug)]
/// struct StatsClient {
///     transport: Transport,
/// }
///
/// impl ServiceClient for StatsClient {
///     const SERVICE: &'static str = "stats";
///     const GATEWAY_PREFIX: &'static str = "stats";
///
///     fn from_transport(transport: Transport) -> Self {
///         Self { transport }
///     }
///
///     fn transport(&self) -> &Transport {
///         &self.transport
///     }
/// }
///
/// # fn run() -> Result<(), lift_sdk_core::Error> {
/// let stats: StatsClient = ServiceClientBuilder::new()
///     .gateway_url("http://localhost:8000/")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// assert_eq!(stats.transport.base_url().as_str(), "http://localhost:8000/stats");
/// assert!(stats.transport.is_through_gateway());
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct ServiceClientBuilder<C> {
    gateway_url: Option<String>,
    service_url: Option<String>,
    transport: TransportBuilder,
    client: PhantomData<fn() -> C>,
}

impl<C: ServiceClient> ServiceClientBuilder<C> {
    /// A builder with no routing mode chosen yet and default transport settings.
    pub fn new() -> Self {
        Self {
            gateway_url: None,
            service_url: None,
            transport: Transport::builder(String::new()).service(C::SERVICE),
            client: PhantomData,
        }
    }

    /// Routes through the gateway at `url` (e.g. `http://localhost:8000`); calls go to
    /// `{url}/{GATEWAY_PREFIX}/...` and never carry user-context headers.
    pub fn gateway_url(mut self, url: impl Into<String>) -> Self {
        self.gateway_url = Some(url.into());
        self
    }

    /// Routes straight to the service at `url` (e.g. `http://memory:8003`).
    pub fn service_url(mut self, url: impl Into<String>) -> Self {
        self.service_url = Some(url.into());
        self
    }

    /// The credentials: a bearer token for the gateway, the user-context headers for
    /// direct calls, or any other provider.
    pub fn auth(mut self, provider: Arc<dyn AuthProvider>) -> Self {
        self.transport = self.transport.auth(provider);
        self
    }

    /// An existing `reqwest::Client`, to share its connection pool (see
    /// [`TransportBuilder::http_client`]).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.transport = self.transport.http_client(client);
        self
    }

    /// The time-out of each attempt (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.timeout(timeout);
        self
    }

    /// The retry policy, whose deadline bounds each whole call (a non-idempotent call is
    /// never resent once it may have reached the server).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.retry_policy(policy);
        self
    }

    /// The bucket that limits this client's retries; pass an `Arc<RetryBudget>` to share it
    /// with other clients, or [`RetryBudget::unlimited()`] to turn it off (see
    /// [`TransportBuilder::retry_budget`]).
    pub fn retry_budget(mut self, budget: impl Into<Arc<RetryBudget>>) -> Self {
        self.transport = self.transport.retry_budget(budget);
        self
    }

    /// The circuit breaker: thresholds with [`CircuitBreaker::new`], sharing through an
    /// `Arc<CircuitBreaker>`, off with [`CircuitBreaker::disabled()`] (see
    /// [`TransportBuilder::circuit_breaker`]).
    pub fn circuit_breaker(mut self, breaker: impl Into<Arc<CircuitBreaker>>) -> Self {
        self.transport = self.transport.circuit_breaker(breaker);
        self
    }

    /// The largest response body read (default
    /// [`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE), 16 MiB).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.transport = self.transport.max_body_size(bytes);
        self
    }

    /// An observer told about every finished call (see
    /// [`TransportBuilder::observer`]).
    pub fn observer(mut self, observer: Arc<dyn CallObserver>) -> Self {
        self.transport = self.transport.observer(observer);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](crate::ErrorKind::Builder) when neither or both of
    /// `gateway_url` and `service_url` were set, when the URL is not an absolute http(s)
    /// URL, or when the HTTP client cannot be built.
    pub fn build(self) -> Result<C, Error> {
        let transport = match (self.gateway_url, self.service_url) {
            (Some(gateway), None) => self
                .transport
                .base_url(gateway_route(&gateway, C::GATEWAY_PREFIX))
                .through_gateway(),
            (None, Some(url)) => self.transport.base_url(url),
            (None, None) => {
                return Err(Error::builder(format!(
                    "no {} address: set gateway_url or service_url",
                    C::SERVICE
                )));
            }
            (Some(_), Some(_)) => {
                return Err(Error::builder(
                    "gateway_url and service_url are exclusive: set only one",
                ));
            }
        };
        Ok(C::from_transport(transport.build()?))
    }
}

impl<C: ServiceClient> Default for ServiceClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> fmt::Debug for ServiceClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceClientBuilder")
            .field(
                "gateway_url",
                &self.gateway_url.as_deref().map(redact_userinfo),
            )
            .field(
                "service_url",
                &self.service_url.as_deref().map(redact_userinfo),
            )
            .field("transport", &self.transport)
            .finish()
    }
}

/// `{gateway}/{prefix}`, with exactly one `/` between them.
fn gateway_route(gateway: &str, prefix: &str) -> String {
    format!(
        "{}/{}",
        gateway.trim_end_matches('/'),
        prefix.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_route_has_one_slash() {
        for gateway in ["http://gw:8000", "http://gw:8000/", "http://gw:8000//"] {
            assert_eq!(gateway_route(gateway, "memory"), "http://gw:8000/memory");
        }
        assert_eq!(
            gateway_route("http://gw/", "/registry"),
            "http://gw/registry"
        );
    }

    #[test]
    fn the_builder_is_send_sync_and_debug() {
        struct Unsync(#[allow(dead_code)] std::cell::Cell<u8>);
        impl ServiceClient for Unsync {
            const SERVICE: &'static str = "s";
            const GATEWAY_PREFIX: &'static str = "s";
            fn from_transport(_: Transport) -> Self {
                Self(std::cell::Cell::new(0))
            }
            fn transport(&self) -> &Transport {
                unreachable!("never built")
            }
        }
        fn assert_traits<T: Send + Sync + fmt::Debug + 'static>() {}
        assert_traits::<ServiceClientBuilder<Unsync>>();
    }
}
