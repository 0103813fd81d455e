//! A string that never shows itself in `Debug` or `Display`, and is wiped when dropped.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// A secret string: a token, a password, a signing secret.
///
/// - Its `Debug` prints `"[redacted]"`, so it can sit in any struct that derives `Debug`
///   without leaking into logs. Read it with [`expose`](Secret::expose), at the one place
///   that needs the value.
/// - Its memory is overwritten with zeros when it is dropped (`zeroize`), so a freed secret
///   does not linger in the heap.
/// - Comparing two secrets takes the same time wherever they differ (`subtle`), so an
///   equality check does not leak how much of a guess was right. (Lengths may differ in
///   time: a length is not the secret.)
///
/// This is the one secret type of the SDK: `lift-auth` and the other crates re-export it.
///
/// ```
/// use lift_sdk_core::Secret;
///
/// let token = Secret::new("eyJhbGciOi…");
/// assert_eq!(format!("{token:?}"), "[redacted]");
/// assert_eq!(token.expose(), "eyJhbGciOi…");
/// assert_eq!(token, Secret::from("eyJhbGciOi…"));
/// ```
#[derive(Clone)]
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

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_compares_the_whole_value() {
        let secret = Secret::new("s3cr3t-token");
        assert_eq!(secret, Secret::new("s3cr3t-token"));
        assert_ne!(secret, Secret::new("s3cr3t-tokeN"));
        assert_ne!(secret, Secret::new("s3cr3t"));
        assert_ne!(secret, Secret::new(""));
    }

    #[test]
    fn zeroize_wipes_the_bytes_in_place() {
        // What `Drop` runs: the buffer keeps its place and length and holds only zeros.
        let mut secret = Secret::new("s3cr3t-token");
        let before = secret.0.as_ptr();
        secret.0.zeroize();
        assert_eq!(secret.0.as_ptr(), before);
        assert!(secret.0.bytes().all(|b| b == 0));
    }
}
