//! Retry budgets, circuit breakers, connection pools, deadlines and backend disciplines.
//! Expected values are derived from docs/sources.md, never copied from a run.

use crate::support::{no_dns, run_checked, scenario};
use stampede_core::report::Outcome;
use stampede_core::scenario::raw::{
    BackoffKind, BreakerKind, FaultKind, JitterKind, QueueDiscipline, RawFault, RawScenario,
    RetryBudgetKind, ServiceTimeLaw,
};
use stampede_core::{Report, Scenario};

fn errors(p: f64, end_s: f64) -> RawFault {
    RawFault {
        kind: FaultKind::ErrorRate,
        start_s: 0.0,
        end_s,
        fraction: p,
        ..RawFault::default()
    }
}

/// `clients` clients at `rate` requests/s each, no DNS effects, 1 ms constant backoff, every
/// attempt failing with probability `p`.
fn fleet(r: &mut RawScenario, clients: u64, rate: f64, duration_s: f64, p: f64) {
    no_dns(r);
    r.run.duration_s = duration_s;
    r.fleet.clients = clients;
    r.fleet.request_rate_per_client_per_s = rate;
    r.retry.backoff = BackoffKind::Constant;
    r.retry.jitter = JitterKind::None;
    r.retry.backoff_base_ms = 1.0;
    r.retry.backoff_max_ms = 1.0;
    r.faults = vec![errors(p, 1e6)];
}

fn total(v: &[u64]) -> u64 {
    v.iter().sum()
}

fn failed(report: &Report, outcome: Outcome) -> u64 {
    report.summary.failed_by_cause[outcome.failure_index().unwrap()]
}

fn run(edit: impl FnOnce(&mut RawScenario)) -> Report {
    run_checked(&scenario(edit))
}

#[test]
fn aws_quota_from_a_full_bucket_allows_capacity_over_cost_retries_per_client() {
    // A1 (derived): under total failure no refund ever comes, so each client gets exactly
    // 500/5 = 100 retries, 500/10 = 50 after timeouts, ⌊500/14⌋ = 35 with the 2026 costs.
    for (kind, timeouts, per_client) in [
        (RetryBudgetKind::AwsStandard, false, 100),
        (RetryBudgetKind::AwsStandard, true, 50),
        (RetryBudgetKind::AwsStandard2026, false, 35),
        (RetryBudgetKind::AwsStandard2026, true, 35),
    ] {
        let report = run(|r| {
            fleet(r, 3, 10.0, 60.0, 1.0);
            r.retry_budget.kind = kind;
            if timeouts {
                // Every attempt is served at once and outlasts its 100 ms timeout.
                r.faults.clear();
                r.backend.workers = 100_000;
                r.backend.service_time = ServiceTimeLaw::Constant;
                r.backend.service_ms_mean = 10_000.0;
                r.fleet.attempt_timeout_ms = 100.0;
            }
        });
        let retries = total(&report.series.attempts_retry);
        assert_eq!(retries, 3 * per_client, "{kind:?}, timeouts {timeouts}");
        assert!(failed(&report, Outcome::BudgetExhausted) > 0);
    }
}

#[test]
fn aws_quota_drains_only_when_retries_cost_more_than_successes_refund() {
    // With one retry (2 attempts) and independent failures p: a clean success refunds 1, a
    // retry costs c and is refunded if it succeeds, so the drift per request is
    // (1 − p) − c·p² (botocore release_retry_quota). It is positive below
    // p* = (√(1 + 4c) − 1)/(2c) ≈ 0.358 for c = 5. Above p*, once drained, the share of retries
    // granted settles where the drift is zero: (1 − p)/(c·p²) = 0.4 at p = 0.5.
    let c = 5.0_f64;
    let p_star = ((1.0 + 4.0 * c).sqrt() - 1.0) / (2.0 * c);
    for p in [0.25, 0.5] {
        let report = run(|r| {
            fleet(r, 1, 100.0, 600.0, p);
            r.retry.attempts_max = 2;
            r.retry_budget.kind = RetryBudgetKind::AwsStandard;
        });
        let retries = total(&report.series.attempts_retry) as f64;
        let refused = failed(&report, Outcome::BudgetExhausted) as f64;
        let granted_share = retries / (retries + refused);
        eprintln!("p={p}: share of retries granted {granted_share:.4}");
        if p < p_star {
            assert!(granted_share > 0.999, "{granted_share}");
        } else {
            let expected = (1.0 - p) / (c * p * p);
            assert!(
                (granted_share - expected).abs() < 0.03,
                "{granted_share} vs {expected}"
            );
        }
    }
}

