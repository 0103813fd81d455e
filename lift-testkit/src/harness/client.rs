//! Requests that all carry one token: `HarnessClient`.

use std::fmt;

use http::Method;

use super::{HarnessRequest, ModuleHarness};

/// Makes requests to the module that all carry one bearer token; from
/// [`ModuleHarness::client_as`].
///
/// Each method is the harness's namesake with [`bearer`](HarnessRequest::bearer) already
/// set.
#[derive(Clone)]
pub struct HarnessClient<'h> {
    harness: &'h ModuleHarness,
    token: String,
}

impl<'h> HarnessClient<'h> {
    pub(crate) fn new(harness: &'h ModuleHarness, token: String) -> Self {
        Self { harness, token }
    }

    /// A request for route `path`, relative to the `api_prefix`.
    pub fn request(&self, method: Method, path: &str) -> HarnessRequest<'h> {
        self.harness
            .request(method, path)
            .bearer(self.token.clone())
    }

    /// A request for `path` as written, from the server's root.
    pub fn request_root(&self, method: Method, path: &str) -> HarnessRequest<'h> {
        self.harness
            .request_root(method, path)
            .bearer(self.token.clone())
    }

    /// `GET` route `path`, relative to the `api_prefix`.
    pub fn get(&self, path: &str) -> HarnessRequest<'h> {
        self.request(Method::GET, path)
    }

    /// `POST` route `path`, relative to the `api_prefix`.
    pub fn post(&self, path: &str) -> HarnessRequest<'h> {
        self.request(Method::POST, path)
    }

    /// `PUT` route `path`, relative to the `api_prefix`.
    pub fn put(&self, path: &str) -> HarnessRequest<'h> {
        self.request(Method::PUT, path)
    }

    /// `PATCH` route `path`, relative to the `api_prefix`.
    pub fn patch(&self, path: &str) -> HarnessRequest<'h> {
        self.request(Method::PATCH, path)
    }

    /// `DELETE` route `path`, relative to the `api_prefix`.
    pub fn delete(&self, path: &str) -> HarnessRequest<'h> {
        self.request(Method::DELETE, path)
    }
}

impl fmt::Debug for HarnessClient<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the token itself.
        f.debug_struct("HarnessClient")
            .field("base_url", &self.harness.base_url())
            .field("token", &"[redacted]")
            .finish()
    }
}
