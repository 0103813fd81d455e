//! Evaluating readiness: the built-in checks, live, and the author's checks, cached.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use lift_registry_client::ModuleId;
use lift_sdk_core::Error;
use tokio::sync::Mutex;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::builtins::{REGISTERED, SHUTTING_DOWN, registered, shutting_down};
use super::check::Check;
use crate::runtime::state::RuntimeState;

/// How readiness is evaluated.
///
/// ```
/// use std::time::Duration;
/// use lift_sdk::runtime::ReadinessSettings;
///
/// let settings = ReadinessSettings::new().cache_ttl(Duration::from_millis(500));
/// assert_eq!(settings.cache_ttl, Duration::from_millis(500));
/// assert_eq!(ReadinessSettings::default().cache_ttl, Duration::from_secs(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadinessSettings {
    /// How long the results of the module's own checks are reused (default 1 s), so that
    /// probes cannot stampede a dependency: probes that arrive while the checks run share
    /// that run, and probes within this time after it get its results. `Duration::ZERO`
    /// runs the checks for every probe (still one run at a time). The built-in checks
    /// (`registered`, `shutting_down`) are never cached.
    pub cache_ttl: Duration,
    /// Whether a registration the registry could not confirm makes the module not ready
    /// (default `false`: a registry outage must not take every module out of rotation; the
    /// `registered` check then warns, and never reports the registration as confirmed).
    pub require_confirmed: bool,
}

impl ReadinessSettings {
    /// The default settings.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How long check results are reused (default 1 s).
    #[must_use]
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// Whether an unconfirmed registration makes the module not ready (default `false`).
    #[must_use]
    pub fn require_confirmed(mut self, required: bool) -> Self {
        self.require_confirmed = required;
        self
    }
}

impl Default for ReadinessSettings {
    fn default() -> Self {
        Self {
            cache_ttl: Duration::from_secs(1),
            require_confirmed: false,
        }
    }
}

/// How one check, or the whole evaluation, came out (the IETF draft's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    Pass,
    /// An optional check failed: still ready.
    Warn,
    /// A required check failed: not ready.
    Fail,
}

/// The result of one check.
#[derive(Debug, Clone)]
pub(crate) struct CheckResult {
    pub(crate) name: Arc<str>,
    pub(crate) status: Status,
    /// Why it failed, or what a built-in check saw.
    pub(crate) output: Option<String>,
    /// The module's id, from the `registered` check.
    pub(crate) module_id: Option<ModuleId>,
    /// How long an author's check took.
    pub(crate) elapsed: Option<Duration>,
    /// When the result was obtained.
    pub(crate) time: DateTime<Utc>,
}

/// One readiness evaluation.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) status: Status,
    builtins: [CheckResult; 2],
    authored: Arc<[CheckResult]>,
}

impl Report {
    /// Every check's result: the built-ins first, then the author's in their order.
    pub(crate) fn checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.builtins.iter().chain(self.authored.iter())
    }
}

/// The module's readiness: its author's checks and the built-ins.
#[derive(Debug)]
pub(crate) struct Readiness {
    checks: Arc<[Check]>,
    ttl: Duration,
    /// See [`ReadinessSettings::require_confirmed`].
    require_confirmed: bool,
    /// The last run of the author's checks; locked for the length of a run, which is what
    /// makes concurrent probes share it.
    cache: Arc<Mutex<Option<Cached>>>,
    /// What the log last said of each of the author's checks: a failure is logged once per
    /// change (of status or reason), not once per probe.
    logged: std::sync::Mutex<HashMap<Arc<str>, Logged>>,
}

/// A check's status and reason, as last logged.
type Logged = (Status, Option<String>);

#[derive(Debug)]
struct Cached {
    at: Instant,
    results: Arc<[CheckResult]>,
}

