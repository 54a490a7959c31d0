//! The report's time series, one element per metric bucket.
//!
//! Owns: the series layout. Must not: simulate or derive figures (the summary does).

use super::outcome::by_cause;
use super::*;

/// Time series, one element per metric bucket. Counts are per bucket, not per second.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Series {
    /// User requests started.
    pub requests: Vec<u64>,
    /// First attempts started.
    pub attempts_first: Vec<u64>,
    /// Retry attempts started.
    pub attempts_retry: Vec<u64>,
    /// First attempts of a request's later calls (after a call it makes before its main one).
    #[serde(default)]
    pub attempts_later_call: Vec<u64>,
    /// Attempts that reached the backend (queued, served at once, or rejected).
    pub backend_offered: Vec<u64>,
    /// What the backend could serve in the bucket with its workers in force.
    pub backend_capacity: Vec<f64>,
    /// User requests refused on the client before their first attempt (breaker open, throttled,
    /// no identity token).
    pub refused_first: Vec<u64>,
    /// Attempts sent on a live pooled connection, without a DNS lookup.
    pub connection_reused: Vec<u64>,
    /// User requests that succeeded, by completion time.
    pub success: Vec<u64>,
    /// User requests that failed, by completion time, one series per cause, keyed by the cause's
    /// name ([`Outcome::key`]).
    #[serde(with = "by_cause")]
    #[schemars(with = "ByCause<Vec<u64>>")]
    pub failed: [Vec<u64>; FAILURE_CAUSES],
    /// Lookups answered from a fresh client cache entry.
    pub dns_client_cache: Vec<u64>,
    /// Lookups answered from a client's negative cache entry.
    pub dns_negative_cached: Vec<u64>,
    /// Queries sent to the resolver.
    pub dns_to_resolver: Vec<u64>,
    /// Resolver answers from its cache.
    pub dns_resolver_cache: Vec<u64>,
    /// Resolver answers served stale.
    pub dns_stale: Vec<u64>,
    /// Queries the resolver sent to the authoritative zone.
    pub dns_upstream: Vec<u64>,
    /// Queries the resolver dropped (over capacity, or silent zone).
    pub dns_dropped: Vec<u64>,
    /// Answers the resolvers together could give in the bucket.
    pub resolver_capacity: Vec<f64>,
    /// Queries dropped by a resolver's per-client rate limit (included in `dns_dropped`).
    #[serde(default)]
    pub dns_client_limited: Vec<u64>,
    /// Queries sent to each resolver, one series per resolver in resolv.conf order.
    #[serde(default)]
    pub resolver_queries: Vec<Vec<u64>>,
    /// Queries each resolver dropped (over capacity, per-client limit, down, or silent zone).
    #[serde(default)]
    pub resolver_dropped: Vec<Vec<u64>>,
    /// Answers each resolver could give in the bucket.
    #[serde(default)]
    pub resolver_capacities: Vec<Vec<f64>>,
    /// Hedged attempts started (sent while an earlier attempt of the same request was in flight).
    #[serde(default)]
    pub attempts_hedge: Vec<u64>,
    /// Attempts that reached each region's backend, one series per region (0 = primary).
    #[serde(default)]
    pub region_offered: Vec<Vec<u64>>,
    /// Fraction of the bucket during which the name answered the secondary region (failover).
    #[serde(default)]
    pub failover_fraction: Vec<f64>,
    /// Identity-token fetches started.
    #[serde(default)]
    pub identity_fetches: Vec<u64>,
    /// Identity-token fetches that failed.
    #[serde(default)]
    pub identity_fetch_failed: Vec<u64>,
    /// Requests sent with an expired token after a failed fetch (`fallback = "cached"`).
    #[serde(default)]
    pub identity_expired_used: Vec<u64>,
    /// Telemetry calls made (one per ended user request).
    #[serde(default)]
    pub telemetry_calls: Vec<u64>,
    /// Telemetry calls that failed (never a request failure: fail-open).
    #[serde(default)]
    pub telemetry_failed: Vec<u64>,
    /// Lookups that had to wait for a free place under `client_dns.lookups_in_flight_max`.
    #[serde(default)]
    pub dns_lookups_queued: Vec<u64>,
    /// Attempts that took the name from a client's local override (`dns_override`) instead of
    /// DNS (counted by attempts that needed an answer, as the client cache's are).
    #[serde(default)]
    pub dns_overridden: Vec<u64>,
    /// Background refreshes of client cache entries (`client_dns.prefetch_s`) started.
    #[serde(default)]
    pub dns_prefetches: Vec<u64>,
    /// Attempts an operator's throttle rejected at the backend's door (counted among the
    /// attempts that reached the backend).
    #[serde(default)]
    pub backend_throttled: Vec<u64>,
    /// Fraction of clients holding a lease at the end of the bucket (1 without leases).
    #[serde(default)]
    pub leases_held_fraction: Vec<f64>,
    /// Attempts a worker started serving that re-establish a lapsed lease.
    #[serde(default)]
    pub lease_reestablished: Vec<u64>,
    /// Attempts that reached each service, one series per service (`Scenario::services`, the
    /// main backend first); empty with one service.
    #[serde(default)]
    pub service_offered: Vec<Vec<u64>>,
    /// What each service could serve in the bucket with its workers in force; empty with one.
    #[serde(default)]
    pub service_capacity: Vec<Vec<f64>>,
    /// Largest queue length of each service in the bucket; empty with one service.
    #[serde(default)]
    pub service_queue_len_max: Vec<Vec<u64>>,
    /// Most attempts in service at once on each service in the bucket; empty with one service.
    #[serde(default)]
    pub service_in_service_max: Vec<Vec<u64>>,
    /// Work each service served after its client gave up; empty with one service.
    #[serde(default)]
    pub service_wasted: Vec<Vec<u64>>,
    /// Attempts that reached each region of each service: per service (the main backend
    /// first), one series per region (0 = primary); empty with one service.
    #[serde(default)]
    pub service_region_offered: Vec<Vec<Vec<u64>>>,
    /// Per DNS name (the main one first, then `[[names]]`): fraction of the bucket during which
    /// it answered its service's secondary region (failover); empty with one name.
    #[serde(default)]
    pub name_failover_fraction: Vec<Vec<f64>>,
    /// User requests started, one series per client class (`[[fleets]]`); empty with one class.
    #[serde(default)]
    pub class_requests: Vec<Vec<u64>>,
    /// User requests that succeeded, per client class; empty with one class.
    #[serde(default)]
    pub class_success: Vec<Vec<u64>>,
    /// User requests that failed (any cause), per client class; empty with one class.
    #[serde(default)]
    pub class_failed: Vec<Vec<u64>>,
    /// Largest backend queue length seen in the bucket.
    pub queue_len_max: Vec<u64>,
    /// Most attempts in service at once on the backend (busy workers, all regions) in the bucket.
    #[serde(default)]
    pub in_service_max: Vec<u64>,
    /// Requests served after their client gave up (wasted work).
    pub wasted: Vec<u64>,
    /// Queued requests the backend dropped unserved: their client had given up
    /// (`drop_abandoned`), or an operator's throttle flushed the queue (`flush_queue`).
    pub dropped_abandoned: Vec<u64>,
    /// Fraction of clients whose breaker is open, time-weighted over the bucket (0 without breakers).
    pub breaker_open_fraction: Vec<f64>,
    /// Fraction of clients whose breaker is half-open, time-weighted over the bucket; closed is the rest.
    pub breaker_half_open_fraction: Vec<f64>,
    /// Attempts a worker started serving.
    pub service_started: Vec<u64>,
    /// Sum of their waits in the queue, ms.
    pub queue_wait_ms_sum: Vec<f64>,
    /// Sum of the latencies of successful user requests, ms.
    pub latency_ms_sum: Vec<f64>,
    /// Latency of successful user requests: 50th percentile, ms (NaN when none).
    pub latency_p50_ms: Vec<f64>,
    /// 90th percentile, ms.
    pub latency_p90_ms: Vec<f64>,
    /// 99th percentile, ms.
    pub latency_p99_ms: Vec<f64>,
}

