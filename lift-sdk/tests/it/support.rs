//! Replaying recorded exchanges of `fixtures/liftos-captures`.

use serde_json::Value;
use wiremock::ResponseTemplate;

/// The two recorded sets: as committed (`""`) and `compat`.
pub(crate) const SETS: [&str; 2] = ["", "compat"];

/// The recorded answer of capture `id` (e.g. `01-gateway-health`) in `set` (`""` or
/// `"compat"`), headers (duplicates included) and body exactly as sent, and the recorded
/// request path.
pub(crate) fn recorded(set: &str, id: &str) -> (String, ResponseTemplate) {
    let file = format!(
        "{}/../fixtures/liftos-captures/{set}/{id}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let capture: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let response = &capture["response"];
    let mut template =
        ResponseTemplate::new(u16::try_from(response["status"].as_u64().unwrap()).unwrap());
    let mut mime = None;
    for pair in response["headers"].as_array().unwrap() {
        let (name, value) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        match name {
            "content-length" | "transfer-encoding" => {}
            "content-type" => mime = Some(value.to_owned()),
            _ => template = template.append_header(name, value),
        }
    }
    let body = response["body_raw"].as_str().unwrap().as_bytes().to_vec();
    let template = match mime {
        Some(mime) => template.set_body_raw(body, &mime),
        None => template.set_body_bytes(body),
    };
    (
        capture["request"]["path"].as_str().unwrap().to_owned(),
        template,
    )
}

/// A module id as the registry hands them out: decoded, the way a client receives one (so
/// the tests do not depend on how `ModuleId` is constructed).
pub(crate) fn module_id(id: &str) -> lift_sdk::ModuleId {
    serde_json::from_value(Value::from(id)).unwrap()
}
