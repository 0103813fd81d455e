//! A successful answer and its decoding.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::api_error::snippet;
use crate::envelope::ApiResponse;
use crate::{Error, ErrorKind};

/// The answer to a call that succeeded (2xx), with its body read.
///
/// Decode it as bare JSON with [`json`](Self::json), as the `APIResponse` envelope with
/// [`envelope`](Self::envelope), or take the envelope's `data` with [`data`](Self::data).
/// A body that does not decode gives an error that names the JSON path that failed and
/// shows a short excerpt of the body.
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    call: CallInfo,
}

/// What a response remembers of its call, for error messages.
#[derive(Debug, Clone)]
pub(crate) struct CallInfo {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) request_id: std::sync::Arc<str>,
    pub(crate) attempts: u32,
}

impl fmt::Display for CallInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

impl Response {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes, call: CallInfo) -> Self {
        Self {
            status,
            headers,
            body,
            call,
        }
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body.
    #[must_use]
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// Consumes the response, giving its raw body.
    #[must_use]
    pub fn into_bytes(self) -> Bytes {
        self.body
    }

    /// The `X-Request-ID` the call was sent with.
    #[must_use]
    pub fn request_id(&self) -> &str {
        &self.call.request_id
    }

    /// The gateway's `X-Correlation-ID`, when the call went through the gateway.
    #[must_use]
    pub fn correlation_id(&self) -> Option<&str> {
        header_str(&self.headers, "x-correlation-id")
    }

    /// How many times the request was sent before this answer.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.call.attempts
    }

    /// Decodes the body as bare JSON.
    ///
    /// # Errors
    ///
    /// An error of kind [`Decode`](ErrorKind::Decode) naming the JSON path that failed.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(value),
            Err(_) => Err(self.decode_error::<T>()),
        }
    }

    /// Decodes the body as the `APIResponse` envelope.
    ///
    /// # Errors
    ///
    /// An error of kind [`Decode`](ErrorKind::Decode) naming the JSON path that failed.
    pub fn envelope<T: DeserializeOwned>(&self) -> Result<ApiResponse<T>, Error> {
        self.json()
    }

    /// Decodes the body as the `APIResponse` envelope and returns its `data`.
    ///
    /// A `null` or missing `data` reads as [`decode::empty_data`](crate::decode::empty_data)
    /// says: `T` from `null` when it accepts that (an `Option`, `()`, or
    /// `serde_json::Value`), else `T` from `{}` (a struct whose fields all have defaults),
    /// and a decode error otherwise.
    ///
    /// # Errors
    ///
    /// An error of kind [`Decode`](ErrorKind::Decode) naming the JSON path that failed, or
    /// saying that `data` was empty.
    pub fn data<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let envelope: ApiResponse<T> = self.envelope()?;
        match envelope.data {
            Some(data) => Ok(data),
            None => crate::decode::empty_data().map_err(|err| {
                self.error_with_body(ErrorKind::Decode, "data is null or missing")
                    .with_source(err)
            }),
        }
    }

    /// Decodes again with path tracking, only on the error path, so the happy path pays
    /// nothing for it.
    fn decode_error<T: DeserializeOwned>(&self) -> Error {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(_) => self.error_with_body(ErrorKind::Decode, "trailing characters"),
            Err(err) => {
                let path = err.path().to_string();
                let at = if path == "." {
                    "the top level".to_owned()
                } else {
                    format!("`{path}`")
                };
                self.error_with_body(ErrorKind::Decode, &format!("at {at}"))
                    .with_source(err.into_inner())
            }
        }
    }

    fn error_with_body(&self, kind: ErrorKind, what: &str) -> Error {
        let snippet = snippet(&self.body, 200);
        Error::new(
            kind,
            format!("{} ({}) {what}; body: {snippet}", self.call, self.status),
        )
        .with_ids(Some(&self.call.request_id), self.correlation_id())
        .with_attempts(self.call.attempts)
    }
}

pub(crate) fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("call", &format_args!("{}", self.call))
            .field("status", &self.status)
            .field("request_id", &self.call.request_id)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}
