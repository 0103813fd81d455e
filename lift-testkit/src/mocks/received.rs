//! A request a mock received, as a typed value.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, Method};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One request a mock received, recorded before it was answered.
///
/// The path is the one the service sees: when the request came through the gateway prefix
/// (`/memory/search`), [`path`](Self::path) is `/search` and
/// [`through_gateway`](Self::through_gateway) is `true`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Received {
    /// The HTTP method.
    pub method: Method,
    /// The path as the service sees it, without the gateway prefix.
    pub path: String,
    /// Whether the path carried the service's gateway prefix.
    pub through_gateway: bool,
    /// The raw query string, without `?` (empty when there was none).
    pub query: String,
    /// Every header, duplicates included.
    pub headers: HeaderMap,
    /// The body, as received.
    pub body: Vec<u8>,
    /// Who the request was made as, if it said.
    pub caller: Option<Caller>,
    /// When it arrived, on the test's tokio clock (paused or not).
    pub at: tokio::time::Instant,
}

impl Received {
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

    /// The decoded query parameters, in order.
    #[must_use]
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The first value of query parameter `name`.
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

    /// Whether this is `method` on `path` (the service's path; `{name}` matches one segment).
    #[must_use]
    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method.as_str().eq_ignore_ascii_case(method) && path_matches(path, &self.path)
    }

    /// The id of the caller's user, if the request said who it was made as.
    #[must_use]
    pub fn user_id(&self) -> Option<&str> {
        self.caller.as_ref().map(|caller| caller.user_id.as_str())
    }
}

/// Who a request was made as: the `X-User-*` headers of a direct call, or the claims of its
/// bearer token (read, not verified: the mock is not where tokens are checked).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Caller {
    /// `X-User-ID`, or the token's `sub`.
    pub user_id: String,
    /// `X-Org-ID`, or the token's `org_id`.
    pub org_id: Option<String>,
    /// `X-User-Roles` split on commas, or the token's `roles`.
    pub roles: Vec<String>,
    /// Whether the caller was named by a bearer token (rather than headers).
    pub by_token: bool,
}

impl Caller {
    /// The caller a request names: its `X-User-ID` headers first (what the services read
    /// first), else its bearer token's claims.
    pub(crate) fn of(headers: &HeaderMap) -> Option<Self> {
        Self::from_headers(headers).or_else(|| Self::from_bearer(headers))
    }

    fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let user_id = text("x-user-id")?.to_owned();
        let roles = text("x-user-roles")
            .map(|roles| {
                roles
                    .split(',')
                    .map(str::trim)
                    .filter(|role| !role.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Some(Self {
            user_id,
            org_id: text("x-org-id").map(str::to_owned),
            roles,
            by_token: false,
        })
    }

    fn from_bearer(headers: &HeaderMap) -> Option<Self> {
        let authorization = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = authorization.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        let payload = token.trim().split('.').nth(1)?;
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        let roles = claims
            .get("roles")
            .and_then(Value::as_array)
            .map(|roles| {
                roles
                    .iter()
                    .filter_map(|r| r.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Some(Self {
            user_id: text("sub").or_else(|| text("user_id"))?,
            org_id: text("org_id"),
            roles,
            by_token: true,
        })
    }
}

/// Whether `path` fits `template`, where a `{name}` segment matches any one segment.
pub(crate) fn path_matches(template: &str, path: &str) -> bool {
    let mut path_segments = path.trim_end_matches('/').split('/');
    let mut template_segments = template.trim_end_matches('/').split('/');
    loop {
        match (template_segments.next(), path_segments.next()) {
            (None, None) => return true,
            (Some(t), Some(p))
                if t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_segment_per_parameter() {
        assert!(path_matches("/modules/{id}", "/modules/abc"));
        assert!(path_matches("/modules/{id}", "/modules/abc/"));
        assert!(!path_matches("/modules/{id}", "/modules/"));
        assert!(!path_matches("/modules/{id}", "/modules/abc/health"));
        assert!(path_matches("/search", "/search"));
        assert!(!path_matches("/search", "/store"));
    }

    #[test]
    fn the_caller_is_read_from_headers_first_then_from_the_bearer() {
        let mut headers = HeaderMap::new();
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"u-2","org_id":"o-2","roles":["admin"]}"#);
        let bearer = format!("Bearer e30.{payload}.sig");
        headers.insert("authorization", bearer.parse().unwrap());
        let caller = Caller::of(&headers).unwrap();
        assert_eq!(caller.user_id, "u-2");
        assert_eq!(caller.org_id.as_deref(), Some("o-2"));
        assert_eq!(caller.roles, ["admin"]);
        assert!(caller.by_token);

        headers.insert("x-user-id", "u-1".parse().unwrap());
        headers.insert("x-user-roles", "user,analyst".parse().unwrap());
        let caller = Caller::of(&headers).unwrap();
        assert_eq!((caller.user_id.as_str(), caller.by_token), ("u-1", false));
        assert_eq!(caller.roles, ["user", "analyst"]);
    }
}
