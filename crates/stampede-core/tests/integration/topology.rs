//! Regions with Route 53 failover, identity-token and telemetry dependencies, and the per-client
//! cap on lookups in flight. Expected values are derived from
//! docs/sources.md (B1, B3, B4) and the model's stated semantics, never
//! copied from a run.

use crate::support::{no_dns, run_checked, scenario};
use stampede_core::Report;
use stampede_core::report::Outcome;
use stampede_core::rng::{Rng, StreamId};
use stampede_core::scenario::raw::{
    ClientCacheMode, FaultKind, RawFault, RawScenario, RoutingPolicy, ServiceTimeLaw,
    TelemetryMode, TokenFallback,
};

fn total(v: &[u64]) -> u64 {
    v.iter().sum()
}

fn failed(report: &Report, outcome: Outcome) -> u64 {
    report.summary.failed_by_cause[outcome.failure_index().unwrap()]
}

const FAULT_START_S: f64 = 100.0;
const FAULT_END_S: f64 = 700.0;
const TTL_S: f64 = 60.0;
const BUCKET_S: f64 = 5.0;

/// Two regions, the primary lost from 100 s to 700 s; clients cache the record for its TTL,
/// open a connection per attempt and never retry, so a request fails exactly when its client's
/// answer still names the primary.
fn region_loss(r: &mut RawScenario, routing: RoutingPolicy, interval_s: f64) {
    r.run.duration_s = 800.0;
    r.run.bucket_s = BUCKET_S;
    r.fleet.clients = 1000;
    r.fleet.request_rate_per_client_per_s = 1.0;
    r.client_dns.cache = ClientCacheMode::RecordTtl;
    r.dns.record_ttl_s = TTL_S;
    r.dns.routing = routing;
    r.dns.health_check_interval_s = interval_s;
    r.backend.regions = 2;
    r.backend.workers = 200;
    r.retry.attempts_max = 1;
    r.faults = vec![RawFault {
        kind: FaultKind::RegionLoss,
        start_s: FAULT_START_S,
        end_s: FAULT_END_S,
        target: "region:0".into(),
        ..RawFault::default()
    }];
}

/// Start of the last bucket with a failed request.
fn last_failure_s(report: &Report) -> f64 {
    let s = &report.series;
    let last = (0..report.buckets_done)
        .rev()
        .find(|b| s.failed_total(*b) > 0)
        .expect("some request failed");
    last as f64 * report.bucket_s
}

/// When the zone starts answering the secondary: Route 53 checks every interval from a phase
/// drawn on the health-check stream; the first check at or after the fault's start fails, the
/// primary turns unhealthy `threshold` failed checks later, and the answer changes after
/// propagation (docs/sources.md B3).
fn expected_switch_s(seed: u64, interval_s: f64, threshold: u32, propagation_s: f64) -> f64 {
    let mut phase = Rng::stream(seed, StreamId::HealthCheck);
    let interval_us = interval_s * 1e6;
    let first_check_us = (phase.uniform() * interval_us).floor();
    let k = ((FAULT_START_S * 1e6 - first_check_us) / interval_us).ceil();
    let first_failed_s = (first_check_us + k * interval_us) / 1e6;
    first_failed_s + f64::from(threshold - 1) * interval_s + propagation_s
}

#[test]
fn failover_ends_the_outage_within_interval_times_threshold_plus_propagation_plus_ttl() {
    for (interval_s, seed) in [(30.0, 1), (30.0, 2), (10.0, 3)] {
        let report = run_checked(&scenario(|r| {
            region_loss(r, RoutingPolicy::Failover, interval_s);
            r.run.seed = seed;
        }));
        let (threshold, propagation_s) = (3, 60.0);
        // The derived formula of B3 is the worst case: interval × threshold + propagation + TTL
        // (30×3 + 60 + 60 = 210 s standard, 10×3 + 60 + 60 = 150 s fast). The health-check
        // phase takes up to one interval off it, and the resolver's cache expires between 0 and
        // one TTL after the switch (clients' entries never outlive the resolver's).
        let switch_s = expected_switch_s(seed, interval_s, threshold, propagation_s);
        let worst_s = FAULT_START_S + interval_s * f64::from(threshold) + propagation_s + TTL_S;
        assert!(switch_s <= worst_s - TTL_S && switch_s > worst_s - TTL_S - interval_s);
        let s = &report.series;
        let switch_bucket = (switch_s / BUCKET_S) as usize;
        assert_eq!(s.failover_fraction[switch_bucket - 1], 0.0);
        assert!(s.failover_fraction[switch_bucket] > 0.0);
        assert_eq!(s.failover_fraction[switch_bucket + 1], 1.0);
        let end_s = last_failure_s(&report);
        eprintln!(
            "interval {interval_s} s: switch at {switch_s:.1} s, last failures at {end_s} s, worst case {worst_s} s"
        );
        assert!(
            end_s >= switch_s - BUCKET_S && end_s <= switch_s + TTL_S,
            "the outage ends within one TTL of the switch: {end_s} vs {switch_s}"
        );
        assert!(
            end_s <= worst_s,
            "never later than the formula: {end_s} vs {worst_s}"
        );
        // Until the switch every request fails: each client's answer names the lost primary.
        for b in (FAULT_START_S / BUCKET_S) as usize + 1..switch_bucket {
            assert_eq!(s.success[b], 0, "bucket {b} is before the switch");
        }
        // After it the secondary serves everything, and the requests it gets are all the fleet's.
        let after = (worst_s / BUCKET_S) as usize + 1;
        for b in after..(FAULT_END_S / BUCKET_S) as usize {
            assert_eq!(s.failed_total(b), 0, "bucket {b} is after the failover");
            assert_eq!(s.region_offered[0][b], 0);
            assert_eq!(s.region_offered[1][b], s.backend_offered[b]);
        }
        assert!(failed(&report, Outcome::ServerError) > 0);
    }
}

