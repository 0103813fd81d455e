//! The auth-service client.

mod causal;
mod causal_types;
mod types;

use http::header::AUTHORIZATION;
use lift_sdk_core::{Error, Transport};

pub use causal_types::{
    AuthServiceInfo, CausalAccessRequest, CausalCapabilities, CausalDataScope, CausalDataScopes,
    CausalPermissionLevel, CausalPermissions, CausalRoleRequest, CausalTierLimits,
};
use types::LoginRequest;
pub use types::{RegisterRequest, TokenResponse, User, VerifyResponse};

/// A client of the auth service: `register`, `login`, `verify`, `refresh`, the `/causal/…`
/// routes, `info` and `health_detailed` (contract §3.1).
///
/// It works against the service itself (`http://auth:8001`) or through the gateway's
/// `/auth` prefix (`http://gw:8000/auth`): the transport's base URL decides. Cheap to clone.
///
/// The reference's `/verify` and `/refresh` fail at snapshot a866ea0 (contract §0): verify
/// tokens locally with a [`TokenVerifier`](crate::TokenVerifier), and log in again instead
/// of refreshing ([`LoginSession`](crate::LoginSession) does).
///
/// ```no_run
/// use lift_auth::AuthClient;
/// use lift_sdk_core::Transport;
///
/// # async fn run() -> Result<(), lift_sdk_core::Error> {
/// let auth = AuthClient::new(Transport::new("http://localhost:8000/auth")?);
/// let session = auth.login("ana@example.com", "s3cret!").await?;
/// println!("token valid for {:?}", session.expires_in());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct AuthClient {
    transport: Transport,
}

impl AuthClient {
    /// A client over `transport`, whose base URL is the auth service or the gateway's
    /// `/auth` prefix. Credentials configured on the transport are not sent: these calls
    /// carry their own. [`for_token`](Self::for_token) and [`for_user`](Self::for_user)
    /// give a copy that sends a caller's bearer token.
    #[must_use]
    pub fn new(transport: Transport) -> Self {
        let transport = match transport.auth() {
            Some(_) => transport.without_auth(),
            None => transport,
        };
        Self { transport }
    }

    /// `POST /register`.
    ///
    /// # Errors
    ///
    /// A `Status` error with the service's `detail` (400 for a taken e-mail or username,
    /// 422 for an invalid e-mail, 500 at the reference snapshot), or a transport error.
    pub async fn register(&self, request: &RegisterRequest) -> Result<TokenResponse, Error> {
        self.transport
            .post("/register")
            .json(request)
            .send_data()
            .await
    }

    /// `POST /login`.
    ///
    /// # Errors
    ///
    /// A `Status` error (401 `Invalid credentials`, 422, 500 at the reference snapshot), or
    /// a transport error.
    pub async fn login(&self, email: &str, password: &str) -> Result<TokenResponse, Error> {
        self.transport
            .post("/login")
            .json(&LoginRequest { email, password })
            .send_data()
            .await
    }

    /// `POST /verify` with `token` as the bearer.
    ///
    /// # Errors
    ///
    /// A `Status` error (401, or 403 without a token), or a transport error.
    pub async fn verify(&self, token: &str) -> Result<VerifyResponse, Error> {
        // `token` is the bearer, not the credentials of a bound copy.
        self.transport
            .without_auth()
            .post("/verify")
            .header(AUTHORIZATION, crate::provider::bearer_value(token)?)
            .send_data()
            .await
    }

    /// `POST /refresh` with `token` as the bearer; the answer has no `user`.
    ///
    /// # Errors
    ///
    /// A `Status` error (always 500 at the reference snapshot), or a transport error.
    pub async fn refresh(&self, token: &str) -> Result<TokenResponse, Error> {
        // `token` is the bearer, not the credentials of a bound copy.
        self.transport
            .without_auth()
            .post("/refresh")
            .header(AUTHORIZATION, crate::provider::bearer_value(token)?)
            .send_data()
            .await
    }
}

impl lift_sdk_core::ServiceClient for AuthClient {
    const SERVICE: &'static str = "auth";
    const GATEWAY_PREFIX: &'static str = "auth";

    fn from_transport(transport: Transport) -> Self {
        Self::new(transport)
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Keeps the credentials: `for_user`/`for_token` bind a copy for the routes that
    /// want the caller's bearer token (`new` drops the transport's own, because
    /// register and login are public and a login session logs in through this client).
    fn with_transport(&self, transport: Transport) -> Self {
        Self { transport }
    }
}

crate::impl_service_client!(@impl AuthClient, "lift_auth::AuthClient", "crate");
