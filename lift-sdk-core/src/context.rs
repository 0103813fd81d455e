//! The request context that flows from an incoming request into outgoing calls.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use tokio::task::futures::TaskLocalFuture;

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// What an outgoing call inherits from the request being handled: its request id and trace.
///
/// A module handling a request runs its handler inside [`RequestContext::scope`]; every call
/// a Lift client makes inside that scope sends the same `X-Request-ID` and continues the
/// same W3C trace, so one id follows a request from the gateway through the module to the
/// memory service.
///
/// ```
/// use lift_sdk_core::RequestContext;
///
/// # async fn run() {
/// let context = RequestContext::new().request_id("req-123");
/// context
///     .scope(async {
///         let current = RequestContext::current().unwrap();
///         assert_eq!(current.request_id_str(), Some("req-123"));
///     })
///     .await;
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    request_id: Option<Arc<str>>,
    trace: Option<TraceContext>,
}

impl RequestContext {
    /// An empty context.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the request id outgoing calls send as `X-Request-ID`.
    #[must_use]
    pub fn request_id(mut self, request_id: impl Into<Arc<str>>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets the trace outgoing calls continue.
    #[must_use]
    pub fn trace(mut self, trace: TraceContext) -> Self {
        self.trace = Some(trace);
        self
    }

    /// The request id, if one is set.
    #[must_use]
    pub fn request_id_str(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The trace, if one is set.
    #[must_use]
    pub fn trace_context(&self) -> Option<TraceContext> {
        self.trace
    }

    /// Runs `future` with this context as the current one.
    ///
    /// The returned future is a named type, so a tower service can hold it without boxing.
    pub fn scope<F: Future>(self, future: F) -> TaskLocalFuture<Self, F> {
        CURRENT.scope(self, future)
    }

    /// The context of the task this is called from, if it runs inside
    /// [`scope`](Self::scope).
    #[must_use]
    pub fn current() -> Option<Self> {
        CURRENT.try_with(Clone::clone).ok()
    }

    pub(crate) fn current_parts() -> (Option<Arc<str>>, Option<TraceContext>) {
        CURRENT
            .try_with(|context| (context.request_id.clone(), context.trace))
            .unwrap_or_default()
    }
}

/// A W3C trace context (`traceparent`): the trace a call belongs to and its parent span.
///
/// ```
/// use lift_sdk_core::TraceContext;
///
/// let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
/// let trace = TraceContext::from_traceparent(parent).unwrap();
/// let child = trace.child();
/// assert!(child.to_traceparent().starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
/// assert_ne!(child.to_traceparent(), parent);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: u128,
    span_id: u64,
    flags: u8,
}

impl TraceContext {
    /// Starts a new, sampled trace.
    #[must_use]
    pub fn new_root() -> Self {
        Self {
            trace_id: nonzero_u128(),
            span_id: nonzero_u64(),
            flags: 1,
        }
    }

    /// A new span in the same trace, whose parent is this one.
    #[must_use]
    pub fn child(&self) -> Self {
        Self {
            span_id: nonzero_u64(),
            ..*self
        }
    }

    /// Parses a `traceparent` header value (version `00`); `None` when it is not valid.
    #[must_use]
    pub fn from_traceparent(value: &str) -> Option<Self> {
        let mut parts = value.trim().split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() && version == "00" {
            return None;
        }
        if version.len() != 2 || version == "ff" || trace.len() != 32 || span.len() != 16 {
            return None;
        }
        let hex = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        if !(hex(version) && hex(trace) && hex(span) && hex(flags)) || flags.len() != 2 {
            return None;
        }
        let trace_id = u128::from_str_radix(trace, 16).ok()?;
        let span_id = u64::from_str_radix(span, 16).ok()?;
        let flags = u8::from_str_radix(flags, 16).ok()?;
        (trace_id != 0 && span_id != 0).then_some(Self {
            trace_id,
            span_id,
            flags,
        })
    }

    /// The `traceparent` header value for this span.
    #[must_use]
    pub fn to_traceparent(&self) -> String {
        format!(
            "00-{:032x}-{:016x}-{:02x}",
            self.trace_id, self.span_id, self.flags
        )
    }

    /// The trace id as 32 lowercase hex digits.
    #[must_use]
    pub fn trace_id(&self) -> String {
        format!("{:032x}", self.trace_id)
    }
}

impl fmt::Debug for TraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_traceparent())
    }
}

/// A fresh random request id, formatted as a UUID v4.
#[must_use]
pub fn new_request_id() -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = (fastrand::u128(..) & !(0xf000 << 64) & !(0xc << 60)) | (0x4000 << 64) | (0x8 << 60);
    // Written in place: one allocation per id (every request without an id gets one).
    let mut text = String::with_capacity(36);
    for nibble in 0..32 {
        if matches!(nibble, 8 | 12 | 16 | 20) {
            text.push('-');
        }
        let digit = (bits >> (124 - 4 * nibble)) & 0xf;
        text.push(char::from(HEX[digit as usize]));
    }
    text
}

fn nonzero_u128() -> u128 {
    fastrand::u128(1..)
}

fn nonzero_u64() -> u64 {
    fastrand::u64(1..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_uuid_v4() {
        let id = new_request_id();
        assert_eq!(id.len(), 36);
        for (at, c) in id.char_indices() {
            if matches!(at, 8 | 13 | 18 | 23) {
                assert_eq!(c, '-', "{id}");
            } else {
                assert!(c.is_ascii_hexdigit() && !c.is_ascii_uppercase(), "{id}");
            }
        }
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        assert_ne!(id, new_request_id());
    }

    #[test]
    fn traceparent_round_trips_and_rejects_garbage() {
        let value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let trace = TraceContext::from_traceparent(value).unwrap();
        assert_eq!(trace.to_traceparent(), value);
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert!(TraceContext::from_traceparent(bad).is_none(), "{bad}");
        }
    }

    #[tokio::test]
    async fn context_is_visible_only_inside_its_scope() {
        assert!(RequestContext::current().is_none());
        RequestContext::new()
            .request_id("abc")
            .scope(async {
                assert_eq!(RequestContext::current_parts().0.as_deref(), Some("abc"));
            })
            .await;
        assert!(RequestContext::current_parts().0.is_none());
    }
}
