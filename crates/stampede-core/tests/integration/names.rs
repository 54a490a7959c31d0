//! Further names with failover routing across the regions of a further service. Expected
//! values are derived from docs/sources.md (B3: detection ≈ interval ×
//! threshold + propagation + TTL) and the model's stated semantics (each name's health check
//! starts at a phase drawn from the `NameHealthCheck` stream), never copied from a run.

use crate::support::{run_checked, scenario};
use stampede_core::Report;
use stampede_core::rng::{Rng, StreamId};
use stampede_core::scenario::raw::{
    ClientCacheMode, FaultKind, RawDependency, RawFault, RawFleetClass, RawName, RawScenario,
    RawService, RoutingPolicy,
};

const FAULT_START_S: f64 = 100.0;
const FAULT_END_S: f64 = 700.0;
const DURATION_S: f64 = 800.0;
const TTL_S: f64 = 60.0;
const BUCKET_S: f64 = 5.0;
const PROPAGATION_S: f64 = 60.0;
const THRESHOLD: u32 = 3;

/// The token service `sts` runs in two regions behind the name `sts.example`; one class of 1000
/// clients calls it directly. Its primary is lost from 100 s to 700 s. Clients cache the record
/// for its TTL, open a connection per attempt and never retry, so a request fails exactly when
/// its client's answer still names the lost primary.
fn sts_region_loss(r: &mut RawScenario, routing: RoutingPolicy, interval_s: Option<f64>) {
    r.run.duration_s = DURATION_S;
    r.run.bucket_s = BUCKET_S;
    r.client_dns.cache = ClientCacheMode::RecordTtl;
    r.retry.attempts_max = 1;
    r.dns.name = "api.example".into();
    r.services = vec![RawService {
        name: "sts".into(),
        regions: 2,
        workers: 200,
        ..RawService::default()
    }];
    r.names = vec![RawName {
        name: "sts.example".into(),
        service: "sts".into(),
        record_ttl_s: TTL_S,
        routing,
        health_check_interval_s: interval_s,
        ..RawName::default()
    }];
    r.fleets = vec![RawFleetClass {
        name: "app".into(),
        clients: 1000,
        calls: "sts.example".into(),
        ..RawFleetClass::default()
    }];
    r.faults = vec![RawFault {
        kind: FaultKind::RegionLoss,
        start_s: FAULT_START_S,
        end_s: FAULT_END_S,
        target: "service:sts".into(),
        ..RawFault::default()
    }];
}

/// When `sts.example` starts answering the secondary: its checks run every interval from a
/// phase drawn first on the `NameHealthCheck` stream (it is the only further name with
/// failover); the first check at or after the fault's start fails, the primary turns unhealthy
/// `threshold` failed checks later, and the answer changes after propagation.
fn expected_switch_s(seed: u64, interval_s: f64) -> f64 {
    let mut phase = Rng::stream(seed, StreamId::NameHealthCheck);
    let interval_us = interval_s * 1e6;
    let first_check_us = (phase.uniform() * interval_us).floor();
    let k = ((FAULT_START_S * 1e6 - first_check_us) / interval_us).ceil();
    let first_failed_s = (first_check_us + k * interval_us) / 1e6;
    first_failed_s + f64::from(THRESHOLD - 1) * interval_s + PROPAGATION_S
}

fn last_failure_s(report: &Report) -> f64 {
    let s = &report.series;
    let last = (0..report.buckets_done)
        .rev()
        .find(|b| s.failed_total(*b) > 0)
        .expect("some request failed");
    last as f64 * report.bucket_s
}

