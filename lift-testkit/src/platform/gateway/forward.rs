//! Forwarding a call downstream (contract §4.1, §4.2): the headers the gateway sends and
//! drops, the query with repeated keys collapsed, the body as received, and the downstream
//! answer copied back.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::response::Response;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use lift_auth::Claims;

use super::GatewayState;
use crate::platform::errors;
use crate::reference::collapse_query;

/// How long a downstream call may take (the reference's httpx timeout).
const DOWNSTREAM_TIMEOUT: Duration = Duration::from_secs(30);

/// The user-context headers the gateway injects (and removes from the client's request).
pub(crate) const CONTEXT_HEADERS: [&str; 5] = [
    "x-user-id",
    "x-org-id",
    "x-memory-context",
    "x-user-roles",
    "x-module-id",
];

/// Request headers never forwarded: hop-by-hop ones, and those the HTTP client sets.
const DROPPED_REQUEST: [&str; 10] = [
    "host",
    "expect",
    "connection",
    "upgrade",
    "content-length",
    "transfer-encoding",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
];

/// Answer headers not copied back: hop-by-hop ones, and those the gateway's own server
/// writes (`date`; `content-length` for the body as sent; its own correlation id).
const DROPPED_RESPONSE: [&str; 6] = [
    "connection",
    "transfer-encoding",
    "keep-alive",
    "content-length",
    "date",
    "x-correlation-id",
];

/// Which user-context headers a route gets (contract §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inject {
    /// `/auth/…`, `/observability/…`: none.
    Nothing,
    /// `/registry/…`, `/billing/…`: user, org and roles.
    User,
    /// `/memory/…`: user, org, memory context and roles.
    Memory,
}

/// The injected headers for `claims`, in the reference's order; `module` adds
/// `X-Module-ID`.
pub(crate) fn context_headers(
    claims: &Claims,
    inject: Inject,
    module: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut headers = Vec::with_capacity(5);
    if inject == Inject::Nothing {
        return headers;
    }
    headers.push(("x-user-id", claims.sub.clone()));
    headers.push(("x-org-id", claims.org_id.clone()));
    if inject == Inject::Memory || module.is_some() {
        let context = if claims.memory_context.is_empty() {
            format!("org_{}_context", claims.org_id)
        } else {
            claims.memory_context.clone()
        };
        headers.push(("x-memory-context", context));
    }
    let roles: Vec<&str> = claims.roles.iter().map(|role| role.as_str()).collect();
    headers.push(("x-user-roles", roles.join(",")));
    if let Some(module) = module {
        headers.push(("x-module-id", module.to_owned()));
    }
    headers
}

/// The headers sent downstream: the client's (without hop-by-hop ones, and without its own
/// user-context headers unless `client_first`), then the injected ones. With `client_first`
/// (the reference's quirk) both copies go, the client's first.
pub(crate) fn outgoing_headers(
    client: &HeaderMap,
    injected: &[(&'static str, String)],
    client_first: bool,
) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(client.len() + injected.len());
    for (name, value) in client {
        let name_str = name.as_str();
        if DROPPED_REQUEST.contains(&name_str)
            || (!client_first && CONTEXT_HEADERS.contains(&name_str))
        {
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    for (name, value) in injected {
        if let Ok(value) = HeaderValue::from_str(value) {
            out.append(HeaderName::from_static(name), value);
        }
    }
    out
}

/// One call to forward.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) method: Method,
    /// The full downstream URL, without the query.
    pub(crate) url: String,
    /// The client's raw query, if any.
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// Sends `call` and copies the answer back; `unavailable` is the 503 detail when the
/// downstream cannot be reached or times out.
pub(crate) async fn send(state: &GatewayState, call: Outgoing, unavailable: &str) -> Response {
    let mut url = call.url;
    if let Some(query) = call.query.as_deref().filter(|query| !query.is_empty()) {
        url.push('?');
        url.push_str(&collapse_query(query));
    }
    let sent = state
        .http
        .request(call.method, url)
        .headers(call.headers)
        .body(call.body)
        .timeout(DOWNSTREAM_TIMEOUT)
        .send()
        .await;
    let Ok(answer) = sent else {
        return errors::detail(StatusCode::SERVICE_UNAVAILABLE, unavailable);
    };
    let status = answer.status();
    let mut headers = HeaderMap::with_capacity(answer.headers().len());
    for (name, value) in answer.headers() {
        if !DROPPED_RESPONSE.contains(&name.as_str()) {
            headers.append(name.clone(), value.clone());
        }
    }
    let Ok(body) = answer.bytes().await else {
        return errors::detail(StatusCode::SERVICE_UNAVAILABLE, unavailable);
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// The downstream URL of a module call: `base_url` joined with `path`. Without the quirk
/// the join never doubles a slash; with it, as the reference writes it
/// (`f"{base_url}/{path}"`).
pub(crate) fn module_url(base_url: &str, path: &str, forward_double_slash: bool) -> String {
    if forward_double_slash {
        format!("{base_url}/{path}")
    } else {
        format!(
            "{}/{}",
            base_url.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_urls_join_with_one_slash_unless_the_quirk_is_on() {
        assert_eq!(
            module_url("http://m:9/", "api/v1/ping", false),
            "http://m:9/api/v1/ping"
        );
        assert_eq!(module_url("http://m:9", "", false), "http://m:9/");
        assert_eq!(
            module_url("http://m:9/", "api/v1/ping", true),
            "http://m:9//api/v1/ping"
        );
        assert_eq!(
            module_url("http://m:9/base", "/x", false),
            "http://m:9/base/x"
        );
    }

    #[test]
    fn the_clients_context_headers_are_dropped_or_sent_first() {
        let mut client = HeaderMap::new();
        client.insert("x-user-roles", HeaderValue::from_static("admin"));
        client.insert("host", HeaderValue::from_static("gw"));
        client.insert("x-request-id", HeaderValue::from_static("r-1"));
        let injected = vec![("x-user-roles", "user".to_owned())];

        let safe = outgoing_headers(&client, &injected, false);
        let roles: Vec<_> = safe.get_all("x-user-roles").iter().collect();
        assert_eq!(roles, ["user"]);
        assert!(safe.get("host").is_none());
        assert_eq!(safe["x-request-id"], "r-1");

        let quirky = outgoing_headers(&client, &injected, true);
        let roles: Vec<_> = quirky.get_all("x-user-roles").iter().collect();
        assert_eq!(roles, ["admin", "user"]);
    }
}
