//! `LiftClient`: one pool, both routing modes, the right headers to the right place.

use lift_sdk::memory::SearchRequest;
use lift_sdk::registry::ListModules;
use lift_sdk::{DirectIdentity, LiftClient, LiftConfig, Routing};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::module_id;

fn envelope(data: &serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"success": true, "message": "Success", "data": data, "errors": null, "metadata": {"correlation_id": "c-1"}}))
}

fn search_answer() -> ResponseTemplate {
    envelope(&json!({"results": [], "count": 0, "search_type": "hybrid", "duration": 0.01}))
}

fn page_answer() -> ResponseTemplate {
    envelope(
        &json!({"items": [], "total": 0, "page": 1, "size": 10, "pages": 0, "has_next": false, "has_prev": false}),
    )
}

fn has_user_headers(request: &wiremock::Request) -> bool {
    ["x-user-id", "x-org-id", "x-user-roles", "x-memory-context"]
        .iter()
        .any(|name| request.headers.contains_key(*name))
}

#[tokio::test]
async fn gateway_routing_prefixes_paths_and_sends_only_the_bearer() {
    let gateway = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memory/search"))
        .and(header("authorization", "Bearer user-token"))
        .respond_with(search_answer())
        .expect(1)
        .mount(&gateway)
        .await;
    Mock::given(method("GET"))
        .and(path("/registry/modules"))
        .and(header("authorization", "Bearer user-token"))
        .respond_with(page_answer())
        .expect(1)
        .mount(&gateway)
        .await;
    let config = LiftConfig::new(&gateway.uri()).unwrap().token("user-token");
    let client = LiftClient::new(config).unwrap();

    client
        .memory()
        .search(SearchRequest::new("campaign lift"))
        .await
        .unwrap();
    client
        .registry()
        .list(&ListModules::default())
        .await
        .unwrap();
    // A client bound to a user context alone cannot act through the gateway, which trusts
    // only a bearer token: the call fails before anything is sent.
    let context = lift_sdk::UserContext::new("u-1", "o-1");
    let refused = client
        .memory()
        .for_context(&context)
        .search(SearchRequest::new("q"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), lift_sdk::ErrorKind::Auth, "{refused}");

    let requests = gateway.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(
        requests.iter().all(|r| !has_user_headers(r)),
        "user headers sent to the gateway"
    );
}

/// Matches a header whose raw value is exactly this (wiremock's `header` splits on commas).
struct RawHeader(&'static str, &'static str);

impl wiremock::Match for RawHeader {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let values: Vec<_> = request.headers.get_all(self.0).iter().collect();
        values.len() == 1 && values[0].as_bytes() == self.1.as_bytes()
    }
}

/// Matches requests without an `Authorization` header.
struct NoAuthorization;

impl wiremock::Match for NoAuthorization {
    fn matches(&self, request: &wiremock::Request) -> bool {
        !request.headers.contains_key("authorization")
    }
}

#[tokio::test]
async fn direct_routing_sends_the_identity_headers_to_each_service() {
    // Arrange: each service answers only a request with the whole identity and no token.
    let memory = MockServer::start().await;
    let registry = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/search"))
        .and(RawHeader("x-user-id", "svc-1"))
        .and(RawHeader("x-org-id", "org-1"))
        .and(RawHeader("x-user-roles", "admin,developer"))
        .and(NoAuthorization)
        .respond_with(search_answer())
        .expect(1)
        .mount(&memory)
        .await;
    Mock::given(method("GET"))
        .and(path("/modules"))
        .and(RawHeader("x-user-id", "svc-1"))
        .and(RawHeader("x-org-id", "org-1"))
        .and(RawHeader("x-user-roles", "admin,developer"))
        .and(NoAuthorization)
        .respond_with(page_answer())
        .expect(1)
        .mount(&registry)
        .await;
    let config = LiftConfig::new("http://127.0.0.1:9")
        .unwrap()
        .routing(Routing::Direct)
        .service_url("memory", &memory.uri())
        .unwrap()
        .service_url("registry", &registry.uri())
        .unwrap()
        .direct_identity(DirectIdentity::new("svc-1", "org-1").roles(["admin", "developer"]));
    let client = LiftClient::new(config).unwrap();

    // Act
    let found = client
        .memory()
        .search(SearchRequest::new("q"))
        .await
        .unwrap();
    let page = client
        .registry()
        .list(&ListModules::default())
        .await
        .unwrap();

    // Assert
    assert_eq!(found.count, 0);
    assert_eq!(page.total, 0);
}

/// A provider that counts how often it is asked for credentials.
#[derive(Debug, Default)]
struct Counting(std::sync::atomic::AtomicUsize);

