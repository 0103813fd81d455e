//! Newtypes for secrets and raw tokens whose `Debug` never shows the value.

use std::fmt;

/// A shared signing secret (the platform's `JWT_SECRET`), or any other secret bytes.
///
/// ```
/// use lift_auth::Secret;
///
/// let secret = Secret::new("lift-shared-secret-for-tests-0123456789abcdef");
/// assert_eq!(format!("{secret:?}"), "Secret([redacted])");
/// assert_eq!(secret.len(), 45);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<[u8]>);

impl Secret {
    /// Wraps secret bytes.
    #[must_use]
    pub fn new(value: impl AsRef<[u8]>) -> Self {
        Self(value.as_ref().into())
    }

    /// The secret bytes. Keep them out of logs and errors.
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The length in bytes.
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
        f.write_str("Secret([redacted])")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value.into_bytes().into_boxed_slice())
    }
}

impl From<&[u8]> for Secret {
    fn from(value: &[u8]) -> Self {
        Self::new(value)
    }
}

/// A raw token (a compact JWT), as sent in `Authorization: Bearer …`.
///
/// ```
/// use lift_auth::Token;
///
/// let token = Token::new("eyJhbGciOiJIUzI1NiJ9.e30.sig");
/// assert_eq!(format!("{token:?}"), "Token([redacted])");
/// assert_eq!(token.expose(), "eyJhbGciOiJIUzI1NiJ9.e30.sig");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Box<str>);

impl Token {
    /// Wraps a token.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().into_boxed_str())
    }

    /// The token itself. Keep it out of logs and errors.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

impl<'de> serde::Deserialize<'de> for Token {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl From<String> for Token {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Token {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}
