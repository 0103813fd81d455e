//! The marketing routes: exact requests and decoded answers, in both routing modes.

use std::time::Duration;

use lift_memory_client::{
    CausalAnalysisRequest, CausalMethod, DataSource, ErrorKind, MarketingAggregation,
    MarketingIngestRequest, MarketingSearchRequest, MemoryId, SearchType,
};
use serde_json::json;
use wiremock::matchers::body_json;

use crate::support::{ExactQuery, Harness, Mode, NoBody, envelope, received};

fn ingest() -> MarketingIngestRequest {
    MarketingIngestRequest::new(DataSource::MetaBusiness, "2026-11-01", "2026-11-30")
        .entry(json!({"campaign_id": "c-1", "spend": 120.5}))
}

fn ingest_json() -> serde_json::Value {
    json!({"data_source": "meta_business", "data_entries": [{"campaign_id": "c-1", "spend": 120.5}],
           "date_range_start": "2026-11-01", "date_range_end": "2026-11-30"})
}

fn aggregation() -> MarketingAggregation {
    MarketingAggregation::new(
        [DataSource::GoogleAds, DataSource::Klaviyo],
        "2026-11-01",
        "2026-11-30",
    )
    .group_by(["campaign_id"])
    .metrics(["spend", "conversions"])
    .filters(json!({"country": "NL"}))
}

fn aggregation_json() -> serde_json::Value {
    json!({"data_sources": ["google_ads", "klaviyo"], "date_range_start": "2026-11-01",
           "date_range_end": "2026-11-30", "group_by": ["campaign_id"],
           "metrics": ["spend", "conversions"], "filters": {"country": "NL"}})
}

