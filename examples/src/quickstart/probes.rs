//! Step 6 of the tour: the module's `/health`, `/ready` and `/metrics`, read the way a
//! load balancer and Prometheus read them, straight from the module (no token needed).

use anyhow::Context as _;
use lift_sdk::runtime::RunningModule;
use lift_sdk::serde_json::Value;

use super::Shown;

/// The metric lines worth showing: requests to the module's routes, its registration,
/// and the calls it made to memory on the user's behalf.
const SHOWN_METRICS: [&str; 3] = [
    "http_requests_total{",
    "lift_module_registered ",
    "lift_outgoing_calls_total{",
];

/// Reads the three endpoints and summarises them.
pub(super) async fn probe(module: &RunningModule) -> anyhow::Result<((), Shown)> {
    let base = format!("http://{}", module.local_addr());
    // Straight to the module, never through an `HTTP_PROXY` the environment may set.
    let http = reqwest::Client::builder().no_proxy().build()?;
    let get = |path: &'static str| {
        let request = http.get(format!("{base}{path}"));
        async move {
            let answer = request
                .send()
                .await
                .with_context(|| format!("GET {path}"))?;
            let status = answer.status();
            let body = answer.text().await.with_context(|| format!("GET {path}"))?;
            anyhow::ensure!(status.is_success(), "GET {path} answered {status}: {body}");
            Ok::<_, anyhow::Error>(body)
        }
    };

    let health: Value =
        lift_sdk::serde_json::from_str(&get("/health").await?).context("/health is not JSON")?;
    let ready: Value =
        lift_sdk::serde_json::from_str(&get("/ready").await?).context("/ready is not JSON")?;
    let metrics = get("/metrics").await?;

    let checks = ready["checks"]
        .as_object()
        .map(|checks| {
            checks
                .iter()
                .map(|(name, check)| format!("{name} {}", text(&check["status"])))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let mut shown = Shown::line(format!(
        "/health {} ({} {}), /ready {} ({checks}), /metrics:",
        text(&health["status"]),
        text(&health["service"]),
        text(&health["version"]),
        text(&ready["status"]),
    ));
    for line in metrics.lines().filter(|line| {
        SHOWN_METRICS.iter().any(|prefix| line.starts_with(prefix))
            && !line.contains("route=\"/metrics\"")
            && !line.contains("route=\"/health\"")
            && !line.contains("route=\"/ready\"")
    }) {
        shown = shown.detail(line);
    }
    Ok(((), shown))
}

/// A JSON string as plain text (`?` when absent).
fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("?")
}
