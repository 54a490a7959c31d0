//! Conditional forwarding: a name's lookups go to its own list of resolvers (dnsmasq
//! `server=/zone/ip`, systemd-resolved per-link domains, CoreDNS `forward` per zone), with the
//! client's resolv.conf semantics (timeout per try, `attempts` rounds) within that list.
//! Expected values are derived from docs/sources.md (B1: a dropped try
//! costs `timeout`, then the next server; `attempts` rounds over the list) and the forwarding
//! lists, never copied from a run.

use crate::support::{run_checked, scenario};
use stampede_core::report::Outcome;
use stampede_core::scenario::raw::{
    ClientCacheMode, FaultKind, RawFault, RawFleetClass, RawName, RawResolver, RawScenario,
    RawService, ServiceTimeLaw,
};

const PUBLIC: &str = "api.example.com";
const INTERNAL: &str = "db.corp.internal";
const LOOKUP_TIMEOUT_MS: f64 = 500.0;
const LOOKUP_ATTEMPTS: u32 = 2;

/// Two resolvers; class `public` calls the main name, class `internal` a further name. No client
/// cache (glibc, Go: every lookup is a cache miss), a connection per attempt, no retries, an
/// attempt timeout longer than every try of a lookup, and resolver `down` down all run long.
fn two_names(
    r: &mut RawScenario,
    public: Option<Vec<usize>>,
    internal: Option<Vec<usize>>,
    down: usize,
) {
    r.run.duration_s = 60.0;
    r.fleet.attempt_timeout_ms = 10_000.0;
    r.fleet.request_rate_per_client_per_s = 1.0;
    r.client_dns.cache = ClientCacheMode::None;
    r.client_dns.lookup_timeout_ms = LOOKUP_TIMEOUT_MS;
    r.client_dns.lookup_attempts = LOOKUP_ATTEMPTS;
    r.resolvers = vec![RawResolver::default(), RawResolver::default()];
    r.retry.attempts_max = 1;
    r.backend.workers = 10_000;
    r.backend.service_time = ServiceTimeLaw::Constant;
    r.dns.name = PUBLIC.into();
    r.dns.resolvers = public;
    r.services = vec![RawService {
        name: "db".into(),
        workers: 10_000,
        ..RawService::default()
    }];
    r.names = vec![RawName {
        name: INTERNAL.into(),
        service: "db".into(),
        resolvers: internal,
        ..RawName::default()
    }];
    r.fleets = vec![
        RawFleetClass {
            name: "public".into(),
            clients: 100,
            ..RawFleetClass::default()
        },
        RawFleetClass {
            name: "internal".into(),
            clients: 100,
            calls: INTERNAL.into(),
            ..RawFleetClass::default()
        },
    ];
    r.faults = vec![RawFault {
        kind: FaultKind::DnsTimeout,
        start_s: 0.0,
        end_s: 1e6,
        target: format!("resolver:{down}"),
        ..RawFault::default()
    }];
}

/// What a class's lookups do to each resolver and whether they fail, from its list and the down
/// resolver. Each request makes one lookup when it starts. Walking the list: the down resolvers
/// before the first live one get one try per lookup (the first one at once, so exactly one per
/// request started; later ones only after a timeout, so at least one per request ended), the
/// first live one answers. A list with no live resolver makes `attempts` rounds and fails: at
/// least one try per request started and `attempts` per request ended.
/// Returns, per resolver, the (least, most) queries, and whether the class's requests fail.
fn expected(
    list: &[usize],
    down: usize,
    started: u64,
    ended: u64,
    resolvers: usize,
) -> (Vec<(u64, u64)>, bool) {
    let mut queries = vec![(0, 0); resolvers];
    let Some(live) = list.iter().position(|&r| r != down) else {
        let attempts = u64::from(LOOKUP_ATTEMPTS);
        queries[down] = (started + (attempts - 1) * ended, attempts * started);
        return (queries, true);
    };
    for (j, &r) in list[..=live].iter().enumerate() {
        queries[r] = if j == 0 {
            (started, started)
        } else {
            (ended, started)
        };
    }
    (queries, false)
}

