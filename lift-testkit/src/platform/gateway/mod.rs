//! The fake gateway (contract §4): the bearer check, user-context headers injected from the
//! token (the client's own removed first), prefix routing to the platform's services,
//! `/modules/{id}/…` proxied to the registered module (a 404 for a path the module serves
//! under its `api_prefix` hints at the prefix), the rate limit, its own endpoints, and an
//! `X-Correlation-ID` on every answer.

mod forward;
mod hint;
mod limit;
mod local;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode, header};
use lift_auth::{Claims, TokenVerifier, bearer_from_headers};

pub(crate) use self::limit::RateLimit;

use self::forward::{Inject, Outgoing, context_headers, module_url, outgoing_headers, send};
use self::hint::{ModuleCall, with_prefix_hint};
use self::limit::{Limiter, client_key};
use super::Quirks;
use super::errors;
use crate::mocks::uuid4;

/// The header the gateway adds to every answer.
const CORRELATION_ID: &str = "x-correlation-id";

/// Finds a registered module's route by its id (the registry's lookup).
pub(crate) type ModuleLookup = Arc<dyn Fn(&str) -> Option<ModuleRoute> + Send + Sync>;

/// Where a registered module is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModuleRoute {
    /// Its `base_url`, as the registry stores it.
    pub(crate) base_url: String,
    /// Its `api_prefix` (the gateway does not add it, but names it in a 404's hint).
    pub(crate) api_prefix: String,
}

/// Where the gateway forwards each prefix: base URLs without a trailing slash.
#[derive(Debug, Clone)]
pub(crate) struct Upstreams {
    pub(crate) auth: String,
    pub(crate) memory: String,
    pub(crate) registry: String,
    /// `None`: `/billing/…` answers 503 `Service billing unavailable`.
    pub(crate) billing: Option<String>,
    /// `None`: `/observability/…` answers 503 `Service observability unavailable`.
    pub(crate) observability: Option<String>,
}

/// The gateway's state: how it verifies tokens, where it forwards, its rate limit.
pub(crate) struct GatewayState {
    verifier: TokenVerifier,
    quirks: Quirks,
    http: reqwest::Client,
    upstreams: Upstreams,
    modules: ModuleLookup,
    limiter: Limiter,
    started: Instant,
}

impl std::fmt::Debug for GatewayState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayState")
            .field("quirks", &self.quirks)
            .field("upstreams", &self.upstreams)
            .field("limiter", &self.limiter)
            .finish_non_exhaustive()
    }
}

impl GatewayState {
    /// A gateway verifying tokens with `verifier`, forwarding with `http` (which must not
    /// follow redirects) to `upstreams` and to the modules `modules` finds.
    pub(crate) fn new(
        verifier: TokenVerifier,
        quirks: Quirks,
        http: reqwest::Client,
        upstreams: Upstreams,
        modules: ModuleLookup,
        rate_limit: Option<RateLimit>,
    ) -> Self {
        Self {
            verifier,
            limiter: Limiter::new(rate_limit, quirks.rate_limit_as_500),
            quirks,
            http,
            upstreams,
            modules,
            started: Instant::now(),
        }
    }

    /// Forgets the rate limit's windows and blocks.
    pub(crate) fn reset(&self) {
        self.limiter.reset();
    }
}

/// The gateway's routes: every path goes through [`dispatch`].
pub(crate) fn router(state: Arc<GatewayState>) -> Router {
    Router::new().fallback(dispatch).with_state(state)
}

async fn dispatch(State(state): State<Arc<GatewayState>>, request: Request) -> Response {
    if !request.uri().path().starts_with("/health") {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0);
        if let Err(retry_after) = state.limiter.admit(&client_key(request.headers(), peer)) {
            if state.quirks.rate_limit_as_500 {
                // Raised inside the reference's middleware: Starlette's bare 500, without
                // the correlation id (captures 85, 86).
                return errors::internal_text();
            }
            return with_correlation_id(too_many_requests(retry_after));
        }
    }
    with_correlation_id(route(&state, request).await)
}

