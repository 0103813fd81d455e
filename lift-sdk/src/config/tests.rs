//! Tests of reading the configuration.

use super::*;

fn from(vars: &[(&str, &str)]) -> Result<LiftConfig, Error> {
    LiftConfig::from_lookup(|name| {
        vars.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| (*value).to_owned())
    })
}

#[test]
fn defaults_are_the_reference_ports() {
    let config = from(&[]).unwrap();
    assert_eq!(config.gateway_url.as_str(), "http://localhost:8000/");
    assert_eq!(config.memory_url.port(), Some(8003));
    assert_eq!(config.registry_url.port(), Some(8005));
    assert_eq!(config.routing, Routing::Gateway);
    assert!(matches!(config.credentials, Credentials::None));
}

#[test]
fn every_variable_is_read() {
    let config = from(&[
        ("GATEWAY_URL", "https://gw.lift.co"),
        ("MEMORY_SERVICE_URL", "http://memory:8003"),
        ("LIFT_ROUTING", "direct"),
        ("LIFT_EMAIL", "admin@lift.dev"),
        ("LIFT_PASSWORD", "admin123"),
        ("JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ("LIFT_USER_ID", "u-1"),
        ("LIFT_ORG_ID", "o-1"),
        ("LIFT_USER_ROLES", "user, developer"),
        ("LIFT_HTTP_TIMEOUT", "500ms"),
    ])
    .unwrap();
    assert_eq!(config.gateway_url.host_str(), Some("gw.lift.co"));
    assert_eq!(config.memory_url.host_str(), Some("memory"));
    assert_eq!(config.routing, Routing::Direct);
    assert!(
        matches!(&config.credentials, Credentials::Login { email, .. } if email == "admin@lift.dev")
    );
    assert_eq!(config.direct_identity.unwrap().roles, ["user", "developer"]);
    assert_eq!(config.timeout, Duration::from_millis(500));
    assert!(config.jwt_secret.is_some());
}

#[test]
fn errors_name_the_variable() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("GATEWAY_URL", "not a url")], "GATEWAY_URL"),
        (&[("GATEWAY_URL", "http://")], "GATEWAY_URL"),
        (&[("AUTH_SERVICE_URL", "auth:8001")], "AUTH_SERVICE_URL"),
        (
            &[("MEMORY_SERVICE_URL", "memory:8003")],
            "MEMORY_SERVICE_URL",
        ),
        (
            &[("REGISTRY_SERVICE_URL", "ftp://registry")],
            "REGISTRY_SERVICE_URL",
        ),
        // The malformed one is named, not a well-formed neighbour.
        (
            &[
                ("GATEWAY_URL", "http://gw:8000"),
                ("MEMORY_SERVICE_URL", "http://memory:8003"),
                ("REGISTRY_SERVICE_URL", "registry"),
            ],
            "REGISTRY_SERVICE_URL",
        ),
        (&[("LIFT_PASSWORD", "secret")], "LIFT_EMAIL"),
        (&[("LIFT_ORG_ID", "o")], "LIFT_USER_ID"),
        (&[("LIFT_ROUTING", "sideways")], "LIFT_ROUTING"),
        (&[("LIFT_EMAIL", "a@b.c")], "LIFT_PASSWORD"),
        (
            &[("LIFT_ACCESS_TOKEN", "t"), ("LIFT_EMAIL", "a@b.c")],
            "LIFT_ACCESS_TOKEN",
        ),
        (&[("LIFT_USER_ID", "u")], "LIFT_ORG_ID"),
        (&[("LIFT_HTTP_TIMEOUT", "soon")], "LIFT_HTTP_TIMEOUT"),
        (&[("LIFT_HTTP_TIMEOUT", "0s")], "LIFT_HTTP_TIMEOUT"),
    ];
    let variables = [
        "GATEWAY_URL",
        "AUTH_SERVICE_URL",
        "MEMORY_SERVICE_URL",
        "REGISTRY_SERVICE_URL",
    ];
    for (vars, name) in cases {
        let err = from(vars).unwrap_err();
        assert_eq!(
            err.kind(),
            lift_sdk_core::ErrorKind::Builder,
            "{name}: {err}"
        );
        let message = err.to_string();
        assert!(message.contains(name), "{name}: {err}");
        for other in variables.iter().filter(|other| *other != name) {
            assert!(!message.contains(other), "{name}: {err}");
        }
    }
}

#[test]
fn secrets_are_redacted_in_debug() {
    let config = from(&[
        ("LIFT_EMAIL", "a@b.c"),
        ("LIFT_PASSWORD", "hunter2-password"),
        ("JWT_SECRET", "the-shared-secret-value-0123456789"),
    ])
    .unwrap();
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("the-shared-secret"),
        "{debug}"
    );
}

#[test]
fn passwords_in_urls_are_redacted() {
    let config = from(&[("GATEWAY_URL", "http://svc:hunter2@gw:8000")]).unwrap();
    let err = from(&[("MEMORY_SERVICE_URL", "ftp://svc:hunter2@m")]).unwrap_err();

    for shown in [format!("{config:?}"), err.to_string()] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

#[test]
fn durations() {
    assert_eq!(parse_duration("30"), Some(Duration::from_secs(30)));
    assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
    assert_eq!(parse_duration("0.5"), Some(Duration::from_millis(500)));
    assert_eq!(parse_duration("-1s"), None);
    assert_eq!(parse_duration("1d"), None);
}

#[cfg(unix)]
#[test]
fn a_value_that_is_not_utf8_is_an_error_naming_its_variable() {
    use std::ffi::{OsStr, OsString};
    use std::os::unix::ffi::OsStrExt as _;

    let raw = OsStr::from_bytes(b"http://gw\xff:8000").to_owned();
    let lookup = |name: &str| (name == "GATEWAY_URL").then(|| raw.clone());
    let err = LiftConfig::from_os_lookup(lookup).unwrap_err();
    assert_eq!(err.kind(), lift_sdk_core::ErrorKind::Builder);
    assert!(err.to_string().contains("GATEWAY_URL"), "{err}");
    assert!(err.to_string().contains("UTF-8"), "{err}");

    // A secret that is not UTF-8 is named, never shown.
    let secret = OsStr::from_bytes(b"hunter2-\xfe-secret").to_owned();
    let err = LiftConfig::from_os_lookup(|name| (name == "JWT_SECRET").then(|| secret.clone()))
        .unwrap_err();
    assert!(err.to_string().contains("JWT_SECRET"), "{err}");
    assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");

    // Text values still read.
    let ok = LiftConfig::from_os_lookup(|name| {
        (name == "LIFT_MODULE_PORT").then(|| OsString::from("9300"))
    })
    .unwrap();
    assert_eq!(ok.module.port, 9300);
}
