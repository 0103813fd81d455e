//! A call the gateway forwarded to a module, as a typed value.

use http::{HeaderMap, HeaderValue, Method};
use lift_auth::Claims;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::Request;

use crate::mocks::Caller;

/// One call the gateway mock forwarded to a module at `/modules/{module_id}/{path}`: it
/// passed the bearer check and named a module mounted with
/// [`MockGateway::module`](super::MockGateway::module). Recorded when it arrived, before it
/// was answered.
///
/// Everything is what the module would receive from the reference gateway (contract §4.1,
/// §4.2, §7.2): the module's own path, the query with repeated keys collapsed to their last
/// value, and the client's headers followed by the ones the gateway injects (`X-User-ID`,
/// `X-Org-ID`, `X-Memory-Context`, `X-User-Roles`, `X-Module-ID`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ModuleCall {
    /// The module id, as written in the URL path.
    pub module_id: String,
    /// The HTTP method.
    pub method: Method,
    /// The module's path: `/api/v1/ping` for `/modules/{id}/api/v1/ping`, `/` for
    /// `/modules/{id}/`.
    pub path: String,
    /// The query as forwarded, without `?` (empty when there was none).
    pub query: String,
    /// The client's headers, then the injected user-context headers. A client's own
    /// `X-User-ID` comes first, and modules read the first (contract §10 D15).
    pub headers: HeaderMap,
    /// The body, unchanged.
    pub body: Vec<u8>,
    /// Who the module is told the caller is: from the first `X-User-*` headers.
    pub caller: Option<Caller>,
    /// When it arrived, on the test's tokio clock (paused or not).
    pub at: tokio::time::Instant,
}

impl ModuleCall {
    /// The call the gateway forwards for `request`, made with the verified `claims`.
    pub(crate) fn forwarded(
        request: &Request,
        module_id: &str,
        path: &str,
        claims: &Claims,
        at: tokio::time::Instant,
    ) -> Self {
        let mut headers = request.headers.clone();
        let org_context = format!("org_{}_context", claims.org_id);
        let memory_context = if claims.memory_context.is_empty() {
            &org_context
        } else {
            &claims.memory_context
        };
        let roles: Vec<&str> = claims.roles.iter().map(lift_auth::Role::as_str).collect();
        for (name, value) in [
            ("x-user-id", claims.sub.as_str()),
            ("x-org-id", claims.org_id.as_str()),
            ("x-memory-context", memory_context.as_str()),
            ("x-user-roles", roles.join(",").as_str()),
            ("x-module-id", module_id),
        ] {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.append(name, value);
            }
        }
        Self {
            module_id: module_id.to_owned(),
            method: request.method.clone(),
            path: path.to_owned(),
            query: crate::reference::collapse_query(request.url.query().unwrap_or("")),
            caller: Caller::of(&headers),
            headers,
            body: request.body.clone(),
            at,
        }
    }

    /// The body decoded as `T`.
    ///
    /// # Errors
    ///
    /// When the body is not JSON of that shape.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The body as a JSON value, or `None` when it is empty or not JSON.
    #[must_use]
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The value of query parameter `name`.
    #[must_use]
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The first value of header `name`, when it is text.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The id of the user the module is told the caller is.
    #[must_use]
    pub fn user_id(&self) -> Option<&str> {
        self.caller.as_ref().map(|caller| caller.user_id.as_str())
    }
}