impl Series {
    /// Empty series for `buckets` buckets, `resolvers` resolvers, `regions` regions, and
    /// per-class and per-service series for `classes` client classes and `services` services
    /// (0 each when there is only one).
    pub fn empty(
        buckets: usize,
        resolvers: usize,
        regions: usize,
        classes: usize,
        services: usize,
    ) -> Series {
        let zeros = || vec![0u64; buckets];
        Series {
            service_offered: vec![zeros(); services],
            service_capacity: vec![vec![0.0; buckets]; services],
            service_queue_len_max: vec![zeros(); services],
            service_in_service_max: vec![zeros(); services],
            service_wasted: vec![zeros(); services],
            service_region_offered: Vec::new(),
            name_failover_fraction: Vec::new(),
            class_requests: vec![zeros(); classes],
            class_success: vec![zeros(); classes],
            class_failed: vec![zeros(); classes],
            requests: zeros(),
            attempts_first: zeros(),
            attempts_retry: zeros(),
            attempts_later_call: zeros(),
            backend_offered: zeros(),
            backend_capacity: vec![0.0; buckets],
            refused_first: zeros(),
            connection_reused: zeros(),
            success: zeros(),
            failed: std::array::from_fn(|_| zeros()),
            dns_client_cache: zeros(),
            dns_negative_cached: zeros(),
            dns_to_resolver: zeros(),
            dns_resolver_cache: zeros(),
            dns_stale: zeros(),
            dns_upstream: zeros(),
            dns_dropped: zeros(),
            resolver_capacity: vec![0.0; buckets],
            dns_client_limited: zeros(),
            resolver_queries: vec![zeros(); resolvers],
            resolver_dropped: vec![zeros(); resolvers],
            resolver_capacities: vec![vec![0.0; buckets]; resolvers],
            attempts_hedge: zeros(),
            region_offered: vec![zeros(); regions],
            failover_fraction: vec![0.0; buckets],
            identity_fetches: zeros(),
            identity_fetch_failed: zeros(),
            identity_expired_used: zeros(),
            telemetry_calls: zeros(),
            telemetry_failed: zeros(),
            dns_lookups_queued: zeros(),
            dns_prefetches: zeros(),
            dns_overridden: zeros(),
            backend_throttled: zeros(),
            in_service_max: zeros(),
            leases_held_fraction: vec![1.0; buckets],
            lease_reestablished: zeros(),
            queue_len_max: zeros(),
            wasted: zeros(),
            dropped_abandoned: zeros(),
            breaker_open_fraction: vec![0.0; buckets],
            breaker_half_open_fraction: vec![0.0; buckets],
            service_started: zeros(),
            queue_wait_ms_sum: vec![0.0; buckets],
            latency_ms_sum: vec![0.0; buckets],
            latency_p50_ms: vec![f64::NAN; buckets],
            latency_p90_ms: vec![f64::NAN; buckets],
            latency_p99_ms: vec![f64::NAN; buckets],
        }
    }

    /// These series with per-region series for services of `service_regions` regions each (the
    /// main backend first; none with one service) and per-name series for `names` DNS names
    /// (none with one name).
    pub fn with_topology(mut self, service_regions: &[usize], names: usize) -> Series {
        let buckets = self.requests.len();
        if service_regions.len() > 1 {
            self.service_region_offered = service_regions
                .iter()
                .map(|regions| vec![vec![0; buckets]; *regions])
                .collect();
        }
        if names > 1 {
            self.name_failover_fraction = vec![vec![0.0; buckets]; names];
        }
        self
    }

    /// Failed user requests in bucket `b`, all causes.
    pub fn failed_total(&self, b: usize) -> u64 {
        self.failed.iter().map(|s| s[b]).sum()
    }
}
