//! [`JwtAuthLayer`] and its modes.

use http::HeaderMap;
use http::header::AUTHORIZATION;
use tower::Layer;

use super::JwtAuth;
use super::identity::Authenticated;
use crate::bearer::bearer_from_headers;
use crate::context::{UserContext, refuse_repeated};
use crate::error::{AuthErrorKind, Error};
use crate::headers::X_USER_ID;
use crate::verify::TokenVerifier;

/// How the auth layer identifies callers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMode {
    /// Require a valid `Authorization: Bearer <jwt>`; `X-User-*` headers sent by the caller
    /// are ignored and replaced by the token's identity. The default.
    #[default]
    Jwt,
    /// Trust the `X-User-ID`, `X-Org-ID`, `X-User-Roles`, … headers without a token.
    ///
    /// **Spoofable**, even behind the reference gateway: anyone who can reach the service
    /// directly can send these headers and claim any identity, including `admin`; and the
    /// reference gateway forwards a client's own `X-User-ID` *before* the one it injects
    /// (contract §4.2). This mode therefore refuses any user-context header sent twice
    /// (`401`, `invalid_request`), which stops the second attack, never the first. Use it
    /// only for calls from a trusted component inside a private network that nothing
    /// else can reach (see `docs/auth.md`); behind the gateway, prefer [`Jwt`](Self::Jwt):
    /// the gateway forwards the caller's token.
    GatewayHeaders,
    /// A bearer token when one is sent (it must then be valid), otherwise the user-context
    /// headers, under the same rules and caveats as [`GatewayHeaders`](Self::GatewayHeaders)
    /// (a repeated user-context header is refused whichever is used).
    JwtOrGatewayHeaders,
}

/// A tower [`Layer`] that authenticates every request; see [`AuthMode`].
///
/// The verified identity goes into the request extensions, where the extractors
/// ([`Claims`](crate::Claims), [`UserContext`], [`Authenticated`], their `Option` forms)
/// and the guards ([`RequirePermission`](crate::layer::RequirePermission),
/// [`RequireRole`](crate::layer::RequireRole)) read it. A request that fails is answered
/// `401` with an RFC 6750 `WWW-Authenticate` header and a `{"detail": "…"}` body.
///
/// ```
/// use axum::{Router, routing::get};
/// use lift_auth::{Claims, JwtAuthLayer, TokenVerifier};
///
/// # fn run() -> lift_auth::Result<()> {
/// let verifier = TokenVerifier::hs256("lift-shared-secret-for-tests-0123456789abcdef")?;
/// let app: Router = Router::new()
///     .route("/me", get(|claims: Claims| async move { claims.sub }))
///     .layer(JwtAuthLayer::new(verifier));
/// # Ok(()) }
/// # run().unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct JwtAuthLayer {
    verifier: Option<TokenVerifier>,
    mode: AuthMode,
}

impl JwtAuthLayer {
    /// [`AuthMode::Jwt`]: require a valid bearer token.
    #[must_use]
    pub fn new(verifier: TokenVerifier) -> Self {
        Self {
            verifier: Some(verifier),
            mode: AuthMode::Jwt,
        }
    }

    /// [`AuthMode::GatewayHeaders`]: trust the user-context headers (spoofable: see the
    /// mode; a repeated header is refused).
    #[must_use]
    pub fn gateway_headers() -> Self {
        Self {
            verifier: None,
            mode: AuthMode::GatewayHeaders,
        }
    }

    /// [`AuthMode::JwtOrGatewayHeaders`]: a bearer token if present, else the user-context
    /// headers (spoofable: see the mode; a repeated header is refused).
    #[must_use]
    pub fn jwt_or_gateway_headers(verifier: TokenVerifier) -> Self {
        Self {
            verifier: Some(verifier),
            mode: AuthMode::JwtOrGatewayHeaders,
        }
    }

    /// The mode.
    #[must_use]
    pub fn mode(&self) -> AuthMode {
        self.mode
    }

    pub(crate) async fn authenticate(&self, headers: &HeaderMap) -> Result<Authenticated, Error> {
        let jwt = match self.mode {
            AuthMode::Jwt => true,
            AuthMode::GatewayHeaders => false,
            AuthMode::JwtOrGatewayHeaders => {
                // Refused even when a token decides: a repeated header is a spoof attempt.
                refuse_repeated(headers)?;
                headers.contains_key(AUTHORIZATION) || !headers.contains_key(X_USER_ID)
            }
        };
        if jwt {
            let verifier = self
                .verifier
                .as_ref()
                .ok_or_else(|| Error::new(AuthErrorKind::Config))?;
            let token = bearer_from_headers(headers)?;
            let claims = verifier.verify_async(token).await?;
            Ok(Authenticated::from_claims(claims))
        } else {
            UserContext::from_headers(headers).map(Authenticated::from_context)
        }
    }
}

impl<S> Layer<S> for JwtAuthLayer {
    type Service = JwtAuth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        JwtAuth::new(inner, self.clone())
    }
}
