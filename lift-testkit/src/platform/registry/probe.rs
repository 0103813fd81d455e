//! Health probes of registered modules (contract §6.2, "Health"): `GET` the module's
//! health endpoint and classify the answer.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::module::Module;
use crate::mocks::naive_utc_now;

/// How long a probe waits for a module, as the reference does.
pub(crate) const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Probes `module` at `base_url` without its trailing `/`, plus its health endpoint:
/// `healthy` for a 200 with a JSON body (`details` verbatim, `response_time` in seconds),
/// `unhealthy` for another status, `unreachable` for no answer or a 200 that is not JSON.
pub(crate) async fn probe(http: &reqwest::Client, module: &Module) -> Value {
    let url = format!(
        "{}{}",
        module.base_url.trim_end_matches('/'),
        module.health_endpoint
    );
    let started = Instant::now();
    let answer = http.get(&url).timeout(PROBE_TIMEOUT).send().await;
    let last_check = naive_utc_now();
    let response = match answer {
        Ok(response) => response,
        Err(err) => return unreachable(&last_check, &failure(&err)),
    };
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        return json!({
            "status": "unhealthy",
            "last_check": last_check,
            "error": format!("HTTP {}", status.as_u16()),
        });
    }
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(err) => return unreachable(&last_check, &failure(&err)),
    };
    match serde_json::from_slice::<Value>(&body) {
        Ok(details) => {
            let seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
            json!({
                "status": "healthy",
                "last_check": last_check,
                "response_time": seconds,
                "details": details,
            })
        }
        Err(err) => unreachable(&last_check, &err.to_string()),
    }
}

fn unreachable(last_check: &str, error: &str) -> Value {
    json!({ "status": "unreachable", "last_check": last_check, "error": error })
}

/// The reason a probe got no answer, in the reference's words where it has them.
fn failure(err: &reqwest::Error) -> String {
    if err.is_connect() {
        "All connection attempts failed".to_owned()
    } else if err.is_timeout() {
        format!("Health check timed out after {}s", PROBE_TIMEOUT.as_secs())
    } else {
        err.to_string()
    }
}

/// The `status` of a probe result (`unknown` without one).
pub(crate) fn status_of(health: Option<&Value>) -> &str {
    health
        .and_then(|health| health.get("status"))
        .and_then(Value::as_str)
        .unwrap_or("unknown")
}
