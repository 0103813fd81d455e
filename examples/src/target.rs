//! Where an example runs: a gateway named by the environment, or (when none is) an
//! in-process fake platform; and a new user signed up on it.

use anyhow::Context as _;
use lift_sdk::auth::{RegisterRequest, TokenResponse};
use lift_sdk::{LiftClient, LiftConfig};

/// A gateway to run against, and the token to call it with.
#[derive(Debug, Clone)]
pub struct Target {
    /// The gateway's URL (`GATEWAY_URL`).
    pub gateway_url: String,
    /// The caller's access token (`LIFT_ACCESS_TOKEN`).
    pub token: String,
}

impl Target {
    /// The target `GATEWAY_URL` and `LIFT_ACCESS_TOKEN` name, when both are set and not
    /// empty.
    #[must_use]
    pub fn from_env() -> Option<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        Some(Self {
            gateway_url: var("GATEWAY_URL")?,
            token: var("LIFT_ACCESS_TOKEN")?,
        })
    }
}

/// Signs a user up through the gateway at `gateway_url` (`username` and `full_name` as
/// registered), logs them in, and returns a client acting as them (it knows only the gateway
/// and the token) with the login answer.
///
/// # Errors
///
/// When the gateway URL is invalid, or signing up or logging in fails (named in the error).
pub(crate) async fn sign_up(
    gateway_url: &str,
    email: &str,
    password: &str,
    username: &str,
    full_name: &str,
) -> anyhow::Result<(LiftClient, TokenResponse)> {
    let request = RegisterRequest::new(email, password, username, full_name);
    let gateway = LiftConfig::new(gateway_url)?;
    let anonymous = LiftClient::new(gateway.clone())?;
    anonymous
        .auth()
        .register(&request)
        .await
        .context("signing up")?;
    let login = anonymous
        .auth()
        .login(email, password)
        .await
        .context("logging in")?;
    let user = LiftClient::new(gateway.token(login.access_token.expose()))?;
    Ok((user, login))
}
