//! A hook that sees every finished call: what the module runtime's `/metrics` counts.

use std::fmt;
use std::time::Duration;

use http::{Method, StatusCode};

use crate::ErrorKind;

/// Told about every logical call a [`Transport`](crate::Transport) finishes, once, after its
/// retries: for metrics (the module runtime counts outgoing calls by service and outcome
/// with one) or audit logs.
///
/// Set it with [`TransportBuilder::observer`](crate::TransportBuilder::observer),
/// [`ServiceClientBuilder::observer`](crate::ServiceClientBuilder::observer) or
/// `LiftClientBuilder::call_observer`; copies made with
/// [`with_auth`](crate::Transport::with_auth) share it. A transport without one pays
/// nothing.
///
/// A plain, synchronous trait, object safe on purpose (it is held as `Arc<dyn
/// CallObserver>`): it runs on the caller's task right before the call returns, so keep it
/// cheap and never block in it.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use lift_sdk_core::{CallObserver, CallOutcome, Transport};
///
/// #[derive(Debug, Default)]
/// struct CountFailures(AtomicU64);
///
/// impl CallObserver for CountFailures {
///     fn call_finished(&self, call: &CallOutcome<'_>) {
///         if !call.is_success() {
///             self.0.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
///
/// # fn run() -> Result<(), lift_sdk_core::Error> {
/// let failures = Arc::new(CountFailures::default());
/// let memory = Transport::builder("http://localhost:8003")
///     .service("memory")
///     .observer(failures.clone())
///     .build()?;
/// # let _ = memory; Ok(()) }
/// # run().unwrap();
/// ```
pub trait CallObserver: Send + Sync + fmt::Debug {
    /// Called once per logical call, when it has succeeded or failed for good.
    fn call_finished(&self, call: &CallOutcome<'_>);
}

/// How one logical call ended, as a [`CallObserver`] sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallOutcome<'a> {
    /// The transport's service name (e.g. `memory`).
    pub service: &'a str,
    /// The request method.
    pub method: &'a Method,
    /// The request path (concrete, with ids: not a metric label).
    pub path: &'a str,
    /// The final status, when a server answered (success or error).
    pub status: Option<StatusCode>,
    /// The error's kind, when the call failed.
    pub error_kind: Option<ErrorKind>,
    /// Time from the start of the call to its end, retries and waits included.
    pub elapsed: Duration,
    /// Attempts made (`0` when the circuit breaker refused the call before any).
    pub attempts: u32,
}

impl CallOutcome<'_> {
    /// Whether the call succeeded (a 2xx answer).
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.error_kind.is_none()
    }
}