#[test]
fn grpc_throttling_keeps_retries_only_below_ratio_over_one_plus_ratio() {
    // A2 (derived): tokens drift by −f + (1 − f)·ratio per attempt, so retries stay enabled only
    // while f < ratio/(1 + ratio) ≈ 9.1 % for ratio 0.1. Below it the count stays near
    // maxTokens; above it, it sinks to 0 and (tokens ≤ max/2) refuses retries.
    let ratio = 0.1;
    let threshold = ratio / (1.0 + ratio);
    for f in [0.03, 0.2] {
        let report = run(|r| {
            fleet(r, 1, 100.0, 300.0, f);
            r.retry.attempts_max = 2;
            r.retry_budget.kind = RetryBudgetKind::GrpcThrottling;
            r.retry_budget.grpc_token_ratio = ratio;
        });
        let retries = total(&report.series.attempts_retry) as f64;
        let refused = failed(&report, Outcome::BudgetExhausted) as f64;
        let granted_share = retries / (retries + refused);
        eprintln!("f={f}: share of retries granted {granted_share:.4}");
        if f < threshold {
            assert!(granted_share > 0.95, "{granted_share}");
        } else {
            assert!(granted_share < 0.05, "{granted_share}");
        }
    }
}

#[test]
fn envoy_budget_holds_retries_in_flight_at_the_minimum_concurrency() {
    // A3: retries in flight ≤ max(min_retry_concurrency, 20 % × active). Under total failure
    // with a 1 s backoff, refused requests end at once, so active ≈ retries in flight R and
    // R < max(3, 0.2·R) holds only for R < 3: three slots, each busy for one 1 s backoff, give
    // just under 3 retries per second whatever the request rate.
    let report = run(|r| {
        fleet(r, 1, 100.0, 200.0, 1.0);
        r.retry.attempts_max = 2;
        r.retry.backoff_base_ms = 1000.0;
        r.retry.backoff_max_ms = 1000.0;
        r.retry_budget.kind = RetryBudgetKind::Envoy;
    });
    let per_s = total(&report.series.attempts_retry) as f64 / 200.0;
    eprintln!("Envoy: {per_s:.3} retries/s");
    assert!((2.8..=3.0).contains(&per_s), "{per_s}");
}

#[test]
fn finagle_budget_allows_min_rate_plus_a_fraction_of_requests() {
    // A4: retries per ttl ≤ minRetriesPerSec × ttl + percentCanRetry × requests in the ttl, so
    // under total failure at 20 requests/s: 10 + 0.2 × 20 = 14 retries/s. The window is 10
    // slices (current one partial), so allow 10 %.
    let report = run(|r| {
        fleet(r, 1, 20.0, 300.0, 1.0);
        r.retry.attempts_max = 10;
        r.retry_budget.kind = RetryBudgetKind::Finagle;
    });
    let per_s = total(&report.series.attempts_retry) as f64 / 300.0;
    eprintln!("Finagle: {per_s:.3} retries/s vs 14");
    assert!((per_s - 14.0).abs() < 1.4, "{per_s}");
}

#[test]
fn sre_throttling_engages_only_when_accepts_fall_below_one_over_k() {
    // A5: P = max(0, (requests − K·accepts)/(requests + 1)). With a success fraction s of the
    // attempts sent, P stays 0 while K·s ≥ 1; when K·s < 1 the only steady state admits about
    // 1/(1 − K·s) attempts per window: nearly everything is throttled on the client.
    for (f, throttled_expected) in [(0.3, false), (0.7, true)] {
        let report = run(|r| {
            fleet(r, 1, 50.0, 600.0, f);
            r.retry.attempts_max = 1;
            r.retry_budget.kind = RetryBudgetKind::SreAdaptive;
        });
        let throttled = failed(&report, Outcome::Throttled) as f64;
        let share = throttled / total(&report.series.requests) as f64;
        eprintln!("f={f}: share throttled {share:.4}");
        if throttled_expected {
            assert!(share > 0.95, "{share}");
        } else {
            assert!(share < 0.001, "{share}");
        }
        assert_eq!(
            total(&report.series.refused_first) as f64,
            throttled,
            "throttled before the first attempt"
        );
    }
}

