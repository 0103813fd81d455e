//! A string that never shows itself in `Debug` or `Display`.

use std::fmt;

/// A secret string: a token, a password, a signing secret.
///
/// Its `Debug` prints `"[redacted]"`, so it can sit in any struct that derives `Debug`
/// without leaking into logs. Read it with [`expose`](Secret::expose), at the one place that
/// needs the value.
///
/// ```
/// use lift_sdk_core::Secret;
///
/// let token = Secret::new("eyJhbGciOi…");
/// assert_eq!(format!("{token:?}"), "[redacted]");
/// assert_eq!(token.expose(), "eyJhbGciOi…");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps a secret value.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().into_boxed_str())
    }

    /// The secret value itself. Keep what it returns out of logs and errors.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The length of the secret in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}
