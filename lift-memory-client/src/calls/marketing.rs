//! The marketing routes: `/marketing/*` and the causal `/api/v1/marketing/*`.

use lift_sdk_core::Error;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::MemoryClient;
use crate::model::marketing::{
    CausalAnalysis, CausalExperimentData, CausalIngestResult, MarketingCalendar,
    MarketingIngestResult, MarketingInsights, MarketingSearchResult, MarketingTransformResult,
};
use crate::model::marketing_request::{
    CausalAnalysisRequest, MarketingAggregation, MarketingIngestRequest, MarketingSearchRequest,
};

impl MemoryClient {
    /// Stores marketing data entries as memories (`POST /marketing/ingest`).
    ///
    /// ```no_run
    /// # async fn run(memory: lift_memory_client::MemoryClient) -> Result<(), lift_memory_client::Error> {
    /// use lift_memory_client::{DataSource, MarketingIngestRequest};
    /// use serde_json::json;
    ///
    /// let ingested = memory
    ///     .ingest_marketing_data(
    ///         MarketingIngestRequest::new(DataSource::Klaviyo, "2026-11-01", "2026-11-30")
    ///             .entry(json!({"campaign_id": "c-1", "spend": 120.5})),
    ///     )
    ///     .await?;
    /// println!("stored {}", ingested.stored_entries.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a date that is not `YYYY-MM-DD` or an
    /// entry or metadata that is not a JSON object; otherwise the transport's errors and
    /// `Decode` for a malformed answer.
    pub async fn ingest_marketing_data(
        &self,
        request: MarketingIngestRequest,
    ) -> Result<MarketingIngestResult, Error> {
        request.validate()?;
        let call = self.transport.post("/marketing/ingest").json(&request);
        call.send_data().await
    }

    /// Searches marketing data (`POST /marketing/search`); read-only, so retried like a `GET`.
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a limit outside 1..=100, a search type
    /// the service does not know or a malformed date; otherwise the transport's errors and
    /// `Decode` for a malformed answer.
    pub async fn search_marketing_data(
        &self,
        request: impl Into<MarketingSearchRequest>,
    ) -> Result<MarketingSearchResult, Error> {
        let request = request.into();
        request.validate()?;
        let call = self
            .transport
            .post("/marketing/search")
            .json(&request)
            .idempotent(true);
        call.send_data().await
    }

    /// Aggregated marketing insights (`POST /marketing/insights`).
    ///
    /// # Errors
    ///
    /// As [`ingest_marketing_data`](Self::ingest_marketing_data).
    pub async fn marketing_insights(
        &self,
        request: MarketingAggregation,
    ) -> Result<MarketingInsights, Error> {
        request.validate()?;
        let call = self
            .transport
            .post("/marketing/insights")
            .json(&request)
            .idempotent(true);
        call.send_data().await
    }

    /// The marketing calendar of `year`, one dimension per day
    /// (`GET /marketing/calendar/{year}`).
    ///
    /// # Errors
    ///
    /// The transport's errors and `Decode` for a malformed answer.
    pub async fn marketing_calendar(&self, year: i32) -> Result<MarketingCalendar, Error> {
        let year = year.to_string();
        let call = self.transport.get(["marketing", "calendar", year.as_str()]);
        call.send_data().await
    }

    /// Aggregated marketing data shaped for causal analysis of `target_metric`
    /// (`POST /marketing/export/causal?target_metric=…`).
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a blank target metric or an invalid
    /// aggregation; otherwise as [`ingest_marketing_data`](Self::ingest_marketing_data).
    pub async fn export_marketing_for_causal(
        &self,
        request: MarketingAggregation,
        target_metric: &str,
    ) -> Result<CausalAnalysis, Error> {
        request.validate()?;
        if target_metric.trim().is_empty() {
            return Err(Error::invalid_input("target metric must not be empty"));
        }
        let call = self
            .transport
            .post("/marketing/export/causal")
            .query(&[("target_metric", target_metric)])
            .json(&request)
            .idempotent(true);
        call.send_data().await
    }

