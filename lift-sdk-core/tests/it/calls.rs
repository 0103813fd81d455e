//! What goes on the wire: URLs, headers, ids, credentials and redirects.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::{HeaderMap, HeaderValue};
use lift_sdk_core::{
    AuthProvider, Error, ErrorKind, RequestContext, Secret, TraceContext, Transport, async_trait,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{received, transport};

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"success": true, "message": "Success", "data": {}}))
}

#[tokio::test]
async fn url_joining_against_a_real_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok())
        .mount(&server)
        .await;
    let base = format!("{}/registry/", server.uri());
    let t = transport(&base);

    t.get("/modules").send().await.unwrap();
    t.get("//modules//").send().await.unwrap();
    t.get(["modules", "a/b c", "héllo"]).send().await.unwrap();
    t.get("/modules?page=2&size=1").send().await.unwrap();
    t.get("/modules")
        .query(&[("status_filter", "active")])
        .send()
        .await
        .unwrap();

    let urls: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| {
            format!(
                "{}{}",
                r.url.path(),
                r.url.query().map(|q| format!("?{q}")).unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        urls,
        [
            "/registry/modules",
            "/registry/modules",
            "/registry/modules/a%2Fb%20c/h%C3%A9llo",
            "/registry/modules?page=2&size=1",
            "/registry/modules?status_filter=active",
        ]
    );
}

#[tokio::test]
async fn every_call_sends_a_request_id_a_traceparent_and_the_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok())
        .mount(&server)
        .await;
    let t = transport(&server.uri());

    let response = t.get("/a").send().await.unwrap();
    t.get("/b").send().await.unwrap();

    let requests = received(&server).await;
    let id = |i: usize| {
        requests[i].headers["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(response.request_id(), id(0));
    assert_eq!(id(0).len(), 36);
    assert_ne!(id(0), id(1));
    let traceparent = requests[0].headers["traceparent"].to_str().unwrap();
    assert!(
        TraceContext::from_traceparent(traceparent).is_some(),
        "{traceparent}"
    );
    assert_eq!(
        requests[0].headers["user-agent"],
        concat!("lift-sdk-rust/", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn the_request_context_flows_into_outgoing_calls() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok())
        .mount(&server)
        .await;
    let t = transport(&server.uri());
    let incoming =
        TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .unwrap();

    RequestContext::new()
        .request_id("from-the-gateway")
        .trace(incoming)
        .scope(async { t.get("/a").send().await.unwrap() })
        .await;

    let request = &received(&server).await[0];
    assert_eq!(request.headers["x-request-id"], "from-the-gateway");
    let traceparent = request.headers["traceparent"].to_str().unwrap();
    assert!(
        traceparent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
        "{traceparent}"
    );
    assert!(
        !traceparent.contains("00f067aa0ba902b7"),
        "the child span needs its own id"
    );
}

#[tokio::test]
async fn json_body_query_and_headers_are_sent_as_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/conceptual-spaces/create"))
        .and(query_param("name", "marketing plans"))
        .and(header("content-type", "application/json"))
        .and(header("x-extra", "1"))
        .and(body_json(json!(["brand", "price"])))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;

    transport(&server.uri())
        .post("/conceptual-spaces/create")
        .query(&[("name", "marketing plans")])
        .header("x-extra", "1")
        .json(&["brand", "price"])
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_307_to_an_internal_host_is_not_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/registry/modules/"))
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", "http://registry:8005/modules"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let url = format!("{}/registry/modules/", server.uri())
        .parse()
        .unwrap();

    let err = transport(&server.uri())
        .request_url(http::Method::GET, url)
        .send()
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Redirect);
    assert_eq!(err.location(), Some("http://registry:8005/modules"));
    assert_eq!(
        err.to_string(),
        "redirect not followed 307 Temporary Redirect from GET /registry/modules/ (location: http://registry:8005/modules)"
    );
}

/// Sends a bearer token, and renews it once when asked.
#[derive(Debug)]
struct Rotating {
    refreshes: AtomicUsize,
}

#[async_trait]
impl AuthProvider for Rotating {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        let n = self.refreshes.load(Ordering::SeqCst);
        headers.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer token-{n}")).unwrap(),
        );
        Ok(())
    }

    async fn refresh(&self, refused: &HeaderMap) -> Result<bool, Error> {
        let n = self.refreshes.load(Ordering::SeqCst);
        assert_eq!(
            refused["authorization"],
            format!("Bearer token-{n}").as_str()
        );
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        Ok(true)
    }
}