/// A scenario of [`two_names`] and what it shows.
struct Case {
    what: &'static str,
    /// The main name's forwarding list (class `public`).
    public: Option<&'static [usize]>,
    /// The further name's forwarding list (class `internal`).
    internal: Option<&'static [usize]>,
    down: usize,
}

const CASES: &[Case] = &[
    // The article's lesson: the internal zone on its own resolver, which fails.
    Case {
        what: "internal forwarded to the down resolver",
        public: Some(&[0]),
        internal: Some(&[1]),
        down: 1,
    },
    Case {
        what: "mirrored",
        public: Some(&[1]),
        internal: Some(&[0]),
        down: 1,
    },
    // Without a list the public name asks both in resolv.conf order (one timeout at 0).
    Case {
        what: "public on both, internal on the live one",
        public: None,
        internal: Some(&[1]),
        down: 0,
    },
    // Order is the list's: the internal name asks 1 first, then 0.
    Case {
        what: "internal asks the down one first",
        public: Some(&[0]),
        internal: Some(&[1, 0]),
        down: 1,
    },
    Case {
        what: "only the main name forwarded",
        public: Some(&[1]),
        internal: None,
        down: 0,
    },
];

#[test]
fn each_name_asks_only_its_forwarding_list_in_order() {
    for &Case {
        what: case,
        public,
        internal,
        down,
    } in CASES
    {
        let sc = scenario(|r| {
            two_names(
                r,
                public.map(<[usize]>::to_vec),
                internal.map(<[usize]>::to_vec),
                down,
            )
        });
        let report = run_checked(&sc);
        let (s, sum) = (&report.series, &report.summary);
        let resolvers = sc.resolvers.len();
        let mut least = vec![0; resolvers];
        let mut most = vec![0; resolvers];
        for (class, list) in [public, internal].into_iter().enumerate() {
            let every: Vec<usize> = (0..resolvers).collect();
            let list = list.unwrap_or(&every);
            let started: u64 = s.class_requests[class].iter().sum();
            let summary = &sum.classes[class];
            let (queries, fails) =
                expected(list, down, started, summary.requests_finished, resolvers);
            for (r, (low, high)) in queries.into_iter().enumerate() {
                least[r] += low;
                most[r] += high;
            }
            let succeeded = if fails { 0 } else { summary.requests_finished };
            assert_eq!(
                summary.success, succeeded,
                "{case}: class {} ({} ended)",
                summary.name, summary.requests_finished
            );
        }
        for (r, resolver) in sum.resolvers.iter().enumerate() {
            assert!(
                (least[r]..=most[r]).contains(&resolver.queries),
                "{case}: {} got {} queries, expected {}..={}",
                resolver.name,
                resolver.queries,
                least[r],
                most[r]
            );
            let dropped = if r == down { resolver.queries } else { 0 };
            assert_eq!(resolver.dropped, dropped, "{case}: {} drops", resolver.name);
        }
        let dns_failures = sum.failed_by_cause[Outcome::DnsTimeout.failure_index().unwrap()];
        assert_eq!(
            dns_failures, sum.failed,
            "{case}: every failure is a lookup timeout"
        );
    }
}

/// resolv.conf `rotate` within a forwarding list (Go advances the server offset once per
/// lookup): with three resolvers and the internal name forwarded to `[2, 1]`, resolver 2 down,
/// each client's lookups alternate between starting at 2 (one timeout, then 1 answers) and at
/// 1, so half of them reach resolver 2; per client the counts differ by at most one. The public
/// name, forwarded to 0, never reaches 2. Nothing fails.
#[test]
fn rotate_takes_turns_within_the_forwarding_list() {
    let sc = scenario(|r| {
        two_names(r, Some(vec![0]), Some(vec![2, 1]), 2);
        r.resolvers.push(RawResolver::default());
        r.client_dns.rotate = true;
    });
    let report = run_checked(&sc);
    let sum = &report.summary;
    assert_eq!(sum.failed, 0, "{:?}", sum.failed_by_cause);
    let internal = sc.fleets.iter().position(|f| f.name == "internal").unwrap();
    let started: u64 = report.series.class_requests[internal].iter().sum();
    let clients = sc.fleets[internal].scenario.simulated_clients;
    let at_2 = sum.resolvers[2].queries;
    assert!(
        at_2.abs_diff(started / 2) <= clients,
        "{at_2} of {started} internal lookups started at resolver 2"
    );
}

