//! The role → permission table and wildcard grants.

use lift_auth::{Permission, PermissionSet, Role};

fn p(value: &str) -> Permission {
    value.parse().unwrap()
}

#[test]
fn role_table_matches_the_contract() {
    let sizes = [
        (Role::User, 6),
        (Role::Viewer, 4),
        (Role::Analyst, 13),
        (Role::Developer, 12),
        (Role::Admin, 25),
    ];
    for (role, size) in sizes {
        assert_eq!(role.default_permissions().len(), size, "{role}");
    }
    let viewer = PermissionSet::from_roles(&[Role::Viewer]);
    assert!(viewer.allows(&p("memory:read")));
    assert!(!viewer.allows(&p("memory:write")));
    let admin = PermissionSet::from_roles(&[Role::Admin]);
    assert!(admin.allows(&p("causal:data:export")));
    assert!(!PermissionSet::from_roles(&[Role::Developer]).allows(&p("causal:data:export")));
    assert!(PermissionSet::from_roles(&[Role::Other("x".into())]).is_empty());
}

#[test]
fn wildcard_table() {
    let cases = [
        ("*", "billing:write", true),
        ("*", "causal:experiments:run", true),
        ("memory:*", "memory:write", true),
        ("memory:*", "memory:admin", true),
        ("memory:*", "modules:read", false),
        ("causal:*", "causal:models:deploy", true),
        ("causal:models:*", "causal:models:deploy", true),
        ("causal:models:*", "causal:data:access", false),
        ("memory:read", "memory:read", true),
        ("memory:read", "memory:write", false),
    ];
    for (grant, required, allowed) in cases {
        let set: PermissionSet = [p(grant)].into_iter().collect();
        assert_eq!(set.allows(&p(required)), allowed, "{grant} → {required}");
    }
}

#[test]
fn all_and_any() {
    let set = PermissionSet::from_strings(["memory:read", "modules:*", "not a permission"]);
    assert_eq!(set.len(), 2);
    assert!(set.allows_all([&p("memory:read"), &p("modules:write")]));
    assert!(!set.allows_all([&p("memory:read"), &p("memory:write")]));
    assert!(set.allows_any([&p("memory:write"), &p("modules:admin")]));
    assert!(!set.allows_any([]));
    assert!(set.allows_all([]));
}

#[test]
fn every_permission_in_the_repository_parses() {
    for value in [
        "usage:read",
        "analytics:read",
        "data:read",
        "channels:create",
        "security:audit",
        "template:write",
        "agentic:evaluate",
        "llm:templates",
        "causal:integrate",
        "user:context",
        "billing:usage",
        "observability:metrics",
        "eval:benchmark",
        "models:test",
        "surfacing:batch",
        "agent:write",
        "test:execute",
    ] {
        assert!(value.parse::<Permission>().is_ok(), "{value}");
    }
    // The enhanced JWT's placeholder is not of the form resource:action.
    assert!("read".parse::<Permission>().is_err());
}
