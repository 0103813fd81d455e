//! Sending one logical call: attempts, retries, the circuit breaker and the span.

use std::error::Error as _;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::header::{AUTHORIZATION, HeaderValue, LOCATION};
use http::{HeaderMap, Method, StatusCode};
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

use super::body::read_body_limited;
use super::request::RequestBuilder;
use super::{CallOutcome, Transport, USER_CONTEXT_HEADERS};
use crate::api_error::ApiError;
use crate::circuit::{Admission, Permit};
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
        deadline,
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
        deadline: deadline.unwrap_or_else(|| transport.shared.retry.deadline_duration()),
        trace: context_trace.map_or_else(TraceContext::new_root, |trace| trace.child()),
        transport,
        headers,
        body,
    };
    let url = match (error, url) {
        (Some(error), _) | (None, Err(error)) => return Err(error),
        (None, Ok(url)) => url,
    };
    let mut info = CallInfo {
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
    // Without an observer, no clock is read and nothing is kept for it.
    let Some(observer) = call.transport.shared.observer.clone() else {
        return call.run(url, &mut info).instrument(span).await;
    };
    let service = call.transport.clone();
    let started = Instant::now();
    let result = call.run(url, &mut info).instrument(span).await;
    let (status, error_kind) = match &result {
        Ok(response) => (Some(response.status()), None),
        Err(error) => (error.status(), Some(error.kind())),
    };
    observer.call_finished(&CallOutcome {
        service: service.service(),
        method: &info.method,
        path: &info.path,
        status,
        error_kind,
        elapsed: started.elapsed(),
        attempts: info.attempts,
    });
    result
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
    deadline: Duration,
    trace: TraceContext,
}

/// When a failed attempt may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resend {
    /// The request cannot have reached the server (the connection failed).
    Always,
    /// The server may have seen it: only an idempotent request goes again.
    IfIdempotent,
    /// The failure will not go away by trying again.
    Never,
}

/// How one attempt ended, before deciding whether to try again.
enum Outcome {
    Done(Response),
    Failed {
        error: Error,
        resend: Resend,
        /// The `Authorization` the attempt carried, for `AuthProvider::refresh` after a 401.
        credential: Option<HeaderValue>,
    },
}

impl Call {
    /// Runs the call; `info.attempts` ends as the number of attempts made.
    async fn run(self, url: url::Url, info: &mut CallInfo) -> Result<Response, Error> {
        let shared = &*self.transport.shared;
        // `None`: the deadline is too far away to represent (`Duration::MAX`), so there is none.
        let deadline = Instant::now().checked_add(self.deadline);
        shared.budget.deposit();
        let mut refreshed_auth = false;
        let mut last_error = None;
        loop {
            let permit = match shared.breaker.admit() {
                Admission::Admitted(permit) => permit,
                // When the circuit opened during this call (maybe on its own failures), the
                // caller gets the answer it got, not a refusal.
                Admission::Rejected(remaining) => {
                    return Err(last_error.unwrap_or_else(|| {
                        Error::new(ErrorKind::CircuitOpen, info.to_string())
                            .with_ids(Some(&info.request_id), None)
                            .with_retry_after(Some(remaining))
                            .with_attempts(info.attempts)
                    }));
                }
            };
            info.attempts += 1;
            tracing::Span::current().record("attempt", info.attempts);
            let (error, resend, credential) =
                match self.attempt(&url, info, permit, deadline).await? {
                    Outcome::Done(response) => return Ok(response),
                    Outcome::Failed {
                        error,
                        resend,
                        credential,
                    } => (error, resend, credential),
                };
            if error.is_unauthorized()
                && !refreshed_auth
                && let Some(auth) = &self.transport.auth
            {
                refreshed_auth = true;
                let refused: HeaderMap =
                    credential.map(|v| (AUTHORIZATION, v)).into_iter().collect();
                let renewed = within(deadline, auth.refresh(&refused))
                    .await
                    .ok_or_else(|| deadline_passed(info, "while renewing credentials"))??;
                if renewed {
                    tracing::debug!("credentials renewed after 401, sending again");
                    last_error = Some(error);
                    continue;
                }
            }
            let Some(delay) = self.retry_delay(&error, resend, info.attempts, deadline) else {
                return Err(error);
            };
            tracing::debug!(attempt = info.attempts, ?delay, error = %error, "retrying");
            last_error = Some(error);
            tokio::time::sleep(delay).await;
        }
    }

