//! Several resolvers with resolv.conf semantics, resolver-scoped and flapping faults, DNS latency,
//! per-client query limits and super-client scaling.
//! Expected values are derived from docs/sources.md (B1, B3, B4) and
//! docs/sources.md D2, never copied from a run.

use crate::support::{no_dns, run_checked, scenario};
use stampede_core::Report;
use stampede_core::report::Outcome;
use stampede_core::scenario::raw::{
    ClientCacheMode, FaultKind, RawFault, RawResolver, RawScenario, ServiceTimeLaw,
};

fn total(v: &[u64]) -> u64 {
    v.iter().sum()
}

fn run(edit: impl FnOnce(&mut RawScenario)) -> Report {
    run_checked(&scenario(edit))
}

const LOOKUP_TIMEOUT_MS: f64 = 500.0;
const RESOLVER_LATENCY_MS: f64 = 1.0;
const SERVICE_MS: f64 = 10.0;

/// Two resolvers, every attempt looks up (no client cache, as glibc and Go), a 10 ms constant
/// service time on a backend that never queues, no retries, and resolver 0 down all run long.
fn two_resolvers_first_down(r: &mut RawScenario) {
    r.run.duration_s = 120.0;
    r.fleet.clients = 50;
    r.fleet.request_rate_per_client_per_s = 2.0;
    r.fleet.attempt_timeout_ms = 10_000.0;
    r.client_dns.cache = ClientCacheMode::None;
    r.client_dns.lookup_timeout_ms = LOOKUP_TIMEOUT_MS;
    r.client_dns.lookup_attempts = 2;
    let resolver = RawResolver {
        latency_ms: RESOLVER_LATENCY_MS,
        ..RawResolver::default()
    };
    r.resolvers = vec![resolver.clone(), resolver];
    r.retry.attempts_max = 1;
    r.backend.workers = 10_000;
    r.backend.service_time = ServiceTimeLaw::Constant;
    r.backend.service_ms_mean = SERVICE_MS;
    r.faults = vec![RawFault {
        kind: FaultKind::DnsTimeout,
        start_s: 0.0,
        end_s: 1e6,
        target: "resolver:0".into(),
        ..RawFault::default()
    }];
}

/// Share of lookups answered by the resolver's cache, not upstream: the resolver cache is a TTL
/// cache fed by the whole fleet (Jung et al. 2003), so upstream queries are one per TTL at most.
fn upstream_share(report: &Report) -> f64 {
    total(&report.series.dns_upstream) as f64 / total(&report.series.dns_resolver_cache) as f64
}

#[test]
fn a_down_first_resolver_costs_each_lookup_one_timeout() {
    // resolv.conf (B1): try resolver 0, wait `timeout`, move to resolver 1, which answers.
    // Every request succeeds, after 500 ms + 1 ms resolver latency + 10 ms of service.
    let report = run(two_resolvers_first_down);
    let s = &report.series;
    assert_eq!(
        report.summary.failed, 0,
        "{:?}",
        report.summary.failed_by_cause
    );
    let lookups = total(&s.attempts_first);
    assert_eq!(
        total(&s.resolver_queries[0]),
        lookups,
        "every lookup tries 0 first"
    );
    assert_eq!(
        total(&s.resolver_dropped[0]),
        lookups,
        "and it drops them all"
    );
    // Lookups still waiting on resolver 0 when the run ends have not reached resolver 1.
    let in_flight = report.summary.requests_in_flight;
    let at_1 = total(&s.resolver_queries[1]);
    assert!(
        at_1 <= lookups && at_1 + in_flight >= lookups,
        "then 1 answers"
    );
    assert_eq!(total(&s.resolver_dropped[1]), 0);
    let expected_ms = LOOKUP_TIMEOUT_MS + RESOLVER_LATENCY_MS + SERVICE_MS;
    let mean = report.summary.latency_ms_mean;
    // Upstream answers (20 ms instead of 1 ms) are at most one per record TTL (60 s).
    let slack_ms = 20.0 * upstream_share(&report) + 0.01;
    assert!(
        (mean - expected_ms).abs() < slack_ms,
        "{mean} vs {expected_ms}"
    );
}

