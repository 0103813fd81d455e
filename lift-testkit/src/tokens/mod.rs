//! Test tokens: JWTs for a user with chosen roles, permissions and tier, every kind of bad
//! token, and the verifier that accepts the good ones, so tests run the production
//! verification path instead of turning it off.
//!
//! [`TestTokens::hs256`] signs like the core services (HS256 with a shared secret);
//! [`TestTokens::rs256_with_jwks`] signs with fixed RSA keys whose JWKS it serves on a
//! loopback wiremock server, and [`rotate`](TestTokens::rotate)s them by `kid`.
//!
//! ```
//! use lift_auth::{AuthErrorKind, Role, SubscriptionTier};
//! use lift_testkit::tokens::TestTokens;
//!
//! let tokens = TestTokens::hs256();
//! let verifier = tokens.verifier();
//!
//! let token = tokens.user("u-1").roles([Role::Analyst]).tier(SubscriptionTier::Pro).issue();
//! let claims = verifier.verify(&token)?;
//! assert_eq!((claims.sub.as_str(), claims.roles), ("u-1", vec![Role::Analyst]));
//!
//! let refused = verifier.verify(&tokens.expired()).unwrap_err();
//! assert_eq!(refused.kind(), AuthErrorKind::Expired);
//! # Ok::<(), lift_auth::Error>(())
//! ```

mod bad;
mod jwks;
mod user;

use std::fmt;
use std::time::Duration;

use lift_auth::{AuthErrorKind, Claims, Role, TokenIssuer, TokenVerifier, TokenVerifierBuilder};

use self::jwks::{JwksServer, RsaKey};

pub use self::user::UserToken;

/// The secret of [`TestTokens::hs256`]: 48 bytes, above the 32 the verifier demands.
pub const TEST_SECRET: &str = "lift-testkit-hs256-secret-0123456789abcdefghijkl";

/// Mints test tokens and provides the verifier (and secret) that matches them.
///
/// Good tokens come from [`user`](Self::user) (or [`admin`](Self::admin)); each bad kind has
/// its shortcut, refused by [`verifier`](Self::verifier) with the [`AuthErrorKind`] its
/// documentation names. All signing goes through lift-auth's [`TokenIssuer`] and
/// jsonwebtoken; only the tokens no signer would make (`alg: none`, a malformed one) are put
/// together by hand.
///
/// ```
/// use lift_auth::Role;
/// use lift_testkit::tokens::TestTokens;
///
/// let tokens = TestTokens::hs256();
/// let token = tokens.user("u-1").org("acme").roles([Role::Admin]).issue();
/// let claims = tokens.verifier().verify(&token)?;
/// assert_eq!(claims.org_id, "acme");
/// assert!(claims.has_role(&Role::Admin));
/// # Ok::<(), lift_auth::Error>(())
/// ```
pub struct TestTokens {
    keys: Keys,
    /// Signs good tokens with the current key.
    issuer: TokenIssuer,
}

/// The signing key, and where the verifier finds it.
enum Keys {
    /// A shared secret, as the core services use.
    Hs256 { secret: String },
    /// A fixed RSA key, published with its `kid` on a JWKS server.
    Rs256 { current: RsaKey, server: JwksServer },
}

impl TestTokens {
    /// Tokens signed with HS256 and the fixed [`TEST_SECRET`], as the core services sign
    /// them.
    ///
    /// # Panics
    ///
    /// Never: the fixed secret is long enough for lift-auth's issuer.
    #[must_use]
    pub fn hs256() -> Self {
        match Self::with_secret(TEST_SECRET) {
            Ok(tokens) => tokens,
            Err(err) => panic!("the fixed test secret is refused: {err}"),
        }
    }

    /// Tokens signed with HS256 and `secret` (for a module configured with its own
    /// `JWT_SECRET`).
    ///
    /// # Errors
    ///
    /// An error of kind [`Config`](AuthErrorKind::Config) when `secret` is shorter than 32
    /// bytes, which lift-auth's verifier refuses too.
    pub fn with_secret(secret: impl Into<String>) -> Result<Self, lift_auth::Error> {
        let secret = secret.into();
        let issuer = TokenIssuer::hs256(&secret)?;
        Ok(Self {
            keys: Keys::Hs256 { secret },
            issuer,
        })
    }

    /// Tokens signed with RS256 and a fixed RSA key (`kid` `test-rsa-1`), whose public key is
    /// served as a JWKS at `/.well-known/jwks.json` on a wiremock server on loopback
    /// ([`jwks_url`](Self::jwks_url)). The [`verifier`](Self::verifier) fetches it from
    /// there, as in production; use its `verify_async`.
    ///
    /// ```
    /// use lift_testkit::tokens::TestTokens;
    ///
    /// # async fn run() -> Result<(), lift_auth::Error> {
    /// let mut tokens = TestTokens::rs256_with_jwks().await;
    /// let verifier = tokens.verifier();
    /// verifier.verify_async(&tokens.user("u-1").issue()).await?;
    ///
    /// tokens.rotate()?; // signs with `test-rsa-2` from now on, and publishes it
    /// let claims = verifier.verify_async(&tokens.user("u-2").issue()).await?;
    /// assert_eq!(claims.sub, "u-2");
    /// assert_eq!(tokens.jwks_requests().await, 2);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Never: the fixed keys are valid RSA keys (the kit's tests sign and verify with both).
    pub async fn rs256_with_jwks() -> Self {
        let current = jwks::FIRST;
        let issuer = match current.issuer() {
            Ok(issuer) => issuer,
            Err(err) => panic!("the fixed rsa test key is refused: {err}"),
        };
        let document = match jwks::document(&[&issuer]) {
            Ok(document) => document,
            Err(err) => panic!("no jwk for the fixed rsa test key: {err}"),
        };
        let server = JwksServer::start(document).await;
        Self {
            keys: Keys::Rs256 { current, server },
            issuer,
        }
    }

