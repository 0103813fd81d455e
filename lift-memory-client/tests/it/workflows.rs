//! `POST /workflows/create` and `GET /workflows/{id}/status`, in both routing modes.

use lift_memory_client::{WorkflowId, WorkflowRequest};
use serde_json::json;
use wiremock::matchers::{body_json, header};

use crate::support::{ExactQuery, Harness, Mode, NoBody, envelope};

#[tokio::test]
async fn create_workflow_sends_the_name_as_query_and_the_metadata_as_the_whole_body() {
    for mode in Mode::ALL {
        // Arrange
        let h = Harness::start(mode).await;
        h.given("POST", "/workflows/create")
            .and(ExactQuery(Some("name=nightly+ingest")))
            .and(header("content-type", "application/json"))
            .and(body_json(json!({"owner": "growth"})))
            .respond_with(envelope(
                json!({"workflow_id": "wf_d82f5ff2_1a2b3c4d", "name": "nightly ingest",
                       "org_id": "d82f5ff2", "metadata": {"owner": "growth"}}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        // Act
        let workflow = h
            .client
            .create_workflow(
                WorkflowRequest::new("nightly ingest").metadata(json!({"owner": "growth"})),
            )
            .await
            .unwrap();

        // Assert
        assert_eq!(
            workflow.workflow_id,
            WorkflowId::new("wf_d82f5ff2_1a2b3c4d").unwrap(),
            "{mode:?}"
        );
        assert_eq!(workflow.name, "nightly ingest");
        assert_eq!(workflow.org_id.as_deref(), Some("d82f5ff2"));
        assert_eq!(workflow.metadata["owner"], "growth");
    }
}

#[tokio::test]
async fn create_workflow_without_metadata_sends_no_body() {
    let h = Harness::start(Mode::Gateway).await;
    h.given("POST", "/workflows/create")
        .and(ExactQuery(Some("name=n")))
        .and(NoBody)
        .respond_with(envelope(json!({"workflow_id": "wf_1"}), json!(null)))
        .expect(1)
        .mount(&h.server)
        .await;

    let workflow = h.client.create_workflow("n").await.unwrap();

    assert_eq!(workflow.workflow_id, "wf_1");
    assert!(workflow.metadata.is_empty());
}

#[tokio::test]
async fn workflow_input_is_refused_before_sending() {
    let h = Harness::start(Mode::Direct).await;
    let blank = h.client.create_workflow(" ").await.unwrap_err();
    let not_object = h
        .client
        .create_workflow(WorkflowRequest::new("n").metadata(json!([1])))
        .await
        .unwrap_err();
    // An id the service sent is kept as sent, and refused in a path.
    let sent: WorkflowId = serde_json::from_value(json!("../x")).unwrap();
    let blank_id = h.client.workflow_status(&sent).await.unwrap_err();
    for err in [blank, not_object, blank_id] {
        assert_eq!(
            err.kind(),
            lift_memory_client::ErrorKind::InvalidInput,
            "{err}"
        );
    }
    assert!(crate::support::received(&h.server).await.is_empty());
}

#[tokio::test]
async fn workflow_status_is_read_with_the_orchestrators_other_figures_kept() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("GET", "/workflows/wf_o_1a2b/status")
            .and(ExactQuery(None))
            .and(NoBody)
            .respond_with(envelope(
                json!({"workflow_id": "wf_o_1a2b", "status": "completed", "tasks_completed": 2}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let status = h
            .client
            .workflow_status(&WorkflowId::new("wf_o_1a2b").unwrap())
            .await
            .unwrap();

        assert_eq!(
            status.workflow_id,
            Some(WorkflowId::new("wf_o_1a2b").unwrap()),
            "{mode:?}"
        );
        assert_eq!(status.status.as_deref(), Some("completed"));
        assert_eq!(status.details["tasks_completed"], 2);
    }
}

#[tokio::test]
async fn a_batch_search_names_its_workflow_with_a_typed_id() {
    let h = Harness::start(Mode::Gateway).await;
    h.given("POST", "/search/batch")
        .respond_with(envelope(
            json!({"workflow_id": "wf_o_9", "results": null}),
            json!(null),
        ))
        .mount(&h.server)
        .await;

    let batch = h
        .client
        .search_batch(lift_memory_client::BatchSearchRequest::new(["q"]))
        .await
        .unwrap();

    let id: &WorkflowId = &batch.workflow_id;
    assert_eq!(id.as_str(), "wf_o_9");
}
