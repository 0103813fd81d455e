//! A bearer token obtained by logging in, renewed before it expires.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use lift_sdk_core::{AuthProvider, Error};
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::client::AuthClient;
use crate::secret::{Secret, Token};

/// Lifetime assumed when the service does not say (`expires_in` absent).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// Renew this long before expiry by default.
const DEFAULT_RENEW_BEFORE: Duration = Duration::from_secs(300);
/// A 401 within this time of a login does not trigger another one.
const FRESH: Duration = Duration::from_secs(5);
/// After a failed renewal, the current token is used this long before trying again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);
/// Longest lifetime believed from `expires_in` (a larger value would overflow `Instant`).
const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// Logs in with e-mail and password and sends the token, logging in again before it
/// expires.
///
/// Renewal first tries `POST /refresh` and falls back to a login, because the reference's
/// `/refresh` always fails (contract §10 E 21). However many requests wait, at most one
/// login or refresh runs at a time: the others wait for its token. When a renewal fails
/// while the token is still valid, the token keeps serving until it expires. A `401` answer
/// makes the next request log in again (once; a token obtained in the last few seconds is
/// kept).
///
/// Cheap to clone (one reference count); `Debug` shows neither the password nor the token.
///
/// ```no_run
/// use std::sync::Arc;
/// use lift_auth::{AuthClient, LoginSession};
/// use lift_sdk_core::Transport;
///
/// # async fn run() -> Result<(), lift_sdk_core::Error> {
/// let gateway = Transport::new("http://localhost:8000")?;
/// let auth = AuthClient::new(Transport::new("http://localhost:8000/auth")?);
/// let session = LoginSession::new(auth, "ana@example.com", "s3cret!");
/// let memory = gateway.with_auth(Arc::new(session));
/// # drop(memory);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct LoginSession {
    inner: Arc<Inner>,
}

struct Inner {
    client: AuthClient,
    email: String,
    password: Secret,
    renew_before: Duration,
    try_refresh: bool,
    state: Mutex<Option<Session>>,
}

struct Session {
    token: Token,
    obtained: Instant,
    expires: Instant,
    /// After a failed renewal: no new attempt before this instant.
    retry_at: Option<Instant>,
}

impl LoginSession {
    /// A session for `email`/`password`, renewing 5 minutes before expiry (or at half the
    /// lifetime for short-lived tokens).
    #[must_use]
    pub fn new(client: AuthClient, email: impl Into<String>, password: impl Into<String>) -> Self {
        Self::builder(client, email, password).build()
    }

    /// Starts configuring a session.
    pub fn builder(
        client: AuthClient,
        email: impl Into<String>,
        password: impl Into<String>,
    ) -> LoginSessionBuilder {
        LoginSessionBuilder {
            client,
            email: email.into(),
            password: Secret::from(password.into()),
            renew_before: DEFAULT_RENEW_BEFORE,
            try_refresh: true,
        }
    }

    /// A valid token: the current one, or a new one after a (single-flight) renewal.
    ///
    /// When a renewal before expiry fails, the current token keeps being used until it
    /// expires, and the renewal is tried again after a short pause (not on every request).
    ///
    /// # Errors
    ///
    /// The error of the login when no token can be obtained and no unexpired one is held.
    pub async fn token(&self) -> Result<Token, Error> {
        let mut state = self.inner.state.lock().await;
        let now = Instant::now();
        let previous = match state.as_ref() {
            Some(session) if now < self.renew_at(session) => return Ok(session.token.clone()),
            Some(session)
                if now < session.expires && session.retry_at.is_some_and(|at| now < at) =>
            {
                return Ok(session.token.clone());
            }
            Some(session) if now < session.expires => Some(session.token.clone()),
            _ => None,
        };
        let renewed = match &previous {
            Some(token) if self.inner.try_refresh => {
                match self.inner.client.refresh(token.expose()).await {
                    Ok(response) => Ok(response),
                    Err(_) => self.login().await,
                }
            }
            _ => self.login().await,
        };
        let response = match renewed {
            Ok(response) => response,
            Err(err) => {
                let now = Instant::now();
                match state.as_mut() {
                    // The current token is still good: keep it, try again a little later.
                    Some(session) if previous.is_some() && now < session.expires => {
                        session.retry_at = Some(now + RETRY_AFTER_FAILURE);
                        return Ok(session.token.clone());
                    }
                    _ => {
                        *state = None;
                        return Err(err);
                    }
                }
            }
        };
        // The lifetime comes from the service: cap it so that no value can overflow.
        let lifetime = response
            .expires_in()
            .unwrap_or(DEFAULT_LIFETIME)
            .min(MAX_LIFETIME);
        let token = response.access_token;
        let now = Instant::now();
        *state = Some(Session {
            token: token.clone(),
            obtained: now,
            expires: now + lifetime,
            retry_at: None,
        });
        Ok(token)
    }

    async fn login(&self) -> Result<crate::client::TokenResponse, Error> {
        let inner = &self.inner;
        inner
            .client
            .login(&inner.email, password_str(&inner.password))
            .await
            .map_err(|err| Error::auth("login failed").with_source(err))
    }

    fn renew_at(&self, session: &Session) -> Instant {
        let lifetime = session.expires.saturating_duration_since(session.obtained);
        let before = self.inner.renew_before.min(lifetime / 2);
        session
            .expires
            .checked_sub(before)
            .unwrap_or(session.obtained)
    }
}

fn password_str(password: &Secret) -> &str {
    std::str::from_utf8(password.expose()).unwrap_or_default()
}

impl fmt::Debug for LoginSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginSession")
            .field("email", &self.inner.email)
            .field("password", &self.inner.password)
            .field("renew_before", &self.inner.renew_before)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl AuthProvider for LoginSession {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        let token = self.token().await?;
        headers.insert(AUTHORIZATION, super::bearer_value(token.expose())?);
        Ok(())
    }

    async fn refresh(&self) -> Result<bool, Error> {
        let mut state = self.inner.state.lock().await;
        if state
            .as_ref()
            .is_some_and(|session| session.obtained.elapsed() < FRESH)
        {
            // Just renewed by another request: the retry will use that token.
            return Ok(true);
        }
        *state = None;
        Ok(true)
    }
}

/// Configures a [`LoginSession`]; made by [`LoginSession::builder`].
#[must_use]
pub struct LoginSessionBuilder {
    client: AuthClient,
    email: String,
    password: Secret,
    renew_before: Duration,
    try_refresh: bool,
}

impl LoginSessionBuilder {
    /// How long before expiry to renew (default 5 minutes; at most half the lifetime).
    pub fn renew_before(mut self, renew_before: Duration) -> Self {
        self.renew_before = renew_before;
        self
    }

    /// Whether to try `POST /refresh` before logging in again (default `true`; the
    /// reference's endpoint always fails, and the session then logs in).
    pub fn try_refresh(mut self, try_refresh: bool) -> Self {
        self.try_refresh = try_refresh;
        self
    }

    /// Builds the session; nothing is sent until the first request.
    #[must_use]
    pub fn build(self) -> LoginSession {
        LoginSession {
            inner: Arc::new(Inner {
                client: self.client,
                email: self.email,
                password: self.password,
                renew_before: self.renew_before,
                try_refresh: self.try_refresh,
                state: Mutex::new(None),
            }),
        }
    }
}

impl fmt::Debug for LoginSessionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginSessionBuilder")
            .field("email", &self.email)
            .field("renew_before", &self.renew_before)
            .finish_non_exhaustive()
    }
}
