//! The error type of token verification, issuing and authorization.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use http::StatusCode;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// An error from verifying or issuing a token, parsing a permission or a header, or an
/// authorization check.
///
/// The value is one pointer wide. [`kind`](Self::kind) says which check failed; the
/// [`Display`](fmt::Display) text is a short lowercase phrase that never contains a token or a
/// secret, so it is safe to log and to send back to a caller.
///
/// ```
/// use lift_auth::{AuthErrorKind, parse_bearer};
///
/// let err = parse_bearer("Basic dXNlcjpwdw==").unwrap_err();
/// assert_eq!(err.kind(), AuthErrorKind::InvalidScheme);
/// assert_eq!(err.status(), http::StatusCode::UNAUTHORIZED);
/// assert_eq!(err.to_string(), "invalid authorization scheme: expected the bearer scheme");
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: AuthErrorKind,
    detail: Option<Cow<'static, str>>,
    source: Option<BoxError>,
}

/// Which check an [`Error`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// No token was presented (no `Authorization` header, or no gateway headers).
    MissingToken,
    /// The `Authorization` header uses another scheme than `Bearer` (e.g. `Basic`).
    InvalidScheme,
    /// The token is not a well-formed JWT (segments, base64, JSON).
    Malformed,
    /// The signature does not match.
    InvalidSignature,
    /// `exp` has passed (beyond the leeway).
    Expired,
    /// `nbf` or `iat` lies in the future (beyond the leeway).
    NotYetValid,
    /// `iss` is not one of the accepted issuers.
    InvalidIssuer,
    /// `aud` names none of the accepted audiences.
    InvalidAudience,
    /// A required claim is absent.
    MissingClaim,
    /// A claim has the wrong JSON type or an invalid value (e.g. `"exp": "2100"`).
    InvalidClaim,
    /// No key matches the token's `kid`.
    UnknownKey,
    /// The token's `alg` is not the algorithm of the key (including `none`).
    DisallowedAlgorithm,
    /// The keys of a remote JWKS could not be fetched and none are cached.
    KeyUnavailable,
    /// The caller is authenticated but lacks a permission or role.
    Forbidden,
    /// A permission string does not have the `resource:action` form.
    InvalidPermission,
    /// A request header is malformed: an `Authorization: Bearer` value that is not
    /// `Bearer <token>` or not text, a user-context header that is not text, or a
    /// user-context header sent more than once (a spoofing attempt through the gateway,
    /// which forwards the client's copy first).
    InvalidHeader,
    /// A verifier or issuer could not be built (weak secret, bad PEM, leeway too large).
    Config,
    /// A token could not be signed.
    Signing,
}

impl AuthErrorKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::MissingToken => "missing bearer token",
            Self::InvalidScheme => "invalid authorization scheme",
            Self::Malformed => "malformed token",
            Self::InvalidSignature => "invalid token signature",
            Self::Expired => "token expired",
            Self::NotYetValid => "token not yet valid",
            Self::InvalidIssuer => "invalid token issuer",
            Self::InvalidAudience => "invalid token audience",
            Self::MissingClaim => "missing claim",
            Self::InvalidClaim => "invalid claim",
            Self::UnknownKey => "unknown signing key",
            Self::DisallowedAlgorithm => "disallowed token algorithm",
            Self::KeyUnavailable => "signing keys unavailable",
            Self::Forbidden => "insufficient permissions",
            Self::InvalidPermission => "invalid permission",
            Self::InvalidHeader => "invalid request header",
            Self::Config => "invalid auth configuration",
            Self::Signing => "failed to sign token",
        }
    }
}