#[test]
fn rotate_sends_half_the_first_tries_to_each_resolver() {
    // resolv.conf `rotate` (Go: the server offset advances once per lookup): each client's
    // lookups alternate their starting resolver, so half start at the down one (and pay one
    // timeout), half at the live one. Per client the two counts differ by at most 1.
    let report = run(|r| {
        two_resolvers_first_down(r);
        r.client_dns.rotate = true;
    });
    let s = &report.series;
    assert_eq!(report.summary.failed, 0);
    let lookups = total(&s.attempts_first);
    let first_at_0 = total(&s.resolver_queries[0]);
    let clients = 50;
    assert!(
        first_at_0.abs_diff(lookups / 2) <= clients,
        "{first_at_0} of {lookups} lookups started at resolver 0"
    );
    let at_1 = total(&s.resolver_queries[1]);
    let in_flight = report.summary.requests_in_flight;
    assert!(
        at_1 <= lookups && at_1 + in_flight >= lookups,
        "all end at resolver 1"
    );
    // Successful requests that paid the timeout: those that started at 0, less the ones still
    // in flight at the end (at most all of them).
    let success = report.summary.success as f64;
    let delayed_max = first_at_0 as f64 / success;
    let delayed_min = first_at_0.saturating_sub(in_flight) as f64 / success;
    let mean = report.summary.latency_ms_mean;
    let slack_ms = 20.0 * upstream_share(&report) + 0.01;
    let low = delayed_min * LOOKUP_TIMEOUT_MS + RESOLVER_LATENCY_MS + SERVICE_MS - slack_ms;
    let high = delayed_max * LOOKUP_TIMEOUT_MS + RESOLVER_LATENCY_MS + SERVICE_MS + slack_ms;
    assert!(
        (low..=high).contains(&mean),
        "{mean} not in [{low}, {high}]"
    );
}

#[test]
fn a_zone_timeout_reaches_every_resolver() {
    // The zone is behind every resolver: with both resolvers' caches expired, every try of every
    // lookup is dropped, 2 attempts × 2 resolvers = 4 tries per lookup.
    let report = run(|r| {
        two_resolvers_first_down(r);
        r.fleet.cold_start = true;
        r.faults[0].target = "zone".into();
    });
    let s = &report.series;
    assert_eq!(report.summary.success, 0);
    let finished = report.summary.requests_finished;
    let timeouts = report.summary.failed_by_cause[Outcome::DnsTimeout.failure_index().unwrap()];
    assert_eq!(timeouts, finished);
    let queries = total(&s.dns_to_resolver);
    let in_flight = report.summary.requests_in_flight;
    assert!(queries >= 4 * finished && queries <= 4 * (finished + in_flight));
    // Each round asks 0 then 1: per lookup, 0 is asked as often as 1 or once more.
    let (at_0, at_1) = (total(&s.resolver_queries[0]), total(&s.resolver_queries[1]));
    assert!(at_0 >= at_1 && at_0 <= at_1 + in_flight);
}

#[test]
fn resolver_latency_fault_adds_its_latency_to_every_answer() {
    // dns_latency aimed at the only resolver delays all its answers by latency_ms.
    let added_ms = 300.0;
    let base = |r: &mut RawScenario| {
        two_resolvers_first_down(r);
        r.resolvers.truncate(1);
        r.faults.clear();
    };
    let plain = run(base);
    let slowed = run(|r| {
        base(r);
        r.faults = vec![RawFault {
            kind: FaultKind::DnsLatency,
            start_s: 0.0,
            end_s: 1e6,
            latency_ms: added_ms,
            target: "resolver:0".into(),
            ..RawFault::default()
        }];
    });
    let delta = slowed.summary.latency_ms_mean - plain.summary.latency_ms_mean;
    assert!((delta - added_ms).abs() < 1.0, "{delta}");
    assert_eq!(slowed.summary.failed, 0);
}