#[test]
fn a_fault_just_after_a_health_check_takes_the_whole_derived_detection_time() {
    // B3: detection ≈ interval × threshold + propagation + TTL. Its worst case needs the fault
    // to start just after a check (the test reads the checks' phase from the health-check
    // stream) and the last client to have fetched its answer just before the switch: the
    // resolver caches nothing (record TTL 0) and clients keep answers a fixed 60 s (the "TTL").
    let seed = 5;
    let (interval_s, threshold, propagation_s) = (30.0, 3, 60.0);
    let mut phase = Rng::stream(seed, StreamId::HealthCheck);
    let first_check_s = (phase.uniform() * interval_s * 1e6).floor() / 1e6;
    let start_s = first_check_s + 4.0 * interval_s + 0.5;
    let report = run_checked(&scenario(|r| {
        region_loss(r, RoutingPolicy::Failover, interval_s);
        r.run.seed = seed;
        r.dns.record_ttl_s = 0.0;
        r.client_dns.cache = ClientCacheMode::Fixed;
        r.client_dns.fixed_ttl_s = TTL_S;
        r.faults[0].start_s = start_s;
    }));
    let formula_s = interval_s * f64::from(threshold) + propagation_s + TTL_S;
    let expected_end_s = start_s - 0.5 + formula_s;
    let end_s = last_failure_s(&report) + BUCKET_S;
    eprintln!("fault at {start_s:.1} s: outage ends by {end_s} s, formula {expected_end_s:.1} s");
    assert!(
        (end_s - expected_end_s).abs() <= 2.0 * BUCKET_S,
        "{end_s} vs {expected_end_s}"
    );
}

#[test]
fn with_simple_routing_the_outage_lasts_the_whole_fault() {
    let report = run_checked(&scenario(|r| region_loss(r, RoutingPolicy::Simple, 30.0)));
    let s = &report.series;
    let (first, end) = (
        (FAULT_START_S / BUCKET_S) as usize,
        (FAULT_END_S / BUCKET_S) as usize,
    );
    // From the bucket after the fault's start (the first holds requests served before it).
    for b in first + 1..end {
        assert_eq!(
            s.success[b], 0,
            "bucket {b}: the name still answers the lost primary"
        );
        assert_eq!(s.region_offered[1][b], 0);
    }
    // Attempts fail at once while the region is lost; none fail after it is back.
    for b in end..report.buckets_done {
        assert_eq!(s.failed_total(b), 0, "bucket {b}");
    }
    assert!(s.failover_fraction.iter().all(|f| *f == 0.0));
    assert_eq!(last_failure_s(&report), FAULT_END_S - BUCKET_S);
}

#[test]
fn a_primary_that_comes_back_is_answered_again_after_threshold_passes_and_propagation() {
    // Route 53 FailureThreshold counts passes as well as failures (B3): after the fault the
    // primary turns healthy within interval × threshold, and the answer follows propagation later.
    let report = run_checked(&scenario(|r| {
        region_loss(r, RoutingPolicy::Failover, 30.0);
        r.faults[0].end_s = 400.0;
    }));
    let s = &report.series;
    let back_by = 400.0 + 30.0 * 3.0 + 60.0;
    let b = (back_by / BUCKET_S) as usize + 1;
    assert!(
        s.failover_fraction[b..report.buckets_done]
            .iter()
            .all(|f| *f == 0.0)
    );
    assert!(s.failover_fraction[(400.0 / BUCKET_S) as usize] == 1.0);
    // Failing back is clean: both regions are healthy, so nothing fails after the fault.
    for b in (400.0 / BUCKET_S) as usize..report.buckets_done {
        assert_eq!(s.failed_total(b), 0, "bucket {b}");
    }
}

