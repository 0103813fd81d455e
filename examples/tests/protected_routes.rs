//! The `protected_routes` example, run as `cargo run --example protected_routes` runs it:
//! every route as every caller, each answer checked.

use lift_examples::protected_routes;

#[tokio::test]
async fn each_caller_gets_exactly_what_the_layer_and_the_guards_allow() {
    // Act
    let lines = protected_routes::run().await.unwrap();

    // Assert
    let expected = [
        "GET /health as nobody: 200 ok",
        "GET /api/v1/me as nobody: 401 missing bearer token",
        "POST /api/v1/notes as nobody: 401 missing bearer token",
        "GET /api/v1/reports/export as nobody: 401 missing bearer token",
        "GET /api/v1/admin/stats as nobody: 401 missing bearer token",
        "GET /health as vic (viewer): 200 ok",
        "GET /api/v1/me as vic (viewer): 200 {\"org_id\":\"acme\",\"roles\":[\"viewer\"],\"user_id\":\"vic\"}",
        "POST /api/v1/notes as vic (viewer): 403 insufficient permissions: memory:write",
        "GET /api/v1/reports/export as vic (viewer): 403 insufficient permissions: reports:export",
        "GET /api/v1/admin/stats as vic (viewer): 403 insufficient permissions: role admin",
        "GET /health as ana (user): 200 ok",
        "GET /api/v1/me as ana (user): 200 {\"org_id\":\"acme\",\"roles\":[\"user\"],\"user_id\":\"ana\"}",
        "POST /api/v1/notes as ana (user): 200 note stored for ana",
        "GET /api/v1/reports/export as ana (user): 403 insufficient permissions: reports:export",
        "GET /api/v1/admin/stats as ana (user): 403 insufficient permissions: role admin",
        "GET /health as rex (user + reports:export): 200 ok",
        "GET /api/v1/me as rex (user + reports:export): 200 {\"org_id\":\"acme\",\"roles\":[\"user\"],\"user_id\":\"rex\"}",
        "POST /api/v1/notes as rex (user + reports:export): 200 note stored for rex",
        "GET /api/v1/reports/export as rex (user + reports:export): 200 report exported",
        "GET /api/v1/admin/stats as rex (user + reports:export): 403 insufficient permissions: role admin",
        "GET /health as ada (admin): 200 ok",
        "GET /api/v1/me as ada (admin): 200 {\"org_id\":\"acme\",\"roles\":[\"admin\"],\"user_id\":\"ada\"}",
        "POST /api/v1/notes as ada (admin): 200 note stored for ada",
        "GET /api/v1/reports/export as ada (admin): 403 insufficient permissions: reports:export",
        "GET /api/v1/admin/stats as ada (admin): 200 3 users",
        "GET /health as an expired token: 200 ok",
        "GET /api/v1/me as an expired token: 401 token expired",
        "POST /api/v1/notes as an expired token: 401 token expired",
        "GET /api/v1/reports/export as an expired token: 401 token expired",
        "GET /api/v1/admin/stats as an expired token: 401 token expired",
        "GET /health as a forged admin token: 200 ok",
        "GET /api/v1/me as a forged admin token: 401 invalid token signature",
        "POST /api/v1/notes as a forged admin token: 401 invalid token signature",
        "GET /api/v1/reports/export as a forged admin token: 401 invalid token signature",
        "GET /api/v1/admin/stats as a forged admin token: 401 invalid token signature",
    ];
    assert_eq!(lines, expected);
}
