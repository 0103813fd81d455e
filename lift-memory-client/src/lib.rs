//! A typed client for the Lift OS Core memory service: store and search memories, read
//! insights, manage contexts, conceptual spaces and workflows, and ingest and analyse
//! marketing data, on behalf of the calling user.
//!
//! ```no_run
//! use lift_sdk_core::Transport;
//! use lift_memory_client::{MemoryClient, SearchRequest, SearchType, StoreRequest};
//!
//! # async fn run(token: String) -> Result<(), lift_memory_client::Error> {
//! // Through the gateway: base URL `{gateway}/memory` and the caller's bearer token.
//! let transport = Transport::builder("http://localhost:8000/memory")
//!     .service("memory")
//!     .build()?;
//! let memory = MemoryClient::through_gateway(transport).for_token(token);
//!
//! let stored = memory.store(StoreRequest::new("Q3 campaign lifted signups 12%")).await?;
//! let found = memory
//!     .search(SearchRequest::new("campaign lift").search_type(SearchType::Neural).limit(5))
//!     .await?;
//! println!("stored {}, found {} (correlation id {:?})",
//!     stored.memory_id, found.count, found.correlation_id());
//! # Ok(()) }
//! ```
//!
//! [`MemoryClient`] is built on a [`lift_sdk_core::Transport`]: it shares that crate's retries,
//! circuit breaker, tracing and [`Error`]. Which transport you give it decides the route:
//! `{gateway}/memory` with a bearer token ([`MemoryClient::through_gateway`], which never
//! lets a user-context header out), or memory's own URL with the user-context headers
//! ([`MemoryClient::new`]). Both are described on [`MemoryClient`]. Input the service would refuse (a blank query, a limit
//! outside 1..=100, metadata that is not an object) is refused before anything is sent.
//!
//! # Feature flags
//!
//! | flag | default | enables |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls (forwarded to `lift-sdk-core`) |
//! | `native-tls` | no | TLS through the platform's library (forwarded to `lift-sdk-core`) |
#![cfg_attr(docsrs, feature(doc_cfg))]

mod calls;
mod client;
mod ids;
mod model;
mod request;

#[doc(inline)]
pub use client::{MemoryClient, MemoryClientBuilder};
#[doc(inline)]
pub use ids::{MemoryId, SpaceId, WorkflowId};
/// How the memory service ranks results: [`lift_sdk_core::SearchType`], the same type the
/// registry client's manifests declare.
pub use lift_sdk_core::SearchType;
#[doc(inline)]
pub use model::context::{ContextDeleted, ContextStats, MemoryContext};
#[doc(inline)]
pub use model::info::ServiceInfo;
#[doc(inline)]
pub use model::insights::MemoryInsights;
#[doc(inline)]
pub use model::marketing::{
    CausalAnalysis, CausalExperimentData, CausalIngestResult, MarketingCalendar,
    MarketingIngestResult, MarketingInsights, MarketingSearchResult, MarketingTransformResult,
    StoredMarketingEntry,
};
#[doc(inline)]
pub use model::marketing_request::{
    CausalAnalysisRequest, CausalMethod, DataSource, MarketingAggregation, MarketingIngestRequest,
    MarketingSearchRequest,
};
#[doc(inline)]
pub use model::metadata::ResponseMetadata;
#[doc(inline)]
pub use model::metrics::{PerformanceMetrics, PerformanceSummary};
#[doc(inline)]
pub use model::search::{
    BatchSearchResult, ConceptualSpaceRef, SearchHit, SearchPerformance, SearchResponse,
};
#[doc(inline)]
pub use model::spaces::{ConceptualSpace, ConceptualSpaces, SpaceDetails};
#[doc(inline)]
pub use model::store::{StoreFeatures, StorePerformance, StoreResult};
#[doc(inline)]
pub use model::workflow::{Workflow, WorkflowRequest, WorkflowStatus};
#[doc(inline)]
pub use request::{BatchSearchRequest, DEFAULT_LIMIT, MAX_LIMIT, SearchRequest, StoreRequest};

/// The error every call returns: [`lift_sdk_core::Error`].
pub use lift_sdk_core::Error;
/// The kind of an [`Error`].
pub use lift_sdk_core::ErrorKind;

/// `Result` with [`Error`] as its default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

// The README's code blocks are compiled and run as doctests, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
