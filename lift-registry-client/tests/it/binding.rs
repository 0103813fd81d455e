//! Acting for a caller: each routing mode takes the form of the caller it needs.

use lift_auth::{Caller, Token};
use lift_registry_client::RegistryClient;
use lift_sdk_core::ErrorKind;
use wiremock::Mock;
use wiremock::MockServer;
use wiremock::matchers::{header, method, path};

use crate::support::{Mode, ROLES, RawHeader, TOKEN, USER, capture, fast_retries, user_context};

#[tokio::test]
async fn a_caller_with_only_a_user_context_is_refused_through_the_gateway_before_sending() {
    // Arrange: before, the gateway transport stripped the headers and the registry call
    // went out with no identity, to come back 401.
    let server = MockServer::start().await;
    let registry = RegistryClient::builder()
        .gateway_url(server.uri())
        .retry_policy(fast_retries())
        .build()
        .unwrap();

    // Act
    let listed = registry
        .for_user(user_context())
        .list(&Default::default())
        .await
        .unwrap_err();
    let summary = registry
        .for_context(&user_context())
        .health_summary()
        .await
        .unwrap_err();

    // Assert
    assert!(server.received_requests().await.unwrap().is_empty());
    for err in [listed, summary] {
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert!(err.to_string().contains("no bearer token"), "{err}");
    }
}

#[tokio::test]
async fn one_caller_with_both_forms_fits_either_routing_mode() {
    // Arrange: through the gateway the bearer alone (the mode's mock refuses user-context
    // headers); directly the user-context headers, and the token too.
    let server = MockServer::start().await;
    Mode::Gateway
        .mock("GET", "/health-summary")
        .respond_with(capture("73").response_template())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/health-summary"))
        .and(RawHeader("x-user-id", USER))
        .and(RawHeader("x-user-roles", ROLES))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(capture("73").response_template())
        .expect(1)
        .mount(&server)
        .await;
    let caller = Caller::new(Token::new(TOKEN), user_context());
    let via_gateway = RegistryClient::builder()
        .gateway_url(server.uri())
        .build()
        .unwrap();
    let direct = RegistryClient::builder()
        .service_url(server.uri())
        .build()
        .unwrap();

    // Act
    let through = via_gateway.for_user(&caller).health_summary().await;
    let direct = direct.for_user(&caller).health_summary().await;

    // Assert
    through.unwrap();
    direct.unwrap();
}
