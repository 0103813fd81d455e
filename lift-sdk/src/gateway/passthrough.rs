//! Raw calls to the gateway routes no typed client covers: `/billing/{path}` and
//! `/observability/{path}`.

use http::Method;
use lift_sdk_core::{Error, RequestBuilder, Transport};
use url::Url;

use super::json_calls::json_calls;

/// A gateway route with no typed client (billing, observability): raw JSON calls under
/// `{gateway}/{prefix}/…`, with the gateway client's credentials.
///
/// The reference's billing and observability services publish no OpenAPI document and fail
/// at import at snapshot a866ea0 (contract §1), so there is nothing to type them from: this
/// handle sends what you give it and decodes the answer as bare JSON (billing and
/// observability answer without the `APIResponse` envelope). Observability is reached
/// without authentication by the reference gateway; billing needs the bearer token.
///
/// ```no_run
/// use serde_json::Value;
///
/// # async fn run(gateway: lift_sdk::GatewayClient) -> Result<(), lift_sdk_core::Error> {
/// let usage: Value = gateway.billing().get_json("/usage?period=current").await?;
/// let metrics: Value = gateway.observability().get_json("/metrics").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Passthrough {
    transport: Transport,
    prefix: &'static str,
}

impl Passthrough {
    pub(crate) fn new(transport: Transport, prefix: &'static str) -> Self {
        Self { transport, prefix }
    }

    /// The gateway prefix the calls go under, such as `billing`.
    #[must_use]
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The gateway URL of `path` under the prefix, joined as
    /// [`ModuleHandle::url`](super::ModuleHandle::url) joins a module path.
    ///
    /// # Errors
    ///
    /// The transport's error for a base URL that cannot take the prefix.
    pub fn url(&self, path: &str) -> Result<Url, Error> {
        let base = self.transport.url([self.prefix])?;
        Ok(join(base, path))
    }

    /// Starts a request to `path` under the prefix (any method, headers, body, decoding).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        match self.url(path) {
            Ok(url) => self.transport.request_url(method, url),
            // Surfaces the error when the request is sent.
            Err(_) => self.transport.request(method, [self.prefix]),
        }
    }

    json_calls!(
        "Any [`lift_sdk_core::Error`]: the service's status and `detail`, a decode error when the body is not a `T`."
    );
}

/// Appends `path` (literal text, percent-encoded here; a query after `?` used as given) to
/// `base`. An empty path gets the trailing slash the gateway needs; any other gets none (a
/// trailing slash earns a `307` to an internal URL, contract §10 B7); empty, `.` and `..`
/// pieces are dropped, so a path never leaves its prefix.
pub(crate) fn join(mut url: Url, path: &str) -> Url {
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let pieces: Vec<&str> = path
        .split('/')
        .filter(|piece| !piece.is_empty() && *piece != "." && *piece != "..")
        .collect();
    if let Ok(mut segments) = url.path_segments_mut() {
        if pieces.is_empty() {
            segments.push("");
        } else {
            segments.extend(pieces);
        }
    }
    if let Some(query) = query.filter(|query| !query.is_empty()) {
        url.set_query(Some(query));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_stays_under_the_prefix() {
        let base = Url::parse("http://gw:8000/billing").unwrap();
        assert_eq!(join(base.clone(), "").as_str(), "http://gw:8000/billing/");
        assert_eq!(
            join(base.clone(), "/../usage/./now?x=1").as_str(),
            "http://gw:8000/billing/usage/now?x=1"
        );
        assert_eq!(join(base, "a b").as_str(), "http://gw:8000/billing/a%20b");
    }
}
