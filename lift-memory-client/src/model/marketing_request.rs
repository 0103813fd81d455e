//! What the marketing routes take: the reference's `MarketingData*Request` and
//! `CausalAnalysisRequest` schemas (memory.json), built with `new` and setters.

use std::collections::BTreeMap;

use lift_sdk_core::Error;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::request::{DEFAULT_LIMIT, MAX_LIMIT};
use lift_sdk_core::SearchType;

/// A marketing data source (the reference's `DataSource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[allow(missing_docs, reason = "each variant is the platform it names")]
pub enum DataSource {
    MetaBusiness,
    GoogleAds,
    Klaviyo,
    Shopify,
    Woocommerce,
    AmazonSellerCentral,
    Hubspot,
    Salesforce,
    Stripe,
    Paypal,
    Tiktok,
    Snowflake,
    Databricks,
    ZohoCrm,
    LinkedinAds,
    XAds,
    Manual,
}

/// A causal inference method (the reference's `CausalMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[allow(missing_docs, reason = "each variant is the method it names")]
pub enum CausalMethod {
    DifferenceInDifferences,
    InstrumentalVariables,
    RegressionDiscontinuity,
    Matching,
    SyntheticControl,
    RandomizedExperiment,
}

/// Marketing data to ingest (`POST /marketing/ingest`, and the data of
/// `POST /marketing/transform`): entries from one source over a date range. Dates are
/// `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketingIngestRequest {
    data_source: DataSource,
    data_entries: Vec<Map<String, Value>>,
    date_range_start: String,
    date_range_end: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Map<String, Value>>,
    #[serde(skip)]
    invalid: Option<&'static str>,
}

impl MarketingIngestRequest {
    /// No entries yet, from `data_source`, dated `start` to `end` (`YYYY-MM-DD`).
    pub fn new(data_source: DataSource, start: impl Into<String>, end: impl Into<String>) -> Self {
        Self {
            data_source,
            data_entries: Vec::new(),
            date_range_start: start.into(),
            date_range_end: end.into(),
            metadata: None,
            invalid: None,
        }
    }

    /// Adds one entry, a JSON object (anything else fails the call with `InvalidInput`).
    #[must_use]
    pub fn entry(mut self, entry: impl Into<Value>) -> Self {
        match entry.into() {
            Value::Object(map) => self.data_entries.push(map),
            _ => self.invalid = Some("a marketing data entry must be a JSON object"),
        }
        self
    }

    /// Metadata, a JSON object (anything else fails the call with `InvalidInput`).
    #[must_use]
    pub fn metadata(mut self, metadata: impl Into<Value>) -> Self {
        match metadata.into() {
            Value::Object(map) => self.metadata = Some(map),
            _ => self.invalid = Some("marketing metadata must be a JSON object"),
        }
        self
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let Some(problem) = self.invalid {
            return Err(Error::invalid_input(problem));
        }
        check_date("date_range_start", &self.date_range_start)?;
        check_date("date_range_end", &self.date_range_end)
    }
}

/// A search over marketing data (`POST /marketing/search`). Every filter is optional.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketingSearchRequest {
    query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_sources: Option<Vec<DataSource>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_range_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_range_end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    campaign_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<Vec<String>>,
    limit: u32,
    search_type: SearchType,
}

impl MarketingSearchRequest {
    /// A hybrid search for `query`, at most [`DEFAULT_LIMIT`] results.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            data_sources: None,
            date_range_start: None,
            date_range_end: None,
            campaign_ids: None,
            metrics: None,
            limit: DEFAULT_LIMIT,
            search_type: SearchType::Hybrid,
        }
    }

    /// Only these sources.
    #[must_use]
    pub fn data_sources(mut self, sources: impl IntoIterator<Item = DataSource>) -> Self {
        self.data_sources = Some(sources.into_iter().collect());
        self
    }

    /// Only data dated `start` to `end` (`YYYY-MM-DD`).
    #[must_use]
    pub fn date_range(mut self, start: impl Into<String>, end: impl Into<String>) -> Self {
        self.date_range_start = Some(start.into());
        self.date_range_end = Some(end.into());
        self
    }

    /// Only these campaigns.
    #[must_use]
    pub fn campaign_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.campaign_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Only these metrics.
    #[must_use]
    pub fn metrics<I: IntoIterator<Item = S>, S: Into<String>>(mut self, metrics: I) -> Self {
        self.metrics = Some(metrics.into_iter().map(Into::into).collect());
        self
    }

    /// At most `limit` results, 1 to [`MAX_LIMIT`].
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }

    /// The ranking strategy; the reference accepts only the four known ones.
    #[must_use]
    pub fn search_type(mut self, search_type: SearchType) -> Self {
        self.search_type = search_type;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if !(1..=MAX_LIMIT).contains(&self.limit) {
            return Err(Error::invalid_input(format!(
                "limit must be between 1 and {MAX_LIMIT}, not {}",
                self.limit
            )));
        }
        if matches!(self.search_type, SearchType::Other(_)) {
            return Err(Error::invalid_input(format!(
                "search type `{}` is not one the service accepts",
                self.search_type.as_str()
            )));
        }
        for (field, date) in [
            ("date_range_start", &self.date_range_start),
            ("date_range_end", &self.date_range_end),
        ] {
            if let Some(date) = date {
                check_date(field, date)?;
            }
        }
        Ok(())
    }
}

