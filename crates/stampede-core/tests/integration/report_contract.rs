//! The report's definitions (docs/report-reference.md) checked on scenarios where each figure
//! can be derived by hand: amplification counts hedges, totals add up to what every request
//! must do, availability and SLO burn of a run where every request fails, time to recover,
//! availability and peak load of a backlog that drains at a known rate, metastability when
//! retries keep it from draining, peak resolver load, the operator's throttle reported as its
//! own cause. Expected values come from the scenario, never a run.

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

/// λ = 1000 requests/s (1000 clients × 1/s), no retries, a 1 s attempt timeout, and a backend of
/// 100 workers at a constant 50 ms (μ = 2000/s) whose service is 4 × slower from 20 s to 30 s
/// (μ' = 500/s), with a queue long enough never to fill: a backlog builds during the fault and
/// drains after it at μ − λ = 1000/s. `attempts` attempts per request, retried at once.
fn slowdown(r: &mut RawScenario, attempts: u32) {
    no_dns(r);
    r.run.duration_s = 80.0;
    r.run.bucket_s = 10.0;
    r.run.recovery_window_s = 30.0;
    r.fleet.clients = 1_000;
    r.fleet.request_rate_per_client_per_s = 1.0;
    r.fleet.attempt_timeout_ms = 1_000.0;
    r.retry.attempts_max = attempts;
    r.retry.backoff_base_ms = 1.0;
    r.retry.backoff_max_ms = 1.0;
    r.backend.workers = 100;
    r.backend.service_time = ServiceTimeLaw::Constant;
    r.backend.service_ms_mean = 50.0;
    r.backend.queue_capacity = 20_000;
    r.faults = vec![RawFault {
        kind: FaultKind::ServiceSlowdown,
        start_s: 20.0,
        end_s: 30.0,
        factor: 4.0,
        ..RawFault::default()
    }];
}

#[test]
fn time_to_recover_availability_and_peak_load_of_a_drained_backlog() {
    // The queue grows at λ − μ' = 500/s during the fault: 5000 jobs at 30 s. An attempt succeeds
    // when its wait plus service ends before 1 s. During the fault the wait is Q/μ' = t s after
    // t s of fault, plus 0.2 s of service: attempts fail from 20.8 s. After it, the wait is
    // Q/μ = (5000 − 1000·u)/2000 s at u s after 30 s, plus 0.05 s: attempts succeed again from
    // u = 3.1 s. So the bucket [30 s, 40 s) has about 6900 successes (under 95 % of the
    // baseline of λ × 10 s = 10,000), the buckets from 40 s on all 10,000: recovered 10 s after
    // the fault ended. Failed: λ × (33.1 − 20.8) s = 12,300 of 80,000 requests.
    let report = run_checked(&scenario(|r| slowdown(r, 1)));
    let s = &report.summary;
    assert_eq!(
        s.recovery,
        stampede_core::Recovery::Recovered { after_s: 10.0 },
        "{s:?}"
    );
    let expected = 1.0 - 12.3 / 80.0;
    // ±0.4 s of the failure window for the approximations (service in progress when the
    // slowdown starts and ends) and Poisson noise.
    assert!(
        (s.availability - expected).abs() < 0.005,
        "availability {} vs {expected}",
        s.availability
    );
    // Peak load: 10,000 attempts offered in [20 s, 30 s) against a capacity of
    // 100 workers ÷ (4 × 50 ms) × 10 s = 5000: 2 × capacity, at 20 s (other buckets: 0.5).
    assert!(
        (1.95..2.05).contains(&s.peak_backend_load_ratio),
        "peak load {}",
        s.peak_backend_load_ratio
    );
    assert_eq!(s.peak_backend_load_at_s, 20.0);
}

#[test]
fn metastable_when_retries_keep_the_backlog_above_the_timeout() {
    // The same fault with 4 attempts retried at once: while the wait exceeds the timeout every
    // request makes 4 attempts, 4λ = 4000/s offered against μ = 2000/s, so the backlog of the
    // fault never drains and no attempt succeeds again. Not recovered within the 30 s window:
    // metastable, observed for the 50 s from the fault's end (30 s) to the end of the run.
    let report = run_checked(&scenario(|r| slowdown(r, 4)));
    assert_eq!(
        report.summary.recovery,
        stampede_core::Recovery::Metastable { observed_s: 50.0 },
        "{:?}",
        report.summary
    );
    let last = report.series.success.len() - 1;
    assert_eq!(report.series.success[last], 0, "no success at the end");
}

#[test]
fn peak_resolver_load_is_queries_over_capacity() {
    // Every attempt looks the name up (no client cache, a new connection per attempt): about
    // 100 requests/s × 10 s = 1000 queries per bucket against 400 queries/s × 10 s: 0.25.
    let report = run_checked(&scenario(|r| {
        calm(r);
        r.client_dns.cache = ClientCacheMode::None;
        r.fleet.connection_lifetime_s = 0.0;
        r.resolver.capacity_qps = 400.0;
    }));
    let peak = report.summary.peak_resolver_load_ratio;
    // The largest of six buckets of about 1000 ± 32 (Poisson) queries.
    assert!((0.24..0.28).contains(&peak), "peak resolver load {peak}");
}
