//! Replaying recorded exchanges of `fixtures/liftos-captures`.

use lift_testkit::replay::Capture;
use serde_json::Value;

/// The two recorded sets: as committed (`""`) and `compat`.
pub(crate) const SETS: [&str; 2] = ["", "compat"];

/// The capture `id` (e.g. `01-gateway-health`) of `set` (`""` or `"compat"`).
pub(crate) fn capture(set: &str, id: &str) -> Capture {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/liftos-captures");
    Capture::load(
        std::path::Path::new(dir)
            .join(set)
            .join(format!("{id}.json")),
    )
    .unwrap()
}

/// A module id as the registry hands them out: decoded, the way a client receives one (so
/// the tests do not depend on how `ModuleId` is constructed).
pub(crate) fn module_id(id: &str) -> lift_sdk::ModuleId {
    serde_json::from_value(Value::from(id)).unwrap()
}
