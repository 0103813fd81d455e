//! [`MockMemory`]: the memory service, stateful per organisation.

mod answers;
mod records;
mod state;

use std::ops::Deref;
use std::sync::{Arc, Mutex};

use lift_auth::UserContext;
use lift_memory_client::MemoryClient;
use serde_json::Value;

use self::answers::{Answer, Route, lock};
use self::state::MemoryState;
use super::{Caller, Expected, MockService, Received};
use crate::openapi::Service;

pub use self::records::{SearchRecord, StoreRecord};
pub use self::state::Memory;

/// A mock of the memory service that remembers what it was told, per organisation.
///
/// - `POST /store` keeps the memory for the caller's organisation (`X-Org-ID`, or the
///   bearer token's `org_id` through the gateway) and answers the reference's envelope, with
///   an id shaped like `memory_{org_id}_{epoch seconds}`. `"metadata": null` gets a 500, as
///   it crashes the reference's handler; nothing is stored.
/// - `POST /search` and `/search/{neural,conceptual,knowledge}` find what that organisation
///   stored: a memory matches when its content contains a term of the query (case
///   insensitive), scored by the share of the query's terms it contains, best first. An
///   organisation never sees another's memories.
/// - `/search/batch`, `/insights` (computed from what was stored), `/context/…`,
///   `/conceptual-spaces…`, `/performance/metrics`, `/workflows/…`, `/`, `/health` and
///   `/ready` answer with the reference's shapes (contract §5.2). The `/marketing/…` and
///   `/api/v1/marketing/…` routes have no happy answer (404 unless a test mounts one).
/// - A call without user context (no `X-User-ID` + `X-Org-ID`, no bearer token) gets the
///   reference's 401 `{"detail":"User context required"}`; a body the service would refuse
///   gets FastAPI's 422 (the request check of [`MockService`]). Behind the gateway mock,
///   the caller is read from the bearer token's claims without verifying it: refusing a
///   bad token is the gateway's job.
///
/// It dereferences to its [`MockService`] for `uri`, `received`, `expect_call`, `verify`…
///
/// ```
/// use lift_memory_client::SearchRequest;
/// use lift_testkit::mocks::MockMemory;
///
/// # async fn run() -> Result<(), lift_memory_client::Error> {
/// let memory = MockMemory::start().await;
/// memory.expect_store().times(1);
/// memory.expect_search("signups").as_user(MockMemory::USER_ID);
///
/// let client = memory.client();
/// let stored = client.store("Q3 campaign lifted signups 12%").await?;
/// let found = client.search(SearchRequest::new("signups")).await?;
///
/// assert_eq!(found.results[0].id, stored.memory_id);
/// assert_eq!(memory.memories(MockMemory::ORG_ID).len(), 1);
/// memory.verify().await;
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap();
/// ```
pub struct MockMemory {
    service: MockService,
    state: Arc<Mutex<MemoryState>>,
}

impl MockMemory {
    /// The user [`client`](Self::client) acts as.
    pub const USER_ID: &'static str = "test-user";
    /// The organisation [`client`](Self::client) acts for: the same as the default of
    /// [`TestTokens::user`](crate::tokens::TestTokens::user), so a test token's memories and
    /// the direct client's are one organisation's.
    pub const ORG_ID: &'static str = "test-org";

    /// Starts a memory mock on its own loopback server (direct mode).
    pub async fn start() -> Self {
        Self::mount(MockService::start(Service::Memory).await).await
    }

    /// Starts a memory mock on the gateway mock's server, under `/memory` (gateway mode).
    pub async fn behind(gateway: &MockService) -> Self {
        Self::mount(MockService::behind(gateway, Service::Memory).await).await
    }

    async fn mount(service: MockService) -> Self {
        let state = Arc::new(Mutex::new(MemoryState::default()));
        for (route, method, path) in Route::ALL.into_iter().chain([Route::WORKFLOW_STATUS]) {
            let state = Arc::clone(&state);
            service
                .answer_by_default(method, path, Answer { state, route })
                .await;
        }
        Self { service, state }
    }