#[test]
fn consecutive_failures_breaker_cycles_open_and_half_open_under_total_failure() {
    // A7: 5 failures open it (Finagle FailureAccrual), it stays open 60 s (resilience4j), then
    // 10 probes fail and it re-opens. At 10 requests/s over 300 s: opens at ~0.5 s, half-open at
    // ~60.5, 121.5, 182.5, 243.5 s (each probe round takes ~1 s), so 5 + 4 × 10 = 45 attempts.
    let report = run(|r| {
        fleet(r, 1, 10.0, 300.0, 1.0);
        r.retry.attempts_max = 1;
        r.breaker.kind = BreakerKind::ConsecutiveFailures;
    });
    let s = &report.series;
    let attempts = total(&s.attempts_first);
    assert_eq!(attempts, 45);
    let refused = failed(&report, Outcome::BreakerOpen);
    assert_eq!(refused, total(&s.refused_first));
    assert_eq!(
        refused + attempts,
        total(&s.requests) - report.summary.requests_in_flight
    );
    // Bucket 1 (5–10 s) lies inside the first open period: open the whole bucket.
    assert!((s.breaker_open_fraction[1] - 1.0).abs() < 1e-9);
}

#[test]
fn breaker_closes_after_successful_probes_once_the_fault_ends() {
    let report = run(|r| {
        fleet(r, 1, 10.0, 300.0, 1.0);
        r.faults = vec![errors(1.0, 100.0)];
        r.retry.attempts_max = 1;
        r.breaker.kind = BreakerKind::ConsecutiveFailures;
    });
    let s = &report.series;
    // Open periods start at ~0.5 and ~61.5 s; the probes at ~122.5 s succeed and close it.
    let late = (130.0 / report.bucket_s) as usize;
    assert!(s.breaker_open_fraction[late..].iter().all(|f| *f == 0.0));
    assert!(s.failed_total(late) == 0 && s.success[late] > 0);
}

#[test]
fn count_window_breaker_with_resilience4j_defaults_needs_100_calls() {
    // minimumNumberOfCalls 100, threshold 50 %: 99 failed attempts keep it closed, the 100th
    // opens it. At 2 requests/s the 100th arrives near 50 s; the 60 s open period outlasts the run.
    let report = run(|r| {
        fleet(r, 1, 2.0, 100.0, 1.0);
        r.retry.attempts_max = 1;
        r.breaker.kind = BreakerKind::CountWindow;
    });
    assert_eq!(
        total(&report.series.attempts_first),
        100,
        "opens on the 100th failure"
    );
}

#[test]
fn pooled_connections_skip_dns_with_the_ttl_cache_hit_ratio() {
    // A connection lives L from its opening and reopens on the next attempt after it expires:
    // the renewal cycle of a TTL cache, so the share of attempts on a live connection is
    // λL/(1 + λL) (Jung et al. 2003), 5/6 for λ = 1/s and L = 5 s. The DNS cache is off.
    let (rate, lifetime_s) = (1.0, 5.0);
    let report = run(|r| {
        r.run.duration_s = 1000.0;
        r.fleet.clients = 500;
        r.fleet.request_rate_per_client_per_s = rate;
        r.fleet.connection_lifetime_s = lifetime_s;
        r.client_dns.cache = stampede_core::scenario::raw::ClientCacheMode::None;
    });
    let s = &report.series;
    let attempts = total(&s.attempts_first) + total(&s.attempts_retry);
    let reused = total(&s.connection_reused) as f64 / attempts as f64;
    let expected = rate * lifetime_s / (1.0 + rate * lifetime_s);
    eprintln!("reuse {reused:.5} vs {expected:.5}");
    assert!((reused - expected).abs() < 0.005 * expected);
    assert_eq!(
        total(&s.dns_to_resolver) + total(&s.connection_reused),
        attempts,
        "only new connections look up"
    );
}

