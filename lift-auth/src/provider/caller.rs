//! Whose credentials a client sends when it acts for a caller.

use std::sync::Arc;

use async_trait::async_trait;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use lift_sdk_core::{AuthProvider, Error, Transport};

use super::{StaticToken, UserContextHeaders};
use crate::error::AuthErrorKind;
use crate::{Token, UserContext};

/// The caller a client acts for: their bearer token, their user context, or both, as a
/// handler behind the gateway has them (the gateway forwards the caller's `Authorization`
/// and adds the `X-User-*` headers it derived from it).
///
/// Each client picks the form its routing needs ([`provider_for`](Self::provider_for)):
/// through the gateway, the bearer token (the gateway trusts nothing else); directly to a
/// service inside the platform network, the user-context headers, plus the token when the
/// caller has one. Clients take it as `for_user(impl Into<Caller>)`, so a handler passes
/// whatever it has:
///
/// ```
/// use lift_auth::{Caller, Token, UserContext};
///
/// let by_token = Caller::from(Token::new("eyJhbGciOi…"));
/// let by_context = Caller::from(&UserContext::new("user-1", "org-1"));
/// let both = Caller::new(Token::new("eyJhbGciOi…"), UserContext::new("user-1", "org-1"));
/// assert!(by_token.token().is_some() && by_token.context().is_none());
/// assert!(by_context.token().is_none());
/// assert_eq!(both.context().map(UserContext::user_id), Some("user-1"));
/// assert!(!format!("{both:?}").contains("eyJ"));
/// ```
// No `PartialEq`: comparing callers would compare bearer tokens, which is not constant-time.
#[derive(Debug, Clone)]
pub struct Caller {
    // At least one of the two is set: every constructor takes one.
    token: Option<Token>,
    context: Option<UserContext>,
}

impl Caller {
    /// A caller with both forms: their bearer token and their user context.
    #[must_use]
    pub fn new(token: Token, context: UserContext) -> Self {
        Self {
            token: Some(token),
            context: Some(context),
        }
    }

    /// A caller known by their bearer token only.
    #[must_use]
    pub fn from_token(token: impl Into<Token>) -> Self {
        Self {
            token: Some(token.into()),
            context: None,
        }
    }

    /// A caller known by their user context only (enough for direct calls, not for the
    /// gateway).
    #[must_use]
    pub fn from_context(context: UserContext) -> Self {
        Self {
            token: None,
            context: Some(context),
        }
    }

    /// The caller of a request that came through the gateway: the bearer token of its
    /// `Authorization` header and the user context of its `X-User-*` headers
    /// ([`UserContext::from_headers`]), whichever are present.
    ///
    /// The user-context headers prove nothing by themselves: read them only behind the
    /// gateway, or verify the token instead.
    ///
    /// ```
    /// use lift_auth::Caller;
    ///
    /// # fn run() -> lift_auth::Result<()> {
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("authorization", "Bearer eyJhbGciOi.e30.sig".parse().unwrap());
    /// headers.insert("x-user-id", "user-1".parse().unwrap());
    /// headers.insert("x-org-id", "org-1".parse().unwrap());
    /// let caller = Caller::from_headers(&headers)?;
    /// assert_eq!(caller.token().map(|token| token.expose()), Some("eyJhbGciOi.e30.sig"));
    /// assert_eq!(caller.context().map(|context| context.org_id()), Some("org-1"));
    /// # Ok(()) }
    /// # run().unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// An error of kind [`MissingToken`](AuthErrorKind::MissingToken) when the request has
    /// neither a bearer token nor a user id and org id; the error of
    /// [`bearer_from_headers`](crate::bearer_from_headers) or of
    /// [`UserContext::from_headers`] when what is there is malformed.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, crate::Error> {
        let token = match crate::bearer_from_headers(headers) {
            Ok(token) => Some(Token::new(token)),
            Err(err) if err.kind() == AuthErrorKind::MissingToken => None,
            Err(err) => return Err(err),
        };
        let context = match UserContext::from_headers(headers) {
            Ok(context) => Some(context),
            Err(err) if err.kind() == AuthErrorKind::MissingToken => None,
            Err(err) => return Err(err),
        };
        if token.is_none() && context.is_none() {
            return Err(crate::Error::with_detail(
                AuthErrorKind::MissingToken,
                "neither a bearer token nor the x-user-id and x-org-id headers",
            ));
        }
        Ok(Self { token, context })
    }

    /// The same caller, with `token` as their bearer token.
    #[must_use]
    pub fn with_token(mut self, token: impl Into<Token>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The same caller, with `context` as their user context.
    #[must_use]
    pub fn with_context(mut self, context: UserContext) -> Self {
        self.context = Some(context);
        self
    }

    /// The bearer token, if the caller has one.
    #[must_use]
    pub fn token(&self) -> Option<&Token> {
        self.token.as_ref()
    }

    /// The user context, if the caller has one.
    #[must_use]
    pub fn context(&self) -> Option<&UserContext> {
        self.context.as_ref()
    }

    /// The provider that sends this caller's credentials on `transport`:
    ///
    /// - through the gateway ([`Transport::is_through_gateway`]): `Authorization: Bearer`
    ///   with their token. A caller without a token gets a provider that fails every call
    ///   **before sending** with an error of kind [`Auth`](lift_sdk_core::ErrorKind::Auth)
    ///   naming the missing token: the gateway would strip nothing and trust nothing but a
    ///   token, and answer 401;
    /// - direct: the user-context headers ([`UserContextHeaders`]) when the caller has a
    ///   context, plus `Authorization: Bearer` when they have a token (a service that
    ///   verifies tokens itself reads it; memory and the registry read the headers).
    #[must_use]
    pub fn provider_for(&self, transport: &Transport) -> Arc<dyn AuthProvider> {
        match (&self.token, &self.context, transport.is_through_gateway()) {
            (Some(token), _, true) | (Some(token), None, false) => {
                Arc::new(StaticToken::new(token.expose()))
            }
            (Some(token), Some(context), false) => Arc::new(TokenAndContext {
                token: StaticToken::new(token.expose()),
                context: UserContextHeaders::new(context.clone()),
            }),
            (None, Some(context), false) => Arc::new(UserContextHeaders::new(context.clone())),
            // Through the gateway without a token (a caller with neither form cannot be
            // built).
            (None, _, _) => Arc::new(NoTokenForGateway {
                service: transport.service().to_owned(),
            }),
        }
    }
}

