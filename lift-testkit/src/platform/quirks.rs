//! Switches that make the fake platform reproduce the reference's documented traps
//! (contract §10), so SDK users can test their robustness against them.

/// The reference's traps, each off by default (the fake then follows the intended
/// contract).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Quirks {
    /// The registry stores `base_url` with a trailing `/`.
    pub trailing_slash_base_url: bool,
    /// The gateway forwards `//` in a module path as written.
    pub gateway_forwards_double_slash: bool,
    /// The gateway's rate limit answers a text/plain 500 instead of a 429.
    pub rate_limit_as_500: bool,
    /// The gateway forwards the client's own `X-User-*` headers first (downstream reads
    /// the first, so the client's value wins): the reference's spoofing hole.
    pub client_user_headers_first: bool,
}

impl Quirks {
    /// Every quirk on: the reference as committed.
    #[must_use]
    pub fn reference() -> Self {
        Self {
            trailing_slash_base_url: true,
            gateway_forwards_double_slash: true,
            rate_limit_as_500: true,
            client_user_headers_first: true,
        }
    }
}