#[tokio::test]
async fn a_401_renews_credentials_once_then_resends() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer token-0"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"detail": "Authentication required"})),
        )
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer token-1"))
        .respond_with(ok())
        .mount(&server)
        .await;
    let provider = Arc::new(Rotating {
        refreshes: AtomicUsize::new(0),
    });
    let t = transport(&server.uri()).with_auth(provider.clone());

    // A POST: a 401 means the server refused it before doing anything, so resending is safe.
    let response = t.post("/store").json(&json!({})).send().await.unwrap();

    assert_eq!(response.attempts(), 2);
    assert_eq!(provider.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_second_401_is_returned_not_looped_on() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"detail": "Authentication required"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let provider = Arc::new(Rotating {
        refreshes: AtomicUsize::new(0),
    });

    let err = transport(&server.uri())
        .with_auth(provider)
        .get("/x")
        .send()
        .await
        .unwrap_err();

    assert!(err.is_unauthorized());
    assert_eq!(err.attempts(), 2);
}

#[derive(Debug)]
struct Refusing;

#[async_trait]
impl AuthProvider for Refusing {
    async fn authorize(&self, _: &mut HeaderMap) -> Result<(), Error> {
        Err(Error::auth("login failed for service account"))
    }
}

#[tokio::test]
async fn a_provider_failure_stops_the_call_before_it_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok())
        .expect(0)
        .mount(&server)
        .await;

    let err = transport(&server.uri())
        .with_auth(Arc::new(Refusing))
        .get("/x")
        .send()
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.request_id().is_some());
}

#[test]
fn secrets_stay_out_of_debug_output() {
    #[derive(Debug)]
    struct Bearer {
        #[allow(dead_code)]
        token: Secret,
    }
    let provider: Arc<dyn AuthProvider> = Arc::new(StaticBearer(Secret::new("s3cr3t-token")));
    let t = Transport::builder("http://localhost:8000")
        .auth(provider)
        .build()
        .unwrap();

    let rendered = format!(
        "{t:?} {:?}",
        Bearer {
            token: Secret::new("s3cr3t-token")
        }
    );

    assert!(!rendered.contains("s3cr3t"), "{rendered}");
    assert!(rendered.contains("[redacted]"), "{rendered}");
}

#[derive(Debug)]
struct StaticBearer(Secret);

#[async_trait]
impl AuthProvider for StaticBearer {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        let value = HeaderValue::from_str(&format!("Bearer {}", self.0.expose()))
            .map_err(|e| Error::auth("token is not a valid header value").with_source(e))?;
        headers.insert("authorization", value);
        Ok(())
    }
}

#[tokio::test]
async fn bearer_headers_are_sent_and_marked_sensitive() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer s3cr3t-token"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let t = transport(&server.uri()).with_auth(Arc::new(StaticBearer(Secret::new("s3cr3t-token"))));

    t.get("/x").send().await.unwrap();
}

#[test]
fn transport_is_cheap_to_share() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Transport>();
    let boxed: Box<dyn AuthProvider> = Box::new(Refusing);
    drop(boxed);
}

#[test]
fn bad_configuration_is_reported_by_build() {
    let cases = [
        Transport::builder("localhost:8000").build().unwrap_err(),
        Transport::builder("http://h")
            .header("bad header", "x")
            .build()
            .unwrap_err(),
        Transport::builder("http://h")
            .header("x-ok", "bad\nvalue")
            .build()
            .unwrap_err(),
    ];
    for err in cases {
        assert_eq!(err.kind(), ErrorKind::Builder, "{err}");
    }
}

/// Adds the direct-call identity headers, as a user-context provider does.
#[derive(Debug)]
struct ContextHeaders;

#[async_trait]
impl AuthProvider for ContextHeaders {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        headers.insert("authorization", HeaderValue::from_static("Bearer t"));
        headers.insert("x-user-id", HeaderValue::from_static("spoofed"));
        headers.insert("x-user-roles", HeaderValue::from_static("admin"));
        Ok(())
    }
}

#[tokio::test]
async fn a_gateway_transport_never_sends_user_context_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok())
        .mount(&server)
        .await;
    let direct = transport(&server.uri()).with_auth(Arc::new(ContextHeaders));
    let gateway = direct.through_gateway();

    direct.get("/a").send().await.unwrap();
    gateway
        .get("/b")
        .header("X-Org-ID", "other-org")
        .header("x-memory-context", "org_x_context")
        .header("X-Module-ID", "m")
        .header("X-Organization-ID", "other-org")
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests[0].headers["x-user-id"], "spoofed");
    let leaked: Vec<_> = requests[1]
        .headers
        .keys()
        .filter(|name| {
            name.as_str().starts_with("x-user")
                || name.as_str().starts_with("x-org")
                || name.as_str().starts_with("x-m")
        })
        .collect();
    assert!(leaked.is_empty(), "{leaked:?}");
    assert_eq!(requests[1].headers["authorization"], "Bearer t");
    assert!(gateway.is_through_gateway() && !direct.is_through_gateway());
}
