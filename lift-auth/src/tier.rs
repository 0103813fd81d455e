//! Subscription tiers.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The `subscription_tier` claim (contract §3.2). Unknown values map to
/// [`Other`](SubscriptionTier::Other); the default is [`Free`](SubscriptionTier::Free).
///
/// ```
/// use lift_auth::SubscriptionTier;
///
/// assert_eq!(SubscriptionTier::from("pro"), SubscriptionTier::Pro);
/// assert_eq!(SubscriptionTier::default().as_str(), "free");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum SubscriptionTier {
    /// `free` (also what the billing plan `basic` is issued as).
    #[default]
    Free,
    /// `basic`: in the enum, never issued by the reference.
    Basic,
    /// `pro`.
    Pro,
    /// `enterprise`.
    Enterprise,
    /// Any other tier string, kept as sent.
    Other(String),
}

impl SubscriptionTier {
    /// The tier as it appears in tokens.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Free => "free",
            Self::Basic => "basic",
            Self::Pro => "pro",
            Self::Enterprise => "enterprise",
            Self::Other(other) => other,
        }
    }
}

impl From<&str> for SubscriptionTier {
    fn from(value: &str) -> Self {
        match value {
            "free" => Self::Free,
            "basic" => Self::Basic,
            "pro" => Self::Pro,
            "enterprise" => Self::Enterprise,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl FromStr for SubscriptionTier {
    type Err = Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(value))
    }
}

impl fmt::Display for SubscriptionTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SubscriptionTier {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SubscriptionTier {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Self::from(value.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tier_is_kept() {
        let tier: SubscriptionTier = serde_json::from_str("\"platinum\"").unwrap();
        assert_eq!(tier, SubscriptionTier::Other("platinum".to_owned()));
        assert_eq!(serde_json::to_string(&tier).unwrap(), "\"platinum\"");
    }
}
