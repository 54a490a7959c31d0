//! Runs in wasm32 (Node) through wasm-bindgen-test: the same scenarios give bit-identical reports
//! on wasm and natively. `cargo xtask test` sets STAMPEDE_NATIVE_FINGERPRINTS from a native run.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn wasm_reports_are_bit_identical_to_native() {
    let native = option_env!("STAMPEDE_NATIVE_FINGERPRINTS").expect(
        "STAMPEDE_NATIVE_FINGERPRINTS is not set: run the wasm tests through `cargo xtask test`",
    );
    let wasm = stampede_core::presets::probe_fingerprints();
    assert!(!wasm.is_empty());
    assert_eq!(wasm.trim(), native.trim(), "wasm and native reports differ");
}

#[wasm_bindgen_test]
fn validation_reports_every_problem_on_wasm() {
    let mut raw = stampede_core::RawScenario::default();
    raw.retry.attempts_max = 0;
    raw.backend.workers = 0;
    let err = stampede_core::Scenario::try_from(raw).unwrap_err();
    assert_eq!(err.problems.len(), 2);
}

#[path = "golden_cases.rs"]
mod golden_cases;

/// The same golden results as the native test `integration/golden.rs`: every preset's report to
/// the bit, and three presets' whole JSON reports.
#[wasm_bindgen_test]
fn wasm_reports_match_the_golden_files() {
    assert_eq!(
        golden_cases::fingerprint_lines(),
        include_str!("golden/fingerprints.txt"),
        "wasm reports differ from tests/golden/fingerprints.txt"
    );
    let expected = [
        include_str!("golden/october-2025-dns.json"),
        include_str!("golden/two-resolvers.json"),
        include_str!("golden/dependency-failover.json"),
    ];
    for (name, expected) in golden_cases::JSON_PRESETS.iter().zip(expected) {
        assert!(
            golden_cases::report_json(name) == expected,
            "{name}: the wasm JSON report differs from tests/golden/{name}.json"
        );
    }
}