#[test]
fn flapping_halves_the_affected_time() {
    // In force during the first half of each 10 s period: 50 of the 100 s. Failures happen at
    // arrival (error_rate, one attempt), so the failed share is the share of arrivals in the
    // active halves: 1/2 ± 0.5/√n for n Poisson arrivals (n ≈ 100,000: σ ≈ 0.0016; allow 5σ).
    let (period_s, duration_s) = (10.0, 100.0);
    let report = run(|r| {
        no_dns(r);
        r.run.duration_s = duration_s;
        r.run.bucket_s = period_s / 2.0;
        r.retry.attempts_max = 1;
        r.faults = vec![RawFault {
            kind: FaultKind::ErrorRate,
            start_s: 0.0,
            end_s: duration_s,
            flap_period_s: period_s,
            ..RawFault::default()
        }];
    });
    let s = &report.series;
    let requests = total(&s.requests) as f64;
    let share = report.summary.failed as f64 / requests;
    let sigma = 0.5 / requests.sqrt();
    assert!((share - 0.5).abs() < 5.0 * sigma, "failed share {share}");
    for b in 0..report.buckets_total {
        if b % 2 == 1 {
            assert_eq!(s.failed_total(b), 0, "bucket {b} is in an off half");
        } else {
            assert!(s.failed_total(b) > 0, "bucket {b} is in an on half");
        }
    }
    assert_eq!(
        report.fault_windows.len(),
        10,
        "one shaded window per active half"
    );
    assert_eq!(report.fault_windows[1].0, 10.0);
    assert_eq!(report.fault_windows[1].1, 15.0);
}

#[test]
fn flapping_capacity_loss_switches_the_workers_at_each_edge() {
    // Half the workers are lost during the first half of each 20 s period. The backend capacity
    // series (workers in force at each bucket's start) alternates between full and half.
    let report = run(|r| {
        no_dns(r);
        r.run.duration_s = 80.0;
        r.run.bucket_s = 10.0;
        r.faults = vec![RawFault {
            kind: FaultKind::CapacityLoss,
            start_s: 0.0,
            end_s: 80.0,
            fraction: 0.5,
            flap_period_s: 20.0,
            ..RawFault::default()
        }];
    });
    let full = 50.0 * 1000.0 / 40.0 * 10.0;
    for (b, capacity) in report.series.backend_capacity.iter().enumerate() {
        let expected = if b % 2 == 0 { full / 2.0 } else { full };
        assert!((capacity - expected).abs() < 1e-9, "bucket {b}: {capacity}");
    }
}

#[test]
fn per_client_query_limit_admits_the_limit_rate() {
    // One client looking up 200 times a second against a 100 queries/s per-client limit
    // (AmazonProvidedDNS drops above its packet rate, B3). A generic cell rate algorithm with a
    // burst of 0.1 s of the limit (10 queries) admits at most 100·T + 10 queries in T seconds;
    // offered twice the limit, it is never idle for long, so it admits 100·T − O(1).
    let (limit, duration_s) = (100.0, 100.0);
    let report = run(|r| {
        r.run.duration_s = duration_s;
        r.fleet.clients = 1;
        r.fleet.request_rate_per_client_per_s = 200.0;
        r.client_dns.cache = ClientCacheMode::None;
        r.client_dns.lookup_attempts = 1;
        r.retry.attempts_max = 1;
        r.resolver.per_client_qps_limit = limit;
    });
    let s = &report.series;
    let admitted = total(&s.dns_to_resolver) - total(&s.dns_client_limited);
    let expected = limit * duration_s;
    assert!(
        admitted as f64 <= expected + 10.0 && admitted as f64 >= expected - 10.0,
        "{admitted} admitted vs {expected}"
    );
    assert!(total(&s.dns_client_limited) <= total(&s.dns_dropped));
}

/// A JVM-like fleet (fixed 30 s cache, 10 s negative cache) losing its record for 60 s.
fn empty_answer_fleet(r: &mut RawScenario, clients: u64, scale_max_clients: u64) {
    r.run.duration_s = 240.0;
    r.fleet.clients = clients;
    r.fleet.scale_max_clients = scale_max_clients;
    r.fleet.request_rate_per_client_per_s = 0.2;
    r.client_dns.cache = ClientCacheMode::Fixed;
    r.client_dns.fixed_ttl_s = 30.0;
    r.backend.workers = 400;
    r.resolver.capacity_qps = 1e6;
    r.faults = vec![RawFault {
        kind: FaultKind::DnsEmpty,
        start_s: 60.0,
        end_s: 120.0,
        ..RawFault::default()
    }];
}

