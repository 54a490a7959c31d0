//! Scenario files in JSON: decode, validate, estimate.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(raw) = stampede_core::scenario::raw_from_json(text)
    {
        common::check_raw(raw);
    }
});
