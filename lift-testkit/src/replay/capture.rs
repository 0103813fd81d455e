//! One recorded exchange, as `fixtures/liftos-captures/*.json` holds it.

use std::path::{Path, PathBuf};

use http::{HeaderName, HeaderValue, Method, StatusCode};
use serde_json::Value;
use wiremock::ResponseTemplate;

/// One exchange recorded from the reference services: the request as it was sent and the
/// response exactly as it came back (status, headers in order with their duplicates, body).
///
/// Load one with [`Capture::load`], a folder with [`Capture::load_all`], one of a folder by
/// name or number with [`Capture::find`]; serve them with [`Replay`](super::Replay), or one
/// at a time on a mock of your own with [`Capture::response_template`].
///
/// ```
/// use lift_testkit::replay::Capture;
///
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/liftos-captures/compat");
/// let capture = Capture::find(dir, "42")?;
/// assert_eq!(capture.name(), "42-memory-conceptual-space-create");
/// assert_eq!(capture.request().method(), "POST");
/// assert_eq!(capture.request().path(), "/memory/conceptual-spaces/create");
/// assert_eq!(capture.request().query(), Some("name=marketing"));
/// assert_eq!(capture.response().status(), 200);
/// // The reference's gateway sends `date` twice.
/// assert_eq!(capture.response().header_values("date").count(), 2);
/// # Ok::<(), lift_testkit::replay::ReplayError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Capture {
    pub(super) name: String,
    pub(super) service: Option<String>,
    pub(super) file: PathBuf,
    pub(super) request: RecordedRequest,
    pub(super) response: RecordedResponse,
}

/// The recorded request of a [`Capture`].
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Option<Value>,
    pub(super) body_raw: Option<String>,
}

/// The recorded response of a [`Capture`].
#[derive(Debug, Clone)]
pub struct RecordedResponse {
    pub(super) status: StatusCode,
    pub(super) headers: Vec<(String, String)>,
    // The same headers, checked once at load, so serving them cannot fail.
    pub(super) wire_headers: Vec<(HeaderName, HeaderValue)>,
    pub(super) body: Option<Value>,
    pub(super) body_raw: String,
}

impl Capture {
    /// The capture's `id`, e.g. `14-auth-login`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The service the request was sent to (`target.service`: `gateway`, `auth`, `memory`,
    /// `registry`), if recorded.
    #[must_use]
    pub fn service(&self) -> Option<&str> {
        self.service.as_deref()
    }

    /// The file it was loaded from.
    #[must_use]
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The recorded request.
    #[must_use]
    pub fn request(&self) -> &RecordedRequest {
        &self.request
    }

    /// The recorded response.
    #[must_use]
    pub fn response(&self) -> &RecordedResponse {
        &self.response
    }

    /// The recorded response as a wiremock answer: status, every header in order with its
    /// duplicates, and the body byte for byte. `content-length` and `transfer-encoding` are
    /// left out: the server frames the (identical) body itself.
    #[must_use]
    pub fn response_template(&self) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(self.response.status);
        for (name, value) in &self.response.wire_headers {
            if name != "content-length" && name != "transfer-encoding" {
                template = template.append_header(name.clone(), value.clone());
            }
        }
        // Bytes, not `set_body_raw`: that would replace a recorded `content-type` (and its
        // duplicates) with one of its own.
        template.set_body_bytes(self.response.body_raw.clone().into_bytes())
    }
}

impl RecordedRequest {
    /// The method, e.g. `POST`.
    #[must_use]
    pub fn method(&self) -> &str {
        self.method.as_str()
    }

    /// The path without its query, as sent (a trailing slash kept).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query string without its `?`, if there was one.
    #[must_use]
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// `path?query`, as on the request line.
    #[must_use]
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }

    /// The headers the recording set explicitly, in recorded order (not those the HTTP
    /// client added itself, such as `Host`).
    #[must_use]
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body as JSON, if it was JSON.
    #[must_use]
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// The body as sent, if there was one.
    #[must_use]
    pub fn body_raw(&self) -> Option<&str> {
        self.body_raw.as_deref()
    }
}

impl RecordedResponse {
    /// The status code.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// Every header, names in lower case, in recorded order with duplicates.
    #[must_use]
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The values of header `name` (any case), in recorded order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The first value of header `name` (any case).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON, if it was JSON.
    #[must_use]
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// The body exactly as sent.
    #[must_use]
    pub fn body_raw(&self) -> &str {
        &self.body_raw
    }
}