#[test]
fn super_clients_agree_with_every_client_simulated() {
    // 20,000 clients as 2,000 super-clients of 10. The approximation: a super-client's cache is
    // fed by 10× the requests, so it is valid with probability λ'T/(1+λ'T) instead of λT/(1+λT)
    // (Jung et al. 2003). During the outage a request at s seconds in succeeds only from a cache
    // still valid, with probability H·(1 − s/T) for s < T: over the run that is H·T/2 seconds'
    // worth of requests, so availability differs by (H' − H)·T/(2·duration). Noise: 2,000
    // independent expiry times shift it by well under 0.005.
    let (clients, scale_max) = (20_000, 2_000);
    let unscaled = run(|r| empty_answer_fleet(r, clients, clients));
    let scaled = run(|r| empty_answer_fleet(r, clients, scale_max));
    assert_eq!(unscaled.client_scale_factor, 1);
    assert_eq!(scaled.client_scale_factor, 10);
    assert!(unscaled.diagnostics.is_empty());
    assert!(
        scaled.diagnostics[0].starts_with("simulated 20,000 clients as 2,000 super-clients of 10"),
        "{:?}",
        scaled.diagnostics
    );
    let (ttl_s, rate, duration_s) = (30.0, 0.2, 240.0);
    let hit = |lambda_t: f64| lambda_t / (1.0 + lambda_t);
    let bias = (hit(10.0 * rate * ttl_s) - hit(rate * ttl_s)) * ttl_s / (2.0 * duration_s);
    let tolerance = bias + 0.005;
    let (a, b) = (unscaled.summary.availability, scaled.summary.availability);
    eprintln!("availability unscaled {a:.4} scaled {b:.4}, bias {bias:.4}");
    assert!((b - a).abs() < tolerance, "{a} vs {b}");
    assert!(a < 0.9, "the outage shows: {a}");
    // Each failed request made all 4 attempts (later ones hit the negative cache), so attempts
    // per request differ by about 3 × the availability difference.
    let per_request = |r: &Report| {
        let s = &r.series;
        (total(&s.attempts_first) + total(&s.attempts_retry)) as f64 / total(&s.requests) as f64
    };
    let (x, y) = (per_request(&unscaled), per_request(&scaled));
    eprintln!("attempts per request unscaled {x:.4} scaled {y:.4}");
    assert!((x - y).abs() < 3.0 * tolerance, "{x} vs {y}");
    // Same offered load: the arrival stream is the same process.
    let (n, m) = (
        total(&unscaled.series.requests),
        total(&scaled.series.requests),
    );
    assert_eq!(n, m, "arrival times do not depend on the scaling");
}

#[test]
fn resolver_lists_and_targets_are_validated() {
    let toml = r#"
        version = 1
        [[resolvers]]
        capacity_qps = 1024.0
        [[resolvers]]
        capacity_qps = 2048.0
        serve_stale = true
        [[faults]]
        kind = "dns_timeout"
        start_s = 10.0
        end_s = 20.0
        target = "resolver:1"
    "#;
    let sc = stampede_core::scenario::from_toml(toml).expect("two resolvers are valid");
    assert_eq!(sc.resolvers.len(), 2);
    assert_eq!(sc.resolvers[1].capacity_qps, 2048.0);
    assert!(sc.resolvers[1].serve_stale && !sc.resolvers[0].serve_stale);

    let problems = |edit: &dyn Fn(&mut RawScenario)| {
        let mut raw = stampede_core::scenario::raw_from_toml(toml).unwrap();
        edit(&mut raw);
        match stampede_core::Scenario::try_from(raw) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems.into_iter().map(|p| p.path).collect::<Vec<_>>(),
        }
    };
    assert_eq!(
        problems(&|r| r.faults[0].target = "resolver:2".into()),
        ["faults[0].target"]
    );
    assert_eq!(
        problems(&|r| r.faults[0].target = "nameserver".into()),
        ["faults[0].target"]
    );
    assert_eq!(problems(&|r| r.resolver.capacity_qps = 7.0), ["resolver"]);
    assert_eq!(
        problems(&|r| r.resolvers.push(r.resolvers[0].clone())),
        Vec::<String>::new(),
        "three resolvers (MAXNS) are fine"
    );
    assert_eq!(
        problems(&|r| r.resolvers.resize(4, RawResolver::default())),
        ["resolvers"]
    );
    assert_eq!(
        problems(&|r| r.resolvers[1].latency_ms = -1.0),
        ["resolvers[1].latency_ms"]
    );
    assert_eq!(
        problems(&|r| r.faults[0].flap_period_s = 0.01),
        ["faults[0].flap_period_s"]
    );
}