#[test]
fn live_connections_ride_out_an_empty_dns_answer() {
    // B1: established connections do not re-resolve. With a one-hour lifetime, a 100 s NODATA
    // outage only hurts clients whose connection expires during it (about 100/3600 of them).
    let outage = |r: &mut RawScenario| {
        r.run.duration_s = 300.0;
        r.faults = vec![RawFault {
            kind: FaultKind::DnsEmpty,
            start_s: 100.0,
            end_s: 200.0,
            ..RawFault::default()
        }];
    };
    let pooled = run(|r| {
        outage(r);
        r.fleet.connection_lifetime_s = 3600.0;
    });
    let per_attempt = run(outage);
    eprintln!(
        "availability pooled {} vs per attempt {}",
        pooled.summary.availability, per_attempt.summary.availability
    );
    assert!(pooled.summary.availability > 0.97);
    assert!(per_attempt.summary.availability < 0.9);
}

#[test]
fn no_retry_starts_after_the_deadline() {
    // Attempts at 0, 100, 200, 300 ms (constant 100 ms backoff, instant failures); the retry due
    // at 400 ms would start after the 350 ms deadline, so every request makes exactly 4.
    let report = run(|r| {
        fleet(r, 10, 1.0, 100.0, 1.0);
        r.retry.attempts_max = 10;
        r.retry.backoff_base_ms = 100.0;
        r.retry.backoff_max_ms = 100.0;
        r.fleet.deadline_ms = 350.0;
    });
    let s = &report.series;
    let done = failed(&report, Outcome::DeadlineExceeded);
    assert_eq!(done, report.summary.failed);
    let attempts = total(&s.attempts_first) + total(&s.attempts_retry);
    let in_flight = report.summary.requests_in_flight;
    assert!(attempts >= 4 * done && attempts <= 4 * (done + in_flight));
}

#[test]
fn log_normal_service_time_keeps_the_mean() {
    // E[exp(μ + σZ)] = exp(μ + σ²/2); μ = ln(mean) − σ²/2 keeps the configured mean.
    // σ = 1: coefficient of variation √(e − 1) ≈ 1.31; 100 000 samples give a 0.4 % standard error.
    let report = run(|r| {
        no_dns(r);
        r.run.duration_s = 100.0;
        r.fleet.attempt_timeout_ms = 120_000.0;
        r.backend.workers = 100_000;
        r.backend.service_time = ServiceTimeLaw::LogNormal;
        r.backend.service_sigma = 1.0;
    });
    let mean = report.summary.latency_ms_mean;
    assert!((mean - 40.0).abs() < 0.02 * 40.0, "{mean}");
}

/// A backend overloaded 2× whose full queue holds 10 s of work, beyond the 1 s timeout
/// (docs/sources.md D4).
fn overloaded(r: &mut RawScenario) {
    no_dns(r);
    r.run.duration_s = 120.0;
    r.retry.attempts_max = 1;
    r.backend.workers = 10;
    r.backend.service_ms_mean = 10.0; // 1000/s
    r.fleet.request_rate_per_client_per_s = 2.0; // 2000/s
    r.backend.queue_capacity = 10_000;
}

#[test]
fn lifo_and_dropping_abandoned_work_keep_goodput_under_overload() {
    let fifo = run(overloaded);
    let lifo = run(|r| {
        overloaded(r);
        r.backend.queue_discipline = QueueDiscipline::Lifo;
    });
    let dropping = run(|r| {
        overloaded(r);
        r.backend.drop_abandoned = true;
    });
    let (f, l, d) = (&fifo.summary, &lifo.summary, &dropping.summary);
    eprintln!(
        "success fifo {} lifo {} drop {}",
        f.success, l.success, d.success
    );
    // FIFO serves requests that waited 10 s for a 1 s timeout: nearly all work is wasted.
    assert!(f.wasted_work > 10 * f.success);
    // LIFO serves the newest request, still inside its timeout.
    assert!(l.success > 10 * f.success.max(1));
    // Dropping abandoned work serves only live requests (the oldest live ones, near their
    // timeout, so some still time out in service): less waste, more goodput.
    assert!(d.success > 3 * f.success.max(1));
    assert!(d.wasted_work < f.wasted_work);
    assert!(total(&dropping.series.dropped_abandoned) > 0);
}