#[lift_sdk::core::async_trait]
impl lift_sdk::core::AuthProvider for Counting {
    async fn authorize(
        &self,
        headers: &mut lift_sdk::core::http::HeaderMap,
    ) -> Result<(), lift_sdk::core::Error> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        headers.insert(
            "authorization",
            lift_sdk::core::http::HeaderValue::from_static("Bearer counted"),
        );
        Ok(())
    }
}

#[tokio::test]
async fn every_client_shares_one_pool_and_one_credential_provider() {
    // Arrange: the pool is recognisable by a default header only it adds.
    let gateway = MockServer::start().await;
    for (verb, route, answer) in [
        ("POST", "/memory/search", search_answer()),
        ("GET", "/registry/modules", page_answer()),
        ("GET", "/modules/m-1/api/v1/ping", envelope(&json!({}))),
    ] {
        Mock::given(method(verb))
            .and(path(route))
            .and(header("x-pool", "shared"))
            .and(header("authorization", "Bearer counted"))
            .respond_with(answer)
            .expect(1)
            .mount(&gateway)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/auth/health"))
        .and(header("x-pool", "shared"))
        .and(NoAuthorization)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "healthy"})))
        .expect(1)
        .mount(&gateway)
        .await;
    let mut defaults = lift_sdk::core::http::HeaderMap::new();
    defaults.insert(
        "x-pool",
        lift_sdk::core::http::HeaderValue::from_static("shared"),
    );
    let pool = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(defaults)
        .build()
        .unwrap();
    let provider = std::sync::Arc::new(Counting::default());
    let client = LiftClient::builder(LiftConfig::new(&gateway.uri()).unwrap())
        .http_client(pool)
        .credentials(provider.clone())
        .build()
        .unwrap();

    // Act
    client.memory().search("q").await.unwrap();
    client.registry().list(&ListModules::new()).await.unwrap();
    let _: serde_json::Value = client
        .gateway()
        .module(&module_id("m-1"))
        .get_json("/api/v1/ping")
        .await
        .unwrap();
    client
        .auth()
        .transport()
        .get("/health")
        .send()
        .await
        .unwrap();

    // Assert: one provider answered for the three authenticated clients.
    assert_eq!(provider.0.load(std::sync::atomic::Ordering::SeqCst), 3);
    let shared: std::sync::Arc<dyn lift_sdk::core::AuthProvider> = provider;
    assert!(std::sync::Arc::ptr_eq(
        client.credentials().unwrap(),
        &shared
    ));
}

#[tokio::test]
async fn module_named_resolves_through_the_registry() {
    let gateway = MockServer::start().await;
    Mock::given(path("/registry/modules"))
        .and(header("authorization", "Bearer t"))
        .respond_with(envelope(&json!({
            "items": [{"id": "11111111-aaaa", "name": "analytics", "version": "1.0.0", "base_url": "http://a:9100/",
                       "status": "active", "created_at": "2026-11-23T08:09:03.509961"}],
            "total": 1, "page": 1, "size": 100, "pages": 1, "has_next": false, "has_prev": false
        })))
        .expect(2)
        .mount(&gateway)
        .await;
    Mock::given(path("/modules/11111111-aaaa/api/v1/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pong": true})))
        .expect(1)
        .mount(&gateway)
        .await;
    let client = LiftClient::new(LiftConfig::new(&gateway.uri()).unwrap().token("t")).unwrap();

    let module = client
        .gateway()
        .module_named("analytics")
        .await
        .unwrap()
        .unwrap();
    let pong: serde_json::Value = module.get_json("/api/v1/ping").await.unwrap();
    let missing = client.gateway().module_named("nope").await.unwrap();

    assert_eq!(module.module_id(), "11111111-aaaa");
    assert_eq!(pong["pong"], true);
    assert!(
        missing.is_none(),
        "no module is a `None`, not a made-up 404"
    );
}

#[test]
fn the_client_is_cheap_to_share() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<LiftClient>();
}

#[tokio::test]
async fn login_credentials_log_in_once_then_send_the_token() {
    let gateway = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/login"))
        .and(wiremock::matchers::body_json(json!({"email": "admin@lift.dev", "password": "admin123"})))
        .respond_with(envelope(&json!({
            "access_token": "issued-token", "token_type": "bearer", "expires_in": 86400,
            "user": {"id": "u-1", "email": "admin@lift.dev", "username": "admin", "full_name": null,
                     "is_active": true, "is_verified": true, "last_login": "2026-11-23T07:27:33.139892+00:00"}
        })))
        .expect(1)
        .mount(&gateway)
        .await;
    Mock::given(method("POST"))
        .and(path("/memory/search"))
        .and(header("authorization", "Bearer issued-token"))
        .respond_with(search_answer())
        .expect(2)
        .mount(&gateway)
        .await;
    let config = LiftConfig::new(&gateway.uri())
        .unwrap()
        .login("admin@lift.dev", "admin123");
    let client = LiftClient::new(config).unwrap();

    client
        .memory()
        .search(SearchRequest::new("a"))
        .await
        .unwrap();
    client
        .memory()
        .search(SearchRequest::new("b"))
        .await
        .unwrap();

    let login = &gateway.received_requests().await.unwrap()[0];
    assert!(
        !login.headers.contains_key("authorization"),
        "login is public"
    );
    assert!(!format!("{client:?}").contains("admin123"));
}

