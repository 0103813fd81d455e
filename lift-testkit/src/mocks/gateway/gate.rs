//! What the gateway decides before it forwards anything: the Starlette slash redirect and
//! the bearer check of the protected routes (contract §4.1, §4.5).

use http::HeaderMap;
use lift_auth::{
    AuthErrorKind, Claims, Role, SubscriptionTier, TokenVerifier, bearer_from_headers,
};
use serde_json::json;
use wiremock::{Match, Request, Respond, ResponseTemplate};

use super::modules::module_path;

/// The route prefixes whose calls need a valid bearer token.
const PROTECTED: [&str; 4] = ["/memory/", "/registry/", "/billing/", "/modules/"];

/// The route prefixes that Starlette redirects to when the trailing slash is missing.
const SLASHED: [&str; 5] = [
    "/auth",
    "/billing",
    "/memory",
    "/observability",
    "/registry",
];

/// Why the gateway refused a call on a protected route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No, malformed, expired or wrongly signed bearer: 401 `Authentication required`.
    Unauthenticated,
    /// A verified token whose claims the reference cannot build (a missing or mistyped
    /// claim, an unknown role or tier): the reference crashes with a text/plain 500.
    Crash,
}

/// The bearer check, with the verifier of the gateway's tokens.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    verifier: TokenVerifier,
}

impl Gate {
    pub(crate) fn new(verifier: TokenVerifier) -> Self {
        Self { verifier }
    }

    pub(crate) fn verifier(&self) -> &TokenVerifier {
        &self.verifier
    }

    /// Whether a call to `path` needs a bearer token.
    pub(crate) fn protects(path: &str) -> bool {
        if path.starts_with("/modules/") {
            return module_path(path).is_some();
        }
        PROTECTED.iter().any(|prefix| path.starts_with(prefix))
    }

    /// The verified claims of the request's bearer token, parsed as the gateway parses
    /// it (`Bearer` in any case, exactly two parts).
    pub(crate) fn admit(&self, headers: &HeaderMap) -> Result<Claims, Refusal> {
        let token = bearer_from_headers(headers).map_err(|_| Refusal::Unauthenticated)?;
        let claims = self
            .verifier
            .verify(token)
            .map_err(|err| match err.kind() {
                AuthErrorKind::MissingClaim | AuthErrorKind::InvalidClaim => Refusal::Crash,
                _ => Refusal::Unauthenticated,
            })?;
        // The reference builds its own claims model from the token, which refuses what
        // lift-auth tolerates: an unknown role or tier, no `iat` (contract §4.5).
        let unknown_role = claims
            .roles
            .iter()
            .any(|role| matches!(role, Role::Other(_)));
        let unknown_tier = matches!(claims.subscription_tier, SubscriptionTier::Other(_));
        if unknown_role || unknown_tier || claims.iat.is_none() {
            return Err(Refusal::Crash);
        }
        Ok(claims)
    }
}

/// Matches a call on a protected route whose bearer the gateway refuses.
pub(crate) struct Refused(pub(crate) Gate);

impl Match for Refused {
    fn matches(&self, request: &Request) -> bool {
        Gate::protects(request.url.path()) && self.0.admit(&request.headers).is_err()
    }
}

impl Respond for Refused {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self.0.admit(&request.headers) {
            Err(Refusal::Crash) => ResponseTemplate::new(500)
                .set_body_raw("Internal Server Error", "text/plain; charset=utf-8"),
            _ => ResponseTemplate::new(401)
                .set_body_json(json!({ "detail": "Authentication required" })),
        }
    }
}

/// Matches a route prefix without its trailing slash (`/memory`, `/modules/{id}`), which
/// Starlette redirects with a 307 to the same path with the slash, before any bearer
/// check (captures 54 and 76).
pub(crate) struct MissingSlash;

impl MissingSlash {
    fn applies(path: &str) -> bool {
        SLASHED.contains(&path)
            || path
                .strip_prefix("/modules/")
                .is_some_and(|id| !id.is_empty() && !id.contains('/'))
    }
}

impl Match for MissingSlash {
    fn matches(&self, request: &Request) -> bool {
        Self::applies(request.url.path())
    }
}

impl Respond for MissingSlash {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        // As Starlette builds it: the request's scheme and `Host`, the path with its slash,
        // the query kept. (wiremock's own URL names `localhost`, not the host called.)
        let host = request
            .headers
            .get(http::header::HOST)
            .and_then(|host| host.to_str().ok())
            .unwrap_or("localhost");
        let query = request
            .url
            .query()
            .map_or_else(String::new, |query| format!("?{query}"));
        let location = format!("http://{host}{}/{query}", request.url.path());
        ResponseTemplate::new(307).insert_header("location", location.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_routes_are_the_prefixes_with_their_slash() {
        assert!(Gate::protects("/memory/search"));
        assert!(Gate::protects("/memory/"));
        assert!(Gate::protects("/modules/m-1/"));
        assert!(Gate::protects("/modules/m-1/api/v1/ping"));
        assert!(!Gate::protects("/modules/"));
        assert!(!Gate::protects("/memory"));
        assert!(!Gate::protects("/auth/login"));
        assert!(!Gate::protects("/observability/api/v1/metrics"));
        assert!(!Gate::protects("/health"));
    }

    #[test]
    fn only_a_route_prefix_without_its_slash_is_redirected() {
        assert!(MissingSlash::applies("/memory"));
        assert!(MissingSlash::applies("/modules/m-1"));
        assert!(!MissingSlash::applies("/modules"));
        assert!(!MissingSlash::applies("/modules/m-1/"));
        assert!(!MissingSlash::applies("/memory/search"));
        assert!(!MissingSlash::applies("/health"));
    }
}