#[test]
fn new_parameters_off_by_default_leave_a_run_unchanged() {
    let base = scenario(|r| r.run.duration_s = 120.0);
    let mut raw = base.raw.clone();
    raw.retry_budget.aws_capacity_tokens = 7.0;
    raw.breaker.open_s = 1.0;
    let tweaked = Scenario::try_from(raw).unwrap();
    let a = stampede_core::run(&base);
    let b = stampede_core::run(&tweaked);
    assert_eq!(
        a.series, b.series,
        "parameters of a disabled feature change nothing"
    );
}

#[test]
fn hedges_after_instant_failures_behave_as_immediate_retries() {
    // gRFC A6: a failed hedge sends the next one at once. With failures at once and a hedging
    // delay far longer than a request, hedging is immediate retrying with maxAttempts attempts:
    // Brooker's Σ_{k<N} p^k attempts per request and 1 − p^N success (docs/sources.md D3).
    let (p, max_attempts) = (0.5_f64, 3);
    let report = run(|r| {
        fleet(r, 1000, 1.0, 200.0, p);
        r.hedging.max_attempts = max_attempts;
        r.hedging.delay_ms = 60_000.0;
    });
    let s = &report.series;
    let requests = total(&s.requests) as f64;
    let attempts = (total(&s.attempts_first) + total(&s.attempts_hedge)) as f64;
    assert_eq!(total(&s.attempts_retry), 0, "hedging replaces retries");
    let expected: f64 = (0..max_attempts).map(|k| p.powi(k as i32)).sum();
    let measured = attempts / requests;
    assert!(
        (measured - expected).abs() < 0.01 * expected,
        "{measured} vs {expected}"
    );
    let success = report.summary.success as f64 / report.summary.requests_finished as f64;
    let expected_success = 1.0 - p.powi(max_attempts as i32);
    assert!((success - expected_success).abs() < 0.01, "{success}");
}

#[test]
fn grpc_retry_throttling_stops_hedges_as_it_stops_retries() {
    // gRFC A6: hedges are subject to retry throttling. Under total failure every attempt costs a
    // token and none is earned back; a hedge goes out only while tokens > maxTokens/2. From 10
    // tokens: attempts leave 9, 8, 7, 6, 5, … and hedges follow the failures that leave 9, 8
    // and 6 (7 ends a request after its 3 attempts): exactly 3 hedges per client, ever.
    let clients = 20;
    let report = run(|r| {
        fleet(r, clients, 2.0, 100.0, 1.0);
        r.hedging.max_attempts = 3;
        r.hedging.delay_ms = 60_000.0;
        r.retry_budget.kind = RetryBudgetKind::GrpcThrottling;
        r.retry_budget.grpc_max_tokens = 10.0;
        r.retry_budget.grpc_token_ratio = 0.1;
    });
    assert_eq!(total(&report.series.attempts_hedge), 3 * clients);
    // Without the budget, each request sends both of its hedges.
    let free = run(|r| {
        fleet(r, clients, 2.0, 100.0, 1.0);
        r.hedging.max_attempts = 3;
        r.hedging.delay_ms = 60_000.0;
    });
    let s = &free.series;
    assert_eq!(total(&s.attempts_hedge), 2 * total(&s.attempts_first));
}

#[test]
fn an_open_breaker_refuses_hedges_too() {
    // Consecutive-failures breaker (threshold 5, open 30 s) under total failure: the first
    // request's attempt and its two hedges count 3 failures, the second request's first attempt
    // and first hedge 2 more; the breaker opens and refuses the second hedge and every attempt
    // for 30 s. Over 100 s the breaker half-opens at 30 s and 60 s+, one probe each.
    let report = run(|r| {
        fleet(r, 1, 1.0, 100.0, 1.0);
        r.hedging.max_attempts = 3;
        r.hedging.delay_ms = 60_000.0;
        r.breaker.kind = BreakerKind::ConsecutiveFailures;
        r.breaker.consecutive_failures = 5;
        r.breaker.open_s = 30.0;
        r.breaker.half_open_calls = 1;
    });
    let s = &report.series;
    let hedges = total(&s.attempts_hedge);
    assert_eq!(
        hedges, 3,
        "two hedges of the first request, one of the second"
    );
    assert!(failed(&report, Outcome::BreakerOpen) > 0);
}