impl fmt::Display for AuthErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// An error of `kind` with no further detail.
    #[must_use]
    pub fn new(kind: AuthErrorKind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                detail: None,
                source: None,
            }),
        }
    }

    /// An error of `kind` with a detail appended to the message (for example the claim or
    /// permission concerned). Never put a token or a secret in `detail`.
    #[must_use]
    pub fn with_detail(kind: AuthErrorKind, detail: impl Into<Cow<'static, str>>) -> Self {
        let mut err = Self::new(kind);
        err.inner.detail = Some(detail.into());
        err
    }

    /// An authorization failure naming the permission or role that is missing.
    #[must_use]
    pub fn forbidden(missing: impl Into<Cow<'static, str>>) -> Self {
        Self::with_detail(AuthErrorKind::Forbidden, missing)
    }

    /// Attaches the underlying cause, reachable through [`source()`](StdError::source).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Which check failed.
    #[must_use]
    pub fn kind(&self) -> AuthErrorKind {
        self.inner.kind
    }

    /// The detail given when the error was made (a claim name, a permission), if any.
    #[must_use]
    pub fn detail(&self) -> Option<&str> {
        self.inner.detail.as_deref()
    }

    /// Whether the caller is authenticated but not allowed (HTTP 403) rather than not
    /// authenticated (HTTP 401).
    #[must_use]
    pub fn is_forbidden(&self) -> bool {
        self.kind() == AuthErrorKind::Forbidden
    }

    /// The HTTP status a server answers with for this error: 403 for
    /// [`Forbidden`](AuthErrorKind::Forbidden), 503 when keys are unavailable, 500 for
    /// configuration and signing failures, 401 otherwise.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self.kind() {
            AuthErrorKind::Forbidden => StatusCode::FORBIDDEN,
            AuthErrorKind::KeyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            AuthErrorKind::Config | AuthErrorKind::Signing => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// The text a server sends as `{"detail": "…"}`: the same as `Display`.
    #[must_use]
    pub fn body_text(&self) -> String {
        self.to_string()
    }

    /// The RFC 6750 `WWW-Authenticate` challenge for this error, e.g.
    /// `Bearer error="invalid_token", error_description="token expired"`.
    ///
    /// A missing token, and credentials of another scheme (`Basic …`), get the bare
    /// `Bearer` challenge (RFC 6750 §3.1: no error code when the request had no bearer
    /// credentials); a malformed or repeated header gets `invalid_request`; a missing
    /// permission gets `insufficient_scope` with
    /// the permission in `scope` (a missing role gets no `scope`: a role is not a scope).
    ///
    /// The description keeps only the characters RFC 6750 §3 allows in `error_description`
    /// (printable ASCII except `"` and `\`): `"` and `\` become `'`, any other character
    /// becomes `?`. The value is therefore always a valid header value.
    #[must_use]
    pub fn www_authenticate(&self) -> String {
        let description = escape_quoted(&self.to_string());
        match self.kind() {
            AuthErrorKind::MissingToken | AuthErrorKind::InvalidScheme => "Bearer".to_owned(),
            AuthErrorKind::Forbidden => match self.detail() {
                Some(scope) if crate::Permission::is_valid_str(scope) => format!(
                    "Bearer error=\"insufficient_scope\", error_description=\"{description}\", scope=\"{scope}\""
                ),
                _ => format!(
                    "Bearer error=\"insufficient_scope\", error_description=\"{description}\""
                ),
            },
            AuthErrorKind::InvalidHeader => {
                format!("Bearer error=\"invalid_request\", error_description=\"{description}\"")
            }
            _ => format!("Bearer error=\"invalid_token\", error_description=\"{description}\""),
        }
    }
}

/// `text` reduced to the `error_description` alphabet of RFC 6750 §3
/// (`%x20-21 / %x23-5B / %x5D-7E`).
fn escape_quoted(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' | '\\' => '\'',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind().as_str())?;
        if let Some(detail) = &self.inner.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("lift_auth::Error");
        out.field("kind", &self.inner.kind);
        if let Some(detail) = &self.inner.detail {
            out.field("detail", detail);
        }
        if let Some(source) = &self.inner.source {
            out.field("source", source);
        }
        out.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|source| &**source as &(dyn StdError + 'static))
    }
}

impl From<AuthErrorKind> for Error {
    fn from(kind: AuthErrorKind) -> Self {
        Self::new(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(size_of::<Error>(), size_of::<usize>());
    }

    #[test]
    fn display_is_lowercase_with_detail() {
        let err = Error::with_detail(AuthErrorKind::MissingClaim, "sub");
        assert_eq!(err.to_string(), "missing claim: sub");
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn challenges_follow_rfc_6750() {
        assert_eq!(
            Error::new(AuthErrorKind::MissingToken).www_authenticate(),
            "Bearer"
        );
        assert_eq!(
            Error::new(AuthErrorKind::InvalidScheme).www_authenticate(),
            "Bearer"
        );
        assert!(
            Error::with_detail(AuthErrorKind::InvalidHeader, "x-user-id sent more than once")
                .www_authenticate()
                .starts_with("Bearer error=\"invalid_request\", error_description=\"invalid request header: x-user-id")
        );
        assert_eq!(
            Error::new(AuthErrorKind::Expired).www_authenticate(),
            "Bearer error=\"invalid_token\", error_description=\"token expired\""
        );
        let forbidden = Error::forbidden("memory:write");
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
        assert!(
            forbidden
                .www_authenticate()
                .contains("error=\"insufficient_scope\"")
        );
        assert!(
            forbidden
                .www_authenticate()
                .contains("scope=\"memory:write\"")
        );
    }

    #[test]
    fn descriptions_stay_in_the_rfc_6750_alphabet() {
        let err = Error::with_detail(
            AuthErrorKind::InvalidClaim,
            "say \"hi\" \\ or\tbreak\r\nWWW-Authenticate: x, caf\u{e9}",
        );
        let challenge = err.www_authenticate();
        let description = challenge
            .strip_prefix("Bearer error=\"invalid_token\", error_description=\"")
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap();
        assert_eq!(
            description,
            "invalid claim: say 'hi' ' or?break??WWW-Authenticate: x, caf?"
        );
        assert!(
            description
                .bytes()
                .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E))
        );
        assert!(http::HeaderValue::from_str(&challenge).is_ok());
    }

    #[test]
    fn a_missing_role_is_not_a_scope() {
        let challenge = Error::forbidden("role admin").www_authenticate();
        assert_eq!(
            challenge,
            "Bearer error=\"insufficient_scope\", error_description=\"insufficient permissions: role admin\""
        );
        let challenge = Error::forbidden("x\" y").www_authenticate();
        assert!(!challenge.contains("scope=\""), "{challenge}");
    }
}
