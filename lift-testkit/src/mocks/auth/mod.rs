//! [`MockAuth`]: the auth service, with real test tokens.

mod answers;

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use lift_auth::AuthClient;
use serde::Deserialize;

use self::answers::{Account, Answer, AuthState, Route, lock};
use super::{Expected, MockService, Received};
use crate::openapi::Service;
use crate::tokens::TestTokens;

/// A mock of the auth service: register, log in, verify and refresh, issuing real HS256
/// tokens signed by [`TestTokens::hs256`], so the verifier of [`tokens`](Self::tokens)
/// accepts them.
///
/// - `POST /register` adds a user (400 `User with this email already exists` / `Username
///   already taken` like the reference) and `POST /login` accepts the users it knows:
///   `admin@lift.dev` / `admin123` (username `admin`, roles `user` and `admin`,
///   enterprise tier) is seeded as in the reference, and [`add_user`](Self::add_user) adds
///   more. Wrong password or unknown e-mail: 401 `{"detail":"Invalid credentials"}`. Both
///   answer the reference's envelope with `access_token`, `token_type: "bearer"`,
///   `expires_in: 86400` and the `user` object (`created_at` on register, `last_login` on
///   login), as in the `compat/` captures.
/// - Tokens carry the reference's claims: `sub` and `org_id` are the user's id (each user
///   is their own organisation), `roles`, `permissions`, `memory_context`,
///   `subscription_tier`, integer `exp`/`iat`, valid 24 hours.
/// - `POST /verify` and `/refresh` answer what the reference means to (at a866ea0 both
///   always fail): `{"valid":true,"user","claims"}` and a new token. Without a bearer: 403
///   `Not authenticated`, like FastAPI's `HTTPBearer`; a token the verifier refuses: 401
///   `Invalid or expired token`.
/// - `/`, `/health` and `/ready` answer (`/ready` 200, where the reference answers 503).
///
/// It dereferences to its [`MockService`] for `uri`, `received`, `expect_call`, `verify`…
///
/// ```
/// use lift_testkit::mocks::MockAuth;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let auth = MockAuth::start().await;
/// auth.expect_login(MockAuth::ADMIN_EMAIL).times(1);
///
/// let session = auth.client().login(MockAuth::ADMIN_EMAIL, MockAuth::ADMIN_PASSWORD).await?;
/// let claims = auth.tokens().verifier().verify(session.access_token.expose())?;
///
/// assert_eq!(claims.email, "admin@lift.dev");
/// assert_eq!(auth.logins()[0].email, "admin@lift.dev");
/// auth.verify().await;
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap();
/// ```
pub struct MockAuth {
    service: MockService,
    state: Arc<Mutex<AuthState>>,
    tokens: Arc<TestTokens>,
}

impl MockAuth {
    /// The seeded admin's e-mail, as in the reference.
    pub const ADMIN_EMAIL: &'static str = "admin@lift.dev";
    /// The seeded admin's password, as in the reference.
    pub const ADMIN_PASSWORD: &'static str = "admin123";

    /// Starts an auth mock on its own loopback server (direct mode).
    pub async fn start() -> Self {
        Self::mount(MockService::start(Service::Auth).await).await
    }

    /// Starts an auth mock on the gateway mock's server, under `/auth` (gateway mode).
    pub async fn behind(gateway: &MockService) -> Self {
        Self::mount(MockService::behind(gateway, Service::Auth).await).await
    }

    async fn mount(service: MockService) -> Self {
        let tokens = Arc::new(TestTokens::hs256());
        let admin = Account {
            id: super::uuid4(),
            email: Self::ADMIN_EMAIL.to_owned(),
            username: "admin".to_owned(),
            full_name: "Admin User".to_owned(),
            password: Self::ADMIN_PASSWORD.to_owned(),
            admin: true,
            is_verified: true,
        };
        let state = Arc::new(Mutex::new(AuthState {
            accounts: vec![admin],
            tokens: Arc::clone(&tokens),
            verifier: tokens.verifier(),
        }));
        for (route, method, path) in Route::ALL {
            let state = Arc::clone(&state);
            service
                .answer_by_default(method, path, Answer { state, route })
                .await;
        }
        Self {
            service,
            state,
            tokens,
        }
    }

