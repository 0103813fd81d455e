//! The bodies of `/health` and `/ready`, in the reference's JSON and in the IETF draft's
//! `application/health+json` (draft-inadarei-api-health-check).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::readiness::{CheckResult, Report, Status};
use crate::runtime::state::RuntimeState;

/// The reference's timestamps: naive UTC with microseconds, no offset (contract §2.5).
pub(crate) fn naive_utc(time: DateTime<Utc>) -> String {
    // RFC 3339 without its `Z`: the same text, without parsing a format string per request.
    let mut text = rfc3339(time);
    text.pop();
    text
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `/health`: the reference's `HealthCheck` model plus `service` (contract §2.4).
#[derive(Debug, Serialize)]
pub(crate) struct Liveness<'a> {
    status: &'static str,
    service: &'a str,
    timestamp: String,
    version: &'a str,
    /// This process's instance id (tells replicas that share a base URL apart).
    instance_id: &'a str,
    /// Always empty: liveness never looks at a dependency. Kept because the reference's
    /// model has it (values are strings there).
    dependencies: BTreeMap<&'static str, &'static str>,
    uptime: f64,
}

impl<'a> Liveness<'a> {
    pub(crate) fn new(state: &'a RuntimeState) -> Self {
        Self {
            status: "healthy",
            service: state.name(),
            timestamp: naive_utc(Utc::now()),
            version: state.version(),
            instance_id: state.instance_id(),
            dependencies: BTreeMap::new(),
            uptime: state.uptime().as_secs_f64(),
        }
    }
}

/// `/ready`: the reference's readiness body, with each check's detail under `result`; a
/// module that is not ready adds the reference's FastAPI `detail`. A check's `output` (why
/// it failed) only when `detailed` (an admin asked).
#[derive(Debug, Serialize)]
pub(crate) struct ReadinessBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    status: &'static str,
    service: &'a str,
    timestamp: String,
    checks: BTreeMap<&'a str, ReferenceCheck<'a>>,
}

#[derive(Debug, Serialize)]
struct ReferenceCheck<'a> {
    /// `ready`, `warn` (an optional check failed) or `not_ready`.
    status: &'static str,
    result: CheckDetail<'a>,
}

#[derive(Debug, Serialize)]
struct CheckDetail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    module_id: Option<&'a str>,
    /// Seconds the check took.
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<f64>,
}

impl<'a> ReadinessBody<'a> {
    pub(crate) fn new(state: &'a RuntimeState, report: &'a Report, detailed: bool) -> Self {
        let ready = report.status != Status::Fail;
        Self {
            detail: (!ready).then(|| format!("Service {} not ready", state.name())),
            status: if ready { "ready" } else { "not_ready" },
            service: state.name(),
            timestamp: naive_utc(Utc::now()),
            checks: report
                .checks()
                .map(|check| (&*check.name, ReferenceCheck::new(check, detailed)))
                .collect(),
        }
    }
}

impl<'a> ReferenceCheck<'a> {
    fn new(check: &'a CheckResult, detailed: bool) -> Self {
        Self {
            status: match check.status {
                Status::Pass => "ready",
                Status::Warn => "warn",
                Status::Fail => "not_ready",
            },
            result: CheckDetail {
                output: check.output.as_deref().filter(|_| detailed),
                module_id: check.module_id.as_ref().map(|id| id.as_str()),
                duration: check.elapsed.map(|elapsed| elapsed.as_secs_f64()),
            },
        }
    }
}

/// `application/health+json`, for both probes.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HealthJson<'a> {
    status: &'static str,
    version: &'a str,
    /// The registry's id for the module, once registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    service_id: Option<String>,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    checks: BTreeMap<&'a str, [HealthJsonCheck<'a>; 1]>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HealthJsonCheck<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    component_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    component_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    observed_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    observed_unit: Option<&'static str>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<&'a str>,
    time: String,
}

fn ietf(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Warn => "warn",
        Status::Fail => "fail",
    }
}

impl<'a> HealthJson<'a> {
    /// Liveness: `pass`, with the uptime as the draft's own example reports it.
    pub(crate) fn liveness(state: &'a RuntimeState) -> Self {
        let uptime = HealthJsonCheck {
            component_id: None,
            component_type: Some("system"),
            observed_value: Some(state.uptime().as_secs_f64()),
            observed_unit: Some("s"),
            status: "pass",
            output: None,
            time: rfc3339(Utc::now()),
        };
        Self {
            status: "pass",
            version: state.version(),
            service_id: state.module_id().map(|id| id.as_str().to_owned()),
            description: format!("liveness of {}", state.name()),
            output: None,
            checks: BTreeMap::from([("uptime", [uptime])]),
        }
    }

    /// Readiness: `fail` when a required check failed, `warn` when only optional ones did;
    /// each check's `output` only when `detailed`.
    pub(crate) fn readiness(state: &'a RuntimeState, report: &'a Report, detailed: bool) -> Self {
        let checks = report
            .checks()
            .map(|check| {
                let entry = HealthJsonCheck {
                    component_id: check.module_id.as_ref().map(|id| id.as_str()),
                    component_type: None,
                    observed_value: check.elapsed.map(millis),
                    observed_unit: check.elapsed.map(|_| "ms"),
                    status: ietf(check.status),
                    output: check.output.as_deref().filter(|_| detailed),
                    time: rfc3339(check.time),
                };
                (&*check.name, [entry])
            })
            .collect();
        Self {
            status: ietf(report.status),
            version: state.version(),
            service_id: state.module_id().map(|id| id.as_str().to_owned()),
            description: format!("readiness of {}", state.name()),
            output: (report.status == Status::Fail)
                .then(|| format!("Service {} not ready", state.name())),
            checks,
        }
    }
}

fn millis(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_naive_utc_with_microseconds() {
        let time = DateTime::from_timestamp(1_795_418_891, 604_673_900).expect("in range");

        assert_eq!(naive_utc(time), "2026-11-23T07:28:11.604673");
        assert_eq!(rfc3339(time), "2026-11-23T07:28:11.604673Z");
    }
}