    /// The wait before the next attempt, or `None` when this error ends the call.
    fn retry_delay(
        &self,
        error: &Error,
        resend: Resend,
        attempts: u32,
        deadline: Option<Instant>,
    ) -> Option<Duration> {
        let shared = &*self.transport.shared;
        let retryable = match resend {
            Resend::Always => true,
            Resend::IfIdempotent => self.idempotent,
            Resend::Never => false,
        };
        if !retryable || attempts >= shared.retry.attempts() {
            return None;
        }
        let delay = shared.retry.delay(attempts, error.retry_after());
        // Compared as durations: `now + delay` would overflow on `Retry-After: 1e19`.
        if let Some(deadline) = deadline
            && delay >= deadline.saturating_duration_since(Instant::now())
        {
            tracing::debug!(?delay, "not retrying: the wait would pass the deadline");
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
        permit: Permit<'_>,
        deadline: Option<Instant>,
    ) -> Result<Outcome, Error> {
        let shared = &*self.transport.shared;
        let mut request = reqwest::Request::new(info.method.clone(), url.clone());
        let headers = request.headers_mut();
        // A request's own header replaces the default of the same name (one User-Agent,
        // one Content-Type: FastAPI reads only the first).
        for (name, value) in &shared.default_headers {
            if !self.headers.contains_key(name) {
                headers.append(name, value.clone());
            }
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
            // On failure the permit is dropped unused: a half-open trial is given back, not
            // counted as a success.
            within(deadline, auth.authorize(headers))
                .await
                .ok_or_else(|| deadline_passed(info, "while obtaining credentials"))?
                .map_err(|err| err.with_ids(Some(&info.request_id), None))?;
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
        *request.timeout_mut() = attempt_timeout(self.timeout, deadline);

        let mut response = match shared.client.execute(request).await {
            Ok(response) => response,
            Err(err) => {
                // A request reqwest could not build says nothing about the upstream: the
                // permit is dropped without an outcome.
                if !err.is_builder() {
                    permit.failure();
                }
                return Ok(transport_failure(err, info));
            }
        };
        let status = response.status();
        // Taken, not cloned: the body is read next and the response dropped.
        let headers = std::mem::take(response.headers_mut());
        let body = match read_body_limited(&mut response, shared.max_body_size, info).await {
            Ok(body) => body,
            Err(error) => {
                let error = error
                    .with_ids(Some(&info.request_id), None)
                    .with_attempts(info.attempts);
                if error.kind() == ErrorKind::Decode {
                    // Too large: the upstream is alive, and the answer will not shrink.
                    permit.success();
                    return Err(error);
                }
                permit.failure();
                // The answer was cut off (a time-out, or the connection dropped mid-body):
                // the server saw the request, so only an idempotent one goes again.
                return Ok(Outcome::Failed {
                    error,
                    resend: Resend::IfIdempotent,
                    credential: None,
                });
            }
        };
        tracing::Span::current().record("status", status.as_u16());
        if status.is_server_error() {
            permit.failure();
        } else {
            permit.success();
        }
        if status.is_success() {
            return Ok(Outcome::Done(Response::new(
                status,
                headers,
                body,
                info.clone(),
            )));
        }
        let resend = if is_retryable_status(status) {
            Resend::IfIdempotent
        } else {
            Resend::Never
        };
        Ok(Outcome::Failed {
            error: status_error(status, &headers, &body, info),
            resend,
            credential,
        })
    }
}

/// The attempt's time-out: the per-attempt one cut to what is left of the deadline; none at
/// all when neither is set or the value is too large to add to a clock (`Duration::MAX`).
fn attempt_timeout(timeout: Option<Duration>, deadline: Option<Instant>) -> Option<Duration> {
    let now = Instant::now();
    let remaining = deadline.map(|deadline| deadline.saturating_duration_since(now));
    let timeout = match (timeout, remaining) {
        (Some(timeout), Some(remaining)) => timeout.min(remaining),
        (timeout, remaining) => timeout.or(remaining)?,
    };
    now.checked_add(timeout)?;
    Some(timeout.max(Duration::from_millis(1)))
}

/// Runs `future` until `deadline`; `None` when the deadline came first.
async fn within<F: Future>(deadline: Option<Instant>, future: F) -> Option<F::Output> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, future).await.ok(),
        None => Some(future.await),
    }
}

fn deadline_passed(info: &CallInfo, when: &str) -> Error {
    Error::new(ErrorKind::Timeout, info.to_string())
        .with_hint(format!("the call's deadline passed {when}"))
        .with_ids(Some(&info.request_id), None)
        .with_attempts(info.attempts)
}

fn transport_failure(err: reqwest::Error, info: &CallInfo) -> Outcome {
    let (kind, resend) = if err.is_timeout() {
        (ErrorKind::Timeout, Resend::IfIdempotent)
    } else if err.is_connect() {
        // A failed connection never carried the request.
        (ErrorKind::Connect, Resend::Always)
    } else if err.is_builder() {
        (ErrorKind::Builder, Resend::Never)
    } else if closed_before_answer(&err) {
        // A pooled connection the server had already closed (uvicorn does after a 500), or
        // reset (RST) or broke under the request before any answer came: the request may
        // have been read, so only an idempotent one goes again.
        (ErrorKind::Request, Resend::IfIdempotent)
    } else {
        (ErrorKind::Request, Resend::Never)
    };
    let error = Error::new(kind, info.to_string())
        .with_ids(Some(&info.request_id), None)
        .with_attempts(info.attempts)
        // The URL may carry a query secret (`?token=`): keep it out of the chain.
        .with_source(err.without_url());
    Outcome::Failed {
        error,
        resend,
        credential: None,
    }
}

/// Whether the connection ended before an answer arrived: hyper's "connection closed
/// before message completed", or the socket reset (`ECONNRESET`) or broken (`EPIPE`) while
/// the request was written or its answer awaited.
///
/// Only errors of sending land here (an answer's head had not arrived); whether the
/// connection came from the pool is not visible through reqwest, and need not be: on a new
/// connection the same ending is just as ambiguous, and only an idempotent call is resent.
fn closed_before_answer(err: &reqwest::Error) -> bool {
    let mut source = err.source();
    while let Some(cause) = source {
        if cause
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
        {
            return true;
        }
        if cause.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
            )
        }) {
            return true;
        }
        source = cause.source();
    }
    false
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn attempt_timeouts_are_cut_to_the_deadline_and_saturate() {
        let in_a_second = Instant::now().checked_add(Duration::from_secs(1));
        let five = Some(Duration::from_secs(5));

        assert_eq!(attempt_timeout(None, None), None);
        assert_eq!(attempt_timeout(Some(Duration::MAX), None), None);
        assert_eq!(attempt_timeout(five, None), five);
        assert_eq!(
            attempt_timeout(five, in_a_second),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            attempt_timeout(None, in_a_second),
            Some(Duration::from_secs(1))
        );
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(
            attempt_timeout(five, in_a_second),
            Some(Duration::from_millis(1))
        );
    }
}