const LIFETIME_S: f64 = 300.0;
const IDENTITY_OUT_S: (f64, f64) = (100.0, 400.0);

/// An identity service that fails every token fetch from 100 s to 400 s; tokens live 300 s.
fn identity_outage(r: &mut RawScenario, fallback: TokenFallback, grace_s: f64) {
    no_dns(r);
    r.run.duration_s = 500.0;
    r.run.bucket_s = 10.0;
    r.fleet.clients = 4000;
    r.fleet.request_rate_per_client_per_s = 1.0;
    r.backend.workers = 1000;
    r.retry.attempts_max = 1;
    r.identity.token_lifetime_s = LIFETIME_S;
    r.identity.fallback = fallback;
    r.identity.grace_s = grace_s;
    r.faults = vec![RawFault {
        kind: FaultKind::ErrorRate,
        start_s: IDENTITY_OUT_S.0,
        end_s: IDENTITY_OUT_S.1,
        target: "identity".into(),
        ..RawFault::default()
    }];
}

/// Share of the requests that arrive during the identity outage and fail for want of a token.
///
/// Tokens are a renewal process: in steady state each client's remaining lifetime is uniform on
/// (0, L) (λL = 300: practically every client holds one). A client fails from the moment its
/// token is unusable: expired for more than the grace g (g = 0 without the fallback). At s
/// seconds into an outage of length D ≤ L + g, the share of such clients is max(0, s − g)/L, so
/// the share of requests failed is (D − g)²/(2·L·D) for g < D.
fn expected_dependency_share(grace_s: f64) -> f64 {
    let d = IDENTITY_OUT_S.1 - IDENTITY_OUT_S.0;
    let late = (d - grace_s).max(0.0);
    late * late / (2.0 * LIFETIME_S * d)
}

fn dependency_share(report: &Report) -> f64 {
    let s = &report.series;
    let (a, b) = (
        (IDENTITY_OUT_S.0 / report.bucket_s) as usize,
        (IDENTITY_OUT_S.1 / report.bucket_s) as usize,
    );
    let index = Outcome::DependencyFailed.failure_index().unwrap();
    let failed: u64 = s.failed[index][a..b].iter().sum();
    let requests: u64 = s.requests[a..b].iter().sum();
    failed as f64 / requests as f64
}

#[test]
fn an_identity_outage_fails_requests_as_tokens_expire() {
    // 4,000 clients: the binomial noise of the expired share is at most 0.5/√4000 ≈ 0.008.
    for (fallback, grace_s) in [
        (TokenFallback::None, 0.0),
        (TokenFallback::Cached, 60.0),
        (TokenFallback::Cached, 900.0),
    ] {
        let report = run_checked(&scenario(|r| identity_outage(r, fallback, grace_s)));
        let share = dependency_share(&report);
        let expected = expected_dependency_share(if fallback == TokenFallback::None {
            0.0
        } else {
            grace_s
        });
        eprintln!("fallback {fallback:?} grace {grace_s} s: {share:.4} vs {expected:.4}");
        assert!((share - expected).abs() < 0.02, "{share} vs {expected}");
        // Only the dependency fails, and only during the outage (plus one fetch latency).
        assert_eq!(
            report.summary.failed,
            failed(&report, Outcome::DependencyFailed)
        );
        let s = &report.series;
        let after = (IDENTITY_OUT_S.1 / report.bucket_s) as usize + 1;
        assert!((after..report.buckets_done).all(|b| s.failed_total(b) == 0));
        if fallback == TokenFallback::Cached {
            assert!(total(&s.identity_expired_used) > 0);
        }
    }
}

/// One region, no DNS effects, constant 10 ms service, and a telemetry call per request.
fn telemetry(r: &mut RawScenario, mode: TelemetryMode, collector_down: Option<FaultKind>) {
    no_dns(r);
    r.run.duration_s = 60.0;
    r.fleet.clients = 100;
    r.backend.workers = 10_000;
    r.backend.service_time = ServiceTimeLaw::Constant;
    r.backend.service_ms_mean = 10.0;
    r.telemetry.mode = mode;
    r.telemetry.latency_ms = 5.0;
    r.telemetry.timeout_ms = 1000.0;
    if let Some(kind) = collector_down {
        r.faults = vec![RawFault {
            kind,
            start_s: 0.0,
            end_s: 1e6,
            target: "telemetry".into(),
            ..RawFault::default()
        }];
    }
}