impl From<Token> for Caller {
    fn from(token: Token) -> Self {
        Self::from_token(token)
    }
}

impl From<UserContext> for Caller {
    fn from(context: UserContext) -> Self {
        Self::from_context(context)
    }
}

impl From<&UserContext> for Caller {
    fn from(context: &UserContext) -> Self {
        Self::from_context(context.clone())
    }
}

impl From<(Token, UserContext)> for Caller {
    fn from((token, context): (Token, UserContext)) -> Self {
        Self::new(token, context)
    }
}

impl From<&Self> for Caller {
    fn from(caller: &Self) -> Self {
        caller.clone()
    }
}

/// Direct calls for a caller with both forms: the user-context headers and the bearer.
#[derive(Debug)]
struct TokenAndContext {
    token: StaticToken,
    context: UserContextHeaders,
}

#[async_trait]
impl AuthProvider for TokenAndContext {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        self.context.authorize(headers).await?;
        self.token.authorize(headers).await
    }
}

/// What a gateway client acting for a caller without a token sends: nothing, since every
/// call fails before it is sent.
#[derive(Debug)]
struct NoTokenForGateway {
    service: String,
}

#[async_trait]
impl AuthProvider for NoTokenForGateway {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        // Never send a token another provider may have left on the headers.
        headers.remove(AUTHORIZATION);
        Err(Error::auth(format!(
            "cannot act for this caller through the gateway ({}): the caller has a user \
             context but no bearer token, and the gateway trusts only the token; build the \
             caller with the token of the request being handled (Caller::new or \
             Caller::from_headers)",
            self.service
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_direct_caller_with_both_forms_sends_both() {
        let transport = Transport::new("http://memory:8003").unwrap();
        let caller = Caller::new(Token::new("t"), UserContext::new("u", "o"));
        let mut headers = HeaderMap::new();

        caller
            .provider_for(&transport)
            .authorize(&mut headers)
            .await
            .unwrap();

        assert_eq!(headers["authorization"], "Bearer t");
        assert_eq!(headers["x-user-id"], "u");
        assert_eq!(headers["x-org-id"], "o");
    }

    #[tokio::test]
    async fn through_the_gateway_only_the_token_is_sent() {
        let transport = Transport::new("http://gw:8000/memory")
            .unwrap()
            .through_gateway();
        let caller = Caller::new(Token::new("t"), UserContext::new("u", "o"));
        let mut headers = HeaderMap::new();

        caller
            .provider_for(&transport)
            .authorize(&mut headers)
            .await
            .unwrap();

        assert_eq!(headers["authorization"], "Bearer t");
        assert!(!headers.contains_key("x-user-id"));
    }

    #[tokio::test]
    async fn a_context_alone_is_refused_through_the_gateway() {
        let transport = Transport::builder("http://gw:8000/memory")
            .service("memory")
            .build()
            .unwrap()
            .through_gateway();
        let mut headers = HeaderMap::new();

        let err = Caller::from_context(UserContext::new("u", "o"))
            .provider_for(&transport)
            .authorize(&mut headers)
            .await
            .unwrap_err();

        assert_eq!(err.kind(), lift_sdk_core::ErrorKind::Auth);
        assert!(err.to_string().contains("no bearer token"), "{err}");
        assert!(headers.is_empty());
    }

    #[test]
    fn from_headers_needs_one_form_and_takes_both() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            Caller::from_headers(&headers).unwrap_err().kind(),
            AuthErrorKind::MissingToken
        );
        headers.insert("x-user-id", "u".parse().unwrap());
        headers.insert("x-org-id", "o".parse().unwrap());
        let context_only = Caller::from_headers(&headers).unwrap();
        assert!(context_only.token().is_none());
        headers.insert("authorization", "Basic abc".parse().unwrap());
        assert_eq!(
            Caller::from_headers(&headers).unwrap_err().kind(),
            AuthErrorKind::InvalidScheme
        );
    }
}
