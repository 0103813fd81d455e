//! The gateway's own endpoints (contract §4.4), shaped like the recorded answers
//! (`fixtures/liftos-captures/01`, `02`, `09`, `10`).

use std::time::Instant;

use serde_json::{Map, Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use crate::mocks::{envelope, naive_utc_now};
use crate::reference::GATEWAY_SERVICES;

/// One of the gateway's own endpoints.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Local {
    /// `GET /`: the `APIResponse` with version, services and docs.
    Root,
    /// `GET /health`: the HealthChecker body.
    Health,
    /// `GET /ready`: readiness with the `auth_service` and `registry_service` checks.
    Ready,
    /// `GET /health/detailed`: the HealthCheck body with every service's status.
    Detailed {
        /// When the mock started, for `uptime`.
        started: Instant,
    },
}

impl Local {
    /// Each endpoint with its path.
    pub(crate) fn all(started: Instant) -> [(&'static str, Self); 4] {
        [
            ("/", Self::Root),
            ("/health", Self::Health),
            ("/ready", Self::Ready),
            ("/health/detailed", Self::Detailed { started }),
        ]
    }

    fn body(self) -> Value {
        match self {
            Self::Root => envelope(
                "Lift OS Core API Gateway",
                json!({ "version": "1.0.0", "services": GATEWAY_SERVICES, "docs": "/docs" }),
            ),
            Self::Health => json!({
                "status": "healthy",
                "service": "gateway",
                "timestamp": naive_utc_now(),
                "uptime": "running",
            }),
            Self::Ready => {
                let check =
                    |name: &str| json!({ "status": "ready", "result": { name: "available" } });
                json!({
                    "status": "ready",
                    "service": "gateway",
                    "timestamp": naive_utc_now(),
                    "checks": {
                        "auth_service": check("auth_service"),
                        "registry_service": check("registry_service"),
                    },
                })
            }
            Self::Detailed { started } => {
                let dependencies: Map<String, Value> = GATEWAY_SERVICES
                    .iter()
                    .map(|name| ((*name).to_owned(), Value::from("healthy")))
                    .collect();
                json!({
                    "status": "healthy",
                    "timestamp": naive_utc_now(),
                    "version": "1.0.0",
                    "dependencies": dependencies,
                    "uptime": started.elapsed().as_secs_f64(),
                })
            }
        }
    }
}

impl Respond for Local {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(self.body())
    }
}
