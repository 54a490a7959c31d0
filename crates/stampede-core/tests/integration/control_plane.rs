//! Leases, operator throttles and load-balancer health checks: the October 2025 control-plane
//! mechanisms (docs/sources.md C, phases P4 and P5). Expected values come from
//! the model's definitions or from probability, never from a run.

use crate::support::{no_dns, run_checked, scenario};
use stampede_core::scenario::raw::{
    FAULT_TARGET_ZONE, FaultKind, RawFault, RawScenario, ServiceTimeLaw,
};
use stampede_core::{Recovery, Report};

fn run(edit: impl FnOnce(&mut RawScenario)) -> Report {
    run_checked(&scenario(edit))
}

fn total(v: &[u64]) -> u64 {
    v.iter().sum()
}

/// A fleet with no DNS effects, no retries, and a backend far from saturation.
fn quiet(r: &mut RawScenario, clients: u64, rate: f64, duration_s: f64) {
    no_dns(r);
    r.run.duration_s = duration_s;
    r.run.bucket_s = 10.0;
    r.fleet.clients = clients;
    r.fleet.request_rate_per_client_per_s = rate;
    r.retry.attempts_max = 1;
    r.backend.workers = 200;
    r.backend.service_time = ServiceTimeLaw::Constant;
    r.backend.service_ms_mean = 1.0;
}

#[test]
fn a_lease_is_held_with_the_probability_of_a_renewal_within_its_lifetime() {
    // Renewals are Poisson at λ per client and all succeed (in ~1 ms), so at any instant a
    // client holds its lease when it renewed within the last L: 1 − e^(−λL). The run starts in
    // that steady state and stays there.
    for (rate, lifetime_s) in [(0.1, 10.0), (0.05, 20.0), (0.2, 2.5)] {
        let report = run(|r| {
            quiet(r, 4000, rate, 300.0);
            r.lease.lifetime_s = lifetime_s;
        });
        let expected = 1.0 - f64::exp(-rate * lifetime_s);
        let held = &report.series.leases_held_fraction;
        let mean = held.iter().sum::<f64>() / held.len() as f64;
        assert!(
            (mean - expected).abs() < 0.01,
            "λ = {rate}/s, L = {lifetime_s} s: {mean:.4} held vs 1 − e^(−λL) = {expected:.4}"
        );
        // The first bucket is already in the steady state (no cold start of leases).
        assert!(
            (held[0] - expected).abs() < 0.03,
            "{:.4} at the start",
            held[0]
        );
    }
}

#[test]
fn a_request_re_establishes_when_its_client_made_no_renewal_within_the_lifetime() {
    // By the same argument a request finds its client's lease lapsed with probability e^(−λL).
    let (rate, lifetime_s) = (0.1, 10.0);
    let report = run(|r| {
        quiet(r, 4000, rate, 300.0);
        r.lease.lifetime_s = lifetime_s;
        r.lease.reestablish_work_factor = 3.0;
    });
    let s = &report.series;
    let share = total(&s.lease_reestablished) as f64 / total(&s.service_started) as f64;
    let expected = f64::exp(-rate * lifetime_s);
    assert!(
        (share - expected).abs() < 0.01,
        "{share:.4} of the work re-establishes vs e^(−λL) = {expected:.4}"
    );
    // A re-establishment costs the work factor: mean latency = 1 ms × (1 − p + 3p).
    let latency_ms = s.latency_ms_sum.iter().sum::<f64>() / total(&s.success) as f64;
    let expected_ms = 1.0 * (1.0 - expected + 3.0 * expected);
    assert!(
        (latency_ms - expected_ms).abs() < 0.02,
        "{latency_ms:.4} ms vs {expected_ms:.4} ms"
    );
}

#[test]
fn without_leases_nothing_is_re_established_and_every_lease_counts_as_held() {
    let report = run(|r| quiet(r, 100, 1.0, 60.0));
    let s = &report.series;
    assert_eq!(total(&s.lease_reestablished), 0);
    assert!(s.leases_held_fraction.iter().all(|f| *f == 1.0));
}

fn throttle(start_s: f64, end_s: f64, rate_per_s: f64) -> RawFault {
    RawFault {
        kind: FaultKind::Throttle,
        start_s,
        end_s,
        rate_per_s,
        target: FAULT_TARGET_ZONE.to_string(),
        ..RawFault::default()
    }
}

