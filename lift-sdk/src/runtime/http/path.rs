//! Tolerance of the reference gateway's `//api/v1/...` paths (contract §4.3, §7.1, §10): the
//! registry stores `base_url` with a trailing `/`, and the gateway appends `/{path}` to it.

use axum::Router;
use axum::extract::{OriginalUri, Request};
use http::Uri;
use http::uri::PathAndQuery;
use tower::util::MapRequest;

/// A router behind the slash-collapsing wrapper; serve it with
/// `axum::serve(listener, axum::ServiceExt::<Request>::into_make_service(svc))`.
pub(crate) type TolerantRouter = MapRequest<Router, fn(Request) -> Request>;

/// Wraps `router` so that every run of slashes in the request path becomes one
/// (`//api//v1/x?q=1` reaches `/api/v1/x?q=1`) before routing.
///
/// It must sit outside the router: middleware added with `Router::layer` runs after routing,
/// too late to change which route matches. The path as received stays available to handlers
/// as axum's [`OriginalUri`].
pub(crate) fn tolerate_double_slashes(router: Router) -> TolerantRouter {
    // `with_state` turns every handler into its service once, here; a router called as a
    // plain `Service` would otherwise redo it (clone and box each layer) on every request.
    MapRequest::new(
        router.with_state(()),
        collapse_slashes as fn(Request) -> Request,
    )
}

fn collapse_slashes(mut request: Request) -> Request {
    // The normal path costs one scan and no allocation.
    if !request.uri().path().contains("//") {
        return request;
    }
    if let Some(uri) = collapsed(request.uri()) {
        let original = std::mem::replace(request.uri_mut(), uri);
        request
            .extensions_mut()
            .get_or_insert_with(|| OriginalUri(original));
    }
    request
}

/// `uri` with each run of slashes in its path made one, the query kept; `None` if the result
/// is not a valid URI (it always is, but the request then goes on unchanged rather than fail).
fn collapsed(uri: &Uri) -> Option<Uri> {
    let path = uri.path();
    let mut fixed = String::with_capacity(path.len() + uri.query().map_or(0, |q| q.len() + 1));
    let mut previous_slash = false;
    for c in path.chars() {
        if c == '/' && previous_slash {
            continue;
        }
        previous_slash = c == '/';
        fixed.push(c);
    }
    if let Some(query) = uri.query() {
        fixed.push('?');
        fixed.push_str(query);
    }
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(fixed).ok()?);
    Uri::from_parts(parts).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collapse(uri: &str) -> String {
        collapsed(&uri.parse().unwrap()).unwrap().to_string()
    }

    #[test]
    fn runs_of_slashes_collapse_and_the_query_stays() {
        assert_eq!(collapse("//api/v1/x"), "/api/v1/x");
        assert_eq!(collapse("///api//v1/x?q=1&r=a//b"), "/api/v1/x?q=1&r=a//b");
        assert_eq!(collapse("//"), "/");
        assert_eq!(
            collapse("http://m:9100//api/v1/x?q=1"),
            "http://m:9100/api/v1/x?q=1"
        );
        assert_eq!(collapse("/a/%2F%2F/b"), "/a/%2F%2F/b");
    }
}