#[test]
fn telemetry_never_fails_a_request_but_a_sync_call_adds_its_wait() {
    let cases = [
        (TelemetryMode::Off, None, 10.0),
        (TelemetryMode::Async, Some(FaultKind::DnsTimeout), 10.0),
        (TelemetryMode::Sync, None, 10.0 + 5.0),
        // A black-holed collector: the call waits its whole timeout.
        (
            TelemetryMode::Sync,
            Some(FaultKind::DnsTimeout),
            10.0 + 1000.0,
        ),
        // A collector that refuses at once costs only the call's latency.
        (TelemetryMode::Sync, Some(FaultKind::ErrorRate), 10.0 + 5.0),
    ];
    for (mode, down, expected_ms) in cases {
        let report = run_checked(&scenario(|r| telemetry(r, mode, down)));
        assert_eq!(report.summary.failed, 0, "{mode:?} {down:?}: fail-open");
        let mean = report.summary.latency_ms_mean;
        assert!(
            (mean - expected_ms).abs() < 1e-6,
            "{mode:?} {down:?}: {mean} vs {expected_ms}"
        );
        let s = &report.series;
        let calls = total(&s.telemetry_calls);
        if mode == TelemetryMode::Off {
            assert_eq!(calls, 0);
        } else {
            assert_eq!(calls, report.summary.requests_finished);
            let expected_failed = if down.is_some() { calls } else { 0 };
            assert_eq!(total(&s.telemetry_failed), expected_failed);
        }
    }
}

/// One client looking up 20 times a second through a resolver that drops everything (the zone
/// times out, caches cold): every lookup runs its 2 tries of 500 ms.
fn node_pool(r: &mut RawScenario, cap: u32, attempt_timeout_ms: f64) {
    r.run.duration_s = 100.0;
    r.fleet.clients = 1;
    r.fleet.cold_start = true;
    r.fleet.request_rate_per_client_per_s = 20.0;
    r.fleet.attempt_timeout_ms = attempt_timeout_ms;
    r.client_dns.cache = ClientCacheMode::None;
    r.client_dns.lookup_timeout_ms = 500.0;
    r.client_dns.lookup_attempts = 2;
    r.client_dns.lookups_in_flight_max = cap;
    r.retry.attempts_max = 1;
    r.faults = vec![RawFault {
        kind: FaultKind::DnsTimeout,
        start_s: 0.0,
        end_s: 1e6,
        ..RawFault::default()
    }];
}

#[test]
fn a_lookup_cap_limits_lookups_to_cap_over_their_duration() {
    // B4: c places each held timeout × attempts = 1 s give c lookups per second, whatever the
    // demand (20/s here). With an attempt timeout longer than the run each lookup sends both
    // tries: 2c queries per second (a shorter one would let the oldest queued lookups, served
    // first, give up during their lookup). With a 200 ms attempt timeout the attempt gives up during the first try, but
    // the lookup keeps its place for the full second (getaddrinfo cannot be cancelled) and its
    // second try is not sent: c queries per second. Without a cap every request looks up.
    let (cap, duration_s) = (4, 100.0);
    let lookup_s = 0.5 * 2.0;
    let long = run_checked(&scenario(|r| node_pool(r, cap, 120_000.0)));
    let queries = total(&long.series.dns_to_resolver) as f64;
    let expected = 2.0 * f64::from(cap) / lookup_s * duration_s;
    assert!(
        (queries - expected).abs() <= 2.0 * f64::from(cap),
        "{queries} vs {expected}"
    );
    assert!(total(&long.series.dns_lookups_queued) > 0);

    let short = run_checked(&scenario(|r| node_pool(r, cap, 200.0)));
    let queries = total(&short.series.dns_to_resolver) as f64;
    let expected = f64::from(cap) / lookup_s * duration_s;
    assert!(
        (queries - expected).abs() <= 2.0 * f64::from(cap),
        "{queries} vs {expected}"
    );

    let free = run_checked(&scenario(|r| node_pool(r, 0, 20_000.0)));
    let requests = total(&free.series.requests);
    let in_flight = free.summary.requests_in_flight;
    let queries = total(&free.series.dns_to_resolver);
    assert!(queries >= 2 * (requests - in_flight) && queries <= 2 * requests);
}

#[test]
fn topology_settings_are_validated() {
    let problems = |edit: &dyn Fn(&mut RawScenario)| {
        let mut raw = RawScenario::default();
        edit(&mut raw);
        match stampede_core::Scenario::try_from(raw) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems.into_iter().map(|p| p.path).collect::<Vec<_>>(),
        }
    };
    assert_eq!(
        problems(&|r| r.dns.routing = RoutingPolicy::Failover),
        ["dns.routing"]
    );
    assert_eq!(
        problems(&|r| {
            r.faults = vec![RawFault {
                kind: FaultKind::RegionLoss,
                start_s: 1.0,
                end_s: 2.0,
                target: "region:1".into(),
                ..RawFault::default()
            }]
        }),
        ["faults[0].target"]
    );
    assert_eq!(problems(&|r| r.backend.regions = 3), ["backend.regions"]);
    assert_eq!(
        problems(&|r| r.dns.health_check_failure_threshold = 11),
        ["dns.health_check_failure_threshold"]
    );
    assert!(
        problems(&|r| {
            r.backend.regions = 2;
            r.dns.routing = RoutingPolicy::Failover;
            r.identity.token_lifetime_s = 3600.0;
            r.telemetry.mode = TelemetryMode::Sync;
            r.client_dns.lookups_in_flight_max = 4;
        })
        .is_empty()
    );
}