#[test]
fn forwarding_lists_are_validated_with_their_paths() {
    type Edit = dyn Fn(&mut RawScenario);
    let base = |r: &mut RawScenario| two_names(r, None, None, 0);
    // (edit, the problems' paths)
    let cases: &[(&Edit, &[&str])] = &[
        (&|r| r.names[0].resolvers = Some(vec![1, 0]), &[]),
        (&|r| r.dns.resolvers = Some(vec![1]), &[]),
        (&|r| r.dns.resolvers = Some(vec![]), &["dns.resolvers"]),
        (
            &|r| r.names[0].resolvers = Some(vec![]),
            &["names[0].resolvers"],
        ),
        (
            &|r| r.names[0].resolvers = Some(vec![2]),
            &["names[0].resolvers[0]"],
        ),
        (
            &|r| r.names[0].resolvers = Some(vec![usize::MAX]),
            &["names[0].resolvers[0]"],
        ),
        (
            &|r| r.names[0].resolvers = Some(vec![1, 1]),
            &["names[0].resolvers[1]"],
        ),
        (
            &|r| r.names[0].resolvers = Some(vec![0, 5, 0]),
            &["names[0].resolvers[1]", "names[0].resolvers[2]"],
        ),
        (
            &|r| {
                r.dns.resolvers = Some(vec![0, 0]);
                r.names[0].resolvers = Some(vec![3]);
            },
            &["dns.resolvers[1]", "names[0].resolvers[0]"],
        ),
        // One `[resolver]` section: index 0 only.
        (
            &|r| {
                r.resolvers.clear();
                r.names[0].resolvers = Some(vec![1]);
            },
            &["names[0].resolvers[0]"],
        ),
    ];
    for (i, (edit, paths)) in cases.iter().enumerate() {
        let mut raw = RawScenario::default();
        base(&mut raw);
        edit(&mut raw);
        let found: Vec<String> = match stampede_core::Scenario::try_from(raw) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems.into_iter().map(|p| p.path).collect(),
        };
        assert_eq!(found, *paths, "case {i}");
    }
}

#[test]
fn a_name_without_a_list_asks_every_resolver_in_order() {
    let sc = scenario(|r| two_names(r, None, Some(vec![1, 0]), 0));
    let lists: Vec<&[usize]> = sc.names.iter().map(|n| n.resolvers.as_slice()).collect();
    assert_eq!(lists, [&[0, 1][..], &[1, 0][..]]);
    assert!(sc.forwards());
    let sc = scenario(|r| two_names(r, Some(vec![0, 1]), None, 0));
    assert!(
        !sc.forwards(),
        "the full list in resolv.conf order is no forwarding"
    );
}

/// The `conditional-forwarding` preset shows what its header says: the public name is forwarded
/// to the VPC resolver alone and the internal name to internal resolver 1 alone, which goes down;
/// so the storefront class (public name) loses nothing and the VPC resolver drops nothing, the
/// ledger class (internal name) loses requests, and the unlisted resolver 2 is never asked.
#[test]
fn the_conditional_forwarding_preset_contains_the_outage_to_its_zone() {
    let preset = stampede_core::presets::find("conditional-forwarding").expect("preset");
    let sc = stampede_core::Scenario::try_from(preset.raw().unwrap()).unwrap();
    let lists: Vec<&[usize]> = sc.names.iter().map(|n| n.resolvers.as_slice()).collect();
    assert_eq!(lists, [&[0][..], &[1][..]]);
    let report = run_checked(&sc);
    let sum = &report.summary;
    let class = |name: &str| sum.classes.iter().find(|c| c.name == name).unwrap();
    let storefront = class("storefront");
    assert_eq!(storefront.success, storefront.requests_finished);
    assert!(class("ledger").availability < 1.0);
    let resolver = |i: usize| &sum.resolvers[i];
    assert!(resolver(0).queries > 0 && resolver(0).dropped == 0);
    assert!(resolver(1).dropped > 0);
    assert_eq!(resolver(2).queries, 0);
}
