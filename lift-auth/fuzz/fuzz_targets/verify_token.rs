//! Token parsing and verification must never panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lift_auth::{TokenVerifier, parse_bearer};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let verifier = TokenVerifier::hs256("lift-shared-secret-for-tests-0123456789abcdef")
            .expect("static secret is valid");
        let _ = verifier.verify(text);
        let _ = parse_bearer(text);
        let _ = serde_json::from_str::<lift_auth::Claims>(text);
    }
});