/// Client classes (`[[fleets]]`): each class keeps its own policies. Under an error rate p with
/// instant failures, a class with N attempts succeeds with probability 1 − p^N (docs/sources.md D3,
/// retry amplification), whatever the other classes do; requests split by offered load.
#[test]
fn client_classes_keep_their_own_retry_policies_and_loads() {
    use stampede_core::scenario::raw::{FaultKind, RawFault, RawFleetClass, SetValue};
    let p = 0.5_f64;
    let class = |name: &str, clients: u64, rate: f64, attempts: f64| RawFleetClass {
        name: name.into(),
        clients,
        request_rate_per_client_per_s: Some(rate),
        set: [("retry.attempts_max".to_string(), SetValue::Number(attempts))]
            .into_iter()
            .collect(),
        ..RawFleetClass::default()
    };
    let sc = crate::support::scenario(|r| {
        crate::support::no_dns(r);
        r.run.duration_s = 200.0;
        r.retry.backoff_base_ms = 1.0;
        r.retry.backoff_max_ms = 1.0;
        r.fleets = vec![
            class("one-try", 300, 1.0, 1.0),
            class("three-tries", 200, 3.0, 3.0),
        ];
        r.faults = vec![RawFault {
            kind: FaultKind::ErrorRate,
            start_s: 0.0,
            end_s: 1e6,
            fraction: p,
            ..RawFault::default()
        }];
    });
    assert_eq!(sc.clients, 500);
    let report = crate::support::run_checked(&sc);
    let s = &report.series;
    let sum = |v: &[u64]| v.iter().sum::<u64>();
    let total = sum(&s.requests);
    assert_eq!(
        s.class_requests.iter().map(|v| sum(v)).sum::<u64>(),
        total,
        "every request belongs to one class"
    );
    assert_eq!(
        s.class_success.iter().map(|v| sum(v)).sum::<u64>(),
        report.summary.success
    );
    // Offered loads 300 × 1/s and 200 × 3/s: a third and two thirds of the requests.
    let share = sum(&s.class_requests[0]) as f64 / total as f64;
    let sigma = (1.0 / 3.0 * 2.0 / 3.0 / total as f64).sqrt();
    assert!((share - 1.0 / 3.0).abs() < 4.0 * sigma, "{share}");
    for (class, attempts) in report.summary.classes.iter().zip([1, 3]) {
        let expected = 1.0 - p.powi(attempts);
        let sigma = (expected * (1.0 - expected) / class.requests_finished as f64).sqrt();
        assert!(
            (class.availability - expected).abs() < 4.0 * sigma,
            "{}: {} vs 1 − p^{attempts} = {expected}",
            class.name,
            class.availability
        );
    }
}