    /// A token builder for user `sub`: roles `[user]`, free tier, valid for an hour.
    pub fn user(&self, sub: impl Into<String>) -> UserToken<'_> {
        UserToken::new(self, sub.into())
    }

    /// A valid token of user `admin-1` with the `admin` role (and its permissions).
    #[must_use]
    pub fn admin(&self) -> String {
        self.user("admin-1").roles([Role::Admin]).issue()
    }

    /// Signs `claims` as they are, with the current key (for claims no builder setter
    /// covers, such as `iss` or extra claims). Start from a builder's
    /// [`claims`](UserToken::claims) to keep the defaults.
    ///
    /// ```
    /// use lift_testkit::tokens::TestTokens;
    ///
    /// let tokens = TestTokens::hs256();
    /// let mut claims = tokens.user("u-1").claims();
    /// claims.iss = Some("https://auth.lift.test".to_owned());
    /// let verifier = tokens.verifier_builder().issuer("https://auth.lift.test").build()?;
    /// assert_eq!(verifier.verify(&tokens.sign(&claims))?.sub, "u-1");
    /// # Ok::<(), lift_auth::Error>(())
    /// ```
    ///
    /// # Panics
    ///
    /// Never in practice: claims always serialise, and the key was checked when the
    /// [`TestTokens`] was made.
    #[must_use]
    pub fn sign(&self, claims: &Claims) -> String {
        match self.issuer.issue(claims) {
            Ok(token) => token,
            Err(err) => panic!("signing a test token failed: {err}"),
        }
    }

    /// The HS256 secret the tokens are signed with, to configure the code under test
    /// (`JWT_SECRET`); `None` with RS256 keys.
    #[must_use]
    pub fn secret(&self) -> Option<&str> {
        match &self.keys {
            Keys::Hs256 { secret } => Some(secret),
            Keys::Rs256 { .. } => None,
        }
    }

    /// The URL of the served JWKS; `None` with HS256.
    #[must_use]
    pub fn jwks_url(&self) -> Option<String> {
        match &self.keys {
            Keys::Hs256 { .. } => None,
            Keys::Rs256 { server, .. } => Some(server.url()),
        }
    }

    /// The PEM public key tokens are signed for now, for code under test configured with a
    /// key rather than a JWKS URL; `None` with HS256.
    #[must_use]
    pub fn public_key_pem(&self) -> Option<&'static str> {
        match &self.keys {
            Keys::Hs256 { .. } => None,
            Keys::Rs256 { current, .. } => Some(current.public_pem),
        }
    }

    /// The `kid` tokens are signed under now; `None` with HS256.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        match &self.keys {
            Keys::Hs256 { .. } => None,
            Keys::Rs256 { current, .. } => Some(current.kid),
        }
    }

    /// A verifier builder holding the matching key, to add checks (`audience`, `issuer`,
    /// `leeway`) before building.
    ///
    /// With RS256 keys it fetches the JWKS from [`jwks_url`](Self::jwks_url) (plain http on
    /// loopback is allowed) and may refetch it on every unknown `kid`: the refresh interval
    /// is zero, so a test never waits for a rotation to be seen.
    pub fn verifier_builder(&self) -> TokenVerifierBuilder {
        match &self.keys {
            Keys::Hs256 { secret } => TokenVerifier::builder().hs256(secret),
            Keys::Rs256 { server, .. } => TokenVerifier::builder()
                .jwks_url(server.url())
                .allow_http_jwks(true)
                .jwks_refresh_interval(Duration::ZERO),
        }
    }

    /// The verifier that accepts this kit's good tokens and refuses every bad kind (see
    /// [`verifier_builder`](Self::verifier_builder)). With RS256 keys, verify with
    /// `verify_async`, which fetches the JWKS.
    ///
    /// # Panics
    ///
    /// Never: the kit's keys and URL are valid for lift-auth's verifier.
    #[must_use]
    pub fn verifier(&self) -> TokenVerifier {
        match self.verifier_builder().build() {
            Ok(verifier) => verifier,
            Err(err) => panic!("the test verifier is refused: {err}"),
        }
    }

    /// Switches signing to the other fixed RSA key (`test-rsa-2`, then back to
    /// `test-rsa-1`) and publishes the new set: the new key first, the previous one still
    /// listed so that tokens already issued keep verifying, as in a real rotation.
    ///
    /// # Errors
    ///
    /// An error of kind [`Config`](AuthErrorKind::Config) with HS256, which has no `kid` to
    /// rotate.
    pub fn rotate(&mut self) -> Result<(), lift_auth::Error> {
        let Keys::Rs256 { current, server } = &mut self.keys else {
            return Err(lift_auth::Error::with_detail(
                AuthErrorKind::Config,
                "key rotation needs TestTokens::rs256_with_jwks",
            ));
        };
        let next = current.other();
        let issuer = next.issuer()?;
        server.publish(jwks::document(&[&issuer, &self.issuer])?);
        *current = next;
        self.issuer = issuer;
        Ok(())
    }

    /// How many times the JWKS was requested (0 with HS256).
    pub async fn jwks_requests(&self) -> usize {
        match &self.keys {
            Keys::Hs256 { .. } => 0,
            Keys::Rs256 { server, .. } => server.requests().await,
        }
    }
}

impl fmt::Debug for TestTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret stays out of test output, as lift-auth keeps it out of logs.
        f.debug_struct("TestTokens")
            .field("algorithm", &self.issuer.algorithm())
            .field("kid", &self.kid())
            .field("jwks_url", &self.jwks_url())
            .finish_non_exhaustive()
    }
}
