//! The methods every Lift client shares, written once: construction from URLs, acting for
//! a caller, and the service's health. See `docs/adr/0005-client-binding.md` for why this is
//! a macro generating inherent methods rather than a trait.

/// Generates the shared inherent methods of a Lift client: `builder`, `through_gateway`,
/// `transport`, `is_through_gateway`, `for_user`, `for_token`, `for_context`,
/// `for_provider`, `health` and `ready`.
///
/// The client implements [`lift_sdk_core::ServiceClient`] (`from_transport`, `transport`
/// and, when it holds more than its transport, `with_transport`); the macro takes the type
/// and the path under which its doc examples name it:
/// `lift_auth::impl_service_client!(MemoryClient, "lift_memory_client::MemoryClient");`.
///
/// Inherent methods, so callers write `memory.for_user(&caller)` with no trait to import;
/// a macro, because `lift-sdk-core` (where `ServiceClient` lives) cannot name
/// [`Caller`](crate::Caller), which `lift-auth` defines on top of it. Internal to the Lift
/// crates: not part of the public API.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_service_client {
    ($client:ident, $path:literal) => {
        $crate::impl_service_client!(@impl $client, $path, "lift_auth");
    };
    // `$auth`: how the expanding crate's docs name lift-auth (`crate` inside lift-auth).
    (@impl $client:ident, $path:literal, $auth:literal) => {
        impl $client {
            /// Starts configuring a client from URLs, credentials and transport settings
            /// ([`ServiceClientBuilder`](lift_sdk_core::ServiceClientBuilder)). Choose
            /// exactly one routing mode:
            /// [`gateway_url`](lift_sdk_core::ServiceClientBuilder::gateway_url) (through the
            /// gateway, with a bearer token; no user-context header ever leaves the client)
            /// or [`service_url`](lift_sdk_core::ServiceClientBuilder::service_url) (the
            /// service's own URL, inside the platform network, with the user-context
            /// headers). To reuse a transport you already have, use `new` or
            /// [`through_gateway`](Self::through_gateway).
            ///
            /// ```no_run
            /// use std::time::Duration;
            ///
            /// # fn run(token: String) -> Result<(), Box<dyn std::error::Error>> {
            #[doc = concat!("let client = ", $path, "::builder()")]
            ///     .gateway_url("http://localhost:8000")
            ///     .timeout(Duration::from_secs(10))
            ///     .build()?
            ///     .for_token(token);
            /// # drop(client); Ok(()) }
            /// ```
            pub fn builder() -> $crate::provider::__core::ServiceClientBuilder<Self> {
                $crate::provider::__core::ServiceClientBuilder::new()
            }

            /// A client over a transport whose base URL is the gateway's route to the
            /// service: like `new`, but on a
            /// [`Transport::through_gateway`](lift_sdk_core::Transport::through_gateway)
            /// copy, so no user-context header
            /// ([`USER_CONTEXT_HEADERS`](lift_sdk_core::USER_CONTEXT_HEADERS)) ever leaves
            /// it, whatever the transport's provider, its default headers or a later
            /// [`for_provider`](Self::for_provider) add. The gateway derives them from the
            /// bearer token.
            #[must_use]
            #[allow(
                clippy::needless_pass_by_value,
                reason = "takes the transport like `new` does; the copy only sets the gateway flag"
            )]
            pub fn through_gateway(transport: $crate::provider::__core::Transport) -> Self {
                <Self as $crate::provider::__core::ServiceClient>::from_transport(
                    transport.through_gateway(),
                )
            }

            /// The transport underneath, for a route this client does not cover.
            #[must_use]
            pub fn transport(&self) -> &$crate::provider::__core::Transport {
                <Self as $crate::provider::__core::ServiceClient>::transport(self)
            }

            /// Whether this client talks to the gateway, and so strips the user-context
            /// headers and sends a caller's bearer token (see
            /// [`Transport::is_through_gateway`](lift_sdk_core::Transport::is_through_gateway)).
            #[must_use]
            pub fn is_through_gateway(&self) -> bool {
                self.transport().is_through_gateway()
            }

            #[doc = concat!("A copy that acts for `caller` (a [`Caller`](", $auth, "::Caller), a [`Token`](", $auth, "::Token), a [`UserContext`](", $auth, "::UserContext) or both), in")]
            #[doc = concat!("the form this client's routing needs ([`Caller::provider_for`](", $auth, "::Caller::provider_for)):")]
            ///
            /// - through the gateway, the caller's bearer token. A caller with only a user
            ///   context cannot be represented there: every call of the copy then fails
            ///   **before sending** with an error of kind
            ///   [`Auth`](lift_sdk_core::ErrorKind::Auth) naming the missing token;
            /// - direct, the user-context headers, plus the token when the caller has one.
            ///
            /// Cheap: the copy shares the connection pool, the retry budget and the
            /// circuit breaker, so a module acts for each caller without a pool per request.
            ///
            /// ```no_run
            /// use lift_auth::{Caller, Token, UserContext};
            ///
            #[doc = concat!("# async fn run(client: ", $path, ", token: String) -> Result<(), Box<dyn std::error::Error>> {")]
            /// // In a handler behind the gateway: the request's token and user context.
            /// let caller = Caller::new(Token::new(token), UserContext::new("user-1", "org-1"));
            /// let health = client.for_user(&caller).health().await?;
            /// # Ok(()) }
            /// ```
            #[must_use]
            pub fn for_user(&self, caller: impl Into<$crate::Caller>) -> Self {
                let provider = caller.into().provider_for(self.transport());
                self.for_provider(provider)
            }

            /// A copy that acts as the holder of `token` (`Authorization: Bearer <token>`):
            /// typically the token of the request a module is handling. Same as
            /// [`for_user`](Self::for_user) with a caller known by their token only.
            ///
            /// ```no_run
            #[doc = concat!("# async fn run(client: ", $path, ", token: String) -> Result<(), Box<dyn std::error::Error>> {")]
            /// let as_caller = client.for_token(token);
            /// let health = as_caller.health().await?;
            /// # Ok(()) }
            /// ```
            #[must_use]
            pub fn for_token(&self, token: impl Into<$crate::Token>) -> Self {
                self.for_user($crate::Caller::from_token(token))
            }

            /// A copy that acts as the user of `context`, sending the user-context headers
            /// (`X-User-ID`, `X-Org-ID`, `X-Memory-Context`, `X-User-Roles`): the
            /// credentials of direct calls inside the platform network. Same as
            /// [`for_user`](Self::for_user) with a caller known by their context only, so on
            /// a client that talks to the gateway every call of the copy fails before
            /// sending with an error of kind [`Auth`](lift_sdk_core::ErrorKind::Auth): use
            /// [`for_user`](Self::for_user) with the caller's token there.
            ///
            /// ```no_run
            /// use lift_auth::{Role, UserContext};
            ///
            #[doc = concat!("# async fn run(client: ", $path, ") -> Result<(), Box<dyn std::error::Error>> {")]
            /// let caller = UserContext::new("user-1", "org-1").with_roles([Role::User]);
            /// let health = client.for_context(&caller).health().await?;
            /// # Ok(()) }
            /// ```
            #[must_use]
            pub fn for_context(&self, context: &$crate::UserContext) -> Self {
                self.for_user(context)
            }

            /// A copy that takes its credentials from `provider`, sharing the connection
            /// pool, the retry budget and the circuit breaker
            /// ([`Transport::with_auth`](lift_sdk_core::Transport::with_auth)).
            ///
            /// Give a client that talks to the gateway a bearer-token provider: it strips
            /// any user-context header a provider adds, so a user-context provider sends no
            /// identity at all there.
            #[must_use]
            pub fn for_provider(
                &self,
                provider: ::std::sync::Arc<dyn $crate::provider::__core::AuthProvider>,
            ) -> Self {
                let transport = self.transport().with_auth(provider);
                <Self as $crate::provider::__core::ServiceClient>::with_transport(self, transport)
            }

            /// The service's liveness (`GET /health`, which the reference never
            /// rate-limits), read leniently: [`status`](lift_sdk_core::ServiceHealth::status)
            /// (`healthy`, `degraded`, …; a degraded service still answers 200, so read it),
            /// the [`dependencies`](lift_sdk_core::ServiceHealth::dependencies) (strings,
            /// counts included) and the uptime.
            ///
            /// ```no_run
            #[doc = concat!("# async fn run(client: ", $path, ") -> Result<(), Box<dyn std::error::Error>> {")]
            /// let health = client.health().await?;
            /// if !health.is_healthy() {
            ///     println!("{}: {:?}", health.status, health.dependencies);
            /// }
            /// # Ok(()) }
            /// ```
            ///
            /// # Errors
            ///
            /// Any error of the call; kind `Decode` for a body that is not a health object.
            pub async fn health(
                &self,
            ) -> ::std::result::Result<
                $crate::provider::__core::ServiceHealth,
                $crate::provider::__core::Error,
            > {
                self.transport().get("/health").send_json().await
            }

            /// The service's readiness (`GET /ready`). A service that is not ready answers
            /// 503 (`Service … not ready`), returned as an error of kind `Status` whose
            /// [`api_error`](lift_sdk_core::Error::api_error) carries that detail.
            ///
            /// # Errors
            ///
            /// Any error of the call, including that 503; kind `Decode` for a body that is
            /// not a readiness object.
            pub async fn ready(
                &self,
            ) -> ::std::result::Result<
                $crate::provider::__core::Readiness,
                $crate::provider::__core::Error,
            > {
                self.transport().get("/ready").send_json().await
            }
        }
    };
}
