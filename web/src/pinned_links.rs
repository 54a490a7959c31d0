//! Pinned links: one link per released link format version, kept exactly as it was written the
//! day the version was released. Each must keep decoding to the same scenario in every later
//! version (docs/embedding.md, "Pinned embeds"); a change that breaks one needs a new format
//! version and a reader for the old one, never an edit of the link below.
//!
//! The expected scenario is built independently of the link codec: the preset's file read by
//! the TOML decoder, then the fields the link sets, written directly.

use stampede_charts::ChartKind;
use stampede_core::scenario::raw::BackoffKind;
use stampede_core::{RawScenario, scenario};

use crate::state::AppState;

/// A preset's file as the TOML decoder reads it.
fn preset_file(toml: &str) -> RawScenario {
    scenario::raw_from_toml(toml).expect("preset decodes")
}

/// Decodes `link` as the page does and checks that nothing in it was ignored.
fn decoded(link: &str) -> AppState {
    let state = AppState::from_query(link);
    assert!(
        state.url_problems.is_empty(),
        "{link}: {:?}",
        state.url_problems
    );
    assert!(
        state.embedding.ignored.is_empty(),
        "{link}: {:?}",
        state.embedding.ignored
    );
    assert!(state.scenario().is_some(), "{link}: {:?}", state.problems);
    state
}

#[test]
fn links_written_before_the_format_had_a_version_read_as_version_1() {
    // A playground link from before `v=` existed (2026-11), as the address bar wrote it.
    let state = decoded("preset=october-2025-dns&client_dns.fixed_ttl_s=5&dns.record_ttl_s=60");
    let mut expected = preset_file(include_str!("../../presets/october-2025-dns.toml"));
    expected.client_dns.fixed_ttl_s = 5.0;
    expected.dns.record_ttl_s = 60.0;
    assert_eq!(state.raw, expected);
    assert_eq!(state.embedding.link_version, 1);
    assert!(!state.embed);
}

#[test]
fn link_format_1_still_decodes_to_the_same_scenario_and_embed() {
    // Released 2026-12-04 with the embed options (docs/embedding.md's example).
    let link = "preset=naive-retry-storm&retry.attempts_max=6&retry.backoff=exponential\
                &retry.backoff_base_ms=100&retry.backoff_max_ms=2000&run.seed=7&embed=1&charts=load,outcomes\
                &kpis=availability,time_to_recover&controls=retry.attempts_max\
                &title=Retry%20storms&caption=auto&theme=dark&height=compact&v=1";
    let state = decoded(link);
    let mut expected = preset_file(include_str!("../../presets/naive-retry-storm.toml"));
    expected.retry.attempts_max = 6;
    expected.retry.backoff = BackoffKind::Exponential;
    expected.retry.backoff_base_ms = 100.0;
    expected.retry.backoff_max_ms = 2000.0;
    expected.run.seed = 7;
    assert_eq!(state.raw, expected);
    let e = &state.embedding;
    assert!(state.embed && e.compact);
    assert_eq!(e.link_version, 1);
    assert_eq!(e.charts, Some(vec![ChartKind::Load, ChartKind::Outcomes]));
    assert_eq!(e.kpis, Some(vec!["availability", "time_to_recover"]));
    assert_eq!(e.controls, vec!["retry.attempts_max"]);
    assert_eq!(e.title.as_deref(), Some("Retry storms"));
    assert_eq!(state.dark, Some(true));
    // Written back, the link reads the same again (the page rewrites its own address).
    let again = decoded(&state.to_query());
    assert_eq!(again.raw, state.raw);
    assert_eq!(again.embedding, state.embedding);
}
