//! The hint on a module's 404 when the caller left out the module's `api_prefix`.
//!
//! The gateway does not add a module's `api_prefix` (contract §4.3): the path after
//! `/modules/{id}` is the module's own. A newcomer who calls `/modules/{id}/notes` on a
//! module serving `/api/v1/notes` gets the module's bare `404 Not Found`, which says nothing
//! about why. When the same path exists under the prefix, the fake gateway says so in the
//! 404's `detail`. The reference gateway gives no such hint; the status stays 404, so a
//! client that reads the status sees no difference.

use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde_json::{Value, json};

use super::GatewayState;
use super::forward::module_url;

/// How long the probe of the prefixed path may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The largest 404 body read to find its `detail`; a larger one is passed on untouched.
const BODY_LIMIT: usize = 64 * 1024;

/// A module call that was answered, and what is needed to probe the prefixed path.
#[derive(Debug)]
pub(crate) struct ModuleCall<'a> {
    /// The module id, as the caller wrote it in `/modules/{id}/…` (decoded).
    pub(crate) id: &'a str,
    /// The path after `/modules/{id}/`, as received.
    pub(crate) path: &'a str,
    /// The module's registered `base_url`.
    pub(crate) base_url: &'a str,
    /// The module's registered `api_prefix`.
    pub(crate) api_prefix: &'a str,
    /// The headers the call was forwarded with (the caller's token, the injected context),
    /// so the probe passes the module's auth layer as the call did.
    pub(crate) headers: HeaderMap,
}

/// `response` unchanged, unless it is a 404 for a path outside the module's `api_prefix`
/// that exists under it: then the same 404 with a `detail` naming the prefix and the path
/// to call.
pub(crate) async fn with_prefix_hint(
    state: &GatewayState,
    call: ModuleCall<'_>,
    response: Response,
) -> Response {
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    let Some(suggested) = prefixed(call.api_prefix, call.path) else {
        return response;
    };
    if !exists(state, &call, &suggested).await {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        // Larger than any 404 detail: not worth rewriting (the body is gone; say only
        // what the status says).
        return not_found_with(parts, "Not Found");
    };
    let detail = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|body| body.get("detail")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "Not Found".to_owned());
    let id = call.id;
    let prefix = call.api_prefix.trim_end_matches('/');
    let hinted = format!(
        "{detail}. Module {id} serves its routes under its api_prefix {prefix}, and the \
         gateway does not add it: call /modules/{id}/{suggested}"
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    not_found_with(parts, &hinted)
}

/// The path under the prefix (without a leading `/`) when `path` is outside it; `None` when
/// the prefix is empty or `/`, `path` is empty, or `path` already starts with the prefix.
fn prefixed(api_prefix: &str, path: &str) -> Option<String> {
    let prefix = api_prefix.trim_matches('/');
    let path = path.trim_start_matches('/');
    let inside = path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'));
    if prefix.is_empty() || path.is_empty() || inside {
        return None;
    }
    Some(format!("{prefix}/{path}"))
}

/// Whether the module serves `suggested`: a `HEAD` of it with the call's headers answers
/// anything but 404 or a server error. `HEAD` because it runs no handler of another method
/// (a `POST` route answers 405), and at most a `GET` handler, which must be safe anyway.
async fn exists(state: &GatewayState, call: &ModuleCall<'_>, suggested: &str) -> bool {
    let url = module_url(call.base_url, suggested, false);
    let answer = state
        .http
        .request(Method::HEAD, url)
        .headers(call.headers.clone())
        .timeout(PROBE_TIMEOUT)
        .send()
        .await;
    answer.is_ok_and(|answer| {
        let status = answer.status();
        status != reqwest::StatusCode::NOT_FOUND && !status.is_server_error()
    })
}

/// A 404 with the module's headers and `{"detail": detail}`.
fn not_found_with(mut parts: http::response::Parts, detail: &str) -> Response {
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = json!({ "detail": detail }).to_string();
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::prefixed;

    #[test]
    fn only_a_path_outside_a_real_prefix_gets_a_suggestion() {
        assert_eq!(
            prefixed("/api/v1", "notes/search").as_deref(),
            Some("api/v1/notes/search")
        );
        assert_eq!(
            prefixed("/api/v1/", "notes").as_deref(),
            Some("api/v1/notes")
        );
        assert_eq!(
            prefixed("/api/v1", "api/v10/x").as_deref(),
            Some("api/v1/api/v10/x")
        );
        assert_eq!(prefixed("/api/v1", "api/v1/notes"), None);
        assert_eq!(prefixed("/api/v1", "api/v1"), None);
        assert_eq!(prefixed("/", "notes"), None);
        assert_eq!(prefixed("", "notes"), None);
        assert_eq!(prefixed("/api/v1", ""), None);
    }
}
