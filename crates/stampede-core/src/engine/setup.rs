//! A run's state at t = 0: caches, connections, tokens and leases in their steady state (or cold).
//!
//! Super-clients: with `client_scale` k > 1 each simulated client stands for k real ones; the
//! arrival rate is the real fleet's, spread over ⌈clients/k⌉ simulated clients, so per-client
//! state (caches, connection, budget, breaker, identity token, per-client query limit and lookup
//! cap × k) is shared by k.

use super::*;

/// Resolver caches at t = 0: the remaining lifetime drawn for the client caches is that of the
/// first resolver the main name's lookups go to; the others draw theirs from their own stream
/// (so adding a resolver does not reshuffle the client caches).
pub(super) fn initial_resolvers(sc: &Scenario, first_remaining: SimTime) -> Vec<Resolver> {
    let mut rng = Rng::stream(sc.seed, StreamId::ResolverInit);
    // The first resolver the main name's lookups go to (resolver 0 unless forwarded).
    let first = sc.names[0].resolvers[0];
    let mut resolvers: Vec<Resolver> = sc
        .resolvers
        .iter()
        .enumerate()
        .map(|(i, config)| {
            let ttl = sc.main_name().record_ttl.min(config.max_ttl);
            let remaining = if i == first || sc.cold_start || ttl.0 == 0 {
                first_remaining.min(ttl)
            } else {
                SimTime((rng.uniform() * ttl.0 as f64) as u64)
            };
            let mut resolver = Resolver::new(config.capacity_qps);
            resolver.add_name(remaining, !sc.cold_start);
            resolver
        })
        .collect();
    // Further names draw after the main one's, so adding a name does not move those draws.
    for name in &sc.names[1..] {
        for (resolver, config) in resolvers.iter_mut().zip(&sc.resolvers) {
            let ttl = name.record_ttl.min(config.max_ttl);
            let remaining = if sc.cold_start || ttl.0 == 0 {
                SimTime::ZERO
            } else {
                SimTime((rng.uniform() * ttl.0 as f64) as u64)
            };
            resolver.add_name(remaining, !sc.cold_start);
        }
    }
    resolvers
}

/// A class's client caches at t = 0, one entry per call (`stride` per client: the class's calls
/// before the main one, then the main one; unused entries empty). In steady state (Jung et al.
/// 2003) an entry is valid with probability λT/(1+λT), T its name's TTL (the fixed TTL with
/// `cache = "fixed"`), and its remaining lifetime is uniform on (0, T), at most what the resolver
/// has left of the main name; a cold start leaves every cache empty.
pub(super) fn initial_caches(
    sc: &Scenario,
    rng: &mut Rng,
    resolver_remaining: SimTime,
    stride: usize,
) -> Vec<CacheEntry> {
    let mut caches = vec![CacheEntry::default(); sc.simulated_clients as usize * stride];
    if sc.cold_start || sc.client_cache == ClientCacheMode::None {
        return caches;
    }
    // Per call: its name, TTL and the probability that its entry is valid.
    let calls: Vec<(usize, SimTime, f64)> = sc
        .dependencies
        .iter()
        .map(|d| d.name)
        .chain(std::iter::once(sc.calls))
        .map(|name| {
            let ttl = match sc.client_cache {
                ClientCacheMode::Fixed => sc.client_ttl,
                _ => sc.names[name].record_ttl,
            };
            let lambda_t = sc.simulated_rate_per_client_per_s() * ttl.as_s();
            (name, ttl, lambda_t / (1.0 + lambda_t))
        })
        .collect();
    for client in 0..sc.simulated_clients as usize {
        for (call, &(name, ttl, valid)) in calls.iter().enumerate() {
            if ttl.0 == 0 || !rng.chance(valid) {
                continue;
            }
            let mut remaining = SimTime((rng.uniform() * ttl.0 as f64) as u64);
            if sc.client_cache == ClientCacheMode::RecordTtl && name == 0 {
                remaining = remaining.min(resolver_remaining);
            }
            caches[client * stride + call] = CacheEntry::answered_until(remaining);
        }
    }
    caches
}

