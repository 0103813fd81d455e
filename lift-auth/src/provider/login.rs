//! A bearer token obtained by logging in, renewed before it expires.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use lift_sdk_core::{AuthProvider, Error, Secret};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::backoff::Backoff;
use crate::client::{AuthClient, TokenResponse};
use crate::secret::Token;

/// Lifetime assumed when the service does not say (`expires_in` absent).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// Renew this long before expiry by default.
const DEFAULT_RENEW_BEFORE: Duration = Duration::from_secs(300);
/// Longest lifetime believed from `expires_in` (a larger value would overflow `Instant`).
const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// Logs in with e-mail and password and sends the token, logging in again before it
/// expires.
///
/// - **One login at a time.** However many requests wait, one login (or refresh) runs and
///   every waiter gets its outcome: its token, or its error. Renewal first tries
///   `POST /refresh` and falls back to a login, because the reference's `/refresh` always
///   fails (contract §10 E 21).
/// - **Failures back off.** After a failed login, callers get that error without a new
///   login until a pause has passed (1 s, doubling up to a minute, jittered): the reference
///   blocks an IP after 50 failed logins a minute (contract §10). When a renewal fails while
///   the token is still valid, the token keeps serving until it expires.
/// - **A `401` renews once.** The transport reports which token was refused
///   ([`AuthProvider::refresh`]): a late `401` for a token already replaced changes nothing;
///   for the current one, the next request logs in again. Renewals forced by `401`s back off
///   the same way, so an endpoint that always answers `401` does not cause a login per call.
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
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    session: Option<Session>,
    /// The last failed login, handed to every caller until `login_backoff` allows another.
    failure: Option<Arc<Error>>,
    login_backoff: Backoff,
    /// Spaces out the renewals forced by `401` answers.
    refused_backoff: Backoff,
}

struct Session {
    token: Token,
    obtained: Instant,
    expires: Instant,
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
            password: Secret::new(password),
            renew_before: DEFAULT_RENEW_BEFORE,
            try_refresh: true,
        }
    }

    /// A valid token: the current one, or a new one after a (single-flight) renewal.
    ///
    /// When a renewal before expiry fails, the current token keeps being used until it
    /// expires, and the renewal is tried again after a pause (not on every request).
    ///
    /// # Errors
    ///
    /// An error of kind [`Auth`](lift_sdk_core::ErrorKind::Auth) when no token can be
    /// obtained and no unexpired one is held. It carries the login's
    /// [`status`](Error::status), [`api_error`](Error::api_error) and
    /// [`request_id`](Error::request_id) (the login's error is its `source()`); during the
    /// pause after a failed login, every caller gets that same failure without a new login.
    pub async fn token(&self) -> Result<Token, Error> {
        let mut state = self.inner.state.lock().await;
        let now = Instant::now();
        let current = match &state.session {
            Some(session) if now < self.renew_at(session) => return Ok(session.token.clone()),
            Some(session) if now < session.expires => Some(session.token.clone()),
            _ => None,
        };
        if !state.login_backoff.is_ready(now) {
            return match (current, &state.failure) {
                (Some(token), _) => Ok(token),
                (None, Some(failure)) => Err(login_failed(Arc::clone(failure))),
                (None, None) => Err(Error::auth("login paused after a failure")),
            };
        }
        match self.renew(current.as_ref()).await {
            Ok(response) => {
                // The lifetime comes from the service: cap it so that no value can overflow.
                let lifetime = response
                    .expires_in()
                    .unwrap_or(DEFAULT_LIFETIME)
                    .min(MAX_LIFETIME);
                let now = Instant::now();
                state.session = Some(Session {
                    token: response.access_token.clone(),
                    obtained: now,
                    expires: now + lifetime,
                });
                state.failure = None;
                state.login_backoff.reset();
                Ok(response.access_token)
            }
            Err(err) => {
                let failure = Arc::new(err);
                state.login_backoff.fail(Instant::now());
                state.failure = Some(Arc::clone(&failure));
                match current {
                    // The current token is still good: keep it, try again after the pause.
                    Some(token) => Ok(token),
                    None => {
                        state.session = None;
                        Err(login_failed(failure))
                    }
                }
            }
        }
    }

    /// `POST /refresh` with the current token when there is one (and refreshing is on),
    /// else, or when that fails, `POST /login`.
    async fn renew(&self, current: Option<&Token>) -> Result<TokenResponse, Error> {
        let inner = &self.inner;
        if let Some(token) = current
            && inner.try_refresh
            && let Ok(response) = inner.client.refresh(token.expose()).await
        {
            return Ok(response);
        }
        inner
            .client
            .login(&inner.email, inner.password.expose())
            .await
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

/// The error every caller gets for one failed login: kind `Auth`, with the login's status,
/// detail and request id on top and the login's error as its source.
fn login_failed(failure: Arc<Error>) -> Error {
    Error::auth("login").with_cause(failure)
}

/// The token of a `Bearer <token>` value.
fn bearer_token(refused: &HeaderMap) -> Option<&str> {
    let value = refused.get(AUTHORIZATION)?.to_str().ok()?;
    crate::bearer::parse_bearer(value).ok()
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

    async fn refresh(&self, refused: &HeaderMap) -> Result<bool, Error> {
        let Some(refused) = bearer_token(refused) else {
            // The refused request carried none of our tokens: a new one would not help.
            return Ok(false);
        };
        let mut state = self.inner.state.lock().await;
        let now = Instant::now();
        match &state.session {
            // A newer token replaced the refused one (or a renewal is due anyway): resend.
            Some(session) if session.token.expose() != refused => Ok(true),
            None => Ok(true),
            Some(_) if !state.refused_backoff.is_ready(now) => {
                // The token obtained after the last 401 was refused too: logging in again
                // right away would only repeat that. Keep the session; the caller gets the 401.
                Ok(false)
            }
            Some(_) => {
                state.refused_backoff.fail(now);
                state.session = None;
                Ok(true)
            }
        }
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
                state: Mutex::new(State::default()),
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