#[test]
fn a_further_name_fails_over_within_its_own_derived_detection_window() {
    // The name's own interval (10 s, fast) or, absent, the main name's (30 s).
    for (interval, seed) in [(None, 1), (None, 2), (Some(10.0), 3)] {
        let interval_s = interval.unwrap_or(30.0);
        let report = run_checked(&scenario(|r| {
            sts_region_loss(r, RoutingPolicy::Failover, interval);
            r.run.seed = seed;
        }));
        let switch_s = expected_switch_s(seed, interval_s);
        // B3's worst case, less one interval at most for the checks' phase.
        let worst_s = FAULT_START_S + interval_s * f64::from(THRESHOLD) + PROPAGATION_S + TTL_S;
        assert!(switch_s <= worst_s - TTL_S && switch_s > worst_s - TTL_S - interval_s);
        // The name's own switch history: one failover at the derived instant, one failback
        // after the fault, and the main name never switches.
        let names = &report.summary.names;
        assert_eq!(names.len(), 2);
        assert!(names[0].switches.is_empty() && !names[0].failover);
        assert!(names[1].failover);
        let first = names[1].switches[0];
        assert_eq!(first.region, 1);
        assert!(
            (first.at_s - switch_s).abs() < 1e-5,
            "{} vs {switch_s}",
            first.at_s
        );
        // Failing back takes `threshold` passed checks and propagation: within the run only
        // when that ends before the horizon.
        let back_by = FAULT_END_S + interval_s * f64::from(THRESHOLD) + PROPAGATION_S;
        assert_eq!(
            names[1].switches.len(),
            if back_by < DURATION_S { 2 } else { 1 }
        );
        if let Some(back) = names[1].switches.get(1) {
            assert_eq!(back.region, 0);
            assert!(back.at_s > FAULT_END_S && back.at_s <= back_by, "{back:?}");
        }
        // On the secondary from the switch until the failback, or the end of the run; the
        // same time as the per-bucket failover fractions add up to.
        let back_s = names[1]
            .switches
            .get(1)
            .map_or(DURATION_S, |back| back.at_s);
        assert!(
            (names[1].time_on_secondary_s - (back_s - switch_s)).abs() < 1e-5,
            "{} s on the secondary vs {back_s} − {switch_s}",
            names[1].time_on_secondary_s
        );
        let from_fractions: f64 = report.series.name_failover_fraction[1]
            .iter()
            .map(|f| f * BUCKET_S)
            .sum();
        assert!((names[1].time_on_secondary_s - from_fractions).abs() < 1e-6);
        assert_eq!(names[0].time_on_secondary_s, 0.0);
        let s = &report.series;
        let fraction = &s.name_failover_fraction[1];
        let switch_bucket = (switch_s / BUCKET_S) as usize;
        assert_eq!(fraction[switch_bucket - 1], 0.0);
        assert!(fraction[switch_bucket] > 0.0);
        assert_eq!(fraction[switch_bucket + 1], 1.0);
        assert!(s.name_failover_fraction[0].iter().all(|f| *f == 0.0));
        assert!(s.failover_fraction.iter().all(|f| *f == 0.0));
        let end_s = last_failure_s(&report);
        assert!(
            end_s >= switch_s - BUCKET_S && end_s <= switch_s + TTL_S && end_s <= worst_s,
            "the outage ends within one TTL of the switch: {end_s} vs {switch_s}"
        );
        // Before the switch nothing succeeds; after the clients' answers expired every attempt
        // goes to the secondary and succeeds.
        for b in (FAULT_START_S / BUCKET_S) as usize + 1..switch_bucket {
            assert_eq!(s.success[b], 0, "bucket {b} is before the switch");
        }
        for b in (worst_s / BUCKET_S) as usize + 1..(FAULT_END_S / BUCKET_S) as usize {
            assert_eq!(s.failed_total(b), 0, "bucket {b} is after the failover");
            assert_eq!(s.service_region_offered[1][0][b], 0);
            assert_eq!(s.service_region_offered[1][1][b], s.service_offered[1][b]);
            assert!(s.service_offered[1][b] > 0);
        }
    }
}

#[test]
fn failover_on_a_further_name_keeps_its_class_available_where_simple_routing_does_not() {
    let run = |routing| run_checked(&scenario(|r| sts_region_loss(r, routing, None)));
    let (failover, simple) = (run(RoutingPolicy::Failover), run(RoutingPolicy::Simple));
    // Requests arrive uniformly; the class loses those sent while its answers name the lost
    // primary: the whole fault with simple routing (its first bucket holds requests served
    // before it), at most B3's worst case with failover.
    let worst_s = 30.0 * f64::from(THRESHOLD) + PROPAGATION_S + TTL_S;
    let noise = 0.01;
    let a_failover = failover.summary.classes[0].availability;
    let a_simple = simple.summary.classes[0].availability;
    assert!(
        a_failover >= 1.0 - worst_s / DURATION_S - noise,
        "failover {a_failover}"
    );
    let lost_s = FAULT_END_S - FAULT_START_S - BUCKET_S;
    assert!(
        a_simple <= 1.0 - lost_s / DURATION_S + noise,
        "simple {a_simple}"
    );
    assert!(simple.summary.names[1].switches.is_empty());
    assert!(
        simple.series.service_region_offered[1][1]
            .iter()
            .all(|n| *n == 0)
    );
}

