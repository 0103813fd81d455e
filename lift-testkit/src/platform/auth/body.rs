//! The auth service's own guard on request bodies: the fields it reads, and FastAPI's 422
//! for anything else (the platform validates requests against the OpenAPI document first).

use axum::response::Response;
use serde_json::{Value, json};

use super::handlers::answer;

/// The string fields `names` of a JSON object body, or FastAPI's 422 for what is wrong
/// (the platform validates requests before they get here; this is the service's own
/// guard, so no input makes it misbehave).
pub(super) fn fields<const N: usize>(
    body: &[u8],
    names: [&str; N],
) -> Result<[String; N], Box<Response>> {
    let parsed: Value = serde_json::from_slice(body).map_err(|err| {
        unprocessable(&[json!({
            "type": "json_invalid",
            "loc": ["body", err.column()],
            "msg": "JSON decode error",
            "input": {},
            "ctx": { "error": err.to_string() },
        })])
    })?;
    let Value::Object(object) = &parsed else {
        return Err(unprocessable(&[json!({
            "type": "model_attributes_type",
            "loc": ["body"],
            "msg": "Input should be a valid dictionary or object to extract fields from",
            "input": parsed,
        })]));
    };
    let mut problems = Vec::new();
    let values = names.map(|name| match object.get(name) {
        Some(Value::String(text)) => text.clone(),
        Some(other) => {
            problems.push(json!({
                "type": "string_type",
                "loc": ["body", name],
                "msg": "Input should be a valid string",
                "input": other,
            }));
            String::new()
        }
        None => {
            problems.push(json!({
                "type": "missing",
                "loc": ["body", name],
                "msg": "Field required",
                "input": parsed,
            }));
            String::new()
        }
    });
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(unprocessable(&problems))
    }
}

/// Pydantic's `EmailStr` in its simplest form: one `@`, something before it, a dotted
/// domain after it; the address comes back normalised as Pydantic does (domain in lower
/// case), so `ana@Example.COM` logs in as `ana@example.com`.
pub(super) fn check_email(email: &str) -> Result<String, Box<Response>> {
    let reason = match email.split_once('@') {
        None => "The email address is not valid. It must have exactly one @-sign.",
        Some((_, domain)) if domain.contains('@') => {
            "The email address is not valid. It must have exactly one @-sign."
        }
        Some(("", _)) => "There must be something before the @-sign.",
        Some((_, domain)) if !domain.contains('.') || domain.starts_with('.') => {
            "The part after the @-sign is not valid. It should have a period."
        }
        Some((local, domain))
            if local.contains(char::is_whitespace) || domain.contains(char::is_whitespace) =>
        {
            "The email address contains invalid characters."
        }
        Some((local, domain)) => return Ok(format!("{local}@{}", domain.to_lowercase())),
    };
    Err(unprocessable(&[json!({
        "type": "value_error",
        "loc": ["body", "email"],
        "msg": format!("value is not a valid email address: {reason}"),
        "input": email,
        "ctx": { "reason": reason },
    })]))
}

fn unprocessable(detail: &[Value]) -> Box<Response> {
    Box::new(answer(422, &json!({ "detail": detail })))
}
