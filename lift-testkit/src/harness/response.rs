//! A module's answer, read whole: `HarnessResponse`.

use std::fmt;

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::error::{HarnessError, snippet};

/// A module's answer to one request, read whole: status, headers and body.
///
/// It remembers the request it answers, so its errors name it.
#[derive(Clone)]
pub struct HarnessResponse {
    pub(crate) request: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl HarnessResponse {
    /// The status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Every header, duplicates included.
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name`, when it is text.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body, as received.
    #[must_use]
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The request this answers, as `METHOD /path` (and the caller, when the harness made
    /// the token).
    #[must_use]
    pub fn request(&self) -> &str {
        &self.request
    }

    /// The body decoded as `T`, whatever the status.
    ///
    /// # Errors
    ///
    /// [`HarnessError::Decode`] naming the request, the status, the JSON path that failed
    /// and the start of the body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, HarnessError> {
        let mut decoder = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut decoder).map_err(|err| HarnessError::Decode {
            request: self.request.clone(),
            status: self.status,
            path: err.path().to_string(),
            body: snippet(&self.body),
            source: err.into_inner(),
        })
    }

    /// The answer itself when its status is `expected`.
    ///
    /// # Errors
    ///
    /// [`HarnessError::Status`] naming the request, the status and the start of the body.
    pub fn expect_status(self, expected: u16) -> Result<Self, HarnessError> {
        if self.status == expected {
            Ok(self)
        } else {
            Err(self.into_status_error())
        }
    }

    /// The answer itself when its status is a success (2xx).
    ///
    /// # Errors
    ///
    /// [`HarnessError::Status`] naming the request, the status and the start of the body.
    pub fn error_for_status(self) -> Result<Self, HarnessError> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(self.into_status_error())
        }
    }

    fn into_status_error(self) -> HarnessError {
        HarnessError::Status {
            body: snippet(&self.body),
            request: self.request,
            status: self.status,
        }
    }
}

impl fmt::Debug for HarnessResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HarnessResponse")
            .field("request", &self.request)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &snippet(&self.body))
            .finish()
    }
}