/// Each call follows its own name: the main backend and `sts` both have two regions and both
/// names fail over, but only `sts`'s primary is lost. A request calls `sts.example` first (a
/// required dependency), then the main name: the main calls stay on the main backend's primary
/// while the dependency calls move to `sts`'s secondary, and only `sts.example` switches.
#[test]
fn each_name_keeps_its_own_answer_and_each_call_its_own_region() {
    let report = run_checked(&scenario(|r| {
        sts_region_loss(r, RoutingPolicy::Failover, None);
        r.backend.regions = 2;
        r.backend.workers = 200;
        r.dns.routing = RoutingPolicy::Failover;
        r.dns.record_ttl_s = 5.0;
        r.fleets[0].calls = String::new();
        r.fleets[0].depends_on = vec![RawDependency {
            name: "sts.example".into(),
            required: true,
        }];
    }));
    let s = &report.series;
    let names = &report.summary.names;
    assert!(names[0].failover && names[0].switches.is_empty());
    assert_eq!(names[1].switches[0].region, 1);
    assert!(s.region_offered[1].iter().all(|n| *n == 0));
    assert_eq!(s.region_offered[0], s.backend_offered);
    let worst_s = FAULT_START_S + 30.0 * f64::from(THRESHOLD) + PROPAGATION_S + TTL_S;
    for b in (worst_s / BUCKET_S) as usize + 1..(FAULT_END_S / BUCKET_S) as usize {
        assert_eq!(s.failed_total(b), 0, "bucket {b} is after the failover");
        assert_eq!(s.service_region_offered[1][1][b], s.service_offered[1][b]);
    }
}

/// `service:<name>/region:<index>` strikes that region only: losing `sts`'s secondary while the
/// name answers its primary (simple routing) fails nothing.
#[test]
fn a_service_region_target_strikes_that_region() {
    let report = run_checked(&scenario(|r| {
        sts_region_loss(r, RoutingPolicy::Simple, None);
        r.faults[0].target = "service:sts/region:1".into();
    }));
    assert_eq!(report.summary.failed, 0);
    assert!(report.summary.success > 0);
}

#[test]
fn bad_name_routing_is_reported_with_field_paths() {
    let mut raw = RawScenario::default();
    sts_region_loss(&mut raw, RoutingPolicy::Failover, Some(5.0));
    raw.services[0].regions = 1;
    raw.services.push(RawService {
        name: "config".into(),
        regions: 3,
        ..RawService::default()
    });
    raw.names[0].health_check_failure_threshold = Some(0);
    raw.names[0].propagation_s = Some(f64::NAN);
    raw.names.push(RawName {
        name: "api2.example".into(),
        service: "backend".into(),
        routing: RoutingPolicy::Failover,
        ..RawName::default()
    });
    raw.faults.push(RawFault {
        target: "service:sts/region:1".into(),
        kind: FaultKind::RegionLoss,
        ..RawFault::default()
    });
    raw.faults.push(RawFault {
        target: "service:nobody/region:1".into(),
        kind: FaultKind::RegionLoss,
        ..RawFault::default()
    });
    // A region index no service could have (it would overflow a slot index).
    raw.faults.push(RawFault {
        target: format!("service:sts/region:{}", usize::MAX),
        kind: FaultKind::RegionLoss,
        ..RawFault::default()
    });
    raw.backend.name = "backend".into();
    let problems = stampede_core::Scenario::try_from(raw).unwrap_err().problems;
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "services[1].regions",
            "names[0].health_check_interval_s",
            "names[0].health_check_failure_threshold",
            "names[0].propagation_s",
            "names[0].routing",
            "names[1].routing",
            "faults[1].target",
            "faults[2].target",
            "faults[3].target",
        ],
        "{problems:#?}"
    );
    assert!(problems[4].message.contains("services[0].regions = 2"));
    assert!(problems[5].message.contains("backend.regions = 2"));
}

/// The `dependency-failover` preset: a required token call per request; the token service's
/// primary is lost from 200 s to 900 s of a 1200 s run. The class whose dependency name has
/// simple routing loses its requests for the whole loss (retries go to the same lost region);
/// the class whose name fails over loses them for at most B3's 30×3 + 60 + 60 s.
#[test]
fn the_dependency_failover_preset_shows_what_failover_of_a_dependency_buys() {
    let preset = stampede_core::presets::find("dependency-failover").expect("preset");
    let raw = preset.raw().expect("parses");
    let report = run_checked(&stampede_core::Scenario::try_from(raw.clone()).expect("valid"));
    let (duration_s, fault) = (raw.run.duration_s, &raw.faults[0]);
    let lost_s = fault.end_s - fault.start_s;
    let detection_s = raw.dns.health_check_interval_s
        * f64::from(raw.dns.health_check_failure_threshold)
        + raw.dns.propagation_s
        + raw.names[1].record_ttl_s;
    let classes = &report.summary.classes;
    let (regional, failover) = (classes[0].availability, classes[1].availability);
    let noise = 0.01;
    assert!(
        (regional - (1.0 - lost_s / duration_s)).abs() <= noise,
        "regional {regional}"
    );
    assert!(
        failover >= 1.0 - detection_s / duration_s - noise,
        "failover {failover}"
    );
    let names = &report.summary.names;
    assert!(names[1].switches.is_empty() && names[2].switches[0].region == 1);
}

