//! One step of a scenario: what is answered, to how many calls, how late.

use std::fmt;
use std::time::Duration;

use http::StatusCode;
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

/// What uvicorn answers for an unhandled exception, and the gateway when it rate-limits.
const INTERNAL_ERROR_TEXT: &str = "Internal Server Error";
const TEXT_PLAIN: &str = "text/plain; charset=utf-8";
const JSON: &str = "application/json";

/// One answer of a [`Scenario`](super::Scenario), given to the next [`times`](Self::times)
/// calls (one unless set), possibly late ([`latency`](Self::latency)) and with the gateway's
/// duplicated headers ([`duplicate_date_header`](Self::duplicate_date_header)).
///
/// Bodies and headers are the reference's own (contract §10 and `fixtures/liftos-captures`):
/// FastAPI's `{"detail": …}` for errors, uvicorn's text/plain 500.
#[derive(Debug, Clone)]
pub struct Step {
    answer: Answer,
    label: String,
    pub(super) times: usize,
    latency: Option<Duration>,
    duplicate_date: bool,
}

#[derive(Debug, Clone)]
enum Answer {
    Fixed(ResponseTemplate),
    /// The path and query of the request decide the `Location`.
    RedirectToInternalHost,
}

impl Step {
    fn new(answer: Answer, label: impl Into<String>) -> Self {
        Self {
            answer,
            label: label.into(),
            times: 1,
            latency: None,
            duplicate_date: false,
        }
    }

    fn fixed(template: ResponseTemplate, label: impl Into<String>) -> Self {
        Self::new(Answer::Fixed(template), label)
    }

    /// `status` with FastAPI's body for it: `{"detail": "<reason phrase>"}` for an error
    /// status (what `HTTPException(status)` sends), nothing otherwise.
    ///
    /// # Panics
    ///
    /// When `status` is not an HTTP status (100 to 999): a mistake in the test.
    #[must_use]
    pub fn status(status: u16) -> Self {
        let Ok(code) = StatusCode::from_u16(status) else {
            panic!("Step::status({status}): not an HTTP status (100 to 999)");
        };
        let template = if code.is_client_error() || code.is_server_error() {
            let reason = code.canonical_reason().unwrap_or("Error");
            json_template(code, &json!({ "detail": reason }))
        } else {
            ResponseTemplate::new(code)
        };
        Self::fixed(template, status.to_string())
    }

    /// 200 with `body` as JSON: the happy answer.
    #[must_use]
    pub fn ok(body: impl Into<Value>) -> Self {
        Self::fixed(json_template(StatusCode::OK, &body.into()), "200")
    }

    /// `status` with `body` as JSON.
    ///
    /// # Panics
    ///
    /// When `status` is not an HTTP status (100 to 999): a mistake in the test.
    #[must_use]
    pub fn json(status: u16, body: impl Into<Value>) -> Self {
        let Ok(code) = StatusCode::from_u16(status) else {
            panic!("Step::json({status}, …): not an HTTP status (100 to 999)");
        };
        Self::fixed(json_template(code, &body.into()), status.to_string())
    }

    /// Any answer of your own.
    #[must_use]
    pub fn respond(template: ResponseTemplate) -> Self {
        Self::fixed(template, "custom")
    }

    /// 429 with `Retry-After` in whole seconds (rounded up) and FastAPI's body
    /// `{"detail": "Too Many Requests"}`. The reference never sends it (it answers
    /// [`rate_limited_as_500`](Self::rate_limited_as_500)); a well-behaved upstream does.
    #[must_use]
    pub fn too_many_requests(retry_after: Duration) -> Self {
        let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
        let template = json_template(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({ "detail": "Too Many Requests" }),
        )
        .insert_header("retry-after", seconds.to_string());
        Self::fixed(template, format!("429 (Retry-After: {seconds})"))
    }

    /// 503 with FastAPI's body `{"detail": "Service Unavailable"}`.
    #[must_use]
    pub fn service_unavailable() -> Self {
        Self::status(503)
    }

    /// 200 declared as JSON whose body is not JSON: a Python dict's `repr`, single quotes
    /// and all. The client's decode fails.
    #[must_use]
    pub fn malformed_json() -> Self {
        let body = "{'success': True, 'message': 'ok', 'data': None}";
        Self::fixed(
            ResponseTemplate::new(200).set_body_raw(body, JSON),
            "200 malformed JSON",
        )
    }

    /// 200 with the first half of `body` serialized (at least one byte cut), correctly
    /// framed: the HTTP exchange completes and the client's decode fails. For a connection
    /// that drops mid-body, see [`RawServer::drop_mid_answer`](super::RawServer::drop_mid_answer).
    #[must_use]
    pub fn truncated_json(body: impl Into<Value>) -> Self {
        let mut bytes = body.into().to_string().into_bytes();
        bytes.truncate(bytes.len() / 2);
        Self::fixed(
            ResponseTemplate::new(200).set_body_raw(bytes, JSON),
            "200 truncated JSON",
        )
    }

