//! UserContext from and to the gateway's headers.

use http::{HeaderMap, HeaderValue};
use lift_auth::{AuthErrorKind, Claims, NumericDate, Role, UserContext, headers};

fn map(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in pairs {
        out.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    out
}

#[test]
fn gateway_headers_with_spaces_mixed_case_and_empty_items() {
    let ctx = UserContext::from_headers(&map(&[
        ("X-USER-ID", " user-1 "),
        ("x-org-id", "org-1"),
        ("X-User-Roles", " user , admin,,viewer ,"),
        ("X-Module-Id", "mod-9"),
    ]))
    .unwrap();
    assert_eq!(ctx.user_id(), "user-1");
    assert_eq!(ctx.roles(), [Role::User, Role::Admin, Role::Viewer]);
    assert_eq!(ctx.memory_context(), "org_org-1_context");
    assert_eq!(ctx.module_id(), Some("mod-9"));
    assert!(ctx.has_role(&Role::Admin));
}

#[test]
fn organization_id_alias_and_precedence() {
    let ctx =
        UserContext::from_headers(&map(&[("x-user-id", "u"), ("X-Organization-ID", "o")])).unwrap();
    assert_eq!(ctx.org_id(), "o");
    assert!(ctx.roles().is_empty());
    let ctx = UserContext::from_headers(&map(&[
        ("x-user-id", "u"),
        ("x-org-id", "main"),
        ("x-organization-id", " main"),
    ]))
    .unwrap();
    assert_eq!(ctx.org_id(), "main");
    // Two different org ids: one of them was added by someone else.
    let err = UserContext::from_headers(&map(&[
        ("x-user-id", "u"),
        ("x-organization-id", "victim-org"),
        ("x-org-id", "main"),
    ]))
    .unwrap_err();
    assert_eq!(err.kind(), AuthErrorKind::InvalidHeader);
}

#[test]
fn missing_or_empty_required_headers() {
    for pairs in [
        &[("x-org-id", "o")][..],
        &[("x-user-id", "u")][..],
        &[("x-user-id", ""), ("x-org-id", "o")][..],
        &[("x-user-id", "u"), ("x-org-id", "  ")][..],
    ] {
        let err = UserContext::from_headers(&map(pairs)).unwrap_err();
        assert_eq!(err.kind(), AuthErrorKind::MissingToken, "{pairs:?}");
    }
    let mut binary = map(&[("x-org-id", "o")]);
    binary.insert(
        headers::X_USER_ID,
        HeaderValue::from_bytes(b"\xfe").unwrap(),
    );
    assert_eq!(
        UserContext::from_headers(&binary).unwrap_err().kind(),
        AuthErrorKind::InvalidHeader
    );
}

#[test]
fn a_repeated_header_is_refused_not_first_value_wins() {
    // The reference gateway forwards the client's copy first; FastAPI would read it.
    for name in [
        "x-user-id",
        "x-org-id",
        "x-organization-id",
        "x-user-roles",
        "x-memory-context",
        "x-user-permissions",
        "x-module-id",
    ] {
        let mut pairs = vec![(name, "spoofed"), ("x-user-id", "u"), ("x-org-id", "o")];
        pairs.push((name, "injected"));
        let err = UserContext::from_headers(&map(&pairs)).unwrap_err();
        assert_eq!(err.kind(), AuthErrorKind::InvalidHeader, "{name}");
        assert!(!err.to_string().contains("spoofed"), "{err}");
    }
}

#[test]
fn written_headers_match_the_gateway() {
    let ctx = UserContext::new("u", "o")
        .with_roles([Role::User, Role::Admin])
        .with_memory_context("ctx")
        .with_module_id("m");
    let mut out = map(&[("x-user-id", "spoofed")]);
    ctx.write_headers(&mut out);
    assert_eq!(out.get_all(headers::X_USER_ID).iter().count(), 1);
    assert_eq!(out[headers::X_USER_ID], "u");
    assert_eq!(out[headers::X_ORG_ID], "o");
    assert_eq!(out[headers::X_MEMORY_CONTEXT], "ctx");
    assert_eq!(out[headers::X_USER_ROLES], "user,admin");
    assert_eq!(out[headers::X_MODULE_ID], "m");
    assert!(!out.contains_key(http::header::AUTHORIZATION));
    assert_eq!(UserContext::from_headers(&out).unwrap(), ctx);

    let mut bare = HeaderMap::new();
    UserContext::new("u", "o").write_headers(&mut bare);
    assert_eq!(bare.len(), 3);
}

#[test]
fn from_claims() {
    let claims = Claims::new("u", "o", "e", NumericDate::from_secs(1)).roles([Role::Developer]);
    let ctx = UserContext::from_claims(&claims);
    assert_eq!((ctx.user_id(), ctx.org_id()), ("u", "o"));
    assert_eq!(ctx.roles(), [Role::Developer]);
    assert_eq!(ctx.memory_context(), "org_o_context");
}