impl From<&str> for MarketingSearchRequest {
    fn from(query: &str) -> Self {
        Self::new(query)
    }
}

/// An aggregation over marketing data (`POST /marketing/insights` and
/// `POST /marketing/export/causal`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketingAggregation {
    data_sources: Vec<DataSource>,
    date_range_start: String,
    date_range_end: String,
    group_by: Vec<String>,
    metrics: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filters: Option<Map<String, Value>>,
    #[serde(skip)]
    invalid: Option<&'static str>,
}

impl MarketingAggregation {
    /// Data from `sources` dated `start` to `end` (`YYYY-MM-DD`), no grouping, no metrics.
    pub fn new(
        sources: impl IntoIterator<Item = DataSource>,
        start: impl Into<String>,
        end: impl Into<String>,
    ) -> Self {
        Self {
            data_sources: sources.into_iter().collect(),
            date_range_start: start.into(),
            date_range_end: end.into(),
            group_by: Vec::new(),
            metrics: Vec::new(),
            filters: None,
            invalid: None,
        }
    }

    /// Group by these fields.
    #[must_use]
    pub fn group_by<I: IntoIterator<Item = S>, S: Into<String>>(mut self, fields: I) -> Self {
        self.group_by = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Aggregate these metrics.
    #[must_use]
    pub fn metrics<I: IntoIterator<Item = S>, S: Into<String>>(mut self, metrics: I) -> Self {
        self.metrics = metrics.into_iter().map(Into::into).collect();
        self
    }

    /// Filters, a JSON object (anything else fails the call with `InvalidInput`).
    #[must_use]
    pub fn filters(mut self, filters: impl Into<Value>) -> Self {
        match filters.into() {
            Value::Object(map) => self.filters = Some(map),
            _ => self.invalid = Some("marketing filters must be a JSON object"),
        }
        self
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let Some(problem) = self.invalid {
            return Err(Error::invalid_input(problem));
        }
        check_date("date_range_start", &self.date_range_start)?;
        check_date("date_range_end", &self.date_range_end)
    }
}

/// A causal analysis over marketing data (`POST /api/v1/marketing/causal/search`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CausalAnalysisRequest {
    org_id: String,
    analysis_type: String,
    data_query: Map<String, Value>,
    causal_method: CausalMethod,
    treatment_variable: String,
    outcome_variable: String,
    confounders: Vec<String>,
    time_window: BTreeMap<String, String>,
    options: Map<String, Value>,
}

impl CausalAnalysisRequest {
    /// An analysis of `treatment` on `outcome` in `org_id`'s data, over every record.
    pub fn new(
        org_id: impl Into<String>,
        analysis_type: impl Into<String>,
        method: CausalMethod,
        treatment: impl Into<String>,
        outcome: impl Into<String>,
    ) -> Self {
        Self {
            org_id: org_id.into(),
            analysis_type: analysis_type.into(),
            data_query: Map::new(),
            causal_method: method,
            treatment_variable: treatment.into(),
            outcome_variable: outcome.into(),
            confounders: Vec::new(),
            time_window: BTreeMap::new(),
            options: Map::new(),
        }
    }

    /// Which records to analyse, a JSON object (anything else is ignored).
    #[must_use]
    pub fn data_query(mut self, query: impl Into<Value>) -> Self {
        if let Value::Object(map) = query.into() {
            self.data_query = map;
        }
        self
    }

    /// The known confounders.
    #[must_use]
    pub fn confounders<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.confounders = names.into_iter().map(Into::into).collect();
        self
    }

    /// The analysis window, `start` to `end` (`YYYY-MM-DD`).
    #[must_use]
    pub fn time_window(mut self, start: impl Into<String>, end: impl Into<String>) -> Self {
        self.time_window.insert("start".to_owned(), start.into());
        self.time_window.insert("end".to_owned(), end.into());
        self
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        for (field, date) in &self.time_window {
            check_date(field, date)?;
        }
        Ok(())
    }
}

/// Refuses anything but a `YYYY-MM-DD` calendar date, which the service would answer 422.
fn check_date(field: &str, date: &str) -> Result<(), Error> {
    let bytes = date.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range.clone())
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
            .then(|| date[range].parse::<u32>().unwrap_or(0))
    };
    let valid = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && digits(0..4).is_some()
        && digits(5..7).is_some_and(|m| (1..=12).contains(&m))
        && digits(8..10).is_some_and(|d| (1..=31).contains(&d));
    if valid {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "{field} must be a date as YYYY-MM-DD, not `{date}`"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert!(check_date("d", "2026-01-31").is_ok());
        for bad in [
            "2026-13-01",
            "2026-1-01",
            "",
            "2026-01-3x",
            "２０２６-01-01",
        ] {
            assert!(check_date("d", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn data_sources_use_the_wire_names() {
        let json =
            serde_json::to_value([DataSource::XAds, DataSource::AmazonSellerCentral]).unwrap();
        assert_eq!(json, serde_json::json!(["x_ads", "amazon_seller_central"]));
    }
}
