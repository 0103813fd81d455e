//! The client handle: construction and acting on behalf of a caller.

use std::sync::Arc;

use lift_auth::{Caller, Token, UserContext};
use lift_sdk_core::{AuthProvider, ServiceClient, ServiceClientBuilder, Transport};

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
/// - **through the gateway** ([`through_gateway`](Self::through_gateway)): base URL
///   `{gateway}/memory` and a bearer token ([`for_token`](Self::for_token),
///   [`lift_auth::StaticToken`]). The gateway turns the token into the user-context
///   headers. The client strips any `X-User-ID`, `X-Org-ID`, `X-Memory-Context`,
///   `X-User-Roles` or `X-Module-ID` a provider or default header would add, because the
///   gateway forwards a client's copy first and it would override the token's identity.
/// - **direct** ([`new`](Self::new)): memory's own URL (`http://memory:8003`) with the
///   user-context headers ([`for_context`](Self::for_context),
///   [`lift_auth::UserContextHeaders`]), as modules inside the platform network do.
///
/// [`for_token`](Self::for_token), [`for_context`](Self::for_context) and
/// [`for_provider`](Self::for_provider) give a copy bound to the caller's credentials, which
/// is how a module acts on behalf of the user who called it without a pool per request.
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
    /// prefer [`through_gateway`](Self::through_gateway).
    #[must_use]
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// A client over a gateway transport (base URL `{gateway}/memory`, bearer-token
    /// credentials). Like [`new`](Self::new), but on a
    /// [`Transport::through_gateway`] copy: no user-context header ever leaves it,
    /// whatever the transport's provider, a later [`for_provider`](Self::for_provider) or
    /// the transport's default headers add; so [`for_context`](Self::for_context) sends no
    /// identity at all here: use [`for_token`](Self::for_token).
    #[must_use]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "takes the transport like `new` does; the copy only sets the gateway flag"
    )]
    pub fn through_gateway(transport: Transport) -> Self {
        Self::new(transport.through_gateway())
    }

    /// Starts configuring a client from URLs, credentials and transport settings. Choose
    /// exactly one routing mode: [`gateway_url`](ServiceClientBuilder::gateway_url)
    /// (through the gateway, at `{gateway}/memory`, with a bearer token; no user-context
    /// header ever leaves the client) or [`service_url`](ServiceClientBuilder::service_url)
    /// (memory's own URL, inside the platform network, with the user-context headers). To
    /// reuse a [`Transport`] you already have, use [`through_gateway`](Self::through_gateway)
    /// or [`new`](Self::new) instead.
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
    pub fn builder() -> MemoryClientBuilder {
        ServiceClientBuilder::new()
    }

    /// Whether this client talks to the gateway and strips user-context headers (see
    /// [`Transport::is_through_gateway`]).
    #[must_use]
    pub fn is_through_gateway(&self) -> bool {
        self.transport.is_through_gateway()
    }

    /// The transport underneath, for calling a memory route this client does not cover.
    #[must_use]
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// A copy that acts for `caller`: their bearer token ([`Caller::Token`]) or their user
    /// context as headers ([`Caller::Context`]), whichever the handler has. Cheap: it
    /// shares the connection pool, the retry budget and the circuit breaker.
    ///
    /// ```no_run
    /// # async fn run(memory: lift_memory_client::MemoryClient, caller: lift_auth::UserContext) -> Result<(), lift_memory_client::Error> {
    /// let found = memory.for_user(&caller).search("campaign lift").await?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn for_user(&self, caller: impl Into<Caller>) -> Self {
        self.for_provider(caller.into().into_provider())
    }

    /// A copy that acts as the holder of `token` (`Authorization: Bearer <token>`), for calls
    /// through the gateway: typically the token of the request a module is handling.
    ///
    /// Cheap: it shares the connection pool, the retry budget and the circuit breaker.
    ///
    /// ```no_run
    /// # async fn run(memory: lift_memory_client::MemoryClient, token: String) -> Result<(), lift_memory_client::Error> {
    /// let as_caller = memory.for_token(token);
    /// let found = as_caller.search("campaign lift").await?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn for_token(&self, token: impl Into<String>) -> Self {
        self.for_user(Token::new(token))
    }

    /// A copy that acts as the user of `context`, sending the user-context headers
    /// (`X-User-ID`, `X-Org-ID`, `X-Memory-Context`, `X-User-Roles`), for direct calls to
    /// memory inside the platform network. Never use it on a gateway transport.
    ///
    /// Cheap: it shares the connection pool, the retry budget and the circuit breaker.
    ///
    /// ```no_run
    /// use lift_auth::{Role, UserContext};
    ///
    /// # async fn run(memory: lift_memory_client::MemoryClient) -> Result<(), lift_memory_client::Error> {
    /// let caller = UserContext::new("user-1", "org-1").with_roles([Role::User]);
    /// let stored = memory.for_context(&caller).store("noted").await?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn for_context(&self, context: &UserContext) -> Self {
        self.for_user(context)
    }

    /// A copy that sends credentials from `provider` instead, sharing the connection pool,
    /// the retry budget and the circuit breaker (built on [`Transport::with_auth`]).
    ///
    /// Use a bearer-token provider on a gateway transport and a user-context-headers
    /// provider on a direct one: a provider that adds `X-User-*` headers must never be used
    /// towards the gateway, which would let them override the token's identity.
    ///
    /// On a [`through_gateway`](Self::through_gateway) client the transport strips the
    /// provider's user-context headers.
    #[must_use]
    pub fn for_provider(&self, provider: Arc<dyn AuthProvider>) -> Self {
        Self::new(self.transport.with_auth(provider))
    }
}

impl ServiceClient for MemoryClient {
    const SERVICE: &'static str = "memory";
    const GATEWAY_PREFIX: &'static str = "memory";

    fn from_transport(transport: Transport) -> Self {
        Self::new(transport)
    }
}

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
