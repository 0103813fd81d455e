//! Permission parsing must never panic, and a parsed permission must print as its input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lift_auth::Permission;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(permission) = text.parse::<Permission>() {
            assert_eq!(permission.as_str(), text);
            let _ = permission.grants(&permission);
        }
    }
});