#[test]
fn client_classes_report_every_problem_under_their_path() {
    use stampede_core::scenario::raw::{RawFleetClass, SetValue};
    let raw = stampede_core::RawScenario {
        fleets: vec![
            RawFleetClass {
                name: "a".into(),
                policies: vec!["dns-jvm".into(), "no-such-policy".into()],
                ..RawFleetClass::default()
            },
            RawFleetClass {
                name: "a".into(),
                clients: 0,
                policies: vec!["dns-coredns-cache30".into()],
                set: [
                    ("backend.workers".to_string(), SetValue::Number(3.0)),
                    ("retry.attempts_mx".to_string(), SetValue::Number(3.0)),
                    ("retry.attempts_max".to_string(), SetValue::Number(0.0)),
                ]
                .into_iter()
                .collect(),
                ..RawFleetClass::default()
            },
        ],
        ..Default::default()
    };
    let problems = stampede_core::Scenario::try_from(raw).unwrap_err().problems;
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for expected in [
        "fleets[0].policies[1]",
        "fleets[1].name",
        "fleets[1].clients",
        "fleets[1].policies[0]",
        "fleets[1].set.backend.workers",
        "fleets[1].set.retry.attempts_mx",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
    let hint = problems
        .iter()
        .find(|p| p.path == "fleets[1].set.retry.attempts_mx")
        .unwrap();
    assert!(
        hint.message.contains("retry.attempts_max"),
        "{}",
        hint.message
    );
}

/// A lookup cap belongs to its class. Every lookup waits 300 ms upstream (no caches) and each
/// client sends 20 requests/s, so a client runs about 6 lookups at once: with a cap of 1 most of
/// them queue past the 1 s attempt timeout, without a cap none do. The uncapped class beside the
/// capped one must keep every request.
#[test]
fn a_lookup_cap_applies_only_to_its_own_class() {
    use stampede_core::scenario::raw::{ClientCacheMode, RawFleetClass, SetValue};
    let class = |name: &str, cap: f64| RawFleetClass {
        name: name.into(),
        clients: 20,
        set: [(
            "client_dns.lookups_in_flight_max".to_string(),
            SetValue::Number(cap),
        )]
        .into_iter()
        .collect(),
        ..RawFleetClass::default()
    };
    let sc = crate::support::scenario(|r| {
        r.run.duration_s = 60.0;
        r.fleet.request_rate_per_client_per_s = 20.0;
        r.fleet.attempt_timeout_ms = 1000.0;
        r.retry.attempts_max = 1;
        r.client_dns.cache = ClientCacheMode::None;
        r.dns.record_ttl_s = 0.0;
        r.resolver.upstream_latency_ms = 300.0;
        r.fleets = vec![class("capped", 1.0), class("uncapped", 0.0)];
    });
    let report = crate::support::run_checked(&sc);
    let classes = &report.summary.classes;
    assert!(classes[0].availability < 0.5, "capped: {:?}", classes[0]);
    assert_eq!(classes[1].availability, 1.0, "uncapped: {:?}", classes[1]);
}

/// One `[[fleets]]` class is a class like any other: its own settings apply (here a single
/// attempt under a 50 % error rate: availability 1 − p), and it is reported by name.
#[test]
fn a_single_client_class_runs_with_its_own_settings() {
    use stampede_core::scenario::raw::{FaultKind, RawFault, RawFleetClass, SetValue};
    let sc = crate::support::scenario(|r| {
        crate::support::no_dns(r);
        r.run.duration_s = 100.0;
        r.retry.attempts_max = 4;
        r.fleets = vec![RawFleetClass {
            name: "only".into(),
            clients: 500,
            set: [("retry.attempts_max".to_string(), SetValue::Number(1.0))]
                .into_iter()
                .collect(),
            ..RawFleetClass::default()
        }];
        r.faults = vec![RawFault {
            kind: FaultKind::ErrorRate,
            start_s: 0.0,
            end_s: 1e6,
            fraction: 0.5,
            ..RawFault::default()
        }];
    });
    let report = crate::support::run_checked(&sc);
    let only = &report.summary.classes[0];
    assert_eq!(only.name, "only");
    let sigma = (0.25 / only.requests_finished as f64).sqrt();
    assert!((only.availability - 0.5).abs() < 4.0 * sigma, "{only:?}");
    assert_eq!(report.series.attempts_retry.iter().sum::<u64>(), 0);
}

/// `rotate` is a class's own: with the first of two resolvers down, a class that does not
/// rotate always asks it first and waits out its timeout, so it sends the first resolver as many
/// queries as the second; a rotating class beside it does not change that.
#[test]
fn rotate_applies_only_to_its_own_class() {
    use stampede_core::scenario::raw::{
        ClientCacheMode, FaultKind, RawFault, RawFleetClass, SetValue,
    };
    let run = |with_rotating_class: bool| -> stampede_core::Report {
        let sc = crate::support::scenario(|r| {
            r.run.duration_s = 120.0;
            r.client_dns.cache = ClientCacheMode::None;
            r.client_dns.lookup_timeout_ms = 200.0;
            r.retry.attempts_max = 1;
            stampede_core::scenario::set_param(r, "resolvers.count", "2").unwrap();
            let plain = RawFleetClass {
                name: "plain".into(),
                clients: 100,
                ..RawFleetClass::default()
            };
            let rotating = RawFleetClass {
                name: "rotating".into(),
                clients: 100,
                set: [("client_dns.rotate".to_string(), SetValue::Bool(true))]
                    .into_iter()
                    .collect(),
                ..RawFleetClass::default()
            };
            r.fleets = if with_rotating_class {
                vec![plain, rotating]
            } else {
                vec![plain]
            };
            r.faults = vec![RawFault {
                kind: FaultKind::DnsTimeout,
                start_s: 0.0,
                end_s: 1e6,
                target: "resolver:0".into(),
                ..RawFault::default()
            }];
        });
        crate::support::run_checked(&sc)
    };
    let sum = |v: &[u64]| v.iter().sum::<u64>();
    let alone = run(false);
    let (first, second) = (
        sum(&alone.series.resolver_queries[0]),
        sum(&alone.series.resolver_queries[1]),
    );
    assert!(
        first.abs_diff(second) <= alone.summary.requests_in_flight,
        "alone, every lookup asks resolver 0 then 1: {first} vs {second}"
    );
    let mixed = run(true);
    let plain_requests = sum(&mixed.series.class_requests[0]);
    // The plain class's lookups all start at resolver 0; the rotating class's half of theirs.
    let rotating_requests = sum(&mixed.series.class_requests[1]);
    let first = sum(&mixed.series.resolver_queries[0]) as f64;
    let expected = plain_requests as f64 + rotating_requests as f64 / 2.0;
    assert!(
        (first - expected).abs() < 0.05 * expected,
        "resolver 0 got {first} queries, expected about {expected}"
    );
}

/// In-service work: a backend offered twice its capacity keeps every worker busy (the bucket
/// maximum is the worker count, never more); one offered a tenth of it rarely needs them all.
#[test]
fn in_service_work_is_bounded_by_the_workers_and_reaches_them_under_overload() {
    for (rate, saturated) in [(2.0, true), (0.1, false)] {
        let report = crate::support::run_checked(&crate::support::scenario(|r| {
            crate::support::no_dns(r);
            r.run.duration_s = 60.0;
            r.run.bucket_s = 10.0;
            r.fleet.clients = 1000;
            r.fleet.request_rate_per_client_per_s = rate;
            r.retry.attempts_max = 1;
            r.backend.workers = 40; // 1000 requests/s at 40 ms
        }));
        let busy = &report.series.in_service_max;
        assert!(busy.iter().all(|b| *b <= 40), "{busy:?}");
        if saturated {
            assert!(busy[1..].iter().all(|b| *b == 40), "{busy:?}");
        } else {
            assert!(busy.iter().all(|b| *b < 40), "{busy:?}");
        }
    }
}

/// Targets name what they strike: a `dns_override` aimed at a class covers that class only, and a
/// target of the wrong kind (a DNS fault on a service, a backend fault on a name, a class on
/// anything but an override) is a validation problem, not a silent redirection.
#[test]
fn class_service_and_name_targets_strike_what_they_name() {
    use stampede_core::scenario::raw::{
        ClientCacheMode, FaultKind, RawFault, RawFleetClass, RawName, RawService,
    };
    let fault = |kind: FaultKind, target: &str, fraction: f64| RawFault {
        kind,
        start_s: 0.0,
        end_s: 1e6,
        fraction,
        target: target.into(),
        ..RawFault::default()
    };
    let classes = || {
        vec![
            RawFleetClass {
                name: "external".into(),
                clients: 100,
                ..RawFleetClass::default()
            },
            RawFleetClass {
                name: "internal".into(),
                clients: 100,
                ..RawFleetClass::default()
            },
        ]
    };
    let report = crate::support::run_checked(&crate::support::scenario(|r| {
        r.run.duration_s = 60.0;
        r.fleet.cold_start = true;
        r.client_dns.cache = ClientCacheMode::None;
        r.retry.attempts_max = 1;
        r.fleets = classes();
        r.faults = vec![
            fault(FaultKind::DnsEmpty, "zone", 1.0),
            fault(FaultKind::DnsOverride, "class:internal", 1.0),
        ];
    }));
    let c = &report.summary.classes;
    assert_eq!((c[0].availability, c[1].availability), (0.0, 1.0), "{c:?}");

    let mut raw = stampede_core::RawScenario {
        services: vec![RawService {
            name: "sts".into(),
            ..RawService::default()
        }],
        names: vec![RawName {
            name: "sts.example".into(),
            service: "sts".into(),
            ..RawName::default()
        }],
        fleets: classes(),
        ..Default::default()
    };
    raw.faults = vec![
        fault(FaultKind::DnsEmpty, "service:sts", 1.0),
        fault(FaultKind::ErrorRate, "name:sts.example", 1.0),
        fault(FaultKind::ErrorRate, "class:internal", 1.0),
        fault(FaultKind::DnsOverride, "class:nobody", 1.0),
    ];
    let problems = stampede_core::Scenario::try_from(raw).unwrap_err().problems;
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "faults[0].target",
            "faults[1].target",
            "faults[2].target",
            "faults[3].target"
        ],
        "{problems:?}"
    );
}

