//! The client handle: construction and acting on behalf of a caller.

use lift_sdk_core::{ServiceClient, ServiceClientBuilder, Transport};

/// Configures a [`MemoryClient`] from URLs: `gateway_url` (calls go to `{gateway}/memory`)
/// or `service_url` (memory's own URL), credentials and transport settings. See
/// [`MemoryClient::builder`].
pub type MemoryClientBuilder = ServiceClientBuilder<MemoryClient>;

/// A typed client for the Lift OS Core memory service.
///
/// Create once and reuse: it is a cheap handle over a [`Transport`] (reference-counted
/// inside), `Clone + Send + Sync + 'static`, and every clone shares the connection pool,
/// the retry budget and the circuit breaker.
///
/// # Two ways to reach memory
///
/// The routing mode is simply the transport the client is built on:
///
/// - **through the gateway** ([`through_gateway`](Self::through_gateway),
///   `builder().gateway_url(…)`): base URL `{gateway}/memory` and the caller's bearer token.
///   The gateway turns the token into the user-context headers; the client strips every
///   user-context header ([`USER_CONTEXT_HEADERS`](lift_sdk_core::USER_CONTEXT_HEADERS)) a
///   provider or default header would add, because the gateway forwards a client's copy
///   first and it would override the token's identity.
/// - **direct** ([`new`](Self::new), `builder().service_url(…)`): memory's own URL
///   (`http://memory:8003`) with the user-context headers, as modules inside the platform
///   network do.
///
/// [`for_user`](Self::for_user) gives a copy that acts for the caller of a request, in the
/// form the routing needs: their token through the gateway, their user context directly
/// ([`lift_auth::Caller`] carries both). It shares the pool, so a module acts for each
/// caller without a pool per request.
///
/// ```no_run
/// use lift_memory_client::{MemoryClient, SearchRequest, SearchType};
///
/// # async fn run() -> Result<(), lift_memory_client::Error> {
/// let transport = lift_sdk_core::Transport::builder("http://localhost:8000/memory")
///     .service("memory")
///     .build()?;
/// let memory = MemoryClient::through_gateway(transport).for_token("<the caller's jwt>");
/// let found = memory
///     .search(SearchRequest::new("campaign lift").search_type(SearchType::Neural).limit(5))
///     .await?;
/// println!("{} hits in {:?}", found.count, found.duration);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MemoryClient {
    pub(crate) transport: Transport,
}

impl MemoryClient {
    /// A client over `transport`, sending exactly what the transport's credential provider
    /// adds: use it for the memory service's own URL (direct mode). For a gateway transport
    /// use [`through_gateway`](Self::through_gateway).
    #[must_use]
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }
}

impl ServiceClient for MemoryClient {
    const SERVICE: &'static str = "memory";
    const GATEWAY_PREFIX: &'static str = "memory";

    fn from_transport(transport: Transport) -> Self {
        Self::new(transport)
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }
}

// `builder`, `through_gateway`, `transport`, `is_through_gateway`, `for_user`, `for_token`,
// `for_context`, `for_provider`, `health` and `ready`, shared by every Lift client.
lift_auth::impl_service_client!(MemoryClient, "lift_memory_client::MemoryClient");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_clone_send_sync_static() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<MemoryClient>();
    }

    #[test]
    fn exactly_one_routing_mode() {
        let none = MemoryClient::builder().build().unwrap_err();
        let both = MemoryClient::builder()
            .gateway_url("http://gw:8000")
            .service_url("http://memory:8003")
            .build()
            .unwrap_err();
        assert_eq!(none.kind(), lift_sdk_core::ErrorKind::Builder);
        assert_eq!(both.kind(), lift_sdk_core::ErrorKind::Builder);
    }

    #[test]
    fn the_gateway_url_gets_the_memory_prefix() {
        let client = MemoryClient::builder()
            .gateway_url("http://gw:8000/")
            .build()
            .unwrap();
        assert_eq!(
            client.transport().base_url().as_str(),
            "http://gw:8000/memory"
        );
        assert!(client.is_through_gateway());
        let direct = MemoryClient::builder()
            .service_url("http://memory:8003")
            .build()
            .unwrap();
        assert!(!direct.is_through_gateway());
    }
}
