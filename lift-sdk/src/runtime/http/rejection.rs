//! Never a plain-text error: the 404 fallback, and the rewrite of axum's and tower-http's
//! text (or empty) error answers into FastAPI's `{"detail": …}`.

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use super::HttpError;
use super::validation::{Loc, ValidationItem, quoted_after, split_path, strip_position};

/// The detail of a 413.
pub(crate) const TOO_LARGE: &str = "Request body too large";
/// The detail of the runtime's 504.
pub(crate) const TIMED_OUT: &str = "Request timed out";
/// How much of a text error body is read to classify it; longer ones get the reason phrase.
const MAX_TEXT: usize = 16 * 1024;

/// axum's extractor rejections (by the fixed start of their text) and where FastAPI would
/// locate the error. Checked in order: "form body" before "form".
const EXTRACTOR_REJECTIONS: &[(&str, &str)] = &[
    ("Failed to deserialize query string", "query"),
    (
        "Failed to deserialize the JSON body into the target type",
        "body",
    ),
    ("Failed to deserialize form body", "body"),
    ("Failed to deserialize form", "query"),
    ("Invalid URL", "path"),
];

/// Unknown paths answer `404 {"detail":"Not Found"}`, as FastAPI does.
///
/// A wrong method needs no handler here: axum answers 405 with an empty body and the `Allow`
/// header it computed, and [`JsonErrorsLayer`] gives it the body `{"detail":"Method Not Allowed"}`
/// while keeping the header (`Router::method_not_allowed_fallback` would only cover the
/// routes added before it is called).
pub(crate) fn fastapi_fallbacks(router: Router) -> Router {
    router.fallback(not_found)
}

async fn not_found() -> HttpError {
    HttpError::from_status(StatusCode::NOT_FOUND)
}

/// Rewrites an error answer whose body is `text/plain` or empty into FastAPI's JSON, keeping
/// its other headers (`Allow`, `WWW-Authenticate`, `Retry-After`…):
///
/// - axum's extractor rejections (`Query`, `Path`, `Form`, `axum::Json`) become 422 with
///   one validation item located at `query`/`path`/`body`;
/// - 413 becomes `Request body too large`, an empty 504 (the timeout) `Request timed out`;
/// - another 4xx keeps its text as `detail` (or the reason phrase when empty);
/// - a 5xx gets the reason phrase only, so internal text never reaches the caller.
///
/// Successful answers and bodies that are already JSON (or any other type) pass untouched,
/// so the cost on the normal path is one status check and no allocation.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct JsonErrorsLayer;

impl<S> Layer<S> for JsonErrorsLayer {
    type Service = JsonErrors<S>;

    fn layer(&self, inner: S) -> Self::Service {
        JsonErrors { inner }
    }
}

/// The service of [`JsonErrorsLayer`].
#[derive(Debug, Clone)]
pub(crate) struct JsonErrors<S> {
    inner: S,
}

impl<S> Service<Request> for JsonErrors<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = JsonErrorsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        JsonErrorsFuture::Answering {
            inner: self.inner.call(request),
        }
    }
}

pin_project! {
    /// The future of [`JsonErrors`]: the inner answer, then, for a text error only, the
    /// rewrite (which reads the body).
    #[project = State]
    pub(crate) enum JsonErrorsFuture<F> {
        Answering { #[pin] inner: F },
        Rewriting { rewrite: Pin<Box<dyn Future<Output = Response> + Send>> },
    }
}

impl<F> Future for JsonErrorsFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            match self.as_mut().project() {
                State::Answering { inner } => {
                    let Ok(response) = ready!(inner.poll(cx));
                    let Some(is_text) = needs_rewrite(&response) else {
                        return Poll::Ready(Ok(response));
                    };
                    self.set(Self::Rewriting {
                        rewrite: Box::pin(json_error(response, is_text)),
                    });
                }
                State::Rewriting { rewrite } => return rewrite.as_mut().poll(cx).map(Ok),
            }
        }
    }
}

/// `None` when `response` passes untouched; else whether its body is text to classify.
fn needs_rewrite(response: &Response) -> Option<bool> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    match response.headers().get(CONTENT_TYPE) {
        None if response.body().size_hint().upper() == Some(0) => Some(false),
        Some(value) if is_text_plain(value) => Some(true),
        _ => None,
    }
}

