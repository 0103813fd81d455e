//! What the marketing routes answer (contract §8.2). The reference documents only the
//! envelope, so the fields it names are typed and the rest is kept as JSON.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::ids::MemoryId;
use lift_sdk_core::SearchType;
use lift_sdk_core::decode::{null_as_default, seconds};

/// The answer to `POST /marketing/ingest`: each stored entry.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct MarketingIngestResult {
    /// The stored entries.
    #[serde(default, deserialize_with = "null_as_default")]
    pub stored_entries: Vec<StoredMarketingEntry>,
    /// The source, as the service echoes it.
    #[serde(default)]
    pub data_source: Option<String>,
    /// The date range, as the service echoes it (`start`, `end`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub date_range: Map<String, Value>,
    /// The service's own time (`duration`, seconds on the wire).
    #[serde(default, deserialize_with = "seconds")]
    pub duration: Duration,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(MarketingIngestResult, mistyped);

/// One entry stored by `POST /marketing/ingest`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct StoredMarketingEntry {
    /// The entry's id.
    #[serde(default)]
    pub entry_id: Option<String>,
    /// The memory the entry was stored as.
    #[serde(default)]
    pub memory_id: Option<MemoryId>,
    /// The entry's source.
    #[serde(default)]
    pub data_source: Option<String>,
    /// The metrics read from the entry.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metrics: Map<String, Value>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(StoredMarketingEntry, mistyped);

/// The answer to `POST /marketing/search`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct MarketingSearchResult {
    /// The hits, as the service sends them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub results: Vec<Value>,
    /// How many hits.
    #[serde(default, deserialize_with = "null_as_default")]
    pub count: u64,
    /// The strategy used.
    #[serde(default, deserialize_with = "null_as_default")]
    pub search_type: SearchType,
    /// The filters the service applied.
    #[serde(default, deserialize_with = "null_as_default")]
    pub filters_applied: Map<String, Value>,
    /// The service's own time (seconds on the wire).
    #[serde(default, deserialize_with = "seconds")]
    pub duration: Duration,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(MarketingSearchResult, mistyped);

/// The answer to `POST /marketing/insights` (the reference's `MarketingInsights`: totals,
/// averages, `roas`, `data_sources_summary`, `top_campaigns`, `performance_trends`,
/// `calendar_insights`), kept as JSON because its figures depend on the metrics asked for.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct MarketingInsights {
    /// Every field of the answer.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(MarketingInsights, fields);

impl MarketingInsights {
    /// One field of the answer, such as `roas`.
    #[must_use]
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }
}

/// The answer to `GET /marketing/calendar/{year}`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct MarketingCalendar {
    /// The year.
    #[serde(default)]
    pub year: Option<i64>,
    /// One `CalendarDimension` per day.
    #[serde(default, deserialize_with = "null_as_default")]
    pub calendar_dimensions: Vec<Map<String, Value>>,
    /// How many days.
    #[serde(default, deserialize_with = "null_as_default")]
    pub total_days: u64,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(MarketingCalendar, mistyped);

/// An answer of the causal-analysis routes (`POST /marketing/export/causal`,
/// `GET /api/v1/marketing/confounders`, `POST /api/v1/marketing/causal/search`), whose
/// shape depends on the analysis: every field kept as JSON.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct CausalAnalysis {
    /// Every field of the answer.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(CausalAnalysis, fields);

impl CausalAnalysis {
    /// One field of the answer, such as `causal_data`.
    #[must_use]
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }
}

/// The answer to `POST /marketing/transform`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct MarketingTransformResult {
    /// The transformed records.
    #[serde(default, deserialize_with = "null_as_default")]
    pub transformed_data: Vec<Value>,
    /// What the transformation did.
    #[serde(default, deserialize_with = "null_as_default")]
    pub transformation_summary: Map<String, Value>,
    /// One transformed record, when sent.
    #[serde(default)]
    pub sample_record: Option<Value>,
    /// The service's own time (seconds on the wire).
    #[serde(default, deserialize_with = "seconds")]
    pub duration: Duration,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(MarketingTransformResult, mistyped);

/// The answer to `POST /api/v1/marketing/ingest/causal`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct CausalIngestResult {
    /// The memory the record was stored as.
    #[serde(default)]
    pub memory_id: Option<MemoryId>,
    /// The record's platform.
    #[serde(default)]
    pub platform: Option<String>,
    /// The record's campaign.
    #[serde(default)]
    pub campaign_id: Option<String>,
    /// The data-quality score the service computed, 0 to 1.
    #[serde(default)]
    pub quality_score: Option<f64>,
    /// The service's own time (seconds on the wire).
    #[serde(default, deserialize_with = "seconds")]
    pub duration: Duration,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(CausalIngestResult, mistyped);

/// The answer to `GET /api/v1/marketing/causal/{experiment_id}`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct CausalExperimentData {
    /// The experiment.
    #[serde(default)]
    pub experiment_id: Option<String>,
    /// Its data points.
    #[serde(default, deserialize_with = "null_as_default")]
    pub data_points: Vec<Value>,
    /// How many.
    #[serde(default, deserialize_with = "null_as_default")]
    pub count: u64,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(CausalExperimentData, mistyped);