    /// 500 text/plain `Internal Server Error`, as uvicorn answers an unhandled exception.
    #[must_use]
    pub fn internal_error_text() -> Self {
        Self::fixed(internal_error_template(), "500 text")
    }

    /// The reference's rate limit (contract §4.5, §10 item 4, capture
    /// `85-gateway-rate-limited`): not a 429 but a 500 text/plain `Internal Server Error`,
    /// without `Retry-After`. The reference then blocks the caller until it restarts: add
    /// [`forever`](Self::forever) to play that too.
    #[must_use]
    pub fn rate_limited_as_500() -> Self {
        Self::fixed(internal_error_template(), "500 rate limited")
    }

    /// A 307 whose `Location` is the platform's internal URL of the path without its
    /// trailing slash, as the reference answers a trailing slash (contract §10 item 7,
    /// capture `68-registry-list-trailing-slash`): `GET /memory/search/?q=1` is sent to
    /// `http://memory:8003/search?q=1`. The service is read from the path's first segment
    /// (the gateway prefix: auth, billing, memory, observability, registry); any other path
    /// is sent to `http://memory:8003` whole.
    #[must_use]
    pub fn redirect_to_internal_host() -> Self {
        Self::new(Answer::RedirectToInternalHost, "307 to internal host")
    }

    /// Answers the next `n` calls (the default is 1); `0` skips the step.
    #[must_use]
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// Answers every later call: the scenario never falls through (a server that stays down,
    /// a caller the reference has blocked).
    #[must_use]
    pub fn forever(self) -> Self {
        self.times(usize::MAX)
    }

    /// Answers after `delay`.
    ///
    /// The delay runs on wiremock's own runtime, not the test's: under a paused tokio clock
    /// (`start_paused = true`) it is still real time, and the test's clock jumps ahead while
    /// it waits on the answer, so a client time-out shorter than `delay` fires at once.
    #[must_use]
    pub fn latency(mut self, delay: Duration) -> Self {
        self.latency = Some(delay);
        self
    }

    /// Sends `date` and `server` twice each, as the gateway does when it proxies (contract §10
    /// item 18).
    #[must_use]
    pub fn duplicate_date_header(mut self) -> Self {
        self.duplicate_date = true;
        self
    }

    /// The answer to `request`.
    pub(super) fn answer(&self, request: &Request) -> ResponseTemplate {
        let mut template = match &self.answer {
            Answer::Fixed(template) => template.clone(),
            Answer::RedirectToInternalHost => internal_redirect(request),
        };
        if self.duplicate_date || matches!(self.answer, Answer::RedirectToInternalHost) {
            let date = http_date_now();
            template = template
                .append_header("date", date.as_str())
                .append_header("server", "uvicorn")
                .append_header("date", date.as_str())
                .append_header("server", "uvicorn");
        }
        match self.latency {
            Some(delay) => template.set_delay(delay),
            None => template,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)?;
        match self.times {
            1 => Ok(()),
            usize::MAX => f.write_str(" forever"),
            n => write!(f, " ×{n}"),
        }
    }
}

fn json_template(status: StatusCode, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), JSON)
}

fn internal_error_template() -> ResponseTemplate {
    ResponseTemplate::new(500).set_body_raw(INTERNAL_ERROR_TEXT, TEXT_PLAIN)
}

/// The internal host of each service the gateway forwards to (contract §1, code defaults).
const INTERNAL_HOSTS: [(&str, &str); 5] = [
    ("auth", "auth:8001"),
    ("billing", "billing:8002"),
    ("memory", "memory:8003"),
    ("observability", "observability:8004"),
    ("registry", "registry:8005"),
];

fn internal_redirect(request: &Request) -> ResponseTemplate {
    let path = request.url.path();
    let trimmed = path.trim_end_matches('/');
    let (first, rest) = trimmed.strip_prefix('/').map_or(("", ""), |p| {
        p.split_once('/').map_or((p, ""), |(a, b)| (a, b))
    });
    let (host, path) = INTERNAL_HOSTS
        .iter()
        .find(|(service, _)| *service == first)
        .map_or(("memory:8003", trimmed.to_owned()), |(_, host)| {
            (host, format!("/{rest}"))
        });
    let query = request
        .url
        .query()
        .map(|query| format!("?{query}"))
        .unwrap_or_default();
    ResponseTemplate::new(307).insert_header("location", format!("http://{host}{path}{query}"))
}

/// Now as an HTTP date (`Mon, 23 Nov 2026 08:09:10 GMT`).
fn http_date_now() -> String {
    chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}