/// Identity tokens at t = 0: a token is fetched by the first request after the last one expired
/// and lives for its lifetime L, the renewal cycle of a TTL cache, so in steady state it is valid
/// with probability λL/(1+λL) and its remaining lifetime is uniform on (0, L). An invalid token
/// counts as expired at t = 0. Drawn from its own stream; empty without identity.
/// Leases of a class's clients in their steady state: a client's lease ends `lifetime` after its
/// last renewal, which came an exponential time ago (Poisson requests at the class's rate), so it
/// holds until `lifetime − A`, A ~ Exp(λ), and has lapsed when A ≥ `lifetime` (ZERO).
pub(super) fn initial_leases(sc: &Scenario, rng: &mut Rng) -> Vec<SimTime> {
    let Some(lease) = sc.lease else {
        return Vec::new();
    };
    let gap_mean_s = 1.0 / sc.simulated_rate_per_client_per_s();
    (0..sc.simulated_clients)
        .map(|_| {
            let since_renewal = SimTime::from_s(rng.exponential(gap_mean_s));
            SimTime(lease.lifetime.0.saturating_sub(since_renewal.0))
        })
        .collect()
}

/// Identity tokens of a class's clients at t = 0: valid with the steady-state probability of a
/// renewal cycle at the class's rate, the remaining lifetime uniform (none valid when cold).
pub(super) fn initial_tokens(sc: &Scenario, rng: &mut Rng) -> Vec<SimTime> {
    let Some(identity) = sc.identity else {
        return Vec::new();
    };
    let mut tokens = vec![SimTime::ZERO; sc.simulated_clients as usize];
    if sc.cold_start {
        return tokens;
    }
    let lifetime = identity.token_lifetime;
    let lambda_l = sc.simulated_rate_per_client_per_s() * lifetime.as_s();
    let valid = lambda_l / (1.0 + lambda_l);
    for token in &mut tokens {
        if rng.chance(valid) {
            *token = SimTime((rng.uniform() * lifetime.0 as f64) as u64);
        }
    }
    tokens
}

/// Pooled connections of a class's clients at t = 0. A connection opens on the first attempt
/// after the last one expired and lives for the lifetime L: the same renewal cycle as a TTL
/// cache, so in steady state it is live with probability λL/(1+λL) and its remaining lifetime is
/// uniform on (0, L). Drawn from its own stream so that pooling does not reshuffle the DNS caches;
/// none live without pooling or when cold.
pub(super) fn initial_connections(sc: &Scenario, rng: &mut Rng) -> Vec<SimTime> {
    let lifetime = sc.connection_lifetime;
    let mut connections = vec![SimTime::ZERO; sc.simulated_clients as usize];
    if lifetime == SimTime::ZERO || sc.cold_start {
        return connections;
    }
    let lambda_l = sc.simulated_rate_per_client_per_s() * lifetime.as_s();
    let live = lambda_l / (1.0 + lambda_l);
    for connection in &mut connections {
        if rng.chance(live) {
            *connection = SimTime((rng.uniform() * lifetime.0 as f64) as u64);
        }
    }
    connections
}