    /// A memory client in direct mode, pointed at this mock, acting as user
    /// [`USER_ID`](Self::USER_ID) of organisation [`ORG_ID`](Self::ORG_ID) (the
    /// `X-User-*` headers).
    ///
    /// # Panics
    ///
    /// Never in practice: the mock's URL is a valid loopback URL.
    #[must_use]
    pub fn client(&self) -> MemoryClient {
        let client = MemoryClient::builder()
            .service_url(self.uri())
            .build()
            .expect("the mock's loopback URL makes a valid client");
        client.for_context(&UserContext::new(Self::USER_ID, Self::ORG_ID))
    }

    /// A memory client in gateway mode, pointed at this mock's server (the gateway mock's,
    /// for a mock [`behind`](Self::behind) it), sending `token` as the bearer.
    ///
    /// # Panics
    ///
    /// Never in practice: the mock's URL is a valid loopback URL.
    #[must_use]
    pub fn gateway_client(&self, token: impl Into<lift_auth::Token>) -> MemoryClient {
        let client = MemoryClient::builder()
            .gateway_url(self.uri())
            .build()
            .expect("the mock's loopback URL makes a valid client");
        client.for_token(token)
    }

    /// The memories organisation `org_id` holds, in the order they were stored.
    #[must_use]
    pub fn memories(&self, org_id: &str) -> Vec<Memory> {
        lock(&self.state).memories(org_id)
    }

    /// Stores a memory for `org_id` as if a client had (type `general`), and returns its id.
    /// `metadata` is kept when it is a JSON object, else `{}`. Not journaled.
    #[allow(
        clippy::must_use_candidate,
        reason = "stored already: the id is a convenience"
    )]
    pub fn seed(&self, org_id: &str, content: &str, metadata: Value) -> String {
        let metadata = match metadata {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        lock(&self.state)
            .store(org_id, content, metadata, "general")
            .id
    }

    /// Expects at least one `POST /store` (refine with `.times(n)`, `.as_user(…)`).
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_store(&self) -> Expected {
        self.expect_call("POST", "/store")
    }

    /// Expects no `POST /store` at all.
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_no_store(&self) -> Expected {
        let expected = self.expect_store();
        expected.never();
        expected
    }

    /// Expects at least one search for exactly `query`, on `/search` or
    /// `/search/{type}` (refine with `.as_user(…)`, `.times(n)`).
    #[allow(clippy::must_use_candidate, reason = "registered already")]
    pub fn expect_search(&self, query: impl Into<String>) -> Expected {
        let query = query.into();
        let description = format!("a search for `{query}`");
        self.expect(description, move |request| {
            search_record(request).is_some_and(|search| search.query == query)
        })
    }

    /// Every store received that decodes, with who sent it, in arrival order.
    #[must_use]
    pub fn stored(&self) -> Vec<(StoreRecord, Option<Caller>)> {
        self.received_on("POST", "/store")
            .into_iter()
            .filter_map(|request| Some((request.json().ok()?, request.caller)))
            .collect()
    }

    /// Every search received that decodes (on `/search` and `/search/{type}`, not the
    /// batch), with who sent it, in arrival order.
    #[must_use]
    pub fn searches(&self) -> Vec<(SearchRecord, Option<Caller>)> {
        self.received()
            .into_iter()
            .filter_map(|request| Some((search_record(&request)?, request.caller)))
            .collect()
    }
}

/// The search `request` carries, when it is one that decodes.
fn search_record(request: &Received) -> Option<SearchRecord> {
    let path_type = match request.path.trim_end_matches('/') {
        "/search" => None,
        "/search/neural" => Some(lift_sdk_core::SearchType::Neural),
        "/search/conceptual" => Some(lift_sdk_core::SearchType::Conceptual),
        "/search/knowledge" => Some(lift_sdk_core::SearchType::Knowledge),
        _ => return None,
    };
    if request.method != http::Method::POST {
        return None;
    }
    let mut record: SearchRecord = request.json().ok()?;
    if let Some(search_type) = path_type {
        record.search_type = search_type;
    }
    record.path.clone_from(&request.path);
    Some(record)
}

impl Deref for MockMemory {
    type Target = MockService;

    fn deref(&self) -> &MockService {
        &self.service
    }
}

impl std::fmt::Debug for MockMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockMemory")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}
