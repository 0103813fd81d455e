//! Workflows: what `POST /workflows/create` takes and answers, and a workflow's status.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::ids::WorkflowId;
use lift_sdk_core::decode::null_as_default;

/// A workflow to create (`POST /workflows/create`): its name, sent as the `name` query
/// parameter, and optional metadata, sent as the whole body (a bare JSON object, not wrapped
/// in a field).
///
/// ```
/// use lift_memory_client::WorkflowRequest;
/// use serde_json::json;
///
/// let request = WorkflowRequest::new("nightly-ingest").metadata(json!({"owner": "growth"}));
/// # drop(request);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowRequest {
    pub(crate) name: String,
    pub(crate) metadata: Option<Map<String, Value>>,
    invalid: Option<&'static str>,
}

impl WorkflowRequest {
    /// A workflow named `name`, without metadata.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            metadata: None,
            invalid: None,
        }
    }

    /// The workflow's metadata, a JSON object. Anything else makes the call fail with
    /// `InvalidInput` before sending.
    #[must_use]
    pub fn metadata(mut self, metadata: impl Into<Value>) -> Self {
        match metadata.into() {
            Value::Object(map) => self.metadata = Some(map),
            _ => self.invalid = Some("workflow metadata must be a JSON object"),
        }
        self
    }

    pub(crate) fn validate(&self) -> Result<(), lift_sdk_core::Error> {
        if let Some(problem) = self.invalid {
            return Err(lift_sdk_core::Error::invalid_input(problem));
        }
        if self.name.trim().is_empty() {
            return Err(lift_sdk_core::Error::invalid_input(
                "workflow name must not be empty",
            ));
        }
        Ok(())
    }
}

impl From<&str> for WorkflowRequest {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

impl From<String> for WorkflowRequest {
    fn from(name: String) -> Self {
        Self::new(name)
    }
}

/// A created workflow, as `POST /workflows/create` answers it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct Workflow {
    /// The new workflow's id.
    pub workflow_id: WorkflowId,
    /// Its name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// The organisation it belongs to.
    #[serde(default)]
    pub org_id: Option<String>,
    /// The metadata it was created with.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: Map<String, Value>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(Workflow, mistyped);

/// A workflow's status, as the orchestrator reports it (`GET /workflows/{id}/status`).
///
/// `status` is typed; the orchestrator's other figures vary between versions and are kept
/// in [`details`](Self::details).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct WorkflowStatus {
    /// The workflow's id, when the orchestrator repeats it.
    #[serde(default)]
    pub workflow_id: Option<WorkflowId>,
    /// The state, such as `running` or `completed`, when reported.
    #[serde(default)]
    pub status: Option<String>,
    /// Every other field of the answer.
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(WorkflowStatus, details);
