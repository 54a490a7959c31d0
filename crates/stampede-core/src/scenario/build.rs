//! Building a [`Scenario`] from a raw scenario that validation found sound: unit conversion
//! into [`SimTime`], defaults resolved, lists in their validated form.
//!
//! Must not: check anything (validation did), or be called on a raw scenario with problems.

use super::raw::*;
use super::targets::effective_target;
use super::validated::*;
use crate::time::SimTime;

pub(super) fn build(raw: RawScenario) -> Scenario {
    let client_ttl = match raw.client_dns.cache {
        ClientCacheMode::None => SimTime::ZERO,
        ClientCacheMode::RecordTtl => SimTime::from_s(raw.dns.record_ttl_s),
        ClientCacheMode::Fixed => SimTime::from_s(raw.client_dns.fixed_ttl_s),
    };
    let client_negative_ttl = match raw.client_dns.cache {
        ClientCacheMode::None => SimTime::ZERO,
        _ => SimTime::from_s(raw.client_dns.negative_ttl_s),
    };
    let mut faults: Vec<Fault> = raw
        .faults
        .iter()
        .map(|f| Fault {
            kind: f.kind,
            start: SimTime::from_s(f.start_s),
            end: SimTime::from_s(f.end_s),
            fraction: f.fraction,
            factor: f.factor,
            latency: SimTime::from_ms(f.latency_ms),
            flap_period: SimTime::from_s(f.flap_period_s),
            target: effective_target(&raw, f.kind, &f.target),
            rate_per_s: f.rate_per_s,
            flush_queue: f.flush_queue,
        })
        .collect();
    let client_scale = client_scale(raw.fleet.clients, raw.fleet.scale_max_clients);
    let hedging = (raw.hedging.max_attempts > 1).then(|| Hedging {
        max_attempts: raw.hedging.max_attempts,
        delay: SimTime::from_ms(raw.hedging.delay_ms),
    });
    let resolvers = raw
        .resolver_list()
        .iter()
        .map(|r| ResolverConfig {
            capacity_qps: r.capacity_qps,
            latency: SimTime::from_ms(r.latency_ms),
            upstream_latency: SimTime::from_ms(r.upstream_latency_ms),
            negative_ttl: SimTime::from_s(r.negative_ttl_s),
            max_ttl: SimTime::from_s(r.max_ttl_s),
            serve_stale: r.serve_stale,
            stale_answer_ttl: SimTime::from_s(r.stale_answer_ttl_s),
            per_client_qps_limit: r.per_client_qps_limit * client_scale as f64,
        })
        .collect();
    faults.sort_by_key(|f| (f.start, f.end));
    let failover = (raw.dns.routing == RoutingPolicy::Failover).then(|| Failover {
        interval: SimTime::from_s(raw.dns.health_check_interval_s),
        failure_threshold: raw.dns.health_check_failure_threshold,
        propagation: SimTime::from_s(raw.dns.propagation_s),
    });
    let identity = (raw.identity.token_lifetime_s > 0.0).then(|| Identity {
        token_lifetime: SimTime::from_s(raw.identity.token_lifetime_s),
        fetch_latency: SimTime::from_ms(raw.identity.fetch_latency_ms),
        grace: match raw.identity.fallback {
            TokenFallback::None => SimTime::ZERO,
            TokenFallback::Cached => SimTime::from_s(raw.identity.grace_s),
        },
    });
    let telemetry = (raw.telemetry.mode != TelemetryMode::Off).then(|| Telemetry {
        sync: raw.telemetry.mode == TelemetryMode::Sync,
        latency: SimTime::from_ms(raw.telemetry.latency_ms),
        timeout: SimTime::from_ms(raw.telemetry.timeout_ms),
    });
    let lookups_in_flight_max =
        u32::try_from(u64::from(raw.client_dns.lookups_in_flight_max).saturating_mul(client_scale))
            .unwrap_or(u32::MAX);
    let client_stale_max = match raw.client_dns.cache {
        ClientCacheMode::None => SimTime::ZERO,
        _ => SimTime::from_s(raw.client_dns.stale_max_s),
    };
    let lease = (raw.lease.lifetime_s > 0.0).then(|| Lease {
        lifetime: SimTime::from_s(raw.lease.lifetime_s),
        reestablish_work_factor: raw.lease.reestablish_work_factor,
    });
    let client_prefetch = match raw.client_dns.cache {
        ClientCacheMode::None => SimTime::ZERO,
        _ => SimTime::from_s(raw.client_dns.prefetch_s),
    };
    let services = std::iter::once(ServiceConfig {
        name: raw.backend.name.clone(),
        workers: raw.backend.workers,
        service_time: raw.backend.service_time,
        service_ms_mean: raw.backend.service_ms_mean,
        service_sigma: raw.backend.service_sigma,
        queue_capacity: raw.backend.queue_capacity,
        queue_discipline: raw.backend.queue_discipline,
        drop_abandoned: raw.backend.drop_abandoned,
        regions: raw.backend.regions.max(1),
    })
    .chain(raw.services.iter().map(|s| ServiceConfig {
        name: s.name.clone(),
        workers: s.workers,
        service_time: s.service_time,
        service_ms_mean: s.service_ms_mean,
        service_sigma: s.service_sigma,
        queue_capacity: s.queue_capacity,
        queue_discipline: s.queue_discipline,
        drop_abandoned: s.drop_abandoned,
        regions: s.regions.max(1),
    }))
    .collect::<Vec<_>>();
    let resolver_count = raw.resolver_list().len();
    let names = std::iter::once(NameConfig {
        name: raw.dns.name.clone(),
        service: 0,
        record_ttl: SimTime::from_s(raw.dns.record_ttl_s),
        failover,
        resolvers: forwarding_list(&raw.dns.resolvers, resolver_count),
    })
    .chain(raw.names.iter().map(|n| {
        NameConfig {
            name: n.name.clone(),
            service: services
                .iter()
                .position(|s| s.name == n.service)
                .unwrap_or(0),
            record_ttl: SimTime::from_s(n.record_ttl_s),
            // Each setting left out is the main name's.
            failover: (n.routing == RoutingPolicy::Failover).then(|| Failover {
                interval: SimTime::from_s(
                    n.health_check_interval_s
                        .unwrap_or(raw.dns.health_check_interval_s),
                ),
                failure_threshold: n
                    .health_check_failure_threshold
                    .unwrap_or(raw.dns.health_check_failure_threshold),
                propagation: SimTime::from_s(n.propagation_s.unwrap_or(raw.dns.propagation_s)),
            }),
            resolvers: forwarding_list(&n.resolvers, resolver_count),
        }
    }))
    .collect();
    Scenario {
        services,
        names,
        calls: 0,
        dependencies: Vec::new(),
        retry_on: RetryOn {
            dns_failure: raw.retry.on_dns_failure,
            timeout: raw.retry.on_timeout,
            rejected: raw.retry.on_rejected,
            server_error: raw.retry.on_server_error,
        },
        fleets: Vec::new(),
        client_prefetch,
        lease,
        health_check_removal_max_fraction: raw.backend.health_check_removal_max_fraction,
        lookups_in_flight_max,
        client_stale_max,
        identity,
        telemetry,
        duration: SimTime::from_s(raw.run.duration_s),
        bucket: SimTime::from_s(raw.run.bucket_s),
        seed: raw.run.seed,
        event_budget: raw.run.event_budget,
        clients: raw.fleet.clients,
        request_rate_per_client_per_s: raw.fleet.request_rate_per_client_per_s,
        attempt_timeout: SimTime::from_ms(raw.fleet.attempt_timeout_ms),
        cold_start: raw.fleet.cold_start,
        client_cache: raw.client_dns.cache,
        client_ttl,
        client_negative_ttl,
        lookup_timeout: SimTime::from_ms(raw.client_dns.lookup_timeout_ms),
        lookup_attempts: raw.client_dns.lookup_attempts,
        resolvers,
        rotate: raw.client_dns.rotate,
        client_scale,
        simulated_clients: raw.fleet.clients.div_ceil(client_scale),
        attempts_max: if hedging.is_some() {
            1
        } else {
            raw.retry.attempts_max
        },
        hedging,
        backoff: raw.retry.backoff,
        backoff_base_ms: raw.retry.backoff_base_ms,
        backoff_max_ms: raw.retry.backoff_max_ms,
        jitter: raw.retry.jitter,
        connection_lifetime: SimTime::from_s(raw.fleet.connection_lifetime_s),
        deadline: SimTime::from_ms(raw.fleet.deadline_ms),
        retry_budget: RetryBudget::from_raw(&raw.retry_budget),
        breaker: Breaker::from_raw(&raw.breaker),
        cost_per_failed_request: raw.cost.per_failed_request,
        cost_per_minute_down: raw.cost.per_minute_down,
        slo_target: raw.cost.slo_target,
        recovery_window_s: raw.run.recovery_window_s,
        title: raw.title.clone(),
        faults,
        raw,
    }
}

/// The resolvers a name's lookups go to: its forwarding list, or every resolver in order.
fn forwarding_list(list: &Option<Vec<usize>>, resolvers: usize) -> Vec<usize> {
    list.clone().unwrap_or_else(|| (0..resolvers).collect())
}

/// Real clients per simulated client: 1 up to `scale_max_clients`, else ⌈clients / max⌉.
pub fn client_scale(clients: u64, scale_max_clients: u64) -> u64 {
    if clients <= scale_max_clients.max(1) {
        1
    } else {
        clients.div_ceil(scale_max_clients.max(1))
    }
}