/// Calls before the main one: with instant failures at rate p₁ on the dependency's service and
/// p₂ on the main one and a single attempt each, a request succeeds with (1 − p₁)(1 − p₂) when
/// the dependency is required and 1 − p₂ when it may fail open; a DNS fault on the dependency's
/// name fails every request only when it is required.
#[test]
fn calls_before_the_main_one_fail_the_request_only_when_required() {
    use stampede_core::scenario::raw::{FaultKind, RawFault};
    let fault = |kind: FaultKind, target: &str, fraction: f64| RawFault {
        kind,
        start_s: 0.0,
        end_s: 1e6,
        fraction,
        target: target.into(),
        ..RawFault::default()
    };
    for (required, p1, p2, dns_down) in [
        (true, 0.3, 0.2, false),
        (false, 0.3, 0.2, false),
        (true, 0.0, 0.0, true),
        (false, 0.0, 0.0, true),
    ] {
        let sc = crate::support::scenario(|r| {
            r.run.duration_s = 200.0;
            r.retry.attempts_max = 1;
            r.fleet.cold_start = true;
            r.dns.name = "api.example".into();
            crate::support::class_calling(r, ("app", 500), ("sts.example", "sts"), required);
            r.services[0].workers = 200;
            r.names[0].record_ttl_s = 30.0;
            r.faults = vec![
                fault(FaultKind::ErrorRate, "service:sts", p1),
                fault(FaultKind::ErrorRate, "service:backend", p2),
            ];
            if dns_down {
                r.faults
                    .push(fault(FaultKind::DnsEmpty, "name:sts.example", 1.0));
            }
        });
        let report = crate::support::run_checked(&sc);
        let s = &report.summary;
        let expected = if dns_down {
            if required { 0.0 } else { 1.0 }
        } else if required {
            (1.0 - p1) * (1.0 - p2)
        } else {
            1.0 - p2
        };
        let sigma = (expected * (1.0 - expected) / s.requests_finished as f64).sqrt();
        assert!(
            (s.availability - expected).abs() <= 4.0 * sigma + 1e-12,
            "required {required}, p₁ {p1}, p₂ {p2}, DNS down {dns_down}: {} vs {expected}",
            s.availability
        );
        // Every request calls the dependency once, then (unless it failed and was required)
        // the main service once.
        let later: u64 = report.series.attempts_later_call.iter().sum();
        let offered_main: u64 = report.series.backend_offered.iter().sum();
        assert!(
            offered_main <= later,
            "main calls {offered_main} vs later calls {later}"
        );
    }
}