#[test]
fn a_throttle_admits_its_rate_plus_its_burst_and_rejects_the_rest() {
    // Offered 1000/s for 100 s against a throttle of R/s: admissions are R × 100 s plus at most
    // the burst (a tenth of a second of R); the rest are rejected at once as throttling errors.
    for rate in [50.0, 300.0, 900.0] {
        let report = run(|r| {
            quiet(r, 1000, 1.0, 120.0);
            r.faults = vec![throttle(10.0, 110.0, rate)];
        });
        let s = &report.series;
        let throttled = total(&s.backend_throttled);
        let admitted = total(&s.backend_offered) - throttled;
        let outside = total(&s.backend_offered[..1]) + total(&s.backend_offered[11..]);
        let inside = admitted - outside;
        let ceiling = rate * 100.0 + rate * 0.1;
        assert!(
            inside as f64 <= ceiling + 1.0 && inside as f64 >= rate * 100.0 * 0.99,
            "R = {rate}/s: {inside} admitted in 100 s (at most {ceiling})"
        );
        let cause = |outcome: stampede_core::Outcome| {
            report.summary.failed_by_cause[outcome.failure_index().unwrap()]
        };
        assert_eq!(
            cause(stampede_core::Outcome::OperatorThrottled),
            throttled,
            "every throttled attempt fails the request (no retries), as throttled by the operator"
        );
        assert_eq!(
            cause(stampede_core::Outcome::Rejected),
            0,
            "nothing is reported as queue full: the queue never filled"
        );
    }
}

#[test]
fn a_throttle_that_flushes_the_queue_drops_what_waits_when_it_starts() {
    // Offered 1000/s against 100/s of capacity: the queue fills to its capacity. A throttle with
    // `flush_queue` empties it at its start; without it, nothing is dropped.
    let with = |flush: bool| {
        run(|r| {
            quiet(r, 1000, 1.0, 60.0);
            r.backend.workers = 10;
            r.backend.service_ms_mean = 100.0;
            r.backend.queue_capacity = 500;
            r.fleet.attempt_timeout_ms = 120_000.0;
            let mut t = throttle(30.0, 60.0, 50.0);
            t.flush_queue = flush;
            r.faults = vec![t];
        })
    };
    let (flushed, kept) = (with(true), with(false));
    assert_eq!(total(&kept.series.dropped_abandoned), 0);
    assert_eq!(
        flushed.series.dropped_abandoned[3], 500,
        "the full queue (its capacity) is dropped at 30 s"
    );
    assert_eq!(total(&flushed.series.dropped_abandoned), 500);
}

#[test]
fn velocity_control_caps_the_capacity_failing_health_checks_remove() {
    // Capacity during the fault is workers × (1 − min(fraction, cap)).
    for (fraction, cap) in [(1.0, 1.0), (1.0, 0.2), (0.5, 0.2), (0.1, 0.2), (0.6, 0.0)] {
        let report = run(|r| {
            quiet(r, 100, 1.0, 60.0);
            r.backend.health_check_removal_max_fraction = cap;
            r.faults = vec![RawFault {
                kind: FaultKind::HealthCheckFlapping,
                start_s: 20.0,
                end_s: 40.0,
                fraction,
                target: FAULT_TARGET_ZONE.to_string(),
                ..RawFault::default()
            }];
        });
        let s = &report.series.backend_capacity;
        let full = s[0];
        let expected = (200.0 * (1.0 - f64::min(fraction, cap))).floor() / 200.0;
        assert!(
            (s[2] / full - expected).abs() < 1e-9 && s[4] == full,
            "fraction {fraction}, cap {cap}: {} of capacity vs {expected}",
            s[2] / full
        );
    }
}

#[test]
fn october_stage_two_collapses_without_the_operator_and_recovers_with_the_throttle() {
    // P4: once every lease has lapsed the re-establishment work outgrows the control plane and
    // all of it is served after its droplet gave up; only throttling and restarting ends it.
    let preset = stampede_core::presets::find("october-2025-control-plane").expect("preset");
    let raw = stampede_core::scenario::raw_from_toml(preset.toml).expect("preset parses");
    assert!(
        raw.faults
            .iter()
            .any(|f| f.kind == FaultKind::Throttle && f.flush_queue)
    );
    let with_operator = run_checked(&scenario(|r| *r = raw.clone()));
    let without = run_checked(&scenario(|r| {
        *r = raw.clone();
        r.faults.retain(|f| f.kind != FaultKind::Throttle);
    }));
    assert!(
        matches!(with_operator.summary.recovery, Recovery::Recovered { .. }),
        "{:?}",
        with_operator.summary.recovery
    );
    assert!(
        matches!(without.summary.recovery, Recovery::Metastable { .. }),
        "{:?}",
        without.summary.recovery
    );
    let last = without
        .series
        .leases_held_fraction
        .last()
        .copied()
        .unwrap_or(1.0);
    assert!(
        last < 0.1,
        "without the operator the leases stay lapsed ({last})"
    );
}