    /// Transforms marketing data without storing it (`POST /marketing/transform`), with an
    /// optional `PandasTransformationConfig` object (`data_source`, `transformation_rules`,
    /// …) as `config`.
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for an invalid request or a `config` that is
    /// not a JSON object; otherwise as [`ingest_marketing_data`](Self::ingest_marketing_data).
    pub async fn transform_marketing_data(
        &self,
        request: MarketingIngestRequest,
        config: Option<Value>,
    ) -> Result<MarketingTransformResult, Error> {
        request.validate()?;
        #[derive(Serialize)]
        struct Body<'a> {
            request: &'a MarketingIngestRequest,
            #[serde(skip_serializing_if = "Option::is_none")]
            transformation_config: Option<Map<String, Value>>,
        }
        let transformation_config = match config {
            None => None,
            Some(Value::Object(map)) => Some(map),
            Some(_) => {
                return Err(Error::invalid_input(
                    "transformation config must be a JSON object",
                ));
            }
        };
        let body = Body {
            request: &request,
            transformation_config,
        };
        let call = self
            .transport
            .post("/marketing/transform")
            .json(&body)
            .idempotent(true);
        call.send_data().await
    }

    /// Stores one causal marketing record (`POST /api/v1/marketing/ingest/causal`).
    ///
    /// The record is the reference's `CausalMarketingData` (about forty fields, twelve of
    /// them required: `id`, `org_id`, `timestamp`, `data_source`, `campaign_id`,
    /// `campaign_name`, `campaign_objective`, `campaign_status`, `treatment_group`,
    /// `treatment_type`, `randomization_unit`, `calendar_features`): pass your own
    /// `Serialize` type or a `serde_json::Value`.
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, when `record` does not serialise to a JSON
    /// object; otherwise the transport's errors (422 for a record the service refuses) and
    /// `Decode` for a malformed answer.
    pub async fn ingest_causal_marketing_data<T: Serialize + ?Sized>(
        &self,
        record: &T,
    ) -> Result<CausalIngestResult, Error> {
        let record = serde_json::to_value(record)
            .map_err(|err| Error::invalid_input("causal marketing record").with_source(err))?;
        if !record.is_object() {
            return Err(Error::invalid_input(
                "a causal marketing record must be a JSON object",
            ));
        }
        let call = self
            .transport
            .post("/api/v1/marketing/ingest/causal")
            .json(&record);
        call.send_data().await
    }

    /// The data points of a causal experiment
    /// (`GET /api/v1/marketing/causal/{experiment_id}`); 404 when there are none.
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a blank id; otherwise the transport's
    /// errors and `Decode` for a malformed answer.
    pub async fn causal_experiment_data(
        &self,
        experiment_id: &str,
    ) -> Result<CausalExperimentData, Error> {
        if experiment_id.trim().is_empty() {
            return Err(Error::invalid_input("experiment id must not be empty"));
        }
        let call = self
            .transport
            .get(["api", "v1", "marketing", "causal", experiment_id]);
        call.send_data().await
    }

    /// The confounders of `platform`'s data from `start` to `end` (`YYYY-MM-DD`)
    /// (`GET /api/v1/marketing/confounders`).
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a blank platform; otherwise the
    /// transport's errors and `Decode` for a malformed answer.
    pub async fn marketing_confounders(
        &self,
        platform: &str,
        start: &str,
        end: &str,
    ) -> Result<CausalAnalysis, Error> {
        if platform.trim().is_empty() {
            return Err(Error::invalid_input("platform must not be empty"));
        }
        let call = self.transport.get("/api/v1/marketing/confounders").query(&[
            ("platform", platform),
            ("date_range_start", start),
            ("date_range_end", end),
        ]);
        call.send_data().await
    }

    /// Runs a causal analysis over stored marketing data
    /// (`POST /api/v1/marketing/causal/search`).
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a malformed time-window date; otherwise
    /// the transport's errors and `Decode` for a malformed answer.
    pub async fn search_causal_marketing_data(
        &self,
        request: &CausalAnalysisRequest,
    ) -> Result<CausalAnalysis, Error> {
        request.validate()?;
        let call = self
            .transport
            .post("/api/v1/marketing/causal/search")
            .json(request)
            .idempotent(true);
        call.send_data().await
    }
}