fn too_many_requests(retry_after: std::time::Duration) -> Response {
    let mut response = errors::detail(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded");
    let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

fn with_correlation_id(mut response: Response) -> Response {
    if let Ok(id) = HeaderValue::from_str(&uuid4()) {
        response.headers_mut().insert(CORRELATION_ID, id);
    }
    response
}

/// The service prefixes, the header set each gets, and whether a bearer is required.
const PREFIXES: [(&str, Inject, bool); 5] = [
    ("auth", Inject::Nothing, false),
    ("billing", Inject::User, true),
    ("memory", Inject::Memory, true),
    ("observability", Inject::Nothing, false),
    ("registry", Inject::User, true),
];

async fn route(state: &GatewayState, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    if let Some(response) = local_endpoint(state, &method, &path).await {
        return response;
    }
    let Some((first, rest)) = path
        .strip_prefix('/')
        .map(|path| path.split_once('/').unwrap_or((path, "")))
    else {
        return errors::not_found();
    };
    let slashed = path.len() > first.len() + 1;
    if let Some((name, inject, protected)) =
        PREFIXES.iter().find(|(name, _, _)| *name == first).copied()
    {
        if !slashed {
            return redirect_with_slash(&request);
        }
        let claims = if protected {
            match admit(state, &request) {
                Some(claims) => Some(claims),
                None => return unauthenticated(),
            }
        } else {
            None
        };
        let Some(base) = upstream(state, name) else {
            return unavailable(name);
        };
        let injected = claims
            .as_ref()
            .map(|claims| context_headers(claims, inject, None))
            .unwrap_or_default();
        let url = format!("{}/{rest}", base.trim_end_matches('/'));
        return forward(
            state,
            request,
            url,
            &injected,
            &format!("Service {name} unavailable"),
        )
        .await;
    }
    if first == "modules" {
        return module(state, request, rest, slashed).await;
    }
    errors::not_found()
}

async fn local_endpoint(state: &GatewayState, method: &Method, path: &str) -> Option<Response> {
    if !matches!(path, "/" | "/health" | "/ready" | "/health/detailed") {
        return None;
    }
    if method != Method::GET {
        return Some(errors::method_not_allowed());
    }
    local::answer(state, path).await
}

fn upstream<'a>(state: &'a GatewayState, name: &str) -> Option<&'a String> {
    let upstreams = &state.upstreams;
    match name {
        "auth" => Some(&upstreams.auth),
        "memory" => Some(&upstreams.memory),
        "registry" => Some(&upstreams.registry),
        "billing" => upstreams.billing.as_ref(),
        "observability" => upstreams.observability.as_ref(),
        _ => None,
    }
}

fn unavailable(name: &str) -> Response {
    errors::detail(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("Service {name} unavailable"),
    )
}

/// The bearer check: the verified claims of the request's token, parsed as the reference
/// parses it (`Bearer` in any case, exactly two parts).
fn admit(state: &GatewayState, request: &Request) -> Option<Claims> {
    bearer_from_headers(request.headers())
        .ok()
        .and_then(|token| state.verifier.verify(token).ok())
}

/// The gateway's answer to a missing, malformed, expired or wrongly signed bearer.
fn unauthenticated() -> Response {
    errors::detail(StatusCode::UNAUTHORIZED, "Authentication required")
}

/// `/modules/{id}/{path}`: the module's `base_url` from the registry, then the call.
async fn module(state: &GatewayState, request: Request, rest: &str, slashed: bool) -> Response {
    let (id, path) = rest.split_once('/').unwrap_or((rest, ""));
    if id.is_empty() || !slashed {
        return errors::not_found();
    }
    if !rest.contains('/') {
        return redirect_with_slash(&request);
    }
    let Some(claims) = admit(state, &request) else {
        return unauthenticated();
    };
    let decoded_id = percent_decode(id);
    let Some(route) = (state.modules)(&decoded_id) else {
        return errors::detail(
            StatusCode::NOT_FOUND,
            &format!("Module {decoded_id} not found"),
        );
    };
    let url = module_url(
        &route.base_url,
        path,
        state.quirks.gateway_forwards_double_slash,
    );
    let injected = context_headers(&claims, Inject::Memory, Some(&decoded_id));
    // Kept for the probe of a 404's hint: it must pass the module's auth as the call did.
    let headers = outgoing_headers(
        request.headers(),
        &injected,
        state.quirks.client_user_headers_first,
    );
    let response = forward(
        state,
        request,
        url,
        &injected,
        &format!("Module {decoded_id} unavailable"),
    )
    .await;
    let call = ModuleCall {
        id: &decoded_id,
        path,
        base_url: &route.base_url,
        api_prefix: &route.api_prefix,
        headers,
    };
    with_prefix_hint(state, call, response).await
}

async fn forward(
    state: &GatewayState,
    request: Request,
    url: String,
    injected: &[(&'static str, String)],
    unavailable: &str,
) -> Response {
    let (parts, body) = request.into_parts();
    // The body was already read (and limited) by the layer in front of the gateway.
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return errors::detail(
            StatusCode::BAD_REQUEST,
            "There was an error parsing the body",
        );
    };
    let call = Outgoing {
        method: parts.method,
        url,
        query: parts.uri.query().map(str::to_owned),
        headers: outgoing_headers(
            &parts.headers,
            injected,
            state.quirks.client_user_headers_first,
        ),
        body,
    };
    send(state, call, unavailable).await
}

/// Starlette's redirect of a route prefix without its trailing slash: 307 to the same path
/// with the slash, on the host the client called, the query kept.
fn redirect_with_slash(request: &Request) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost");
    let query = request
        .uri()
        .query()
        .map_or_else(String::new, |query| format!("?{query}"));
    let location = format!("http://{host}{}/{query}", request.uri().path());
    let mut response = (StatusCode::TEMPORARY_REDIRECT, Body::empty()).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// A path segment with its `%XX` escapes decoded (lossy for invalid UTF-8).
fn percent_decode(segment: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map_or_else(|| segment.to_owned(), |(_, value)| value.into_owned())
}
