//! URL queries over a preset (the playground's links and `--set`): the first byte picks the
//! preset, the rest is the query; every pair applies or is reported, then validate, estimate.
#![no_main]

mod common;

use stampede_core::presets::PRESETS;

/// The presets decoded once (decoding one per input spent most of the time there).
fn bases() -> &'static [stampede_core::RawScenario] {
    static BASES: std::sync::OnceLock<Vec<stampede_core::RawScenario>> = std::sync::OnceLock::new();
    BASES.get_or_init(|| PRESETS.iter().filter_map(|p| p.raw().ok()).collect())
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let base = &bases()[usize::from(pick) % bases().len()];
    let query = String::from_utf8_lossy(rest);
    let (raw, problems) = stampede_core::scenario::apply_query(base, &query);
    assert!(problems.len() <= stampede_core::scenario::bounds::PROBLEMS_LISTED_MAX + 1);
    common::check_raw(raw);
});
