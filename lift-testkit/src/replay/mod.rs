//! Recorded exchanges, served back as recorded.
//!
//! `fixtures/liftos-captures/` holds exchanges recorded from the reference services (see
//! `fixtures/README.md`). A [`Replay`] serves a file or folder of them on a loopback
//! wiremock server, byte for byte, and keeps every request it has no recording for, so a
//! test can check both what its client made of the answers and that it sent nothing else.
//! [`Capture`] gives typed access to one exchange.

mod capture;
mod error;
mod file;
mod matching;

use std::path::Path;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request};

pub use capture::{Capture, RecordedRequest, RecordedResponse};
pub use error::{ReplayError, Unmatched};
use matching::{Exactly, Query, Unrecorded};

/// A wiremock server on `127.0.0.1` answering each recorded request with its recorded
/// response: status, headers in order with duplicates (the reference's two `date`
/// headers), body byte for byte.
///
/// A request matches a recording on method, path and query exactly ([`Replay::builder`]
/// can ignore the query). When several recordings share one request (an unregistration,
/// then the same one again), they answer in file order, once each, and the last one keeps
/// answering. Any other request gets a 404 and is kept: [`unmatched`](Self::unmatched) returns them, [`verify`](Self::verify)
/// fails listing them.
///
/// ```
/// use lift_testkit::replay::Replay;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/liftos-captures/compat");
/// let replay = Replay::start(format!("{dir}/39-memory-context-stats.json")).await?;
///
/// // Through the gateway, as recorded: the proxied answer carries two `date` headers.
/// let answer = reqwest::get(format!("{}/memory/context/stats", replay.uri())).await?;
/// assert_eq!(answer.status(), 200);
/// assert_eq!(answer.headers().get_all("date").iter().count(), 2);
/// assert_eq!(answer.text().await?, replay.captures()[0].response().body_raw());
/// replay.verify().await?;
///
/// // A request nobody recorded is answered 404, and reported.
/// let stray = reqwest::get(format!("{}/memory/context/stats?verbose=1", replay.uri())).await?;
/// assert_eq!(stray.status(), 404);
/// let unmatched = replay.verify().await.unwrap_err();
/// assert_eq!(unmatched.to_string(), "1 request(s) with no recorded exchange:\n  GET /memory/context/stats?verbose=1");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Replay {
    server: MockServer,
    captures: Vec<Capture>,
    unrecorded: Unrecorded,
}

impl Replay {
    /// Loads a capture file, or every capture of a folder (see [`Capture::load_all`]), and
    /// serves them.
    ///
    /// # Errors
    ///
    /// As [`Capture::load_all`]: the file and JSON path of what could not be loaded.
    pub async fn start(path: impl AsRef<Path>) -> Result<Self, ReplayError> {
        Ok(Self::serve(Capture::load_all(path)?).await)
    }

    /// Serves captures already loaded.
    pub async fn serve(captures: impl IntoIterator<Item = Capture>) -> Self {
        Self::builder().serve(captures).await
    }

    /// Options for a replay that matches requests less strictly.
    #[must_use]
    pub fn builder() -> ReplayBuilder {
        ReplayBuilder::default()
    }

    /// The server's base URI, e.g. `http://127.0.0.1:41234`.
    #[must_use]
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The wiremock server, to mount more mocks on it.
    #[must_use]
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// The captures served, in the order given (file-name order for a folder).
    #[must_use]
    pub fn captures(&self) -> &[Capture] {
        &self.captures
    }

    /// Every request received, matched or not, in arrival order.
    pub async fn received(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The requests no recording matched, in arrival order.
    pub async fn unmatched(&self) -> Vec<Request> {
        self.unrecorded.take_copy()
    }

    /// Checks that every request received had a recording.
    ///
    /// # Errors
    ///
    /// [`Unmatched`], listing the others.
    pub async fn verify(&self) -> Result<(), Unmatched> {
        let requests = self.unmatched().await;
        if requests.is_empty() {
            Ok(())
        } else {
            Err(Unmatched { requests })
        }
    }
}

/// How a [`Replay`] matches requests; [`Replay::start`] and [`Replay::serve`] use the
/// default, an exact match on method, path and query.
///
/// ```
/// use lift_testkit::replay::{Capture, Replay};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/liftos-captures/compat");
/// // Recorded as `GET /registry/modules`, without a query.
/// let listing = Capture::find(dir, "63")?;
/// let replay = Replay::builder().ignore_query().serve([listing]).await;
///
/// let url = format!("{}/registry/modules?page=1&size=100", replay.uri());
/// assert_eq!(reqwest::get(url).await?.status(), 200);
/// replay.verify().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReplayBuilder {
    ignore_query: bool,
}

impl ReplayBuilder {
    /// Matches on method and path only, whatever the query: for a client whose query
    /// differs from the recording's (paging parameters the recording did without).
    #[must_use]
    pub fn ignore_query(mut self) -> Self {
        self.ignore_query = true;
        self
    }

    /// Loads a capture file or folder (see [`Capture::load_all`]) and serves it.
    ///
    /// # Errors
    ///
    /// As [`Capture::load_all`]: the file and JSON path of what could not be loaded.
    pub async fn start(self, path: impl AsRef<Path>) -> Result<Replay, ReplayError> {
        Ok(self.serve(Capture::load_all(path)?).await)
    }

    /// Serves captures already loaded.
    pub async fn serve(self, captures: impl IntoIterator<Item = Capture>) -> Replay {
        let captures: Vec<Capture> = captures.into_iter().collect();
        let server = MockServer::start().await;
        let key = |request: &RecordedRequest| Exactly {
            method: request.method.clone(),
            path: request.path.clone(),
            query: if self.ignore_query {
                Query::Any
            } else {
                Query::Exactly(request.query.clone())
            },
        };
        for (index, capture) in captures.iter().enumerate() {
            let matcher = key(capture.request());
            // wiremock tries mocks in mount order: a recording answers once when a later one
            // has the same request, so a sequence replays in order.
            let repeated = captures[index + 1..]
                .iter()
                .any(|later| key(later.request()) == matcher);
            let mock = Mock::given(matcher)
                .respond_with(capture.response_template())
                .named(capture.name());
            let mock = if repeated {
                mock.up_to_n_times(1)
            } else {
                mock
            };
            mock.mount(&server).await;
        }
        let unrecorded = Unrecorded::default();
        Mock::given(any())
            .respond_with(unrecorded.clone())
            .with_priority(u8::MAX)
            .named("no recorded exchange")
            .mount(&server)
            .await;
        Replay {
            server,
            captures,
            unrecorded,
        }
    }
}
