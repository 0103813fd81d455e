//! The raw token newtype, whose `Debug` never shows the value. Secrets themselves are
//! [`lift_sdk_core::Secret`] (re-exported with feature `client`): one type for the SDK.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// A raw token (a compact JWT), as sent in `Authorization: Bearer …`.
///
/// Like [`Secret`](https://docs.rs/lift-sdk-core/latest/lift_sdk_core/struct.Secret.html):
/// `Debug` is redacted, the memory is zeroed on drop, and equality is constant-time.
///
/// ```
/// use lift_auth::Token;
///
/// let token = Token::new("eyJhbGciOiJIUzI1NiJ9.e30.sig");
/// assert_eq!(format!("{token:?}"), "Token([redacted])");
/// assert_eq!(token.expose(), "eyJhbGciOiJIUzI1NiJ9.e30.sig");
/// ```
#[derive(Clone)]
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

impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Token {}

impl Drop for Token {
    fn drop(&mut self) {
        self.0.zeroize();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_and_wiping() {
        let token = Token::new("abc.def.ghi");
        assert_eq!(token, Token::from("abc.def.ghi"));
        assert_ne!(token, Token::from("abc.def.ghX"));
        let mut token = token;
        token.0.zeroize();
        assert!(token.0.bytes().all(|b| b == 0));
    }
}
