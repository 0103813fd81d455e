//! The `APIResponse` envelope most Lift services wrap their answers in (contract §2.1).

use serde::Deserialize;
use serde_json::{Map, Value};

/// `{"success", "message", "data", "errors", "metadata"}`, as sent by the gateway root, auth,
/// memory and registry.
///
/// Every key is optional when reading (module copies of the envelope lack `metadata`), and
/// unknown keys are ignored.
///
/// ```
/// use lift_sdk_core::ApiResponse;
///
/// let body = r#"{"success":true,"message":"Success","data":{"n":1},"errors":null,
///               "metadata":{"correlation_id":"c-1"}}"#;
/// let envelope: ApiResponse<serde_json::Value> = serde_json::from_str(body).unwrap();
/// assert_eq!(envelope.correlation_id(), Some("c-1"));
/// assert_eq!(envelope.data.unwrap()["n"], 1);
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// Always `true` from core handlers (failures are HTTP errors), but read as sent.
    #[serde(default = "default_success")]
    pub success: bool,
    /// Human text such as `"Login successful"`.
    #[serde(default)]
    pub message: String,
    /// The payload.
    #[serde(default = "Option::default")]
    pub data: Option<T>,
    /// Error strings; `null` in practice.
    #[serde(default)]
    pub errors: Option<Vec<String>>,
    /// Extra facts about the answer, such as memory's `correlation_id` and `org_id`.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
}

fn default_success() -> bool {
    true
}

impl<T> ApiResponse<T> {
    /// `metadata.correlation_id`, which memory sets on its answers.
    #[must_use]
    pub fn correlation_id(&self) -> Option<&str> {
        self.metadata_str("correlation_id")
    }

    /// A string value of `metadata`.
    #[must_use]
    pub fn metadata_str(&self, key: &str) -> Option<&str> {
        self.metadata.as_ref()?.get(key)?.as_str()
    }
}