    /// What signs the tokens this mock issues: its [`verifier`](TestTokens::verifier)
    /// accepts them, and it mints more for the same users.
    #[must_use]
    pub fn tokens(&self) -> &TestTokens {
        &self.tokens
    }

    /// lift-auth's auth-service client, pointed at this mock's own URL (direct mode).
    ///
    /// # Panics
    ///
    /// Never in practice: the mock's URL is a valid loopback URL.
    #[must_use]
    pub fn client(&self) -> AuthClient {
        AuthClient::builder()
            .service_url(self.uri())
            .build()
            .expect("the mock's loopback URL makes a valid client")
    }

    /// lift-auth's auth-service client through the gateway: `{uri}/auth` (for a mock
    /// [`behind`](Self::behind) the gateway mock, that is the gateway's URL).
    ///
    /// # Panics
    ///
    /// Never in practice: the mock's URL is a valid loopback URL.
    #[must_use]
    pub fn gateway_client(&self) -> AuthClient {
        AuthClient::builder()
            .gateway_url(self.uri())
            .build()
            .expect("the mock's loopback URL makes a valid client")
    }

    /// Adds a user who can log in (role `user`, free tier), as a registration would, and
    /// returns their id (also their organisation). Not journaled.
    #[allow(
        clippy::must_use_candidate,
        reason = "stored already: the id is a convenience"
    )]
    pub fn add_user(&self, email: &str, password: &str) -> String {
        let id = super::uuid4();
        let username = email.split('@').next().unwrap_or(email).to_owned();
        lock(&self.state).accounts.push(Account {
            id: id.clone(),
            email: email.to_owned(),
            full_name: username.clone(),
            username,
            password: password.to_owned(),
            admin: false,
            is_verified: false,
        });
        id
    }

    /// The id (and organisation) of the user with `email`, if the mock knows them.
    #[must_use]
    pub fn user_id(&self, email: &str) -> Option<String> {
        lock(&self.state)
            .accounts
            .iter()
            .find(|account| account.email == email)
            .map(|account| account.id.clone())
    }

    /// Expects at least one `POST /login` with e-mail `email`.
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_login(&self, email: impl Into<String>) -> Expected {
        self.expect_email("/login", "a login", email.into())
    }

    /// Expects at least one `POST /register` with e-mail `email`.
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_register(&self, email: impl Into<String>) -> Expected {
        self.expect_email("/register", "a registration", email.into())
    }

    fn expect_email(&self, path: &'static str, what: &str, email: String) -> Expected {
        self.expect(format!("{what} as `{email}`"), move |request| {
            request.is("POST", path)
                && request
                    .json::<Credentials>()
                    .is_ok_and(|sent| sent.email == email)
        })
    }

    /// Every login received that decodes, in arrival order.
    #[must_use]
    pub fn logins(&self) -> Vec<Credentials> {
        self.decoded("/login")
    }

    /// Every registration received that decodes (its e-mail and password), in arrival order.
    #[must_use]
    pub fn registrations(&self) -> Vec<Credentials> {
        self.decoded("/register")
    }

    fn decoded(&self, path: &str) -> Vec<Credentials> {
        self.received_on("POST", path)
            .iter()
            .filter_map(|request: &Received| request.json().ok())
            .collect()
    }
}

/// The e-mail and password of a login or registration the mock received. `Debug` does not
/// show the password.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Credentials {
    /// The e-mail.
    pub email: String,
    /// The password, as sent.
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .finish()
    }
}

impl Deref for MockAuth {
    type Target = MockService;

    fn deref(&self) -> &MockService {
        &self.service
    }
}

impl fmt::Debug for MockAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAuth")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}