impl Readiness {
    /// Readiness over `checks` (the author's, in the order they are reported).
    ///
    /// # Errors
    ///
    /// An error of kind [`Builder`](lift_sdk_core::ErrorKind::Builder) naming a check whose
    /// name is empty, used twice, or one of the built-ins (`registered`, `shutting_down`).
    pub(crate) fn new(checks: Vec<Check>, settings: ReadinessSettings) -> Result<Self, Error> {
        let mut names = HashSet::new();
        for check in &checks {
            let name = check.name();
            if name.is_empty() {
                return Err(Error::builder("a readiness check has an empty name"));
            }
            if name == REGISTERED || name == SHUTTING_DOWN {
                return Err(Error::builder(format!(
                    "the readiness check name `{name}` is reserved for a built-in check"
                )));
            }
            if !names.insert(name) {
                return Err(Error::builder(format!(
                    "the readiness check name `{name}` is used twice"
                )));
            }
        }
        Ok(Self {
            checks: checks.into(),
            ttl: settings.cache_ttl,
            require_confirmed: settings.require_confirmed,
            cache: Arc::new(Mutex::new(None)),
            logged: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// Evaluates readiness now. The built-ins read `state` live, so a probe after
    /// `begin_shutdown` fails at once, without running (or waiting for) the author's checks.
    pub(crate) async fn report(&self, state: &RuntimeState) -> Report {
        let builtins = [
            registered(&state.registration(), self.require_confirmed),
            shutting_down(state),
        ];
        let authored = if state.is_shutting_down() {
            Arc::from([])
        } else {
            self.authored().await
        };
        self.log_changes(&authored);
        let status = builtins
            .iter()
            .chain(authored.iter())
            .map(|check| check.status)
            .max()
            .unwrap_or(Status::Pass);
        Report {
            status,
            builtins,
            authored,
        }
    }

    /// The author's results: cached ones while fresh, otherwise a new run that concurrent
    /// callers wait for and share.
    async fn authored(&self) -> Arc<[CheckResult]> {
        if self.checks.is_empty() {
            return Arc::from([]);
        }
        let mut cache = self.cache.clone().lock_owned().await;
        if let Some(cached) = &*cache
            && cached.at.elapsed() < self.ttl
        {
            return cached.results.clone();
        }
        // The run is a task of its own that fills the cache, so a probe that gives up
        // (Kubernetes' default probe timeout is 1 s, a check's 2 s) does not throw the run
        // away: the next probe finds its results instead of starting over.
        let checks = self.checks.clone();
        let run = tokio::spawn(async move {
            let results = run_all(&checks).await;
            *cache = Some(Cached {
                at: Instant::now(),
                results: results.clone(),
            });
            results
        });
        match run.await {
            Ok(results) => results,
            // Only when the runtime is shutting down: nothing was learnt.
            Err(_) => self
                .checks
                .iter()
                .map(|check| unfinished(check, "the checks were cancelled"))
                .collect(),
        }
    }
}

impl Readiness {
    /// Logs each of the author's checks whose status or reason changed since it was last
    /// logged: a failure at `warn` with its reason (which `/ready` shows only to an admin), a
    /// recovery at `info`. A first pass is not news. The built-in checks are left to the
    /// registration's and the shutdown's own log lines.
    fn log_changes(&self, results: &[CheckResult]) {
        let mut logged = self.logged.lock().unwrap_or_else(PoisonError::into_inner);
        for result in results {
            let before = logged.get(&result.name);
            if before.is_some_and(|(status, output)| {
                *status == result.status && *output == result.output
            }) {
                continue;
            }
            let reason = result.output.as_deref().unwrap_or_default();
            match result.status {
                Status::Fail => {
                    tracing::warn!(check = %result.name, reason, "readiness check failed: the module is not ready");
                }
                Status::Warn => {
                    tracing::warn!(check = %result.name, reason, "optional readiness check failed");
                }
                Status::Pass if before.is_some() => {
                    tracing::info!(check = %result.name, "readiness check passes again");
                }
                Status::Pass => {}
            }
            logged.insert(result.name.clone(), (result.status, result.output.clone()));
        }
    }
}

/// Runs every check concurrently, each in its own task so that a panic fails only that
/// check. Dropping the future aborts the runs.
async fn run_all(checks: &[Check]) -> Arc<[CheckResult]> {
    let mut tasks = JoinSet::new();
    for (index, check) in checks.iter().enumerate() {
        let check = check.clone();
        tasks.spawn(async move {
            let started = Instant::now();
            let outcome = check.run().await;
            (index, outcome, started.elapsed())
        });
    }
    // Each placeholder is replaced below unless the check's task panicked.
    let mut results: Vec<CheckResult> = checks
        .iter()
        .map(|check| unfinished(check, "the check panicked"))
        .collect();
    while let Some(joined) = tasks.join_next().await {
        // A panicked task keeps the placeholder above.
        let Ok((index, outcome, elapsed)) = joined else {
            continue;
        };
        let Some(result) = results.get_mut(index) else {
            continue;
        };
        result.elapsed = Some(elapsed);
        result.time = Utc::now();
        match outcome {
            Ok(()) => {
                result.status = Status::Pass;
                result.output = None;
            }
            Err(why) => result.output = Some(why),
        }
    }
    results.into()
}

/// A failure of `check` that did not come from running it.
fn unfinished(check: &Check, why: &str) -> CheckResult {
    CheckResult {
        name: check.shared_name(),
        status: failed(check),
        output: Some(why.to_owned()),
        module_id: None,
        elapsed: None,
        time: Utc::now(),
    }
}

fn failed(check: &Check) -> Status {
    if check.is_optional() {
        Status::Warn
    } else {
        Status::Fail
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A check that counts its runs and takes `delay` to pass.
    fn slow_check(runs: &Arc<AtomicUsize>, delay: Duration) -> Check {
        let runs = runs.clone();
        Check::new("memory", move || {
            runs.fetch_add(1, Ordering::SeqCst);
            async move {
                tokio::time::sleep(delay).await;
                Ok::<_, String>(())
            }
        })
    }

    fn state() -> RuntimeState {
        RuntimeState::new("m", "1.0.0", false)
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_probes_share_one_run_and_later_ones_reuse_it_until_the_ttl() {
        let runs = Arc::new(AtomicUsize::new(0));
        let readiness = Readiness::new(
            vec![slow_check(&runs, Duration::from_millis(300))],
            ReadinessSettings::new().cache_ttl(Duration::from_secs(1)),
        )
        .expect("valid checks");
        let state = state();

        let (a, b, c) = tokio::join!(
            readiness.report(&state),
            readiness.report(&state),
            readiness.report(&state)
        );
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!([a, b, c].iter().all(|report| report.status == Status::Pass));

        tokio::time::advance(Duration::from_millis(999)).await;
        readiness.report(&state).await;
        assert_eq!(runs.load(Ordering::SeqCst), 1);

        tokio::time::advance(Duration::from_millis(1)).await;
        readiness.report(&state).await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_probe_that_gives_up_leaves_its_run_to_the_next_probe() {
        let runs = Arc::new(AtomicUsize::new(0));
        let readiness = Readiness::new(
            vec![slow_check(&runs, Duration::from_secs(2))],
            ReadinessSettings::default(),
        )
        .expect("valid checks");
        let state = state();

        let gave_up = tokio::time::timeout(Duration::from_secs(1), readiness.report(&state)).await;
        let started = Instant::now();
        let report = readiness.report(&state).await;

        assert!(gave_up.is_err());
        assert_eq!(report.status, Status::Pass);
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_ttl_runs_the_checks_for_every_probe() {
        let runs = Arc::new(AtomicUsize::new(0));
        let readiness = Readiness::new(
            vec![slow_check(&runs, Duration::ZERO)],
            ReadinessSettings::new().cache_ttl(Duration::ZERO),
        )
        .expect("valid checks");

        readiness.report(&state()).await;
        readiness.report(&state()).await;

        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn checks_run_concurrently() {
        let runs = Arc::new(AtomicUsize::new(0));
        let check = |name: &str| {
            let runs = runs.clone();
            Check::new(name, move || {
                runs.fetch_add(1, Ordering::SeqCst);
                async {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    Ok::<_, String>(())
                }
            })
        };
        let readiness = Readiness::new(
            vec![check("a"), check("b"), check("c")],
            ReadinessSettings::default(),
        )
        .expect("valid checks");
        let started = Instant::now();

        let report = readiness.report(&state()).await;

        assert_eq!(started.elapsed(), Duration::from_secs(1));
        let names: Vec<_> = report.checks().map(|check| &*check.name).collect();
        assert_eq!(names, ["registered", "shutting_down", "a", "b", "c"]);
    }

    #[test]
    fn check_names_must_be_unique_and_not_reserved() {
        let check = |name: &str| Check::new(name, || async { Ok::<_, String>(()) });
        let error = |checks| {
            Readiness::new(checks, ReadinessSettings::default())
                .expect_err("refused")
                .to_string()
        };

        assert!(error(vec![check("db"), check("db")]).contains("`db` is used twice"));
        assert!(error(vec![check("registered")]).contains("`registered` is reserved"));
        assert!(error(vec![check("")]).contains("empty name"));
    }
}