#[test]
fn the_resolver_count_parameter_keeps_the_first_resolver() {
    use stampede_core::scenario::set_param;
    let mut raw = RawScenario::default();
    set_param(&mut raw, "resolver.capacity_qps", "1024").unwrap();
    set_param(&mut raw, "resolvers.count", "3").unwrap();
    assert_eq!(raw.resolvers.len(), 3);
    assert!(raw.resolvers.iter().all(|r| r.capacity_qps == 1024.0));
    assert_eq!(raw.resolver, RawResolver::default());
    set_param(&mut raw, "resolver.capacity_qps", "512").unwrap();
    assert_eq!(raw.resolvers[0].capacity_qps, 512.0);
    set_param(&mut raw, "resolvers.count", "1").unwrap();
    assert!(raw.resolvers.is_empty());
    assert_eq!(raw.resolver.capacity_qps, 512.0);
}

/// Client-side serve-stale (Cronet `StaleDnsOptions`): a SERVFAIL outage is ridden out with the
/// last good answer, while an empty answer from a healthy zone is never masked (RFC 8767 serves
/// stale only when a refresh fails), so it changes nothing at all for a NODATA outage.
#[test]
fn client_serve_stale_masks_servfail_but_never_an_empty_answer() {
    use stampede_core::scenario::raw::{ClientCacheMode, FaultKind, RawFault};
    let run = |kind: FaultKind, stale_max_s: f64| {
        let sc = crate::support::scenario(|r| {
            r.run.duration_s = 400.0;
            r.fleet.clients = 200;
            r.client_dns.cache = ClientCacheMode::Fixed;
            r.client_dns.fixed_ttl_s = 30.0;
            r.client_dns.stale_max_s = stale_max_s;
            r.faults = vec![RawFault {
                kind,
                start_s: 120.0,
                end_s: 300.0,
                ..RawFault::default()
            }];
        });
        crate::support::run_checked(&sc)
    };
    let servfail_stale = run(FaultKind::DnsServfail, 3600.0);
    let servfail_plain = run(FaultKind::DnsServfail, 0.0);
    // Every client (1 request/s) has fetched an answer in the 120 s before the fault, so every
    // lookup during it finds an answer that expired less than 180 s ago.
    assert_eq!(
        servfail_stale.summary.failed_by_cause[1], 0,
        "no SERVFAIL reaches a request"
    );
    assert!(servfail_stale.series.dns_stale.iter().sum::<u64>() > 0);
    assert!(
        servfail_plain.summary.failed_by_cause[1] > 0,
        "without stale answers SERVFAIL fails requests"
    );
    let empty_stale = run(FaultKind::DnsEmpty, 3600.0);
    let empty_plain = run(FaultKind::DnsEmpty, 0.0);
    assert_eq!(
        empty_stale.summary, empty_plain.summary,
        "stale answers never mask an empty answer"
    );
}

/// A resolver TTL cap (CoreDNS `cache 30`) bounds what the resolver hands out: with clients that
/// honour the record TTL, a 300 s record behaves like a 30 s one.
#[test]
fn resolver_ttl_cap_bounds_the_ttl_clients_see() {
    use stampede_core::scenario::raw::ClientCacheMode;
    let lookups = |record_ttl_s: f64, max_ttl_s: f64| {
        let sc = crate::support::scenario(|r| {
            r.run.duration_s = 600.0;
            r.fleet.clients = 100;
            r.client_dns.cache = ClientCacheMode::RecordTtl;
            r.dns.record_ttl_s = record_ttl_s;
            r.resolver.max_ttl_s = max_ttl_s;
        });
        crate::support::run_checked(&sc)
            .series
            .dns_upstream
            .iter()
            .sum::<u64>()
    };
    // The resolver asks upstream about once per (capped) TTL: 600 s / 30 s = 20, not 600 / 300 = 2.
    let capped = lookups(300.0, 30.0);
    let uncapped = lookups(300.0, 86_400.0);
    assert!(
        (19..=22).contains(&capped),
        "capped: {capped} upstream queries"
    );
    assert!(
        (1..=3).contains(&uncapped),
        "uncapped: {uncapped} upstream queries"
    );
    let record_30 = lookups(30.0, 86_400.0);
    assert!(
        (19..=22).contains(&record_30),
        "a 30 s record: {record_30} upstream queries, like the 30 s cap"
    );
}

