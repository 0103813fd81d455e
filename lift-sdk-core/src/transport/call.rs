//! Sending one logical call: attempts, retries, the circuit breaker and the span.

use std::sync::Arc;
use std::time::Duration;

use http::header::{AUTHORIZATION, HeaderValue, LOCATION};
use http::{HeaderMap, Method, StatusCode};
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

use super::request::RequestBuilder;
use super::{Transport, USER_CONTEXT_HEADERS};
use crate::api_error::ApiError;
use crate::circuit::Admission;
use crate::context::{RequestContext, TraceContext, new_request_id};
use crate::error::is_retryable_status;
use crate::response::{CallInfo, Response, header_str};
use crate::retry::retry_after;
use crate::{Error, ErrorKind};

const X_REQUEST_ID: &str = "x-request-id";
const TRACEPARENT: &str = "traceparent";

pub(super) async fn execute(request: RequestBuilder) -> Result<Response, Error> {
    let RequestBuilder {
        transport,
        method,
        url,
        headers,
        body,
        idempotent,
        timeout,
        request_id,
        error,
    } = request;
    let (context_id, context_trace) = RequestContext::current_parts();
    let request_id = request_id
        .or(context_id)
        .unwrap_or_else(|| Arc::from(new_request_id()));
    let call = Call {
        idempotent: idempotent.unwrap_or_else(|| is_idempotent(&method)),
        timeout: timeout.or(transport.shared.timeout),
        trace: context_trace.map_or_else(TraceContext::new_root, |trace| trace.child()),
        transport,
        headers,
        body,
    };
    let url = match (error, url) {
        (Some(error), _) | (None, Err(error)) => return Err(error),
        (None, Ok(url)) => url,
    };
    let info = CallInfo {
        method,
        path: url.path().to_owned(),
        request_id,
        attempts: 0,
    };
    let span = tracing::info_span!(
        "lift.call",
        service = %call.transport.shared.service,
        method = %info.method,
        path = %info.path,
        request_id = %info.request_id,
        status = Empty,
        attempt = Empty,
    );
    call.run(url, info).instrument(span).await
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

struct Call {
    transport: Transport,
    headers: HeaderMap,
    body: Option<bytes::Bytes>,
    idempotent: bool,
    timeout: Option<Duration>,
    trace: TraceContext,
}

/// How one attempt ended, before deciding whether to try again.
enum Outcome {
    Done(Response),
    Failed {
        error: Error,
        /// Whether the request cannot have reached the server (so resending is always safe).
        unsent: bool,
        /// The `Authorization` the attempt carried, for `AuthProvider::refresh` after a 401.
        credential: Option<HeaderValue>,
    },
}

impl Call {
    async fn run(self, url: url::Url, mut info: CallInfo) -> Result<Response, Error> {
        let shared = &*self.transport.shared;
        let started = Instant::now();
        let deadline = started + shared.retry.deadline_duration();
        shared.budget.deposit();
        let mut refreshed_auth = false;
        loop {
            info.attempts += 1;
            tracing::Span::current().record("attempt", info.attempts);
            let admission = shared.breaker.admit();
            if let Admission::Rejected(remaining) = admission {
                return Err(Error::new(ErrorKind::CircuitOpen, info.to_string())
                    .with_ids(Some(&info.request_id), None)
                    .with_retry_after(Some(remaining))
                    .with_attempts(info.attempts - 1));
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            let outcome = self.attempt(&url, &info, admission, remaining).await;
            let (error, unsent, credential) = match outcome {
                Ok(Outcome::Done(response)) => return Ok(response),
                Ok(Outcome::Failed {
                    error,
                    unsent,
                    credential,
                }) => (error, unsent, credential),
                Err(error) => return Err(error),
            };
            if error.is_unauthorized()
                && !refreshed_auth
                && let Some(auth) = &self.transport.auth
            {
                refreshed_auth = true;
                let refused: HeaderMap =
                    credential.map(|v| (AUTHORIZATION, v)).into_iter().collect();
                if auth.refresh(&refused).await? {
                    tracing::debug!("credentials renewed after 401, sending again");
                    continue;
                }
            }
            let Some(delay) = self.retry_delay(&error, unsent, info.attempts, deadline) else {
                return Err(error);
            };
            tracing::debug!(
                attempt = info.attempts,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                error = %error,
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// The wait before the next attempt, or `None` when this error ends the call.
    fn retry_delay(
        &self,
        error: &Error,
        unsent: bool,
        attempts: u32,
        deadline: Instant,
    ) -> Option<Duration> {
        let shared = &*self.transport.shared;
        let retryable = match error.kind() {
            ErrorKind::Connect => true,
            ErrorKind::Timeout => self.idempotent,
            ErrorKind::Status => {
                error.status().is_some_and(is_retryable_status) && (self.idempotent || unsent)
            }
            _ => false,
        };
        if !retryable || attempts >= shared.retry.attempts() {
            return None;
        }
        let delay = error
            .retry_after()
            .unwrap_or_else(|| shared.retry.backoff(attempts));
        if Instant::now() + delay >= deadline {
            tracing::debug!("not retrying: the wait would pass the deadline");
            return None;
        }
        if !shared.budget.try_withdraw() {
            tracing::debug!("not retrying: the retry budget is spent");
            return None;
        }
        Some(delay)
    }

    async fn attempt(
        &self,
        url: &url::Url,
        info: &CallInfo,
        admission: Admission,
        remaining: Duration,
    ) -> Result<Outcome, Error> {
        let shared = &*self.transport.shared;
        let mut request = reqwest::Request::new(info.method.clone(), url.clone());
        let headers = request.headers_mut();
        for (name, value) in &shared.default_headers {
            headers.insert(name, value.clone());
        }
        for (name, value) in &self.headers {
            headers.append(name, value.clone());
        }
        if let Ok(value) = HeaderValue::from_str(&info.request_id) {
            headers.insert(X_REQUEST_ID, value);
        }
        if let Ok(value) = HeaderValue::from_str(&self.trace.to_traceparent()) {
            headers.insert(TRACEPARENT, value);
        }
        if let Some(auth) = &self.transport.auth {
            auth.authorize(headers).await.map_err(|err| {
                shared.breaker.release(admission);
                err.with_ids(Some(&info.request_id), None)
            })?;
            if let Some(value) = headers.get_mut(AUTHORIZATION) {
                value.set_sensitive(true);
            }
        }
        let credential = headers.get(AUTHORIZATION).cloned();
        if self.transport.through_gateway {
            for name in USER_CONTEXT_HEADERS {
                headers.remove(name);
            }
        }
        if let Some(body) = &self.body {
            *request.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        let timeout = self.timeout.map_or(remaining, |t| t.min(remaining));
        *request.timeout_mut() = Some(timeout.max(Duration::from_millis(1)));

        let sent = shared.client.execute(request).await;
        let mut response = match sent {
            Ok(response) => response,
            Err(err) => {
                shared.breaker.record_failure(admission);
                return Ok(transport_failure(err, info));
            }
        };
        let status = response.status();
        // Taken, not cloned: the body is read next and the response dropped.
        let headers = std::mem::take(response.headers_mut());
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(err) => {
                shared.breaker.record_failure(admission);
                return Ok(transport_failure(err, info));
            }
        };
        tracing::Span::current().record("status", status.as_u16());
        if status.is_server_error() {
            shared.breaker.record_failure(admission);
        } else {
            shared.breaker.record_success();
        }
        if status.is_success() {
            return Ok(Outcome::Done(Response::new(
                status,
                headers,
                body,
                info.clone(),
            )));
        }
        Ok(Outcome::Failed {
            error: status_error(status, &headers, &body, info),
            unsent: false,
            credential,
        })
    }
}

fn transport_failure(err: reqwest::Error, info: &CallInfo) -> Outcome {
    let kind = if err.is_timeout() {
        ErrorKind::Timeout
    } else if err.is_connect() {
        ErrorKind::Connect
    } else if err.is_builder() {
        ErrorKind::Builder
    } else {
        ErrorKind::Request
    };
    // A failed connection never carried the request; anything later may have.
    let unsent = err.is_connect();
    let error = Error::new(kind, info.to_string())
        .with_ids(Some(&info.request_id), None)
        .with_attempts(info.attempts)
        // The URL may carry a query secret (`?token=`): keep it out of the chain.
        .with_source(err.without_url());
    Outcome::Failed {
        error,
        unsent,
        credential: None,
    }
}

fn status_error(status: StatusCode, headers: &HeaderMap, body: &[u8], info: &CallInfo) -> Error {
    let correlation_id = header_str(headers, "x-correlation-id");
    if status.is_redirection() {
        let location = header_str(headers, LOCATION.as_str()).map(str::to_owned);
        return Error::new(ErrorKind::Redirect, info.to_string())
            .with_status(status, None)
            .with_location(location)
            .with_ids(Some(&info.request_id), correlation_id)
            .with_attempts(info.attempts);
    }
    Error::new(ErrorKind::Status, info.to_string())
        .with_status(status, Some(ApiError::from_body(status, body)))
        .with_ids(Some(&info.request_id), correlation_id)
        .with_retry_after(retry_after(headers))
        .with_attempts(info.attempts)
}
