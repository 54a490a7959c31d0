//! The model reproduces published formulas (docs/sources.md D).
//! Expected values are derived from the formulas here, never copied from a run.

use crate::support::{no_dns, run_checked, scenario};
use stampede_core::scenario::raw::{ClientCacheMode, FaultKind, JitterKind, RawFault};

/// Erlang C mean wait in queue, ms, for c workers, arrival rate λ /s and mean service time ms.
fn erlang_c_wait_ms(c: u32, lambda_per_s: f64, service_ms: f64) -> f64 {
    let mu_per_s = 1000.0 / service_ms;
    let a = lambda_per_s / mu_per_s;
    let rho = a / f64::from(c);
    // Erlang B by recursion, then C (docs/sources.md D1).
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let c_wait = b / (1.0 - rho * (1.0 - b));
    c_wait / (f64::from(c) * mu_per_s - lambda_per_s) * 1000.0
}

#[test]
fn erlang_c_formula_matches_spot_values() {
    // M/M/1 at ρ = 0.8, μ = 1: Wq = 4 (docs/sources.md D1 spot value), here with a 1000 ms service time.
    assert!((erlang_c_wait_ms(1, 0.8, 1000.0) - 4000.0).abs() < 1e-9);
}

/// Runs M/M/c at utilisation ρ and compares the mean queue wait with Erlang C. Uses batch means
/// over 20 batches to check the tolerance is honest: the 95 % confidence half-width must itself be
/// under the tolerance.
fn check_erlang_c(workers: u32, rho: f64, requests: f64) {
    let service_ms = 40.0;
    let lambda = rho * f64::from(workers) * 1000.0 / service_ms;
    let duration_s = requests / lambda;
    let sc = scenario(|r| {
        no_dns(r);
        r.run.duration_s = duration_s;
        r.run.bucket_s = duration_s / 200.0;
        r.run.seed = 11;
        r.fleet.clients = 100;
        r.fleet.request_rate_per_client_per_s = lambda / 100.0;
        r.fleet.attempt_timeout_ms = 120_000.0;
        r.backend.workers = workers;
        r.backend.service_ms_mean = service_ms;
        r.backend.queue_capacity = 10_000_000;
    });
    let report = run_checked(&sc);
    let expected = erlang_c_wait_ms(workers, lambda, service_ms);
    let s = &report.series;
    // Batch means over 20 batches of 10 buckets, skipping the first batch as warm-up.
    let batches: Vec<f64> = (1..20)
        .map(|k| {
            let range = k * 10..(k + 1) * 10;
            let sum: f64 = s.queue_wait_ms_sum[range.clone()].iter().sum();
            let count: u64 = s.service_started[range].iter().sum();
            sum / count as f64
        })
        .collect();
    let n = batches.len() as f64;
    let mean = batches.iter().sum::<f64>() / n;
    let variance = batches.iter().map(|b| (b - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let half_width = 2.1 * (variance / n).sqrt(); // t(0.975, 18) ≈ 2.10
    let tolerance = 0.02 * expected;
    eprintln!(
        "M/M/{workers} ρ={rho}: Wq {mean:.4} ms vs Erlang C {expected:.4} ms, ±{half_width:.4}"
    );
    assert!(
        half_width < tolerance,
        "too few samples for a 2 % check: ±{half_width} ms"
    );
    assert!(
        (mean - expected).abs() < tolerance,
        "Wq {mean} ms, Erlang C {expected} ms"
    );
}

#[test]
fn erlang_c_mean_wait_at_rho_0_8() {
    check_erlang_c(4, 0.8, 4e6);
}

#[test]
fn erlang_c_mean_wait_at_rho_0_9() {
    check_erlang_c(4, 0.9, 1e7);
}

#[test]
fn ttl_hit_ratio_follows_jung_et_al() {
    // A TTL counted from the fetch gives H = λT/(1+λT) under Poisson requests.
    for (rate, ttl_s) in [(0.1, 10.0), (1.0, 1.0), (1.0, 5.0), (2.0, 30.0)] {
        let sc = scenario(|r| {
            r.run.duration_s = 2000.0;
            r.fleet.clients = 500;
            r.fleet.request_rate_per_client_per_s = rate;
            r.client_dns.cache = ClientCacheMode::Fixed;
            r.client_dns.fixed_ttl_s = ttl_s;
            r.resolver.capacity_qps = 1e6;
        });
        let report = run_checked(&sc);
        let s = &report.series;
        let hits: u64 = s.dns_client_cache.iter().sum();
        let lookups = hits + s.dns_to_resolver.iter().sum::<u64>();
        let measured = hits as f64 / lookups as f64;
        let lambda_t = rate * ttl_s;
        let expected = lambda_t / (1.0 + lambda_t);
        eprintln!("λT={lambda_t}: hit ratio {measured:.5} vs {expected:.5}");
        assert!(
            (measured - expected).abs() < 0.005 * expected,
            "λT={lambda_t}: {measured} vs {expected}"
        );
    }
}

fn error_rate_fault(p: f64) -> RawFault {
    RawFault {
        kind: FaultKind::ErrorRate,
        start_s: 0.0,
        end_s: 1e6,
        fraction: p,
        factor: 1.0,
        ..RawFault::default()
    }
}

#[test]
fn retry_amplification_follows_brooker() {
    // Attempts per request = Σ_{k=0..N} p^k with N retries and failure probability p.
    for (p, attempts_max) in [(0.1_f64, 4_u32), (0.5, 3), (0.9, 5)] {
        let sc = scenario(|r| {
            no_dns(r);
            r.run.duration_s = 300.0;
            r.run.duration_s = 400.0;
            r.retry.attempts_max = attempts_max;
            r.retry.backoff_base_ms = 1.0;
            r.retry.backoff_max_ms = 1.0;
            r.faults = vec![error_rate_fault(p)];
        });
        let report = run_checked(&sc);
        let s = &report.series;
        let requests: u64 = s.requests.iter().sum();
        let attempts: u64 =
            s.attempts_first.iter().sum::<u64>() + s.attempts_retry.iter().sum::<u64>();
        let measured = attempts as f64 / requests as f64;
        let expected: f64 = (0..attempts_max).map(|k| p.powi(k as i32)).sum();
        eprintln!("p={p} N+1={attempts_max}: {measured:.5} attempts per request vs {expected:.5}");
        assert!(
            (measured - expected).abs() < 0.01 * expected,
            "{measured} vs {expected}"
        );
        let success_expected = 1.0 - p.powi(attempts_max as i32);
        let finished = report.summary.requests_finished as f64;
        let success = report.summary.success as f64 / finished;
        assert!(
            (success - success_expected).abs() < 0.01,
            "success {success} vs {success_expected}"
        );
    }
}

#[test]
fn total_failure_makes_exactly_n_plus_one_attempts() {
    let sc = scenario(|r| {
        no_dns(r);
        r.run.duration_s = 60.0;
        r.retry.attempts_max = 4;
        r.retry.jitter = JitterKind::None;
        r.faults = vec![error_rate_fault(1.0)];
    });
    let report = run_checked(&sc);
    let s = &report.series;
    let attempts: u64 = s.attempts_first.iter().sum::<u64>() + s.attempts_retry.iter().sum::<u64>();
    let in_flight = report.summary.requests_in_flight;
    let failed = report.summary.failed;
    assert_eq!(report.summary.success, 0);
    // Every finished request made exactly 4 attempts; in-flight ones made between 1 and 4.
    assert!(attempts >= 4 * failed + in_flight && attempts <= 4 * (failed + in_flight));
}

#[test]
fn a_load_spike_multiplies_the_poisson_arrival_rate_in_its_window() {
    // 1000 clients × 1 req/s, ×3 during [100 s, 200 s): expected 100,000 + 300,000 + 100,000 = 500,000
    // requests over 300 s; in-window and out-of-window counts are Poisson (σ = √n).
    let sc = scenario(|r| {
        no_dns(r);
        r.run.duration_s = 300.0;
        r.run.bucket_s = 10.0;
        r.backend.workers = 1000;
        r.faults = vec![RawFault {
            kind: FaultKind::LoadSpike,
            start_s: 100.0,
            end_s: 200.0,
            fraction: 1.0,
            factor: 3.0,
            ..RawFault::default()
        }];
    });
    let report = run_checked(&sc);
    let s = &report.series.requests;
    let inside: u64 = s[10..20].iter().sum();
    let outside: u64 = s[..10].iter().sum::<u64>() + s[20..].iter().sum::<u64>();
    let check = |count: u64, expected: f64| {
        let sigma = expected.sqrt();
        assert!(
            (count as f64 - expected).abs() < 5.0 * sigma,
            "{count} requests, expected {expected} ± {sigma}"
        );
    };
    check(inside, 300_000.0);
    check(outside, 200_000.0);
}

/// A Poisson fleet sends λ·T requests however fast it sends them, down to gaps under the
/// microsecond the clock counts in: at 0.5, 1 and 2 M requests/s (mean gaps of 2, 1 and 0.5 µs)
/// the count of one second stays within 5σ (σ = √(λT)) of λ·T. Rounding each gap to the
/// microsecond instead shortens the mean gap by 1 %, 4 % and 15 %: 7σ, 40σ and 250σ too many.
#[test]
fn arrivals_keep_their_rate_when_gaps_are_below_a_microsecond() {
    for rate_per_client_per_s in [500.0, 1000.0, 2000.0] {
        let sc = scenario(|r| {
            no_dns(r);
            r.fleet.clients = 1000;
            r.fleet.request_rate_per_client_per_s = rate_per_client_per_s;
            r.run.duration_s = 1.0;
            r.run.bucket_s = 0.1;
            r.retry.attempts_max = 1;
        });
        let report = run_checked(&sc);
        let requests: u64 = report.series.requests.iter().sum();
        let expected = 1000.0 * rate_per_client_per_s * sc.duration.as_s();
        let sigma = expected.sqrt();
        assert!(
            (requests as f64 - expected).abs() < 5.0 * sigma,
            "{rate_per_client_per_s} requests/s per client: {requests} requests, expected \
             {expected} ± {sigma}"
        );
    }
}