/// glibc's `res_send` and Go's `tryOneName` move to the next nameserver on SERVFAIL, as on a
/// timeout: with the first resolver answering SERVFAIL to everything and the second healthy, no
/// lookup fails and each lookup the first resolver saw went on to the second; with one resolver
/// and `attempts` 2, a lookup under a zone SERVFAIL asks twice before it fails.
#[test]
fn servfail_moves_the_lookup_to_the_next_resolver() {
    use stampede_core::scenario::raw::{ClientCacheMode, FaultKind, RawFault};
    let base = |r: &mut RawScenario| {
        r.run.duration_s = 200.0;
        r.fleet.clients = 100;
        r.client_dns.cache = ClientCacheMode::None;
        r.client_dns.lookup_attempts = 2;
        r.retry.attempts_max = 1;
    };
    let report = crate::support::run_checked(&crate::support::scenario(|r| {
        base(r);
        stampede_core::scenario::set_param(r, "resolvers.count", "2").unwrap();
        r.faults = vec![RawFault {
            kind: FaultKind::DnsServfail,
            start_s: 0.0,
            end_s: 200.0,
            target: "resolver:0".into(),
            ..RawFault::default()
        }];
    }));
    let s = &report.series;
    let sum = |v: &[u64]| v.iter().sum::<u64>();
    assert_eq!(report.summary.failed, 0, "the second resolver answers");
    assert_eq!(sum(&s.resolver_queries[0]), sum(&s.resolver_queries[1]));
    let zone = crate::support::run_checked(&crate::support::scenario(|r| {
        base(r);
        // No answer cached anywhere when the zone starts failing.
        r.fleet.cold_start = true;
        r.faults = vec![RawFault {
            kind: FaultKind::DnsServfail,
            start_s: 0.0,
            end_s: 200.0,
            ..RawFault::default()
        }];
    }));
    let s = &zone.series;
    let failed = zone.summary.failed_by_cause[1];
    assert!(failed > 0);
    let (queries, in_flight) = (sum(&s.dns_to_resolver), zone.summary.requests_in_flight);
    assert_eq!(zone.summary.success, 0);
    assert!(
        queries >= 2 * failed && queries <= 2 * (failed + in_flight),
        "two tries per failed lookup: {queries} queries, {failed} failed, {in_flight} in flight"
    );
}

/// Prefetch with a fixed TTL T, window W and Poisson requests at λ per client: an entry is
/// refreshed by the first request in its last W seconds (probability 1 − e^(−λW)), else it
/// expires and the next request misses. A cycle from one fetch to the next lasts
/// (T − W) + E[min(Exp(λ), W)] + e^(−λW)/λ = T − W + 1/λ, so the miss ratio is
/// e^(−λW) / (λ(T − W) + 1) and the refreshes per request (1 − e^(−λW)) / (λ(T − W) + 1).
/// W = 0 gives back 1/(λT + 1), the TTL hit ratio's complement.
#[test]
fn prefetch_miss_ratio_follows_the_refresh_ahead_cycle() {
    use stampede_core::scenario::raw::ClientCacheMode;
    let (rate, ttl_s) = (0.5, 30.0);
    for window_s in [0.0, 3.0, 10.0] {
        let report = run(|r| {
            r.run.duration_s = 900.0;
            r.fleet.clients = 1000;
            r.fleet.request_rate_per_client_per_s = rate;
            r.client_dns.cache = ClientCacheMode::Fixed;
            r.client_dns.fixed_ttl_s = ttl_s;
            r.client_dns.prefetch_s = window_s;
            r.backend.workers = 1000;
        });
        let s = &report.series;
        // Skip the first TTL: the caches start in the steady state without prefetch.
        let skip = (ttl_s / report.bucket_s) as usize + 1;
        let sum = |v: &[u64]| v[skip..].iter().sum::<u64>() as f64;
        let attempts = sum(&s.attempts_first);
        let misses = 1.0 - sum(&s.dns_client_cache) / attempts;
        let cycle = rate * (ttl_s - window_s) + 1.0;
        let expected = f64::exp(-rate * window_s) / cycle;
        assert!(
            (misses - expected).abs() < 0.05 * expected,
            "W = {window_s} s: miss ratio {misses:.5} vs {expected:.5}"
        );
        let refreshes = sum(&s.dns_prefetches) / attempts;
        let expected = (1.0 - f64::exp(-rate * window_s)) / cycle;
        assert!(
            (refreshes - expected).abs() <= 0.05 * expected,
            "W = {window_s} s: {refreshes:.5} refreshes per request vs {expected:.5}"
        );
    }
}

