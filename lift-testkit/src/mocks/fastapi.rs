//! What a FastAPI service answers: the `APIResponse` envelope, naive-UTC timestamps, ids
//! shaped like the reference's, and the 422 and 404 error bodies (contract §2).

use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::openapi::Violation;

/// `data` wrapped in the reference's `APIResponse` envelope (contract §2.1): all five keys,
/// `null` where unset.
#[must_use]
pub fn envelope(message: &str, data: Value) -> Value {
    let mut envelope = serde_json::Map::with_capacity(5);
    envelope.insert("success".into(), Value::Bool(true));
    envelope.insert("message".into(), Value::from(message));
    envelope.insert("data".into(), data);
    envelope.insert("errors".into(), Value::Null);
    envelope.insert("metadata".into(), Value::Null);
    Value::Object(envelope)
}

/// Now as the reference writes `datetime.utcnow().isoformat()`: UTC with microseconds and no
/// offset (contract §2.5).
#[must_use]
pub fn naive_utc_now() -> String {
    chrono::Utc::now()
        .naive_utc()
        .format("%Y-%m-%dT%H:%M:%S%.6f")
        .to_string()
}

/// A fresh id shaped like the reference's `str(uuid.uuid4())`.
#[must_use]
pub fn uuid4() -> String {
    let bits = (u128::from(fastrand::u64(..)) << 64) | u128::from(fastrand::u64(..));
    // Version 4, variant 10xx, as RFC 9562 lays them out.
    let bits = (bits & !(0xf << 76) & !(0b11 << 62)) | (0x4 << 76) | (0b10 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A JSON answer with `status`.
pub(crate) fn json_answer(status: u16, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// FastAPI's answer to a path no route matches.
pub(crate) fn not_found() -> ResponseTemplate {
    json_answer(404, &json!({ "detail": "Not Found" }))
}

/// FastAPI's 422 for the violations the service refuses, one `detail` item each, shaped like
/// Pydantic v2's (`type`, `loc`, `msg`, `input`).
pub(crate) fn unprocessable(violations: &[Violation], body: &[u8]) -> ResponseTemplate {
    json_answer(422, &unprocessable_body(violations, body, ""))
}

/// The body of FastAPI's 422 for the violations the service refuses (the others are left
/// out): `{"detail":[{type, loc, msg, input}, …]}`. A query parameter's `input` is its
/// (last) value in `query`, the raw query string.
pub(crate) fn unprocessable_body(violations: &[Violation], body: &[u8], query: &str) -> Value {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let detail: Vec<Value> = violations
        .iter()
        .filter(|violation| violation.refused)
        .map(|violation| {
            let mut item = detail_item(violation, &body);
            if let Some(name) = violation.location.strip_prefix("query ")
                && item["input"].is_null()
            {
                let sent = url::form_urlencoded::parse(query.as_bytes())
                    .filter(|(key, _)| key == name)
                    .last()
                    .map(|(_, value)| Value::from(value.into_owned()));
                if let Some(sent) = sent {
                    item["input"] = sent;
                }
            }
            item
        })
        .collect();
    json!({ "detail": detail })
}

fn detail_item(violation: &Violation, body: &Value) -> Value {
    let (place, rest) = violation
        .location
        .split_once(['/', ' '])
        .unwrap_or((violation.location.as_str(), ""));
    let mut loc = vec![Value::from(place)];
    let pointer = if place == "body" {
        format!("/{rest}")
    } else {
        String::new()
    };
    loc.extend(
        rest.split('/')
            .filter(|piece| !piece.is_empty())
            .map(|piece| {
                piece.parse::<u64>().map_or_else(
                    |_| Value::from(piece.replace("~1", "/").replace("~0", "~")),
                    Value::from,
                )
            }),
    );
    let input = match place {
        "body" if rest.is_empty() => body.clone(),
        "body" => body.pointer(&pointer).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    };
    // jsonschema names a missing property in its message; Pydantic puts it in `loc`.
    let missing = violation
        .message
        .strip_suffix(" is a required property")
        .map(|name| name.trim_matches('"').to_owned());
    match missing {
        Some(name) => {
            loc.push(Value::from(name));
            json!({ "type": "missing", "loc": loc, "msg": "Field required", "input": input })
        }
        None if violation.message.starts_with("required, missing") => {
            json!({ "type": "missing", "loc": loc, "msg": "Field required", "input": Value::Null })
        }
        None if violation.message.starts_with("not JSON") => {
            json!({ "type": "json_invalid", "loc": loc, "msg": "JSON decode error", "input": {} })
        }
        None => match &violation.pydantic {
            Some(pydantic) => {
                let mut item = json!({
                    "type": pydantic.kind,
                    "loc": loc,
                    "msg": pydantic.msg,
                    "input": input,
                });
                if let Some(ctx) = &pydantic.ctx {
                    item["ctx"] = ctx.clone();
                }
                item
            }
            None => json!({
                "type": "value_error",
                "loc": loc,
                "msg": violation.message,
                "input": input,
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_4_uuids() {
        let id = uuid4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
    }

    #[test]
    fn timestamps_are_naive_utc_with_microseconds() {
        let now = naive_utc_now();
        assert!(chrono::NaiveDateTime::parse_from_str(&now, "%Y-%m-%dT%H:%M:%S%.6f").is_ok());
        assert_eq!(now.len(), 26, "{now}");
    }
}
