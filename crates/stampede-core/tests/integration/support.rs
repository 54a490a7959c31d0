//! Helpers shared by the integration tests.

use stampede_core::scenario::raw::{
    ClientCacheMode, RawDependency, RawFleetClass, RawName, RawService,
};
use stampede_core::{RawScenario, Report, Scenario};

/// A scenario from the defaults, edited by `edit`; panics with every problem if it is invalid.
pub fn scenario(edit: impl FnOnce(&mut RawScenario)) -> Scenario {
    let mut raw = RawScenario::default();
    edit(&mut raw);
    Scenario::try_from(raw).unwrap_or_else(|e| panic!("test scenario is invalid:\n{e}"))
}

/// One client class `class` of `clients` clients whose requests first call the DNS name `name`,
/// answered by a service of its own, `service`, before the main call; the call is required or may
/// fail open. Replaces the scenario's further services, names and classes.
pub fn class_calling(
    r: &mut RawScenario,
    (class, clients): (&str, u64),
    (name, service): (&str, &str),
    required: bool,
) {
    r.services = vec![RawService {
        name: service.into(),
        ..RawService::default()
    }];
    r.names = vec![RawName {
        name: name.into(),
        service: service.into(),
        ..RawName::default()
    }];
    r.fleets = vec![RawFleetClass {
        name: class.into(),
        clients,
        depends_on: vec![RawDependency {
            name: name.into(),
            required,
        }],
        ..RawFleetClass::default()
    }];
}

/// A run with no DNS effects: the client cache never expires and lookups never fail.
pub fn no_dns(raw: &mut RawScenario) {
    raw.client_dns.cache = ClientCacheMode::Fixed;
    raw.client_dns.fixed_ttl_s = 604_800.0;
}

/// Runs and checks the accounting invariants every report must satisfy, and its peaks.
pub fn run_checked(sc: &Scenario) -> Report {
    let report = stampede_core::run(sc);
    check_accounting(&report, sc.seed);
    check_peaks(&report, sc.seed);
    check_names(&report, sc);
    report
}

/// Each peak load of the summary (the backend, the resolvers together, each resolver) is the
/// load of the first complete bucket with the most offered ÷ capacity, and says when that bucket
/// starts; `(0, 0)` when no bucket had load.
pub fn check_peaks(report: &Report, seed: u64) {
    let (s, sum) = (&report.series, &report.summary);
    let mut peaks = vec![
        (
            "backend".to_string(),
            &s.backend_offered,
            &s.backend_capacity,
            sum.peak_backend_load_ratio,
            sum.peak_backend_load_at_s,
        ),
        (
            "resolvers together".to_string(),
            &s.dns_to_resolver,
            &s.resolver_capacity,
            sum.peak_resolver_load_ratio,
            sum.peak_resolver_load_at_s,
        ),
    ];
    for (i, r) in sum.resolvers.iter().enumerate() {
        peaks.push((
            r.name.clone(),
            &s.resolver_queries[i],
            &s.resolver_capacities[i],
            r.peak_load_ratio,
            r.peak_load_at_s,
        ));
    }
    for (what, offered, capacity, peak, at_s) in peaks {
        let loads: Vec<(usize, f64)> = (0..report.buckets_done)
            .filter(|&b| capacity[b] > 0.0)
            .map(|b| (b, offered[b] as f64 / capacity[b]))
            .collect();
        let first_peak = loads.iter().fold(
            (0, 0.0),
            |best, &(b, load)| if load > best.1 { (b, load) } else { best },
        );
        assert_eq!(
            (peak, at_s),
            (first_peak.1, first_peak.0 as f64 * report.bucket_s),
            "seed {seed}: peak load of {what} (ratio, bucket start s)"
        );
    }
}

/// The summary lists the DNS names exactly when the scenario summarises them (several names, or
/// one that fails over, the main one included), and each failover name's time on its secondary
/// region is what its per-bucket failover fractions add up to.
pub fn check_names(report: &Report, sc: &Scenario) {
    let names = &report.summary.names;
    assert_eq!(
        names.len(),
        if sc.summarises_names() {
            sc.names.len()
        } else {
            0
        },
        "seed {}: the summary's names",
        sc.seed
    );
    let s = &report.series;
    for (i, name) in names.iter().enumerate() {
        // With one name, its fractions are the main name's `failover_fraction` alone.
        let fractions = s
            .name_failover_fraction
            .get(i)
            .unwrap_or(&s.failover_fraction);
        let from_fractions: f64 = fractions[..report.buckets_done]
            .iter()
            .map(|f| f * report.bucket_s)
            .sum();
        assert!(
            (name.time_on_secondary_s - from_fractions).abs() < 1e-6,
            "seed {}: {} spent {} s on its secondary, its fractions say {from_fractions} s",
            sc.seed,
            name.name,
            name.time_on_secondary_s
        );
        if !name.failover {
            assert!(name.switches.is_empty() && name.time_on_secondary_s == 0.0);
        }
    }
}

/// Every user request ends in exactly one outcome, or is still in flight.
pub fn check_accounting(report: &Report, seed: u64) {
    let s = &report.series;
    let started: u64 = s.requests.iter().sum();
    let sum = &report.summary;
    assert_eq!(
        started,
        sum.success + sum.failed + sum.requests_in_flight,
        "seed {seed}: started = success + failed + in flight"
    );
    assert_eq!(
        sum.failed,
        sum.failed_by_cause.iter().sum::<u64>(),
        "seed {seed}: causes add up"
    );
    let first: u64 = s.attempts_first.iter().sum();
    let refused: u64 = s.refused_first.iter().sum();
    // A request waiting for its identity token at the horizon has neither yet.
    assert!(
        first + refused <= started && started - (first + refused) <= sum.requests_in_flight,
        "seed {seed}: one first attempt per request, unless refused on the client or still \
         waiting for its token ({first} + {refused} vs {started})"
    );
    let dns_answered: u64 =
        s.dns_client_cache.iter().sum::<u64>() + s.dns_negative_cached.iter().sum::<u64>();
    let attempts: u64 = first
        + s.attempts_retry.iter().sum::<u64>()
        + s.attempts_hedge.iter().sum::<u64>()
        + s.attempts_later_call.iter().sum::<u64>();
    assert!(
        dns_answered <= attempts,
        "seed {seed}: cache answers at most one per attempt"
    );
    // Work is served only after it was offered, so up to any bucket the served attempts never
    // outnumber the offered ones (queued work is served later, never earlier).
    let (mut offered, mut served) = (0u64, 0u64);
    for b in 0..report.buckets_total {
        offered += s.backend_offered[b];
        served += s.service_started[b];
        assert!(
            served <= offered,
            "seed {seed}: bucket {b} served {served} of {offered} offered attempts"
        );
    }
}