/// A DNS override for a client class (October 2025, T+1:27): while it is in force the first
/// ⌈f × clients⌉ clients take the name from a local entry, so under an empty-answer outage with
/// no cache and no pooling exactly their requests succeed (a share f of the traffic, binomial),
/// and no other request does.
#[test]
fn a_dns_override_lets_its_client_class_connect_through_an_outage() {
    use stampede_core::scenario::raw::{ClientCacheMode, FaultKind, RawFault};
    let share = 0.3;
    let report = run(|r| {
        r.run.duration_s = 200.0;
        r.run.bucket_s = 10.0;
        r.fleet.clients = 1000;
        r.client_dns.cache = ClientCacheMode::None;
        r.fleet.cold_start = true; // no answer cached in the resolver either
        r.retry.attempts_max = 1;
        r.faults = vec![
            RawFault {
                kind: FaultKind::DnsEmpty,
                start_s: 0.0,
                end_s: 200.0,
                ..RawFault::default()
            },
            RawFault {
                kind: FaultKind::DnsOverride,
                start_s: 100.0,
                end_s: 200.0,
                fraction: share,
                ..RawFault::default()
            },
        ];
    });
    let s = &report.series;
    let sum = |v: &[u64], from: usize, to: usize| v[from..to].iter().sum::<u64>();
    assert_eq!(
        sum(&s.success, 0, 10),
        0,
        "nobody connects before the mitigation"
    );
    let (overridden, requests) = (sum(&s.dns_overridden, 10, 20), sum(&s.requests, 10, 20));
    let measured = overridden as f64 / requests as f64;
    let sigma = (share * (1.0 - share) / requests as f64).sqrt();
    assert!(
        (measured - share).abs() < 4.0 * sigma,
        "{measured:.4} of the requests overridden vs {share} (σ {sigma:.4})"
    );
    let in_flight = report.summary.requests_in_flight;
    let succeeded = sum(&s.success, 10, 20);
    assert!(
        succeeded <= overridden && succeeded + in_flight >= overridden,
        "exactly the overridden requests succeed: {succeeded} vs {overridden}"
    );
}

/// During a SERVFAIL outage a serve-stale resolver answers with its stale-answer TTL T, so a
/// client honouring record TTLs cycles on T: its cache hit ratio is λT/(1+λT) again, now for the
/// stale TTL (RFC 8767's 30 s, or the resolver's setting).
#[test]
fn stale_answers_carry_the_resolvers_stale_answer_ttl() {
    use stampede_core::scenario::raw::{ClientCacheMode, FaultKind, RawFault};
    let rate = 0.5;
    for stale_ttl_s in [2.0, 10.0, 30.0] {
        let report = run(|r| {
            r.run.duration_s = 900.0;
            r.run.bucket_s = 10.0;
            r.fleet.clients = 1000;
            r.fleet.request_rate_per_client_per_s = rate;
            r.client_dns.cache = ClientCacheMode::RecordTtl;
            r.resolver.serve_stale = true;
            r.resolver.stale_answer_ttl_s = stale_ttl_s;
            r.resolver.upstream_latency_ms = 1.0;
            r.resolver.latency_ms = 0.1;
            r.backend.workers = 1000;
            r.faults = vec![RawFault {
                kind: FaultKind::DnsServfail,
                start_s: 100.0,
                end_s: 900.0,
                ..RawFault::default()
            }];
        });
        let s = &report.series;
        // From two record TTLs (60 s) after the fault's start: every cached answer is stale.
        let window = 22..90;
        let sum = |v: &[u64]| v[window.clone()].iter().sum::<u64>() as f64;
        let hits = sum(&s.dns_client_cache) / sum(&s.attempts_first);
        let lambda_t = rate * stale_ttl_s;
        let expected = lambda_t / (1.0 + lambda_t);
        assert!(
            (hits - expected).abs() < 0.02,
            "stale TTL {stale_ttl_s} s: hit ratio {hits:.4} vs λT/(1+λT) = {expected:.4}"
        );
    }
}