/// Hedging combined with a call before the main one: each call hedges with the class's policy
/// and its hedges draw on that call's gRPC token bucket (per client and call). The dependency
/// always fails at once (optional: skipped), so its bucket drops to maxTokens/2 within a few
/// calls and its hedges stop: at most ⌈maxTokens/2⌉ failures per client pass before that, hence
/// at most that many dependency hedges per client. The main service answers every attempt in a
/// constant 300 ms, after the 100 ms hedging delay, so every main call that reaches the delay
/// sends exactly one hedge (2 attempts at most), and its bucket stays full. With one bucket
/// shared by both calls the dependency's failures would stop the main call's hedges too.
#[test]
fn each_call_hedges_through_its_own_budget_and_every_request_ends_once() {
    use stampede_core::scenario::raw::RetryBudgetKind;
    let clients = 50;
    let max_tokens = 10.0;
    let sc = scenario(|r| {
        r.run.duration_s = 200.0;
        r.hedging.max_attempts = 2;
        r.retry_budget.kind = RetryBudgetKind::GrpcThrottling;
        r.retry_budget.grpc_max_tokens = max_tokens;
        r.backend.workers = 1000;
        r.backend.service_ms_mean = 300.0;
        hedged_class_with_a_failing_optional_call(r, clients);
    });
    let report = run_checked(&sc);
    let s = &report.summary;
    assert_eq!(s.failed, 0, "{:?}", s.failed_by_cause);
    let hedges: u64 = report.series.attempts_hedge.iter().sum();
    let later: u64 = report.series.attempts_later_call.iter().sum();
    eprintln!(
        "{} requests, {} successes, {hedges} hedges, {later} main calls",
        s.requests_finished, s.success
    );
    let dependency_hedges_max = clients * (max_tokens / 2.0).ceil() as u64;
    // Every success made its main call, which sent one hedge; calls still in flight may too.
    assert!(
        hedges >= s.success && hedges <= later + dependency_hedges_max,
        "{hedges} hedges for {} successes, {later} main calls",
        s.success
    );
    // The main calls' hedges never reach the backend first: the first attempt, sent 100 ms
    // earlier and as fast, wins; each hedge's work is abandoned (wasted) or dropped.
    let served: u64 = report.series.service_started.iter().sum();
    let offered: u64 = report.series.backend_offered.iter().sum();
    assert!(offered >= 2 * s.success && served >= 2 * s.success);
}

/// Hedges keep gRFC A6's schedule (attempts at 0, d, 2d, …) on the main call even when the call
/// before it fails at once. The optional dependency answers every attempt with an error, so its
/// call (with its hedges) fails during the first attempt's launch and the main call starts at
/// once. The main service answers in a constant 150 ms: with d = 100 ms the main call sends its
/// first attempt at 0 and one hedge at 100 ms, and the first attempt wins at 150 ms, before a
/// second hedge would go at 200 ms. So the main backend sees exactly 2 attempts per main call
/// (fewer only for calls still out at the horizon), never 3.
#[test]
fn hedges_keep_their_schedule_after_a_call_that_failed_at_once() {
    let sc = scenario(|r| {
        r.run.duration_s = 120.0;
        r.hedging.max_attempts = 3;
        r.backend.workers = 2000;
        r.backend.service_ms_mean = 150.0;
        hedged_class_with_a_failing_optional_call(r, 100);
    });
    let report = run_checked(&sc);
    let s = &report.summary;
    assert_eq!(s.failed, 0, "{:?}", s.failed_by_cause);
    let main_calls: u64 = report.series.attempts_later_call.iter().sum();
    let offered: u64 = report.series.backend_offered.iter().sum();
    assert!(main_calls > 1000, "{main_calls} main calls");
    assert!(
        offered <= 2 * main_calls && offered >= 2 * s.success,
        "{offered} attempts at the main backend for {main_calls} main calls, {} successes",
        s.success
    );
}

/// The set-up both hedging tests share: no DNS effects, hedges every 100 ms, a 2 s attempt
/// timeout, a main service with a constant service time, and one class `app` of `clients`
/// clients whose optional call to `config.example` (service `config`) always fails at once.
fn hedged_class_with_a_failing_optional_call(r: &mut RawScenario, clients: u64) {
    crate::support::no_dns(r);
    r.fleet.attempt_timeout_ms = 2000.0;
    r.hedging.delay_ms = 100.0;
    r.backend.service_time = stampede_core::scenario::raw::ServiceTimeLaw::Constant;
    crate::support::class_calling(r, ("app", clients), ("config.example", "config"), false);
    r.faults = vec![RawFault {
        kind: FaultKind::ErrorRate,
        start_s: 0.0,
        end_s: 1e6,
        target: "service:config".into(),
        ..RawFault::default()
    }];
}
