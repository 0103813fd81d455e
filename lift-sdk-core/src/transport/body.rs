//! Reading a response body with a size limit.

use std::fmt;

use bytes::{Bytes, BytesMut};

use crate::{Error, ErrorKind};

/// The largest response body a [`Transport`](crate::Transport) reads by default: 16 MiB.
///
/// Far above any Lift answer (a full registry listing is a few hundred KiB), low enough that
/// a broken or hostile upstream cannot exhaust memory. Change it with
/// [`TransportBuilder::max_body_size`](crate::TransportBuilder::max_body_size); code that
/// fetches outside a transport (a JWKS, say) reads with [`read_body_limited`] and this limit.
pub const DEFAULT_MAX_BODY_SIZE: usize = 16 * 1024 * 1024;

/// Reads `response`'s body chunk by chunk, stopping as soon as it passes `limit` bytes
/// (whatever `Content-Length` claims, or without one).
///
/// # Errors
///
/// An error of kind [`Decode`](ErrorKind::Decode) naming the limit when the body is larger,
/// and of kind [`Request`](ErrorKind::Request) (or [`Timeout`](ErrorKind::Timeout)) when
/// reading fails; `what` (e.g. `GET /jwks`) names the call in the message.
pub async fn read_body_limited(
    response: &mut reqwest::Response,
    limit: usize,
    what: impl fmt::Display,
) -> Result<Bytes, Error> {
    let announced = response.content_length().unwrap_or(0);
    if announced > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(too_large(limit, &what));
    }
    // A body in one chunk (the common case) is returned as is, without a copy.
    let mut first: Option<Bytes> = None;
    let mut body = BytesMut::new();
    loop {
        let chunk = response.chunk().await.map_err(|err| {
            let kind = if err.is_timeout() {
                ErrorKind::Timeout
            } else {
                ErrorKind::Request
            };
            Error::new(kind, what.to_string()).with_source(err.without_url())
        })?;
        let Some(chunk) = chunk else {
            return Ok(match first {
                Some(only) if body.is_empty() => only,
                _ => body.freeze(),
            });
        };
        let read = first.as_ref().map_or(0, Bytes::len) + body.len();
        if chunk.len() > limit - read {
            return Err(too_large(limit, &what));
        }
        match first.take() {
            None if body.is_empty() => first = Some(chunk),
            earlier => {
                if let Some(earlier) = earlier {
                    // Preallocate what the server announced, never more than the limit.
                    let announced = usize::try_from(announced).unwrap_or(limit);
                    body.reserve(announced.clamp(earlier.len() + chunk.len(), limit));
                    body.extend_from_slice(&earlier);
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
}

fn too_large(limit: usize, what: &dyn fmt::Display) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("{what}: response body larger than the {limit}-byte limit"),
    )
    .with_hint("raise it with max_body_size")
}
