//! Invariants under randomized scenarios (a swarm test) and named behaviours.

use crate::support::{check_accounting, scenario};
use stampede_core::rng::{Rng, StreamId};
use stampede_core::scenario::params::{PARAMS, ParamKind};
use stampede_core::{RawScenario, Recovery, Scenario};

/// Draws a scenario from a seed: every registry parameter uniformly in a sane sub-range.
pub fn draw(seed: u64) -> RawScenario {
    let mut rng = Rng::stream(seed, StreamId::Faults);
    let mut raw = RawScenario::default();
    for p in PARAMS {
        let u = rng.uniform();
        let value = match (p.key, p.kind) {
            ("fleet.clients", _) => 1.0 + (u * 300.0).floor(),
            ("fleet.request_rate_per_client_per_s", _) => 0.05 + u * 3.0,
            ("run.duration_s", _) => 20.0 + u * 200.0,
            ("outage.start_s", _) => u * 60.0,
            ("outage.duration_s", _) => u * 120.0,
            ("backend.workers", _) => 1.0 + (u * 20.0).floor(),
            ("backend.queue_capacity", _) => (u * 500.0).floor(),
            ("backend.service_ms_mean", _) => 1.0 + u * 100.0,
            ("resolver.capacity_qps", _) => 10.0 + u * 500.0,
            ("retry.backoff_max_ms", _) => 5000.0 + u * 10000.0,
            ("retry.backoff_base_ms", _) => u * 2000.0,
            ("client_dns.lookup_timeout_ms", _) => 10.0 + u * 3000.0,
            ("run.bucket_s", _) => 0.5 + u * 20.0,
            ("resolvers.count", _) => 1.0 + (u * 3.0).floor(),
            ("identity.token_lifetime_s", _) if u < 0.3 => 0.0,
            ("identity.token_lifetime_s", _) => 1.0 + u * 60.0,
            ("client_dns.lookups_in_flight_max", _) if u < 0.4 => 0.0,
            ("client_dns.lookups_in_flight_max", _) => 1.0 + (u * 4.0).floor(),
            ("outage.flap_period_s", _) if u < 0.5 => 0.0,
            ("outage.flap_period_s", _) => 0.1 + u * 60.0,
            ("fleet.scale_max_clients", _) => 10.0 + (u * 300.0).floor(),
            (_, ParamKind::Choice(o)) => (u * o.len() as f64).floor(),
            (_, ParamKind::Bool) => (u * 2.0).floor(),
            (_, ParamKind::Integer) => (p.min + u * (p.max.min(p.min + 10.0) - p.min)).floor(),
            (_, ParamKind::Number) => p.min + u * (p.max.min(p.min + 100.0) - p.min),
        };
        (p.set)(&mut raw, value.clamp(p.min, p.max));
    }
    // Failover routing needs a secondary region.
    if raw.dns.routing == stampede_core::scenario::raw::RoutingPolicy::Failover {
        raw.backend.regions = 2;
    }
    // A resolver or region target must name an existing one.
    let count = raw.resolver_list().len();
    let regions = raw.backend.regions as usize;
    for fault in &mut raw.faults {
        if let Some(index) = fault.target.strip_prefix("resolver:") {
            let index: usize = index.parse().expect("the registry writes valid targets");
            fault.target = format!("resolver:{}", index % count);
        }
        if let Some(index) = fault.target.strip_prefix("region:") {
            let index: usize = index.parse().expect("the registry writes valid targets");
            fault.target = format!("region:{}", index % regions);
        }
    }
    raw.run.seed = seed;
    raw
}

#[test]
fn swarm_of_random_scenarios_keeps_every_invariant() {
    for seed in 0..60 {
        let raw = draw(seed);
        let sc = Scenario::try_from(raw.clone()).unwrap_or_else(|e| {
            panic!("swarm seed {seed} drew an invalid scenario:\n{e}\n{raw:?}")
        });
        let report = std::panic::catch_unwind(|| stampede_core::run(&sc))
            .unwrap_or_else(|_| panic!("swarm seed {seed} panicked; scenario: {raw:?}"));
        check_accounting(&report, seed);
        assert!(report.summary.availability >= 0.0 && report.summary.availability <= 1.0);
    }
}

#[test]
fn event_budget_stops_the_run_with_a_diagnostic() {
    let sc = scenario(|r| r.run.event_budget = 5000);
    let report = stampede_core::run(&sc);
    assert!(report.summary.events <= 5000);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.contains("event budget"))
    );
    assert!(report.now_s < 600.0);
}

#[test]
fn a_long_empty_answer_outage_costs_availability_and_recovers() {
    use stampede_core::scenario::raw::{FaultKind, RawFault};
    let sc = scenario(|r| {
        r.run.duration_s = 600.0;
        r.faults = vec![RawFault {
            kind: FaultKind::DnsEmpty,
            start_s: 100.0,
            end_s: 250.0,
            ..RawFault::default()
        }];
    });
    let report = stampede_core::run(&sc);
    let s = &report.summary;
    assert!(
        s.availability < 0.9,
        "a 150 s empty-answer outage fails many requests"
    );
    assert!(
        s.failed_by_cause[0] > 0,
        "failures are attributed to the empty answer"
    );
    assert!(
        matches!(s.recovery, Recovery::Recovered { .. }),
        "{:?}",
        s.recovery
    );
}

