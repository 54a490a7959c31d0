//! The report's definitions (docs/report-reference.md) checked on scenarios where each figure
//! can be derived by hand: amplification counts hedges, totals add up to what every request
//! must do, availability and SLO burn of a run where every request fails, the operator's
//! throttle reported as its own cause. Expected values come from the scenario, never a run.

use crate::support::{no_dns, run_checked, scenario};
use stampede_core::Outcome;
use stampede_core::scenario::raw::{
    ClientCacheMode, FaultKind, RawFault, RawScenario, ServiceTimeLaw,
};

/// No faults, no DNS effects, a backend with room to spare and a constant 100 ms service time.
fn calm(r: &mut RawScenario) {
    no_dns(r);
    r.run.duration_s = 60.0;
    r.run.bucket_s = 10.0;
    r.fleet.clients = 100;
    r.fleet.request_rate_per_client_per_s = 1.0;
    r.fleet.attempt_timeout_ms = 10_000.0;
    r.backend.workers = 1_000;
    r.backend.service_time = ServiceTimeLaw::Constant;
    r.backend.service_ms_mean = 100.0;
}

fn cause(report: &stampede_core::Report, outcome: Outcome) -> u64 {
    report.summary.failed_by_cause[outcome.failure_index().unwrap()]
}

#[test]
fn amplification_counts_hedges_as_attempts() {
    // gRPC maxAttempts 3 with a 10 ms delay: a request whose first attempt takes 100 ms sends
    // both hedges (at 10 and 20 ms), so it makes 3 attempts: amplification 3 (the issue saw 1).
    let report = run_checked(&scenario(|r| {
        calm(r);
        r.hedging.max_attempts = 3;
        r.hedging.delay_ms = 10.0;
    }));
    let totals = &report.summary.totals;
    // Requests started in the last 20 ms may not have sent both hedges when the run stops.
    let late: f64 = 100.0 * 0.02;
    let hedges = totals.hedges as f64;
    let requests = totals.requests as f64;
    assert!(
        hedges <= 2.0 * requests && hedges >= 2.0 * requests - 2.0 * (late + 5.0 * late.sqrt()),
        "{totals:?}"
    );
    assert_eq!(totals.retries, 0, "hedging replaces retries");
    assert_eq!(
        totals.attempts,
        totals.requests + totals.hedges,
        "{totals:?}"
    );
    // Per bucket, attempts ÷ requests is 3 up to the hedges of requests started near a bucket
    // edge (about 2 × 20 ms of 10 s), so the peak is within a few percent of 3.
    let peak = report.summary.peak_amplification;
    assert!((2.95..=3.1).contains(&peak), "peak amplification {peak}");
}

#[test]
fn retries_amplification_availability_and_slo_burn_when_every_attempt_fails() {
    // Every attempt gets a server error and is retried up to 3 attempts: each request makes
    // exactly 3 attempts, all fail, and the SLO burn is 1 ÷ (1 − 0.999) = 1000.
    let report = run_checked(&scenario(|r| {
        calm(r);
        r.backend.service_ms_mean = 1.0;
        r.retry.attempts_max = 3;
        r.retry.backoff_base_ms = 1.0;
        r.retry.backoff_max_ms = 1.0;
        r.cost.slo_target = 0.999;
        r.faults = vec![RawFault {
            kind: FaultKind::ErrorRate,
            start_s: 0.0,
            end_s: 60.0,
            fraction: 1.0,
            ..RawFault::default()
        }];
    }));
    let (s, totals) = (&report.summary, &report.summary.totals);
    assert_eq!(s.success, 0);
    assert_eq!(s.availability, 0.0);
    assert_eq!(cause(&report, Outcome::ServerError), s.failed);
    assert_eq!(s.failed, s.requests_finished);
    let ended = s.requests_finished;
    assert!(
        totals.retries >= 2 * ended && totals.retries <= 2 * totals.requests,
        "{totals:?}"
    );
    assert!(
        (s.slo_burn - 1000.0).abs() < 1e-6,
        "SLO burn {}",
        s.slo_burn
    );
    assert!(
        (2.99..=3.01).contains(&s.peak_amplification),
        "{}",
        s.peak_amplification
    );
}

#[test]
fn totals_count_lookups_and_resolver_queries() {
    // No client cache and a new connection per attempt: every attempt looks the name up and
    // every lookup is one query to the resolver (nothing fails, so one try each).
    let report = run_checked(&scenario(|r| {
        calm(r);
        r.client_dns.cache = ClientCacheMode::None;
        r.fleet.connection_lifetime_s = 0.0;
    }));
    let totals = &report.summary.totals;
    assert_eq!(totals.retries + totals.hedges, 0);
    assert_eq!(totals.attempts, totals.requests);
    assert_eq!(totals.dns_lookups, totals.attempts, "{totals:?}");
    assert_eq!(totals.dns_client_cache_answers, 0, "{totals:?}");
    assert_eq!(totals.resolver_queries, totals.dns_lookups, "{totals:?}");
    // About λT = 100 × 60 requests.
    let expected = 6000.0;
    assert!(
        (totals.requests as f64 - expected).abs() < 5.0 * expected.sqrt(),
        "{totals:?}"
    );
}

#[test]
fn an_operator_throttle_is_reported_as_throttling_not_a_full_queue() {
    // A throttle of 1 admission a second over the whole run turns nearly every attempt away;
    // the backend has room for the rest, so every failure is the throttle's.
    let report = run_checked(&scenario(|r| {
        calm(r);
        r.retry.attempts_max = 1;
        r.faults = vec![RawFault {
            kind: FaultKind::Throttle,
            start_s: 0.0,
            end_s: 60.0,
            rate_per_s: 1.0,
            ..RawFault::default()
        }];
    }));
    assert_eq!(cause(&report, Outcome::Rejected), 0);
    let throttled: u64 = report.series.backend_throttled.iter().sum();
    assert_eq!(cause(&report, Outcome::OperatorThrottled), throttled);
    assert_eq!(report.summary.failed, throttled);
    assert!(throttled > 5000, "{throttled}");
    let json = serde_json::to_value(&report.summary).expect("a summary encodes");
    assert_eq!(
        json["failed_by_cause"]["operator_throttled"], report.summary.failed,
        "keyed by the cause's name"
    );
}