#[test]
fn each_resolver_reports_its_own_peak_load() {
    // Resolver 0 gets every lookup's first try (no rotate, no client cache, no retries), so its
    // load is the offered query rate over its capacity. It answers its capacity and drops the
    // rest (a token bucket with a burst of a fraction of a second); each dropped try moves to
    // resolver 1 after the lookup timeout (resolv.conf, B1), whose load is the overflow over
    // its own capacity. Bucket counts are Poisson, so the peak bucket lies a few standard
    // deviations above the mean at most.
    let (clients, rate_per_s, bucket_s) = (100u64, 2.0, 10.0);
    let (first_qps, second_qps) = (40.0, 1000.0);
    let report = run(|r| {
        two_resolvers_first_down(r);
        r.faults.clear();
        r.run.bucket_s = bucket_s;
        r.fleet.clients = clients;
        r.fleet.request_rate_per_client_per_s = rate_per_s;
        r.resolvers[0].capacity_qps = first_qps;
        r.resolvers[1].capacity_qps = second_qps;
    });
    let s = &report.summary;
    let names: Vec<&str> = s.resolvers.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["resolver:0", "resolver:1"], "resolv.conf order");
    let (first, second) = (&s.resolvers[0], &s.resolvers[1]);
    let offered_qps = clients as f64 * rate_per_s;
    let per_bucket = offered_qps * bucket_s;
    let within = |peak: f64, expected: f64, queries_per_bucket: f64| {
        let sd = 1.0 / queries_per_bucket.sqrt();
        peak >= expected * (1.0 - 3.0 * sd) && peak <= expected * (1.0 + 5.0 * sd)
    };
    let expected_first = offered_qps / first_qps;
    assert!(
        within(first.peak_load_ratio, expected_first, per_bucket),
        "resolver 0 peaks at {} × capacity, expected about {expected_first}",
        first.peak_load_ratio
    );
    let overflow_qps = offered_qps - first_qps;
    let expected_second = overflow_qps / second_qps;
    assert!(
        within(
            second.peak_load_ratio,
            expected_second,
            overflow_qps * bucket_s
        ),
        "resolver 1 peaks at {} × capacity, expected about {expected_second}",
        second.peak_load_ratio
    );
    // Counts: one first try per lookup at resolver 0, which answers its capacity.
    assert_eq!(first.queries, total(&report.series.attempts_first));
    let answered = (first.queries - first.dropped) as f64;
    let capacity = first_qps * report.now_s;
    assert!(
        answered >= capacity - 1.0 && answered <= capacity * 1.01,
        "resolver 0 answered {answered}, its capacity over the run is {capacity}"
    );
    // Every dropped try reached resolver 1, but for lookups still waiting at the end.
    let in_flight = s.requests_in_flight;
    assert!(second.queries <= first.dropped && second.queries + in_flight >= first.dropped);
    assert_eq!(second.dropped, 0);
    // The peak is the bucket's own ratio, and when it was.
    let b = (first.peak_load_at_s / bucket_s) as usize;
    let series = &report.series;
    assert_eq!(
        first.peak_load_ratio,
        series.resolver_queries[0][b] as f64 / series.resolver_capacities[0][b]
    );
}

#[test]
fn a_single_resolver_has_one_summary_and_old_reports_still_load() {
    let report = run(|r| {
        two_resolvers_first_down(r);
        r.resolvers.truncate(1);
        // A harmless fault, so the baseline goodput is a number (JSON has no NaN).
        r.faults = vec![RawFault {
            kind: FaultKind::DnsLatency,
            start_s: 60.0,
            end_s: 70.0,
            latency_ms: 1.0,
            ..RawFault::default()
        }];
    });
    let s = &report.summary;
    assert_eq!(s.resolvers.len(), 1);
    // One resolver: its peak is the peak of all resolvers together.
    assert_eq!(s.resolvers[0].peak_load_ratio, s.peak_resolver_load_ratio);
    assert_eq!(
        s.resolvers[0].queries,
        total(&report.series.dns_to_resolver)
    );
    // A summary written before per-resolver summaries existed has none.
    let mut json = serde_json::to_value(s).unwrap();
    json.as_object_mut().unwrap().remove("resolvers");
    let old: stampede_core::Summary = serde_json::from_value(json).unwrap();
    assert!(old.resolvers.is_empty());
}
