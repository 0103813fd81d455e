//! Outgoing calls, counted through the transport's call observer.

use lift_sdk_core::{CallObserver, CallOutcome};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;

use super::labels::{CallLabels, ServiceLabels, outcome};

/// `lift_outgoing_calls_total{service,outcome}` and
/// `lift_outgoing_call_duration_seconds{service}`, fed by every client the module's
/// `LiftClient` builds.
#[derive(Debug, Clone)]
pub(crate) struct OutgoingMetrics {
    pub(super) calls: Family<CallLabels, Counter>,
    pub(super) duration: Family<ServiceLabels, Histogram, fn() -> Histogram>,
}

impl CallObserver for OutgoingMetrics {
    fn call_finished(&self, call: &CallOutcome<'_>) {
        // The service name is allocated for the lookup: an outgoing call costs a round
        // trip, next to which this is noise.
        let service = ServiceLabels {
            service: call.service.to_owned(),
        };
        self.duration
            .get_or_create(&service)
            .observe(call.elapsed.as_secs_f64());
        let labels = CallLabels {
            service,
            outcome: outcome(call),
        };
        self.calls.get_or_create(&labels).inc();
    }
}