impl<S: Shape> Engine<S> {
    /// Prepares a run: caches in their steady state (or cold), the first arrival scheduled.
    pub(super) fn new(scenario: &Scenario) -> Engine<S> {
        let scenario = scenario.clone();
        let buckets_total =
            (libm::ceil(scenario.duration.0 as f64 / scenario.bucket.0 as f64) as usize).max(1);
        let mut init = Rng::stream(scenario.seed, StreamId::CacheInit);
        let main_ttl = scenario.main_name().record_ttl;
        let resolver_remaining = if scenario.cold_start || main_ttl.0 == 0 {
            SimTime::ZERO
        } else {
            SimTime((init.uniform() * main_ttl.0 as f64) as u64)
        };
        let classes = scenario.classes();
        let call_stride = 1 + classes
            .iter()
            .map(|c| c.dependencies.len())
            .max()
            .unwrap_or(0);
        let caches: Vec<CacheEntry> = classes
            .iter()
            .flat_map(|class| initial_caches(class, &mut init, resolver_remaining, call_stride))
            .collect();
        let mut connection_init = Rng::stream(scenario.seed, StreamId::ConnectionInit);
        let connections = if classes
            .iter()
            .any(|c| c.connection_lifetime > SimTime::ZERO)
        {
            classes
                .iter()
                .flat_map(|class| {
                    let each = initial_connections(class, &mut connection_init);
                    // One connection per call; only the main call's may be live at t = 0 (the
                    // others open on first use).
                    let main = class.dependencies.len();
                    each.into_iter().flat_map(move |c| {
                        (0..call_stride)
                            .map(move |call| if call == main { c } else { SimTime::ZERO })
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        // With `[[fleets]]` (even one class) every client looks its settings up by class.
        let classed = !scenario.fleets.is_empty();
        let forwarding = scenario.forwards();
        assert!(
            S::TOPOLOGY
                || (!classed && call_stride == 1 && scenario.names.len() == 1 && !forwarding),
            "the plain engine runs only scenarios without classes, dependencies, further names \
             or conditional forwarding"
        );
        let fleet_of: Vec<u8> = if classed {
            classes
                .iter()
                .enumerate()
                .flat_map(|(i, c)| std::iter::repeat_n(i as u8, c.simulated_clients as usize))
                .collect()
        } else {
            Vec::new()
        };
        let class_load_upto: Vec<f64> = if classed {
            classes
                .iter()
                .scan(0.0, |sum, c| {
                    *sum += c.offered_load_per_s();
                    Some(*sum)
                })
                .collect()
        } else {
            Vec::new()
        };
        let budgets: Vec<RetryBudgets> = classes
            .iter()
            .map(|c| {
                RetryBudgets::scaled(
                    c.retry_budget,
                    c.simulated_clients as usize * (1 + c.dependencies.len()),
                    c.client_scale,
                )
            })
            .collect();
        let breakers: Vec<Option<Breakers>> = classes
            .iter()
            .map(|c| {
                c.breaker.map(|b| {
                    Breakers::new(
                        b,
                        c.simulated_clients as usize * (1 + c.dependencies.len()),
                        c.bucket,
                        buckets_total,
                    )
                })
            })
            .collect();
        let rotate = classes.iter().any(|c| c.rotate);
        let capped = classes.iter().any(|c| c.lookups_in_flight_max > 0);
        let prefetch = classes.iter().any(|c| c.client_prefetch > SimTime::ZERO);
        let class_count = classes.len();
        debug_assert_eq!(
            caches.len() as u64,
            scenario.simulated_clients * call_stride as u64
        );
        let resolvers = initial_resolvers(&scenario, resolver_remaining);
        let simulated = scenario.simulated_clients as usize;
        let limited = scenario
            .resolvers
            .iter()
            .any(|r| r.per_client_qps_limit > 0.0);
        let client_limit_tat = if limited {
            vec![0; simulated * resolvers.len()]
        } else {
            Vec::new()
        };
        let rotate_next = if rotate && resolvers.len() > 1 {
            vec![0; simulated]
        } else {
            Vec::new()
        };
        let regions = scenario.service_regions(0);
        let names_fail_over = scenario.names[1..].iter().any(|n| n.failover.is_some());
        let by_slot = regions > 1 || names_fail_over;
        let clients = Clients::new(
            caches,
            connections,
            simulated,
            Kept {
                regions: by_slot,
                prefetch,
                lookup_places: capped,
            },
        );
        let mut token_init = Rng::stream(scenario.seed, StreamId::TokenInit);
        let tokens: Vec<SimTime> = classes
            .iter()
            .flat_map(|class| initial_tokens(class, &mut token_init))
            .collect();
        let mut lease_init = Rng::stream(scenario.seed, StreamId::LeaseInit);
        let leases: Vec<SimTime> = classes
            .iter()
            .flat_map(|class| initial_leases(class, &mut lease_init))
            .collect();
        let leases = Leases::new(leases, scenario.bucket, buckets_total);
        let faults = Faults::new(&scenario);
        let mut sim = Engine {
            shape: PhantomData,
            #[cfg(test)]
            every_timeout: false,
            now: SimTime::ZERO,
            sequence: 0,
            heap: EventQueue::new(),
            timeouts: VecDeque::new(),
            class_timeouts: vec![VecDeque::new(); class_count - 1],
            fleet_of,
            class_load_upto,
            next_arrival: NO_KEY,
            next_arrival_client: 0,
            arrival_gap_mean_s: 1.0 / scenario.offered_load_per_s(),
            arrival_clock_us: 0.0,
            bucket_index: 0,
            bucket_end: SimTime::ZERO,
            arrivals: Rng::stream(scenario.seed, StreamId::Arrivals),
            service: Rng::stream(scenario.seed, StreamId::Service),
            jitter: Rng::stream(scenario.seed, StreamId::Jitter),
            throttle: Rng::stream(scenario.seed, StreamId::Throttle),
            budgets,
            breakers,
            clients,
            requests: Vec::new(),
            free: Vec::new(),
            backends: (0..scenario.backend_slots())
                .map(|region| {
                    let service = scenario.slot_service(region);
                    Backend::new(
                        service,
                        scenario.services[service].clone(),
                        faults.backend_at(region, SimTime::ZERO),
                    )
                })
                .collect(),
            backend_faults_until: SimTime::ZERO,
            name_routes: vec![Route::default(); scenario.names.len()],
            tokens,
            leases,
            identity_rng: Rng::stream(scenario.seed, StreamId::Identity),
            telemetry_rng: Rng::stream(scenario.seed, StreamId::Telemetry),
            dns_overrides: Vec::new(),
            call_stride,
            ghost_lookups: BTreeMap::new(),
            series: Series::empty(
                buckets_total,
                resolvers.len(),
                regions,
                if classed { class_count } else { 0 },
                if scenario.services.len() > 1 {
                    scenario.services.len()
                } else {
                    0
                },
            )
            .with_topology(
                &(0..scenario.services.len())
                    .map(|service| scenario.service_regions(service))
                    .collect::<Vec<_>>(),
                scenario.names.len(),
            ),
            service_series: backend::ServiceSeries::new(
                buckets_total,
                (0..scenario.services.len())
                    .map(|s| scenario.service_regions(s))
                    .collect(),
                by_slot,
            ),
            resolvers,
            forwarding,
            client_limit_tat,
            rotate_next,
            latency_buckets: vec![[0; LATENCY_BINS]; buckets_total],
            latency_all: [0; LATENCY_BINS],
            latency_bins: LatencyBinTable::get(),
            in_flight: 0,
            events: 0,
            budget_exhausted: false,
            limits_check_at: scenario.event_budget.min(MEMORY_CHECK_EVENTS),
            memory_entries_max: crate::cost::estimate(&scenario).memory_entries_max,
            memory_exhausted: false,
            buckets_total,
            faults,
            scenario,
        };
        let edges: Vec<(SimTime, Option<u16>)> = sim.faults.edges().collect();
        for (edge, flapping) in edges {
            sim.schedule(edge, Event::FaultEdge { flapping });
        }
        if let Some(failover) = sim.scenario.main_name().failover {
            let mut phase = Rng::stream(sim.scenario.seed, StreamId::HealthCheck);
            let first = SimTime((phase.uniform() * failover.interval.0 as f64) as u64);
            sim.schedule(first, Event::HealthCheck { name: 0 });
        }
        if names_fail_over {
            sim.schedule_name_health_checks();
        }
        sim.update_bucket();
        sim.schedule_next_arrival();
        sim
    }
}
