//! The envelope's `metadata`, kept with the typed answers that carry one.

use serde_json::{Map, Value};

/// The `metadata` object of the service's answer envelope.
///
/// Memory puts a `correlation_id` (its own, not the gateway's `X-Correlation-ID`), the
/// caller's `org_id` and a few feature flags here. Empty when the answer had none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResponseMetadata(Map<String, Value>);

impl ResponseMetadata {
    pub(crate) fn from_envelope(metadata: Option<Map<String, Value>>) -> Self {
        Self(metadata.unwrap_or_default())
    }

    /// `correlation_id`, the memory service's id for this operation.
    #[must_use]
    pub fn correlation_id(&self) -> Option<&str> {
        self.text("correlation_id")
    }

    /// `org_id`, the organisation the operation ran for.
    #[must_use]
    pub fn org_id(&self) -> Option<&str> {
        self.text("org_id")
    }

    /// A string value.
    #[must_use]
    pub fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key)?.as_str()
    }

    /// Any value.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// Whether the answer carried no metadata.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The whole object.
    #[must_use]
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
}

/// Typed answers that keep the envelope's metadata.
pub(crate) trait WithMetadata {
    fn set_metadata(&mut self, metadata: ResponseMetadata);
}
