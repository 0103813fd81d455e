//! A readiness check supplied by the module's author.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

type CheckFuture = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send>>;
type CheckFn = dyn Fn() -> CheckFuture + Send + Sync;

/// The time a check may take before it counts as failed, unless set with
/// [`Check::timeout`].
pub(crate) const DEFAULT_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// One readiness check: a name and an async closure that succeeds when a dependency the
/// module needs is usable.
///
/// `/ready` runs every check concurrently, each under its [timeout](Self::timeout)
/// (default 2 s; running out counts as a failure that names the timeout), and caches the
/// results briefly so that probes cannot stampede the dependency. A failed check makes
/// `/ready` answer 503, unless it is [optional](Self::optional): then the failure shows as
/// `warn` and the module stays ready. A check that panics counts as failed.
///
/// Cheap to clone (the closure is shared). Liveness (`/health`) never runs checks.
///
/// ```no_run
/// use std::time::Duration;
/// use lift_sdk::runtime::Check;
/// use lift_sdk::LiftClient;
///
/// # fn run() -> lift_sdk::Result<()> {
/// let client = LiftClient::from_env()?;
/// let memory = Check::new("memory", move || {
///     let client = client.clone();
///     async move { client.memory().health().await.map(drop) }
/// })
/// .timeout(Duration::from_secs(1));
/// let cache = Check::new("cache", || async { Ok::<_, std::io::Error>(()) }).optional();
/// # let _ = (memory, cache); Ok(()) }
/// ```
#[derive(Clone)]
pub struct Check {
    name: Arc<str>,
    run: Arc<CheckFn>,
    timeout: Duration,
    optional: bool,
}

impl Check {
    /// A required check named `name` (its key in the readiness body) that runs `check` on
    /// every evaluation. The future may fail with anything that converts into a boxed
    /// error: a `lift_sdk::Error`, an `std::io::Error`, a `String`, a `&'static str`.
    pub fn new<F, Fut, E>(name: impl Into<String>, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<Box<dyn StdError + Send + Sync + 'static>>,
    {
        let run = move || -> CheckFuture {
            let future = check();
            Box::pin(async move { future.await.map_err(Into::into) })
        };
        Self {
            name: Arc::from(name.into()),
            run: Arc::new(run),
            timeout: DEFAULT_CHECK_TIMEOUT,
            optional: false,
        }
    }

    /// How long one run may take before it counts as failed (default 2 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Marks the check optional: its failure reports `warn` and leaves the module ready.
    #[must_use]
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// The check's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether a failure leaves the module ready.
    #[must_use]
    pub fn is_optional(&self) -> bool {
        self.optional
    }

    /// The name, shared.
    pub(crate) fn shared_name(&self) -> Arc<str> {
        self.name.clone()
    }

    /// Runs the check once under its timeout; the error says why it failed, causes
    /// included.
    pub(crate) async fn run(&self) -> Result<(), String> {
        match tokio::time::timeout(self.timeout, (self.run)()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(describe(&*error)),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .field("timeout", &self.timeout)
            .field("optional", &self.optional)
            .finish_non_exhaustive()
    }
}

/// The error's message followed by its causes: `a: b: c`.
fn describe(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("cannot reach memory")
        }
    }

    impl StdError for Outer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[tokio::test]
    async fn failures_name_their_causes() {
        let check = Check::new("memory", || async {
            Err(Outer(std::io::Error::other("connection refused")))
        });

        assert_eq!(
            check.run().await,
            Err("cannot reach memory: connection refused".to_owned())
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_hung_check_fails_by_its_timeout() {
        let check = Check::new("slow", std::future::pending::<Result<(), BoxError>>)
            .timeout(Duration::from_millis(250));

        assert_eq!(check.run().await, Err("no answer within 250ms".to_owned()));
    }

    #[tokio::test]
    async fn an_unbounded_timeout_does_not_overflow() {
        let check = Check::new("fast", || async { Ok::<_, String>(()) }).timeout(Duration::MAX);

        assert_eq!(check.run().await, Ok(()));
    }

    #[test]
    fn debug_shows_the_settings_and_clones_share_the_closure() {
        let check = Check::new("cache", || async { Ok::<_, &str>(()) }).optional();
        let copy = check.clone();

        assert!(Arc::ptr_eq(&check.run, &copy.run));
        assert_eq!(
            format!("{copy:?}"),
            r#"Check { name: "cache", timeout: 2s, optional: true, .. }"#
        );
        assert!(copy.is_optional());
        assert_eq!(copy.name(), "cache");
    }
}
