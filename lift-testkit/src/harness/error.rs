//! What can go wrong in a harness: `HarnessError`.

use std::time::Duration;

use http::StatusCode;
use lift_sdk::runtime::{RegistrationState, ServeError};

/// Why the harness could not start the module, send a request, or read an answer.
///
/// Every variant about a request names it (`GET /api/v1/notes as u-1`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// The harness was started without a configuration.
    #[error(
        "the harness has no configuration: give it a LiftConfig pointing at the mocks \
         (ModuleHarnessBuilder::config)"
    )]
    NoConfig,
    /// No loopback port could be bound.
    #[error("cannot listen on 127.0.0.1:0")]
    Bind(#[source] std::io::Error),
    /// The runtime refused to start the module (configuration, manifest, auth, `on_start`).
    #[error("the module did not start")]
    Start(#[source] ServeError),
    /// The module started but was not registered in time, or stopped first; it has been
    /// told to shut down.
    #[error("the module was not registered after {waited:?}; registration: {state:?}")]
    NotRegistered {
        /// How long the harness waited (wall-clock time).
        waited: Duration,
        /// Where registration stood when the harness gave up.
        state: RegistrationState,
    },
    /// A request could not be built (a header, a body, a token).
    #[error("{request}: {reason}")]
    InvalidRequest {
        /// The request, as `METHOD /path`.
        request: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A request got no answer.
    #[error("{request}: no answer from the module")]
    Request {
        /// The request, as `METHOD /path`.
        request: String,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// An answer had a status the caller did not accept.
    #[error("{request}: answered {status}: {body}")]
    Status {
        /// The request, as `METHOD /path`.
        request: String,
        /// The status of the answer.
        status: StatusCode,
        /// The start of the body, as text.
        body: String,
    },
    /// An answer's body is not the JSON expected.
    #[error("{request}: the answer ({status}) does not decode at `{path}`: {body}")]
    Decode {
        /// The request, as `METHOD /path`.
        request: String,
        /// The status of the answer.
        status: StatusCode,
        /// Where in the body decoding failed (`.` for the root).
        path: String,
        /// The start of the body, as text.
        body: String,
        /// The decoder's error.
        #[source]
        source: serde_json::Error,
    },
    /// The module failed while shutting down.
    #[error("the module failed while shutting down")]
    Shutdown(#[source] ServeError),
}

/// At most this many bytes of a body go into an error.
const SNIPPET: usize = 512;

/// The start of `body` as text, for an error message.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= SNIPPET {
        return text.into_owned();
    }
    let mut end = SNIPPET;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_cut_on_a_character_boundary() {
        let body = "é".repeat(400);
        let cut = snippet(body.as_bytes());
        assert!(cut.ends_with('…'));
        assert!(cut.len() <= SNIPPET + '…'.len_utf8());
        assert_eq!(snippet(b"short"), "short");
    }
}
