//! The "what to notice" caption says what the figures show, on scenarios where the statement
//! can be derived beforehand (docs/sources.md D3, D4, E), never copied from a run.

use crate::support::{no_dns, run_checked, scenario};
use stampede_core::caption::what_to_notice;
use stampede_core::presets::find;
use stampede_core::scenario::raw::{BackoffKind, FaultKind, JitterKind, RawFault};
use stampede_core::{Recovery, Scenario};

#[test]
fn a_run_without_a_fault_says_so_and_nothing_about_retries_or_recovery() {
    let report = run_checked(&scenario(|r| {
        no_dns(r);
        r.run.duration_s = 120.0;
        r.faults.clear();
    }));
    let caption = what_to_notice(&report);
    assert!(caption.starts_with("No fault in this run: "), "{caption}");
    for absent in ["Retries", "Goodput", "metastable"] {
        assert!(!caption.contains(absent), "{caption}");
    }
}

#[test]
fn total_failure_with_immediate_retries_reads_as_n_times_the_load_and_an_instant_recovery() {
    // Every attempt fails during [100 s, 200 s) and nothing else degrades: each request makes
    // exactly attempts_max = 3 attempts (Brooker, docs/sources.md D3: N + 1 attempts under total
    // failure), so the peak amplification reads 3.0×. Errors leave no queue or cache behind, so
    // goodput is back in the first bucket after the fault, and every failure is a server error.
    let report = run_checked(&scenario(|r| {
        no_dns(r);
        r.run.duration_s = 300.0;
        r.run.bucket_s = 10.0;
        r.fleet.clients = 200;
        r.retry.attempts_max = 3;
        r.retry.backoff = BackoffKind::Constant;
        r.retry.jitter = JitterKind::None;
        r.retry.backoff_base_ms = 1.0;
        r.retry.backoff_max_ms = 1.0;
        r.faults = vec![RawFault {
            kind: FaultKind::ErrorRate,
            start_s: 100.0,
            end_s: 200.0,
            fraction: 1.0,
            ..RawFault::default()
        }];
    }));
    let caption = what_to_notice(&report);
    for expected in [
        "Retries raised the attempts to 3.0× the user requests within ",
        " of the backend errors starting.",
        "Goodput was back to its level before the fault as soon as the fault ended.",
        "100 % of them by server error.",
    ] {
        assert!(
            caption.contains(expected),
            "missing {expected:?} in: {caption}"
        );
    }
    // Errors answer at once: the backend is never asked for more than it can serve.
    assert!(!caption.contains("asked for up to"), "{caption}");
}

#[test]
fn the_retry_storm_reads_as_metastable_with_the_backend_still_overloaded() {
    // naive-retry-storm is the peer workload's "stays down" configuration (docs/sources.md E):
    // a full queue of 2000 waits 2000 / (50 workers × 25/s) = 1.6 s, longer than the 1 s attempt
    // timeout, so once the queue fills every served attempt was abandoned and four immediate
    // attempts per request keep it full (docs/sources.md D4): the backend stays overloaded and
    // goodput does not come back after the slowdown ends.
    let preset = find("naive-retry-storm").expect("preset");
    let sc = Scenario::try_from(preset.raw().expect("decodes")).expect("valid");
    let report = run_checked(&sc);
    assert!(
        matches!(report.summary.recovery, Recovery::Metastable { .. }),
        "{:?}",
        report.summary.recovery
    );
    let caption = what_to_notice(&report);
    for expected in [
        "Retries raised the attempts to ",
        "The backend was asked for up to ",
        "Goodput had not come back ",
        "the backend stayed overloaded for ",
        "a metastable failure",
    ] {
        assert!(
            caption.contains(expected),
            "missing {expected:?} in: {caption}"
        );
    }
}