/// A client keeps a breaker per call: a fail-open dependency that always fails opens its own
/// breaker (its calls are then refused at once and skipped), while the main call's breaker stays
/// closed and every request succeeds. With one breaker shared by both calls the dependency's
/// failures would open it and refuse the main calls too.
#[test]
fn each_call_has_its_own_breaker() {
    use stampede_core::scenario::raw::{BreakerKind, FaultKind, RawFault};
    let sc = crate::support::scenario(|r| {
        crate::support::no_dns(r);
        r.run.duration_s = 120.0;
        r.retry.attempts_max = 1;
        r.breaker.kind = BreakerKind::ConsecutiveFailures;
        r.breaker.consecutive_failures = 5;
        r.breaker.open_s = 30.0;
        crate::support::class_calling(r, ("app", 200), ("otel.example", "telemetry"), false);
        r.faults = vec![RawFault {
            kind: FaultKind::ErrorRate,
            start_s: 0.0,
            end_s: 1e6,
            fraction: 1.0,
            target: "service:telemetry".into(),
            ..RawFault::default()
        }];
    });
    let report = crate::support::run_checked(&sc);
    assert_eq!(
        report.summary.availability, 1.0,
        "{:?}",
        report.summary.failed_by_cause
    );
    // Half of the breakers (the dependency's) are open most of the time.
    let open = &report.series.breaker_open_fraction;
    let mean = open.iter().sum::<f64>() / open.len() as f64;
    assert!(mean > 0.3 && mean <= 0.5, "open fraction {mean}");
}

/// A client keeps the region each call's answer named: a fail-open dependency on a one-region
/// name, resolved often, must not pull the main call back to a lost primary after failover.
/// With and without the dependency the main service's availability is the same (within noise).
#[test]
fn a_dependency_lookup_does_not_move_the_main_call_between_regions() {
    use stampede_core::scenario::raw::{RawDependency, RawFleetClass, RawName, RawService};
    let preset = stampede_core::presets::find("multi-region-failover").expect("preset");
    let base = stampede_core::scenario::raw_from_toml(preset.toml).expect("parses");
    let run = |with_dependency: bool| {
        let mut raw = base.clone();
        raw.services = vec![RawService {
            name: "config".into(),
            ..RawService::default()
        }];
        raw.names = vec![RawName {
            name: "config.example".into(),
            service: "config".into(),
            record_ttl_s: 5.0,
            ..RawName::default()
        }];
        raw.fleets = vec![RawFleetClass {
            name: "app".into(),
            clients: raw.fleet.clients,
            depends_on: if with_dependency {
                vec![RawDependency {
                    name: "config.example".into(),
                    required: false,
                }]
            } else {
                Vec::new()
            },
            ..RawFleetClass::default()
        }];
        crate::support::run_checked(&crate::support::scenario(|r| *r = raw.clone()))
    };
    let (with, without) = (run(true), run(false));
    let (a, b) = (with.summary.availability, without.summary.availability);
    assert!((a - b).abs() < 0.02, "with a dependency {a}, without {b}");
}
