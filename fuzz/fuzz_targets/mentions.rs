#![no_main]
//! See `tests/fuzz_checks` for the property; SECURITY.md for how to run it.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    if let Ok(items) = serde_json::from_slice::<Vec<serde_json::Value>>(data) {
        checks::check_mentions(&items);
    }
});