#[tokio::test]
async fn a_provider_given_to_the_builder_is_used_by_direct_routing_too() {
    let memory = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/search"))
        .and(RawHeader("x-user-id", "caller-9"))
        .and(RawHeader("x-org-id", "org-9"))
        .and(NoAuthorization)
        .respond_with(search_answer())
        .expect(1)
        .mount(&memory)
        .await;
    let config = LiftConfig::new("http://127.0.0.1:9")
        .unwrap()
        .routing(Routing::Direct)
        .service_url("memory", &memory.uri())
        .unwrap()
        .direct_identity(DirectIdentity::new("svc-1", "org-1"));
    let provider = lift_sdk::auth::UserContextHeaders::new(lift_sdk::auth::UserContext::new(
        "caller-9", "org-9",
    ));
    let client = LiftClient::builder(config)
        .credentials(std::sync::Arc::new(provider))
        .build()
        .unwrap();

    let found = client.memory().search("q").await.unwrap();

    assert_eq!(found.count, 0);
}

#[test]
fn the_builder_tunes_shares_or_turns_off_the_breaker_and_the_budget() {
    use std::sync::Arc;
    use std::time::Duration;

    use lift_sdk::core::{CircuitBreaker, RetryBudget};

    let config = || LiftConfig::new("http://gateway:8000").unwrap();
    let budget = Arc::new(RetryBudget::new(2, 0.1));

    let tuned = LiftClient::builder(config())
        .circuit_breaker(3, Duration::from_secs(5))
        .retry_budget(budget.clone())
        .deadline(Duration::from_secs(12))
        .build()
        .unwrap();
    let off = LiftClient::builder(config())
        .shared_circuit_breaker(CircuitBreaker::disabled())
        .build()
        .unwrap();

    let (memory, registry) = (tuned.memory().transport(), tuned.registry().transport());
    assert_eq!(memory.circuit_breaker().failure_threshold(), 3);
    assert_eq!(
        registry.circuit_breaker().cooldown(),
        Duration::from_secs(5)
    );
    assert!(!Arc::ptr_eq(
        memory.circuit_breaker(),
        registry.circuit_breaker()
    ));
    assert!(Arc::ptr_eq(memory.retry_budget(), &budget));
    assert!(Arc::ptr_eq(
        tuned.gateway().transport().retry_budget(),
        &budget
    ));
    assert_eq!(
        memory.retry_policy().deadline_duration(),
        Duration::from_secs(12)
    );
    assert!(Arc::ptr_eq(
        off.memory().transport().circuit_breaker(),
        off.gateway().transport().circuit_breaker()
    ));
    assert!(!off.registry().transport().circuit_breaker().is_enabled());
}

#[derive(Debug, Default)]
struct Services(std::sync::Mutex<Vec<(String, u16)>>);

impl lift_sdk::core::CallObserver for Services {
    fn call_finished(&self, call: &lift_sdk::core::CallOutcome<'_>) {
        let status = call.status.map_or(0, |status| status.as_u16());
        self.0
            .lock()
            .unwrap()
            .push((call.service.to_owned(), status));
    }
}

#[tokio::test]
async fn the_call_observer_sees_the_calls_of_every_client() {
    let gateway = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "healthy"})))
        .mount(&gateway)
        .await;
    Mock::given(method("POST"))
        .and(path("/memory/search"))
        .respond_with(search_answer())
        .mount(&gateway)
        .await;
    let observer = std::sync::Arc::new(Services::default());
    let config = LiftConfig::new(&gateway.uri()).unwrap().token("user-token");
    let client = LiftClient::builder(config)
        .call_observer(observer.clone())
        .build()
        .unwrap();

    client.auth().health().await.unwrap();
    client.gateway().health().await.unwrap();
    client.registry().health().await.unwrap();
    client
        .memory()
        .search(SearchRequest::new("campaign lift"))
        .await
        .unwrap();

    let seen = observer.0.lock().unwrap().clone();
    let expected = [
        ("auth", 200),
        ("gateway", 200),
        ("registry", 200),
        ("memory", 200),
    ];
    assert_eq!(
        seen,
        expected.map(|(service, status)| (service.to_owned(), status))
    );
}