#[test]
fn hedges_go_out_every_delay_and_the_losers_are_wasted() {
    // Constant 100 ms service on an idle backend, hedging delay 30 ms, maxAttempts 3: attempts
    // go out at 0, 30 and 60 ms, all before the first answers at 100 ms. The first wins (latency
    // 100 ms); the two others are cancelled while in service, so their work is wasted.
    let hedged = |r: &mut RawScenario, delay_ms: f64| {
        no_dns(r);
        r.run.duration_s = 100.0;
        r.backend.workers = 10_000;
        r.backend.service_time = ServiceTimeLaw::Constant;
        r.backend.service_ms_mean = 100.0;
        r.hedging.max_attempts = 3;
        r.hedging.delay_ms = delay_ms;
    };
    let report = run(|r| hedged(r, 30.0));
    let s = &report.series;
    let finished = report.summary.requests_finished;
    let in_flight = report.summary.requests_in_flight;
    let hedges = total(&s.attempts_hedge);
    assert_eq!(report.summary.failed, 0);
    assert!(hedges >= 2 * finished && hedges <= 2 * (finished + in_flight));
    assert!((report.summary.latency_ms_mean - 100.0).abs() < 1e-6);
    let wasted = report.summary.wasted_work;
    assert!(wasted + 2 * in_flight >= 2 * finished && wasted <= 2 * finished);
    // A delay longer than the service time never hedges.
    let calm = run(|r| hedged(r, 150.0));
    assert_eq!(total(&calm.series.attempts_hedge), 0);
    assert_eq!(calm.summary.wasted_work, 0);
}

#[test]
fn aws_adaptive_without_throttles_is_aws_standard() {
    // A1 adaptive: the limiter is off until the first throttling response. Server errors are not
    // throttles, so under total failure adaptive mode makes exactly standard mode's attempts.
    let runs: Vec<Report> = [RetryBudgetKind::AwsStandard, RetryBudgetKind::AwsAdaptive]
        .into_iter()
        .map(|kind| {
            run(|r| {
                fleet(r, 3, 20.0, 100.0, 1.0);
                r.retry_budget.kind = kind;
            })
        })
        .collect();
    assert_eq!(runs[0].series.attempts_first, runs[1].series.attempts_first);
    assert_eq!(runs[0].series.attempts_retry, runs[1].series.attempts_retry);
    assert_eq!(
        runs[0].summary.failed_by_cause,
        runs[1].summary.failed_by_cause
    );
}

#[test]
fn aws_adaptive_paces_a_client_that_overruns_the_queue() {
    // One client offers 100 requests/s to one worker serving 20/s with a queue of 2: standard
    // mode sends everything and ~80 % of attempts are queue-full rejections (throttles). Adaptive
    // mode turns its limiter on at the first rejection and paces every attempt near the served
    // rate (CUBIC probes past it now and then), so rejections fall by far; paced requests wait,
    // and those whose token comes after their 2 s deadline end as DeadlineExceeded without an
    // attempt.
    let overload = |kind| {
        run(|r| {
            no_dns(r);
            r.run.duration_s = 120.0;
            r.fleet.clients = 1;
            r.fleet.request_rate_per_client_per_s = 100.0;
            r.fleet.deadline_ms = 2000.0;
            r.backend.workers = 1;
            r.backend.service_time = ServiceTimeLaw::Constant;
            r.backend.service_ms_mean = 50.0;
            r.backend.queue_capacity = 2;
            r.faults.clear();
            r.retry.attempts_max = 1;
            r.retry_budget.kind = kind;
        })
    };
    let standard = overload(RetryBudgetKind::AwsStandard);
    let adaptive = overload(RetryBudgetKind::AwsAdaptive);
    let rejected = |r: &Report| failed(r, Outcome::Rejected) as f64;
    let requests = total(&standard.series.requests) as f64;
    eprintln!(
        "rejected: standard {} adaptive {}; adaptive deadline {} of {requests}",
        rejected(&standard),
        rejected(&adaptive),
        failed(&adaptive, Outcome::DeadlineExceeded)
    );
    assert!(rejected(&standard) > 0.7 * requests);
    assert!(rejected(&adaptive) < 0.1 * rejected(&standard));
    let paced_out = failed(&adaptive, Outcome::DeadlineExceeded);
    assert!(
        paced_out as f64 > 0.5 * requests,
        "most of the 100/s never get a token"
    );
    assert_eq!(
        total(&adaptive.series.refused_first),
        paced_out,
        "ended before its first attempt"
    );
}

