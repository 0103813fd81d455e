//! Where an example runs: a gateway named by the environment, or (when none is) an
//! in-process fake platform.

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
