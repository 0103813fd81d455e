//! What a call refuses or hides: escaping paths, duplicate headers, huge bodies, userinfo.

use lift_sdk_core::{
    DEFAULT_MAX_BODY_SIZE, ErrorKind, ServiceClient, ServiceClientBuilder, Transport,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use lift_testkit::scenario::{RawReply, RawServer};

use crate::support::{builder, received};

#[tokio::test]
async fn escaping_path_segments_are_refused_before_sending() {
    let server = MockServer::start().await;
    let t = builder(&format!("{}/registry", server.uri()))
        .build()
        .unwrap();

    for segment in ["..", ".", "..\t", "a\nb", ""] {
        let err = t.get(["modules", segment]).send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{segment:?}");
    }
    for literal in ["/modules/..", "/modules/%2E%2e/health", "/modules/..\t"] {
        let err = t.get(literal).send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{literal:?}");
    }

    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn a_literal_path_is_sent_as_written_and_a_segment_fully_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let t = builder(&server.uri()).build().unwrap();

    t.get("/m/a%2Fb").send().await.unwrap();
    t.get(["m", "a%2Fb"]).send().await.unwrap();
    t.get(vec!["m".to_owned(), "../health".to_owned()])
        .send()
        .await
        .unwrap();

    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/m/a%2Fb", "/m/a%252Fb", "/m/..%2Fhealth"]);
}

#[tokio::test]
async fn a_request_header_replaces_the_default_of_the_same_name() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let t = builder(&server.uri())
        .user_agent("a")
        .header("content-type", "text/plain")
        .header("x-team", "default")
        .build()
        .unwrap();

    t.post("/x")
        .header("user-agent", "b")
        .json(&serde_json::json!({"k": 1}))
        .send()
        .await
        .unwrap();

    let request = &received(&server).await[0];
    let values = |name: &str| -> Vec<&str> {
        request
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    };
    assert_eq!(values("user-agent"), ["b"]);
    assert_eq!(values("content-type"), ["application/json"]);
    assert_eq!(values("x-team"), ["default"]);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_naming_the_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 2048]))
        .mount(&server)
        .await;
    let t = builder(&server.uri()).max_body_size(1024).build().unwrap();

    let err = t.get("/x").send().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("1024-byte limit"), "{err}");
    assert_eq!(err.attempts(), 1);
    assert_eq!(DEFAULT_MAX_BODY_SIZE, 16 * 1024 * 1024);
    assert_eq!(
        Transport::new("http://h").unwrap().max_body_size(),
        DEFAULT_MAX_BODY_SIZE
    );
}

#[tokio::test]
async fn a_body_without_length_is_cut_at_the_limit() {
    let chunk = "x".repeat(1000);
    let answer = format!(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n{}",
        format!("3e8\r\n{chunk}\r\n").repeat(5) + "0\r\n\r\n"
    );
    let server = RawServer::scripted(move |_| RawReply::Send(answer.clone())).await;
    let t = builder(&server.uri()).max_body_size(2500).build().unwrap();

    let err = t.get("/x").send().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("2500-byte limit"), "{err}");
    let fits = builder(&server.uri()).max_body_size(5000).build().unwrap();
    assert_eq!(fits.get("/x").send().await.unwrap().bytes().len(), 5000);
}

#[derive(Debug)]
struct Svc(Transport);

impl ServiceClient for Svc {
    const SERVICE: &'static str = "svc";
    const GATEWAY_PREFIX: &'static str = "svc";
    fn from_transport(transport: Transport) -> Self {
        Self(transport)
    }
    fn transport(&self) -> &Transport {
        &self.0
    }
}

#[tokio::test]
async fn userinfo_in_a_base_url_is_sent_as_basic_auth_and_never_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let with_password = server.uri().replace("http://", "http://svc:hunter2@");
    let t = builder(&with_password).build().unwrap();
    let service: ServiceClientBuilder<Svc> =
        ServiceClientBuilder::new().service_url(with_password.clone());

    let err = t.get("/x").send().await.unwrap_err();

    for shown in [
        format!("{t:?}"),
        t.base_url().to_string(),
        format!("{err}"),
        format!("{err:?}"),
        format!("{service:?}"),
        format!("{:?}", Transport::builder(with_password.as_str())),
        Transport::builder(with_password.replace("http", "ftp"))
            .build()
            .unwrap_err()
            .to_string(),
    ] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
    let request = &received(&server).await[0];
    assert_eq!(request.headers["authorization"], "Basic c3ZjOmh1bnRlcjI=");
}
