//! What the registry answers besides its payloads: the caller's context as the gateway
//! injects it, the role check of writes, and the FastAPI error bodies (contract §2.2, §6).

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::mocks::envelope;

/// Where Pydantic v2 documents its error types, as the reference's 422 items link them.
const ERRORS_URL: &str = "https://errors.pydantic.dev/2.5/v/";

/// A handler's early answer: an HTTP error with a FastAPI body.
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    body: Value,
}

impl Refusal {
    /// `{"detail": detail}` with `status`.
    pub(crate) fn detail(status: StatusCode, detail: &str) -> Self {
        Self {
            status,
            body: json!({ "detail": detail }),
        }
    }

    /// `404 {"detail":"Module not found"}`.
    pub(crate) fn module_not_found() -> Self {
        Self::detail(StatusCode::NOT_FOUND, "Module not found")
    }

    /// A 500 for a write that could not be made durable (nothing changed).
    pub(crate) fn not_saved(err: &std::io::Error) -> Self {
        Self::detail(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("Registry state could not be saved: {err}"),
        )
    }

    /// A FastAPI 422 with these Pydantic-shaped items.
    pub(crate) fn unprocessable(items: Vec<Value>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({ "detail": Value::Array(items) }),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// A 200 with `data` in the `APIResponse` envelope.
pub(crate) fn ok(message: &str, data: Value) -> Response {
    Json(envelope(message, data)).into_response()
}

/// One Pydantic v2 error item (`type`, `loc`, `msg`, `input`, then `ctx` and `url` when
/// given), as FastAPI lists them in a 422.
pub(crate) fn item(
    kind: &str,
    loc: &[Value],
    msg: &str,
    input: Value,
    ctx: Option<Value>,
    with_url: bool,
) -> Value {
    let mut item = serde_json::Map::new();
    item.insert("type".into(), Value::from(kind));
    item.insert("loc".into(), Value::Array(loc.to_vec()));
    item.insert("msg".into(), Value::from(msg));
    item.insert("input".into(), input);
    if let Some(ctx) = ctx {
        item.insert("ctx".into(), ctx);
    }
    if with_url {
        item.insert("url".into(), Value::from(format!("{ERRORS_URL}{kind}")));
    }
    Value::Object(item)
}

/// The caller as the gateway describes it (contract §4.2): who, and with which roles.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// `X-User-ID`.
    pub(crate) user_id: String,
    /// `X-User-Roles`, split on `,` without trimming, as the reference splits it.
    roles: Vec<String>,
}

/// The write a role check guards, named as the reference's 403 names it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Write {
    /// `POST /modules`.
    Register,
    /// `PUT /modules/{id}`.
    Update,
    /// `DELETE /modules/{id}`.
    Unregister,
}

impl Write {
    fn verb(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Update => "update",
            Self::Unregister => "unregister",
        }
    }
}

impl Caller {
    /// The caller of a request: `401 User context required` without a non-empty
    /// `X-User-ID` and `X-Org-ID` (the first value of each counts, as in the reference).
    pub(crate) fn from_headers(headers: &HeaderMap) -> Result<Self, Refusal> {
        let first = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let (Some(user_id), Some(_org_id)) = (first("x-user-id"), first("x-org-id")) else {
            return Err(Refusal::detail(
                StatusCode::UNAUTHORIZED,
                "User context required",
            ));
        };
        let roles = first("x-user-roles")
            .map(|roles| roles.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(Self { user_id, roles })
    }

    /// `403 Admin role required to … modules` unless the caller has the `admin` or
    /// `developer` role, spelled exactly (contract §6: `"admin, developer"` only grants
    /// `admin`).
    pub(crate) fn may(&self, write: Write) -> Result<(), Refusal> {
        if self
            .roles
            .iter()
            .any(|role| role == "admin" || role == "developer")
        {
            Ok(())
        } else {
            Err(Refusal::detail(
                StatusCode::FORBIDDEN,
                &format!("Admin role required to {} modules", write.verb()),
            ))
        }
    }
}
