//! The golden cases shared by the native golden test (`integration/golden.rs`) and the wasm test
//! (`wasm.rs`): every preset run to its horizon, fingerprinted to the bit, and the full JSON
//! report of three presets. The expected texts live in `tests/golden/`; regenerate them with
//! `STAMPEDE_BLESS=1 cargo test -p stampede-core --test integration golden` (only when a change
//! is meant to change results, and say so in the commit).

use stampede_core::presets::PRESETS;
use stampede_core::report::fingerprint;
use stampede_core::{Report, Scenario};

/// Presets whose whole JSON report is kept: a single-fleet DNS outage, several resolvers, and a
/// topology with client classes and dependencies.
pub const JSON_PRESETS: [&str; 3] = ["october-2025-dns", "two-resolvers", "dependency-failover"];

/// Runs a preset to its horizon.
pub fn run_preset(name: &str) -> Report {
    let preset = stampede_core::presets::find(name).expect("a preset of that name");
    let raw = preset.raw().expect("the preset parses");
    let scenario = Scenario::try_from(raw).expect("the preset validates");
    stampede_core::run(&scenario)
}

/// One line per preset: the fingerprint of the whole report, of its series and of its summary
/// (FNV-1a over the `Debug` text, which prints each f64 with the shortest round-trip digits, so
/// a line is equal exactly when every number is bit-identical), and the headline figures.
pub fn fingerprint_lines() -> String {
    let mut lines = String::new();
    for preset in PRESETS {
        let report = run_preset(preset.name);
        let series = fnv(&format!("{:?}", report.series));
        let summary = fnv(&format!("{:?}", report.summary));
        lines.push_str(&format!(
            "{} report={:016x} series={series:016x} summary={summary:016x} buckets={} availability={:?} peak_amplification={:?}\n",
            preset.name,
            fingerprint(&report),
            report.buckets_done,
            report.summary.availability,
            report.summary.peak_amplification,
        ));
    }
    lines
}

/// The pretty JSON report of one preset, with a final newline.
pub fn report_json(name: &str) -> String {
    let mut text = serde_json::to_string_pretty(&run_preset(name)).expect("a report serialises");
    text.push('\n');
    text
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
