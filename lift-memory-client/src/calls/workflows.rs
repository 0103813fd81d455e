//! Workflows run by the memory service's orchestrator.

use lift_sdk_core::Error;

use crate::client::MemoryClient;
use crate::ids::WorkflowId;
use crate::model::workflow::{Workflow, WorkflowRequest, WorkflowStatus};

impl MemoryClient {
    /// Creates a workflow (`POST /workflows/create?name=…`, the body the bare metadata
    /// object, or no body without metadata).
    ///
    /// ```no_run
    /// # async fn run(memory: lift_memory_client::MemoryClient) -> Result<(), lift_memory_client::Error> {
    /// let workflow = memory.create_workflow("nightly-ingest").await?;
    /// let status = memory.workflow_status(&workflow.workflow_id).await?;
    /// println!("{} is {:?}", workflow.workflow_id, status.status);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a blank name or metadata that is not a
    /// JSON object; otherwise the transport's errors and `Decode` when the answer has no
    /// `workflow_id`.
    pub async fn create_workflow(
        &self,
        request: impl Into<WorkflowRequest>,
    ) -> Result<Workflow, Error> {
        let request = request.into();
        request.validate()?;
        let mut call = self
            .transport
            .post("/workflows/create")
            .query(&[("name", &request.name)]);
        if let Some(metadata) = &request.metadata {
            call = call.json(metadata);
        }
        call.send_data().await
    }

    /// A workflow's status (`GET /workflows/{workflow_id}/status`).
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for an id that is not a safe path segment
    /// (see [`WorkflowId`]); otherwise the transport's
    /// errors and `Decode` for a malformed answer.
    pub async fn workflow_status(&self, workflow_id: &WorkflowId) -> Result<WorkflowStatus, Error> {
        let id = workflow_id.as_path_segment()?;
        let call = self.transport.get(["workflows", id, "status"]);
        call.send_data().await
    }
}