/// Which failures are retried: with a cause switched off an attempt that fails with it ends the
/// request at once (exactly one attempt per request); switched on, Brooker's Σ pᵏ attempts.
#[test]
fn only_retryable_failures_are_retried() {
    use stampede_core::scenario::raw::ClientCacheMode;
    let (p, n) = (0.5_f64, 4);
    for on in [true, false] {
        // Backend errors at rate p.
        let report = run(|r| {
            fleet(r, 500, 1.0, 100.0, p);
            r.retry.attempts_max = n;
            r.retry.on_server_error = on;
        });
        let s = &report.series;
        let per_request = (total(&s.attempts_first) + total(&s.attempts_retry)) as f64
            / total(&s.requests) as f64;
        let expected: f64 = if on {
            (0..n).map(|k| p.powi(k as i32)).sum()
        } else {
            1.0
        };
        assert!(
            (per_request - expected).abs() < 0.01 * expected,
            "on_server_error {on}: {per_request} attempts per request vs {expected}"
        );
        // A DNS outage with no client cache: every attempt fails at DNS.
        let report = run(|r| {
            r.run.duration_s = 60.0;
            r.fleet.cold_start = true;
            r.client_dns.cache = ClientCacheMode::None;
            r.retry.attempts_max = n;
            r.retry.backoff_base_ms = 1.0;
            r.retry.backoff_max_ms = 1.0;
            r.retry.on_dns_failure = on;
            r.faults = vec![RawFault {
                kind: FaultKind::DnsEmpty,
                start_s: 0.0,
                end_s: 1e6,
                ..RawFault::default()
            }];
        });
        let retries = total(&report.series.attempts_retry);
        assert_eq!(retries > 0, on, "on_dns_failure {on}: {retries} retries");
    }
}

/// Downtime counts the metric buckets below the SLO: a total outage over exactly twelve 10 s
/// buckets (instant failures, one attempt) is 2 minutes down, costed per minute on top of the
/// cost per failed request.
#[test]
fn downtime_is_the_time_in_buckets_below_the_slo() {
    let report = run(|r| {
        fleet(r, 100, 1.0, 300.0, 0.0);
        r.run.bucket_s = 10.0;
        r.retry.attempts_max = 1;
        r.cost.per_failed_request = 0.5;
        r.cost.per_minute_down = 1000.0;
        r.faults = vec![RawFault {
            kind: FaultKind::ErrorRate,
            start_s: 60.0,
            end_s: 180.0,
            fraction: 1.0,
            ..RawFault::default()
        }];
    });
    let s = &report.summary;
    assert_eq!(s.downtime_minutes, 2.0);
    assert_eq!(s.cost_of_downtime, s.failed as f64 * 0.5 + 2.0 * 1000.0);
}

/// A cause that is not retried ends a hedged request too (gRFC A6: a fatal status ends the call):
/// with hedges sent only after failures, none is sent, and a request succeeds with 1 − p.
#[test]
fn a_cause_that_is_not_retried_ends_a_hedged_request() {
    let p = 0.3;
    let report = run(|r| {
        fleet(r, 500, 1.0, 100.0, p);
        r.hedging.max_attempts = 3;
        r.hedging.delay_ms = 60_000.0;
        r.retry.on_server_error = false;
    });
    assert_eq!(total(&report.series.attempts_hedge), 0);
    let s = &report.summary;
    let sigma = (p * (1.0 - p) / s.requests_finished as f64).sqrt();
    assert!(
        (s.availability - (1.0 - p)).abs() < 4.0 * sigma,
        "{}",
        s.availability
    );
}

/// The last metric bucket may be short: a 65 s run in 60 s buckets, down throughout, is 65 s of
/// downtime, not two whole buckets.
#[test]
fn a_short_last_bucket_counts_its_own_width_of_downtime() {
    let report = run(|r| {
        fleet(r, 100, 1.0, 65.0, 1.0);
        r.run.bucket_s = 60.0;
        r.retry.attempts_max = 1;
    });
    assert_eq!(report.summary.downtime_minutes, 65.0 / 60.0);
}
