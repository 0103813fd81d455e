//! What can go wrong loading recorded exchanges, and what a replay did not expect.

use std::fmt;
use std::path::PathBuf;

use wiremock::Request;

/// A capture file or folder that could not be loaded.
///
/// Every variant names the file (or folder); a malformed file also names the JSON path of
/// the value that is wrong, e.g. `response.headers[2][1]`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// The file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON in the capture format.
    #[error("{}: at `{json_path}`: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// Where in the document the parser stopped, e.g. `response.status`.
        json_path: String,
        /// What the parser found there.
        #[source]
        source: serde_json::Error,
    },
    /// A value that parses but cannot go over the wire (a status outside 100–999, a header
    /// name or value HTTP does not allow, a method that is not a token).
    #[error("{}: at `{json_path}`: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The value's place in the document, e.g. `response.headers[0][0]`.
        json_path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No capture file in a folder matches a requested name.
    #[error("no capture named `{name}` in {}", dir.display())]
    NotFound {
        /// The folder searched.
        dir: PathBuf,
        /// The name or number asked for.
        name: String,
    },
}

/// The requests a replay had no recording for (see [`Replay::verify`](super::Replay::verify)).
///
/// Its `Display` lists each as `METHOD /path?query`, one a line.
#[derive(Debug, thiserror::Error)]
pub struct Unmatched {
    /// The requests, in arrival order.
    pub requests: Vec<Request>,
}

impl fmt::Display for Unmatched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} request(s) with no recorded exchange:",
            self.requests.len()
        )?;
        for request in &self.requests {
            write!(f, "\n  {}", describe(request))?;
        }
        Ok(())
    }
}

/// `METHOD /path?query` of a received request.
pub(crate) fn describe(request: &Request) -> String {
    let query = request
        .url
        .query()
        .map(|query| format!("?{query}"))
        .unwrap_or_default();
    format!("{} {}{query}", request.method, request.url.path())
}