#[tokio::test]
async fn ingest_sends_the_ingestion_request_and_decodes_the_stored_entries() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("POST", "/marketing/ingest")
            .and(body_json(ingest_json()))
            .respond_with(envelope(
                json!({"stored_entries": [{"entry_id": "e-1", "memory_id": "memory_o_1.5",
                                           "data_source": "meta_business", "metrics": {"spend": 120.5}}],
                       "data_source": "meta_business",
                       "date_range": {"start": "2026-11-01", "end": "2026-11-30"}, "duration": 0.25}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;

        let result = h.client.ingest_marketing_data(ingest()).await.unwrap();

        let entry = &result.stored_entries[0];
        assert_eq!(
            entry.memory_id,
            Some(MemoryId::new("memory_o_1.5").unwrap()),
            "{mode:?}"
        );
        assert_eq!(entry.metrics["spend"], 120.5);
        assert_eq!(result.date_range["start"], "2026-11-01");
        assert_eq!(result.duration, Duration::from_millis(250));
    }
}

#[tokio::test]
async fn search_sends_only_the_filters_set_and_decodes_the_hits() {
    let h = Harness::start(Mode::Gateway).await;
    h.given("POST", "/marketing/search")
        .and(body_json(
            json!({"query": "q4 lift", "data_sources": ["tiktok"],
                              "campaign_ids": ["c-1"], "limit": 5, "search_type": "neural"}),
        ))
        .respond_with(envelope(
            json!({"results": [{"id": "memory_o_1"}], "count": 1, "search_type": "neural",
                   "filters_applied": {"data_sources": ["tiktok"]}, "duration": 0.01}),
            json!(null),
        ))
        .expect(1)
        .mount(&h.server)
        .await;

    let found = h
        .client
        .search_marketing_data(
            MarketingSearchRequest::new("q4 lift")
                .data_sources([DataSource::Tiktok])
                .campaign_ids(["c-1"])
                .limit(5)
                .search_type(SearchType::Neural),
        )
        .await
        .unwrap();

    assert_eq!((found.count, found.results.len()), (1, 1));
    assert_eq!(found.search_type, SearchType::Neural);
    assert_eq!(found.filters_applied["data_sources"][0], "tiktok");
}

#[tokio::test]
async fn insights_and_the_causal_export_send_the_aggregation() {
    for mode in Mode::ALL {
        let h = Harness::start(mode).await;
        h.given("POST", "/marketing/insights")
            .and(ExactQuery(None))
            .and(body_json(aggregation_json()))
            .respond_with(envelope(
                json!({"roas": 3.2, "top_campaigns": []}),
                json!(null),
            ))
            .expect(1)
            .mount(&h.server)
            .await;
        h.given("POST", "/marketing/export/causal")
            .and(ExactQuery(Some("target_metric=revenue")))
            .and(body_json(aggregation_json()))
            .respond_with(envelope(json!({"causal_data": [{"t": 1}]}), json!(null)))
            .expect(1)
            .mount(&h.server)
            .await;

        let insights = h.client.marketing_insights(aggregation()).await.unwrap();
        let export = h
            .client
            .export_marketing_for_causal(aggregation(), "revenue")
            .await
            .unwrap();

        assert_eq!(insights.get("roas"), Some(&json!(3.2)), "{mode:?}");
        assert_eq!(export.get("causal_data"), Some(&json!([{"t": 1}])));
    }
}

#[tokio::test]
async fn calendar_experiment_and_confounders_are_gets_with_their_parameters() {
    let h = Harness::start(Mode::Direct).await;
    h.given("GET", "/marketing/calendar/2026")
        .and(NoBody)
        .respond_with(envelope(
            json!({"year": 2026, "calendar_dimensions": [{"date": "2026-01-01"}], "total_days": 365}),
            json!(null),
        ))
        .expect(1)
        .mount(&h.server)
        .await;
    h.given("GET", "/api/v1/marketing/causal/exp-7")
        .respond_with(envelope(
            json!({"experiment_id": "exp-7", "data_points": [{}, {}], "count": 2}),
            json!(null),
        ))
        .expect(1)
        .mount(&h.server)
        .await;
    h.given("GET", "/api/v1/marketing/confounders")
        .and(ExactQuery(Some(
            "platform=meta&date_range_start=2026-11-01&date_range_end=2026-11-30",
        )))
        .respond_with(envelope(
            json!({"confounders": ["seasonality"]}),
            json!(null),
        ))
        .expect(1)
        .mount(&h.server)
        .await;

    let calendar = h.client.marketing_calendar(2026).await.unwrap();
    let experiment = h.client.causal_experiment_data("exp-7").await.unwrap();
    let confounders = h
        .client
        .marketing_confounders("meta", "2026-11-01", "2026-11-30")
        .await
        .unwrap();

    assert_eq!((calendar.year, calendar.total_days), (Some(2026), 365));
    assert_eq!(calendar.calendar_dimensions.len(), 1);
    assert_eq!((experiment.count, experiment.data_points.len()), (2, 2));
    assert_eq!(
        confounders.get("confounders"),
        Some(&json!(["seasonality"]))
    );
}

#[tokio::test]
async fn transform_wraps_the_request_and_causal_routes_send_their_records() {
    let h = Harness::start(Mode::Gateway).await;
    let config = json!({"data_source": "meta_business", "transformation_rules": []});
    h.given("POST", "/marketing/transform")
        .and(body_json(
            json!({"request": ingest_json(), "transformation_config": config}),
        ))
        .respond_with(envelope(
            json!({"transformed_data": [{"a": 1}], "transformation_summary": {"rows": 1},
                   "sample_record": {"a": 1}, "duration": 0.5}),
            json!(null),
        ))
        .expect(1)
        .mount(&h.server)
        .await;
    let analysis = CausalAnalysisRequest::new(
        "org-1",
        "attribution",
        CausalMethod::SyntheticControl,
        "spend",
        "conversions",
    )
    .confounders(["seasonality"])
    .time_window("2026-11-01", "2026-11-30");
    h.given("POST", "/api/v1/marketing/causal/search")
        .and(body_json(
            json!({"org_id": "org-1", "analysis_type": "attribution",
            "data_query": {}, "causal_method": "synthetic_control", "treatment_variable": "spend",
            "outcome_variable": "conversions", "confounders": ["seasonality"],
            "time_window": {"end": "2026-11-30", "start": "2026-11-01"}, "options": {}}),
        ))
        .respond_with(envelope(json!({"effect": 0.12}), json!(null)))
        .expect(1)
        .mount(&h.server)
        .await;

    let transformed = h
        .client
        .transform_marketing_data(ingest(), Some(config.clone()))
        .await
        .unwrap();
    let found = h
        .client
        .search_causal_marketing_data(&analysis)
        .await
        .unwrap();

    assert_eq!(transformed.transformed_data.len(), 1);
    assert_eq!(transformed.transformation_summary["rows"], 1);
    assert_eq!(transformed.duration, Duration::from_millis(500));
    assert_eq!(found.get("effect"), Some(&json!(0.12)));
}

#[tokio::test]
async fn invalid_marketing_input_is_refused_before_sending() {
    let h = Harness::start(Mode::Direct).await;
    let bad_date = MarketingIngestRequest::new(DataSource::Manual, "2026-11-31x", "2026-11-30");
    let errors = [
        h.client.ingest_marketing_data(bad_date).await.unwrap_err(),
        h.client
            .search_marketing_data(MarketingSearchRequest::new("q").limit(0))
            .await
            .unwrap_err(),
        h.client
            .search_marketing_data(
                MarketingSearchRequest::new("q").search_type(SearchType::Other("fuzzy".into())),
            )
            .await
            .unwrap_err(),
        h.client
            .marketing_insights(aggregation().filters(json!("x")))
            .await
            .unwrap_err(),
        h.client
            .transform_marketing_data(ingest(), Some(json!([1])))
            .await
            .unwrap_err(),
        h.client
            .ingest_causal_marketing_data(&json!([1]))
            .await
            .unwrap_err(),
        h.client.causal_experiment_data(" ").await.unwrap_err(),
    ];
    for err in errors {
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }
    assert!(received(&h.server).await.is_empty());
}

#[tokio::test]
async fn a_causal_record_is_sent_as_given_and_the_answer_decodes() {
    let h = Harness::start(Mode::Gateway).await;
    let record = json!({
        "id": "rec-1", "org_id": "org-1", "timestamp": "2026-11-23T07:26:12Z",
        "data_source": "meta_business", "campaign_id": "c-1", "campaign_name": "Q4",
        "campaign_objective": "conversions", "campaign_status": "active",
        "treatment_group": "treatment", "treatment_type": "budget_increase",
        "randomization_unit": "campaign",
        "calendar_features": {
            "date": "2026-11-23", "year": 2026, "quarter": 4, "month": 11, "week": 48,
            "day_of_year": 327, "day_of_month": 23, "day_of_week": 0,
            "is_weekend": false, "season": "autumn"
        }
    });
    h.given("POST", "/api/v1/marketing/ingest/causal")
        .and(body_json(record.clone()))
        .respond_with(envelope(
            json!({"memory_id": "memory_org-1_1.5", "platform": "meta_business",
                   "campaign_id": "c-1", "quality_score": 0.9, "duration": 0.02}),
            json!(null),
        ))
        .expect(1)
        .mount(&h.server)
        .await;

    let stored = h
        .client
        .ingest_causal_marketing_data(&record)
        .await
        .unwrap();

    assert_eq!(
        stored.memory_id,
        Some(MemoryId::new("memory_org-1_1.5").unwrap())
    );
    assert_eq!(stored.platform.as_deref(), Some("meta_business"));
    assert_eq!(stored.quality_score, Some(0.9));
    assert_eq!(stored.duration, Duration::from_millis(20));
}
