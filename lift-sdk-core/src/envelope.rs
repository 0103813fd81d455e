//! The `APIResponse` envelope most Lift services wrap their answers in (contract §2.1).

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// `{"success", "message", "data", "errors", "metadata"}`, as sent by the gateway root, auth,
/// memory and registry.
///
/// Every key is optional when reading (module copies of the envelope lack `metadata`), and
/// unknown keys are ignored. The keys around `data` never fail a decode, whatever their type
/// (contract §10 H); `data` itself is decoded as `T` (a `null` `data`: see
/// [`decode::empty_data`](crate::decode::empty_data)).
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
    #[serde(default, deserialize_with = "lenient_text")]
    pub message: String,
    /// The payload.
    #[serde(default = "Option::default")]
    pub data: Option<T>,
    /// Error strings; `null` in practice. An item that is not a string is kept as its JSON
    /// text.
    #[serde(default, deserialize_with = "lenient_errors")]
    pub errors: Option<Vec<String>>,
    /// Extra facts about the answer, such as memory's `correlation_id` and `org_id`; `None`
    /// when absent, `null` or not an object.
    #[serde(default, deserialize_with = "lenient_object")]
    pub metadata: Option<Map<String, Value>>,
}

fn default_success() -> bool {
    true
}

/// A string; anything else (`null`, a number) reads as its JSON text or empty.
fn lenient_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(text) => text,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// A list of strings, items of another type as their JSON text; `None` for `null` or a
/// value that is not a list.
fn lenient_errors<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Array(items) => Some(
            items
                .into_iter()
                .map(|item| match item {
                    Value::String(text) => text,
                    other => other.to_string(),
                })
                .collect(),
        ),
        Value::String(text) => Some(vec![text]),
        _ => None,
    })
}

/// An object, or `None` for anything else.
fn lenient_object<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Map<String, Value>>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Object(map) => Some(map),
        _ => None,
    })
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