/// The swarm again with client classes: the first half of the fleet keeps the drawn scenario's
/// client settings, the second takes every client setting of another draw, so the classes differ
/// in caches, lookup caps, retries, budgets, breakers and hedging at once.
#[test]
fn swarm_of_random_client_classes_keeps_every_invariant() {
    use stampede_core::scenario::raw::{RawDependency, RawFleetClass, SetValue};
    use stampede_core::scenario::validate::CLIENT_SECTIONS;
    for seed in 0..40 {
        let mut raw = draw(seed);
        let other = draw(seed + 10_000);
        let set = PARAMS
            .iter()
            .filter(|p| {
                CLIENT_SECTIONS.contains(&p.key.split('.').next().unwrap_or(""))
                    && p.key != "fleet.clients"
                    && p.key != "fleet.scale_max_clients"
            })
            .map(|p| (p.key.to_string(), SetValue::Text(p.wire((p.get)(&other)))))
            .collect();
        let half = (raw.fleet.clients / 2).max(1);
        raw.fleets = vec![
            RawFleetClass {
                name: "drawn".into(),
                clients: half,
                depends_on: if seed % 4 == 1 {
                    vec![RawDependency {
                        name: "dep.example".into(),
                        required: false,
                    }]
                } else {
                    Vec::new()
                },
                ..RawFleetClass::default()
            },
            RawFleetClass {
                name: "other".into(),
                clients: half,
                request_rate_per_client_per_s: Some(other.fleet.request_rate_per_client_per_s),
                set,
                // A call before the main one, hedged like the main one when the drawn
                // hedging is on (most seeds).
                depends_on: if seed % 5 != 4 {
                    vec![RawDependency {
                        name: if seed % 3 == 0 {
                            raw.dns.name.clone()
                        } else {
                            "dep.example".into()
                        },
                        required: seed % 2 == 0,
                    }]
                } else {
                    Vec::new()
                },
                ..RawFleetClass::default()
            },
        ];
        further_service(&mut raw, seed);
        let sc = Scenario::try_from(raw.clone()).unwrap_or_else(|e| {
            panic!("class swarm seed {seed} drew an invalid scenario:\n{e}\n{raw:?}")
        });
        let report = std::panic::catch_unwind(|| stampede_core::run(&sc))
            .unwrap_or_else(|_| panic!("class swarm seed {seed} panicked; scenario: {raw:?}"));
        check_accounting(&report, seed);
        let s = &report.series;
        let sum = |v: &Vec<Vec<u64>>| v.iter().flatten().sum::<u64>();
        assert_eq!(
            sum(&s.class_requests),
            s.requests.iter().sum::<u64>(),
            "seed {seed}"
        );
        assert_eq!(sum(&s.class_success), report.summary.success, "seed {seed}");
        assert_eq!(sum(&s.class_failed), report.summary.failed, "seed {seed}");
        // Each service's attempts are those of its regions together.
        for (service, regions) in s.service_region_offered.iter().enumerate() {
            for b in 0..report.buckets_done {
                let by_region: u64 = regions.iter().map(|r| r[b]).sum();
                assert_eq!(by_region, s.service_offered[service][b], "seed {seed}");
            }
        }
    }
}

/// Conditional forwarding for some seeds: the main name and `dep.example` each get, or not, a
/// list of the drawn resolvers (a random non-empty subset in random order). Drawn from a stream
/// of its own, so the rest of the draw is unchanged.
fn forwarding(raw: &mut RawScenario, seed: u64) {
    let mut rng = Rng::stream(seed, StreamId::ResolverInit);
    let count = raw.resolver_list().len();
    let list = |rng: &mut Rng| -> Option<Vec<usize>> {
        if rng.uniform() < 0.4 {
            return None;
        }
        let mut order: Vec<usize> = (0..count).collect();
        for i in (1..count).rev() {
            order.swap(i, (rng.uniform() * (i + 1) as f64) as usize);
        }
        order.truncate(1 + (rng.uniform() * count as f64) as usize);
        Some(order)
    };
    raw.dns.resolvers = list(&mut rng);
    let further = list(&mut rng);
    if let Some(name) = raw.names.last_mut() {
        name.resolvers = further;
    }
}

/// A further service `dep` behind the name `dep.example`, in one or two regions, with simple or
/// failover routing (fast or default checks) and, for some seeds, its primary lost for a while.
pub fn further_service(raw: &mut RawScenario, seed: u64) {
    use stampede_core::scenario::raw::{FaultKind, RawFault, RawName, RawService, RoutingPolicy};
    let mut rng = Rng::stream(seed, StreamId::Service);
    let regions = 1 + u32::from(rng.uniform() < 0.7);
    raw.services.push(RawService {
        name: "dep".into(),
        regions,
        workers: 1 + (rng.uniform() * 20.0) as u32,
        ..RawService::default()
    });
    let failover = regions == 2 && rng.uniform() < 0.7;
    raw.names.push(RawName {
        name: "dep.example".into(),
        service: "dep".into(),
        record_ttl_s: rng.uniform() * 60.0,
        routing: if failover {
            RoutingPolicy::Failover
        } else {
            RoutingPolicy::Simple
        },
        health_check_interval_s: (rng.uniform() < 0.5).then_some(10.0),
        health_check_failure_threshold: Some(1 + (rng.uniform() * 3.0) as u32),
        propagation_s: Some(rng.uniform() * 30.0),
        resolvers: None,
    });
    forwarding(raw, seed);
    if rng.uniform() < 0.6 {
        let start_s = rng.uniform() * raw.run.duration_s;
        raw.faults.push(RawFault {
            kind: FaultKind::RegionLoss,
            start_s,
            end_s: start_s + rng.uniform() * raw.run.duration_s,
            target: if regions == 2 && rng.uniform() < 0.3 {
                "service:dep/region:1".into()
            } else {
                "service:dep".into()
            },
            ..RawFault::default()
        });
    }
}
