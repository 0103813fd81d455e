//! How the runtime paces registration: `RegistrationSettings`.

use std::time::Duration;

/// How often and how patiently the runtime registers the module, checks that the registry
/// still holds it, and deregisters it.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | [`retry_initial`](Self::retry_initial) | 500 ms | the first pause after a failed attempt (then doubling, with jitter) |
/// | [`retry_max`](Self::retry_max) | 30 s | the longest pause; also the pause after a refusal that retrying cannot cure (401, 403, 422) |
/// | [`check_interval`](Self::check_interval) | 30 s | how often the runtime confirms the registry still holds the module |
/// | [`deregister_timeout`](Self::deregister_timeout) | 5 s | how long deregistering may take at shutdown |
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegistrationSettings {
    /// The first pause after a failed attempt.
    pub retry_initial: Duration,
    /// The longest pause between attempts.
    pub retry_max: Duration,
    /// How often the registration is confirmed.
    pub check_interval: Duration,
    /// How long deregistering may take.
    pub deregister_timeout: Duration,
}

impl Default for RegistrationSettings {
    fn default() -> Self {
        Self {
            retry_initial: Duration::from_millis(500),
            retry_max: Duration::from_secs(30),
            check_interval: Duration::from_secs(30),
            deregister_timeout: Duration::from_secs(5),
        }
    }
}

impl RegistrationSettings {
    /// The defaults, with what the environment (`LIFT_MODULE_*`) sets instead.
    pub(crate) fn from_settings(env: &crate::config::ModuleSettings) -> Self {
        let defaults = Self::default();
        Self {
            check_interval: env.check_interval.unwrap_or(defaults.check_interval),
            deregister_timeout: env
                .deregister_timeout
                .unwrap_or(defaults.deregister_timeout),
            ..defaults
        }
    }

    /// Sets the first pause after a failed attempt (zero counts as 1 ms).
    #[must_use]
    pub fn retry_initial(mut self, pause: Duration) -> Self {
        self.retry_initial = pause;
        self
    }

    /// Sets the longest pause between attempts.
    #[must_use]
    pub fn retry_max(mut self, pause: Duration) -> Self {
        self.retry_max = pause;
        self
    }

    /// Sets how often the registration is confirmed (zero counts as 1 ms).
    #[must_use]
    pub fn check_interval(mut self, interval: Duration) -> Self {
        self.check_interval = interval;
        self
    }

    /// Sets how long deregistering may take.
    #[must_use]
    pub fn deregister_timeout(mut self, timeout: Duration) -> Self {
        self.deregister_timeout = timeout;
        self
    }
}
