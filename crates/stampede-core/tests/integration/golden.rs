//! Golden results: every preset's report, fingerprinted to the bit, and three presets' whole
//! JSON reports, against the files in `tests/golden/` (the same cases `wasm.rs` checks on wasm).
//! Regenerate with `STAMPEDE_BLESS=1 cargo test -p stampede-core --test integration golden`.

#[path = "../golden_cases.rs"]
mod golden_cases;

use std::path::PathBuf;

fn golden_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(file)
}

/// Compares `actual` with the golden file, or writes it when `STAMPEDE_BLESS` is set.
fn check_golden(file: &str, actual: &str) {
    let path = golden_path(file);
    if std::env::var_os("STAMPEDE_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (create it with STAMPEDE_BLESS=1 cargo test -p stampede-core --test integration golden)",
            path.display()
        )
    });
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from this run at line {}:\n  golden: {:?}\n  now:    {:?}\n\
             results changed; if that is intended, rerun with STAMPEDE_BLESS=1 and say why in the commit",
            path.display(),
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first),
        );
    }
}

#[test]
fn golden_fingerprints_of_every_preset() {
    check_golden("fingerprints.txt", &golden_cases::fingerprint_lines());
}

#[test]
fn golden_json_reports() {
    for name in golden_cases::JSON_PRESETS {
        check_golden(&format!("{name}.json"), &golden_cases::report_json(name));
    }
}