async fn json_error(response: Response, is_text: bool) -> Response {
    let status = response.status();
    let (mut parts, body) = response.into_parts();
    let bytes = if is_text {
        axum::body::to_bytes(body, MAX_TEXT).await.ok()
    } else {
        None
    };
    let text = bytes.as_deref().map(String::from_utf8_lossy);
    let error = classify(status, text.as_ref().map(Cow::as_ref).map(str::trim));
    let (new_parts, body) = error.into_response().into_parts();
    parts.status = new_parts.status;
    parts.headers.remove(CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::new(body))
}

fn is_text_plain(value: &HeaderValue) -> bool {
    value.as_bytes().len() >= 10 && value.as_bytes()[..10].eq_ignore_ascii_case(b"text/plain")
}

/// The JSON answer for an error with `status` and the (trimmed) text body `text`.
fn classify(status: StatusCode, text: Option<&str>) -> HttpError {
    if let Some(item) = text.and_then(extractor_item) {
        return HttpError::validation(&[item]);
    }
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => HttpError::new(status, TOO_LARGE),
        StatusCode::GATEWAY_TIMEOUT if text.is_none_or(str::is_empty) => {
            HttpError::new(status, TIMED_OUT)
        }
        _ if status.is_client_error() => match text {
            Some(text) if !text.is_empty() => HttpError::new(status, text),
            _ => HttpError::from_status(status),
        },
        _ => HttpError::from_status(status),
    }
}

/// The validation item for one of axum's extractor rejections, `None` for any other text.
fn extractor_item(text: &str) -> Option<ValidationItem> {
    if let Some(rest) = text.strip_prefix("Failed to parse the request body as JSON") {
        let error = strip_position(rest.trim_start_matches([':', ' ']));
        let mut item = ValidationItem::json_invalid(0, error);
        // axum's text has no byte offset; a made-up one would mislead.
        item.loc.truncate(1);
        return Some(item);
    }
    if text.starts_with("Expected request with `Content-Type: application/json`") {
        return Some(ValidationItem::new(
            "model_attributes_type",
            vec![Loc::from("body")],
            "Input should be a valid dictionary or object to extract fields from",
        ));
    }
    let (rest, place) = EXTRACTOR_REJECTIONS
        .iter()
        .find_map(|(prefix, place)| text.strip_prefix(prefix).map(|rest| (rest, *place)))?;
    let mut message = rest.trim_start_matches([':', ' ']);
    let mut loc = vec![Loc::from(place)];
    if place == "body" {
        let (path, rest) = split_path(message);
        loc.extend(path);
        message = rest;
    }
    if place == "path"
        && message.contains("` with value `")
        && let Some(key) = quoted_after(message, "Cannot parse `")
    {
        loc.push(Loc::from(key));
    }
    Some(ValidationItem::from_serde(loc, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn detail(status: StatusCode, text: &str) -> (StatusCode, serde_json::Value) {
        let error = classify(status, Some(text));
        (error.status(), error.detail().clone())
    }

    #[test]
    fn query_and_path_rejections_are_located() {
        assert_eq!(
            detail(
                StatusCode::BAD_REQUEST,
                "Failed to deserialize query string: missing field `limit`"
            ),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!([{"type": "missing", "loc": ["query", "limit"], "msg": "Field required", "input": null}])
            )
        );
        let (status, detail) = detail(
            StatusCode::BAD_REQUEST,
            "Invalid URL: Cannot parse `id` with value `abc` to a `u32`",
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(detail[0]["loc"], json!(["path", "id"]));
        assert_eq!(
            detail[0]["msg"],
            "Cannot parse `id` with value `abc` to a `u32`"
        );
    }

    #[test]
    fn other_texts_keep_4xx_messages_and_hide_5xx_ones() {
        assert_eq!(
            detail(StatusCode::FORBIDDEN, "not your report"),
            (StatusCode::FORBIDDEN, json!("not your report"))
        );
        assert_eq!(
            detail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Missing request extension: Extension of type `db::Pool` was not found"
            ),
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!("Internal Server Error")
            )
        );
        assert_eq!(
            detail(StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded"),
            (StatusCode::PAYLOAD_TOO_LARGE, json!(TOO_LARGE))
        );
        assert_eq!(
            classify(StatusCode::GATEWAY_TIMEOUT, None).detail(),
            &json!(TIMED_OUT)
        );
        assert_eq!(
            classify(StatusCode::from_u16(499).unwrap(), None).detail(),
            &json!("Error")
        );
    }
}
