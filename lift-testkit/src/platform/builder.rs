//! Configuring a [`FakePlatform`] before it starts.

use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use super::gateway::RateLimit;
use super::{FakePlatform, Quirks, SeedUser};
use crate::tokens::TEST_SECRET;

/// The default body-size limit of every service: 2 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Builds a [`FakePlatform`]: ports, host, secret, seeded users, quirks, storage, limits.
///
/// Every setting has a default: any free port on `127.0.0.1` for each service, the kit's
/// [`TEST_SECRET`] (so [`TestTokens::hs256`](crate::tokens::TestTokens::hs256) tokens are
/// accepted), the reference's admin `admin@lift.dev` / `admin123`, no quirk, state in
/// memory, 2 MiB bodies, the reference's gateway rate limit of 100 requests per 60 s per
/// client.
///
/// ```no_run
/// use lift_testkit::platform::{FakePlatform, Quirks, SeedUser};
///
/// # async fn run() -> std::io::Result<()> {
/// let platform = FakePlatform::builder()
///     .secret("a-shared-secret-of-at-least-32-bytes!")
///     .seed_user(SeedUser::new("ana@example.com", "s3cret!", "ana"))
///     .quirks(Quirks::reference())
///     .start()
///     .await?;
/// println!("gateway at {}", platform.gateway_url());
/// platform.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct FakePlatformBuilder {
    pub(super) host: IpAddr,
    pub(super) gateway_port: u16,
    pub(super) auth_port: u16,
    pub(super) memory_port: u16,
    pub(super) registry_port: u16,
    pub(super) secret: String,
    pub(super) admin: Option<SeedUser>,
    pub(super) seed: Vec<SeedUser>,
    pub(super) quirks: Quirks,
    pub(super) data_dir: Option<PathBuf>,
    pub(super) body_limit: usize,
    pub(super) rate_limit: Option<RateLimit>,
    pub(super) billing_url: Option<String>,
    pub(super) observability_url: Option<String>,
}

impl Default for FakePlatformBuilder {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            gateway_port: 0,
            auth_port: 0,
            memory_port: 0,
            registry_port: 0,
            secret: TEST_SECRET.to_owned(),
            admin: Some(SeedUser::admin()),
            seed: Vec::new(),
            quirks: Quirks::default(),
            data_dir: None,
            body_limit: DEFAULT_BODY_LIMIT,
            rate_limit: Some(RateLimit::REFERENCE),
            billing_url: None,
            observability_url: None,
        }
    }
}

impl FakePlatformBuilder {
    /// The address every service listens on (default `127.0.0.1`).
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// The gateway's port (`0`, the default: any free port).
    pub fn gateway_port(mut self, port: u16) -> Self {
        self.gateway_port = port;
        self
    }

    /// The auth service's port (`0`, the default: any free port).
    pub fn auth_port(mut self, port: u16) -> Self {
        self.auth_port = port;
        self
    }

    /// The memory service's port (`0`, the default: any free port).
    pub fn memory_port(mut self, port: u16) -> Self {
        self.memory_port = port;
        self
    }

    /// The registry's port (`0`, the default: any free port).
    pub fn registry_port(mut self, port: u16) -> Self {
        self.registry_port = port;
        self
    }

    /// The HS256 secret auth signs with and the gateway verifies with (`JWT_SECRET`).
    /// Shorter than 32 bytes is accepted, as the reference accepts `your-secret-key`.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = secret.into();
        self
    }

    /// Adds a user to seed (unless a user with its e-mail or username is already stored).
    pub fn seed_user(mut self, user: SeedUser) -> Self {
        self.seed.push(user);
        self
    }

    /// Replaces the seeded admin (default [`SeedUser::admin`]); give it the `admin` role
    /// for [`FakePlatform::admin_token`] to find it.
    pub fn admin(mut self, admin: SeedUser) -> Self {
        self.admin = Some(admin);
        self
    }

    /// Seeds no admin at all.
    pub fn without_admin(mut self) -> Self {
        self.admin = None;
        self
    }

    /// Which of the reference's traps to reproduce (default: none).
    pub fn quirks(mut self, quirks: Quirks) -> Self {
        self.quirks = quirks;
        self
    }

    /// Keeps users, modules and memories in `dir` (created if needed), loading what it
    /// holds at start; every write is on disk before it is acknowledged. Default: in
    /// memory only.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// The largest request body any service accepts, in bytes (default 2 MiB); a larger
    /// one gets 413 `{"detail":"Request body too large"}`.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The gateway's rate limit per client key (default: the reference's 100 per 60 s).
    pub fn rate_limit(mut self, requests: usize, window: Duration) -> Self {
        self.rate_limit = Some(RateLimit { requests, window });
        self
    }

    /// No gateway rate limit.
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    /// Where `/billing/…` is forwarded (default: nowhere, 503 `Service billing
    /// unavailable`).
    pub fn billing_url(mut self, url: impl Into<String>) -> Self {
        self.billing_url = Some(url.into());
        self
    }

    /// Where `/observability/…` is forwarded (default: nowhere, 503 `Service
    /// observability unavailable`).
    pub fn observability_url(mut self, url: impl Into<String>) -> Self {
        self.observability_url = Some(url.into());
        self
    }

    /// Binds every listener, loads the state and serves the four services.
    ///
    /// # Errors
    ///
    /// When a port cannot be bound, the data directory cannot be created or holds state
    /// that does not load, or a seed user's password cannot be hashed.
    pub async fn start(self) -> io::Result<FakePlatform> {
        FakePlatform::launch(self).await
    }
}
