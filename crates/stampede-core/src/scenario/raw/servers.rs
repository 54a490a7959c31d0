//! The raw server side: the main backend and further services, the DNS names (routing and
//! health checks) and the recursive resolvers.
//!
//! Owns: their wire layout and defaults. Must not: be read by the engine.

use super::*;

/// A further service (`[[services]]`): a backend of its own, in one or two regions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawService {
    /// Name, unique among services (`backend.name` is the main one's); faults aim at it with
    /// `target = "service:<name>"` (its primary region) or `"service:<name>/region:<index>"`.
    pub name: String,
    /// Identical copies of this service in separate regions (1 or 2), each with these workers
    /// and queue; region 0 is the primary, which a name with `simple` routing answers.
    pub regions: u32,
    /// Concurrent workers.
    pub workers: u32,
    /// Service-time law.
    pub service_time: ServiceTimeLaw,
    /// Mean service time, milliseconds.
    pub service_ms_mean: f64,
    /// Spread of the `log_normal` law (dimensionless).
    pub service_sigma: f64,
    /// Waiting requests beyond which new ones are rejected at once.
    pub queue_capacity: u32,
    /// Order in which waiting requests are served.
    pub queue_discipline: QueueDiscipline,
    /// Drop queued work whose client already gave up instead of serving it.
    pub drop_abandoned: bool,
}

impl Default for RawService {
    fn default() -> Self {
        let backend = RawBackend::default();
        RawService {
            name: String::new(),
            workers: backend.workers,
            service_time: backend.service_time,
            service_ms_mean: backend.service_ms_mean,
            service_sigma: backend.service_sigma,
            queue_capacity: backend.queue_capacity,
            queue_discipline: backend.queue_discipline,
            drop_abandoned: backend.drop_abandoned,
            regions: 1,
        }
    }
}

/// A further DNS name (`[[names]]`): a record with its own TTL and routing policy that answers
/// one service. DNS faults aim at it with `target = "name:<name>"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawName {
    /// The DNS name, unique among names (`dns.name` is the main one's).
    pub name: String,
    /// The service it answers: `backend.name` or a `[[services]]` name.
    pub service: String,
    /// Record TTL set by the authoritative zone, seconds.
    pub record_ttl_s: f64,
    /// Route 53 routing policy of the name: `simple` (always the service's primary region) or
    /// `failover` (its secondary region once health checks find the primary unhealthy; needs a
    /// service with `regions = 2`). Each name has its own health check and answer.
    pub routing: RoutingPolicy,
    /// Route 53 health-check `RequestInterval` of this name's check (30 s standard, 10 s fast), seconds;
    /// absent = `dns.health_check_interval_s`.
    pub health_check_interval_s: Option<f64>,
    /// Route 53 `FailureThreshold` of this name's check (1–10), checks; absent =
    /// `dns.health_check_failure_threshold`.
    pub health_check_failure_threshold: Option<u32>,
    /// Time for this name's changed answer to reach every Route 53 name server, seconds;
    /// absent = `dns.propagation_s`.
    pub propagation_s: Option<f64>,
    /// Conditional forwarding: the resolvers (0-based indices into the resolver list) that
    /// lookups of this name go to, in this order, as a node-local stub forwards a zone
    /// (dnsmasq `server=/zone/ip`, systemd-resolved per-link `Domains=`, CoreDNS `forward` per
    /// zone, Route 53 Resolver forwarding rules). The client's `timeout`, `attempts` and
    /// `rotate` apply within this list; absent = every resolver, in resolv.conf order.
    pub resolvers: Option<Vec<usize>>,
}

impl Default for RawName {
    fn default() -> Self {
        RawName {
            name: String::new(),
            service: String::new(),
            record_ttl_s: RawDns::default().record_ttl_s,
            routing: RoutingPolicy::Simple,
            health_check_interval_s: None,
            health_check_failure_threshold: None,
            propagation_s: None,
            resolvers: None,
        }
    }
}

/// The DNS record of the service name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawDns {
    /// The main DNS name (what `[[fleets]]` classes call unless they name another).
    pub name: String,
    /// Record TTL set by the authoritative zone, seconds.
    pub record_ttl_s: f64,
    /// Route 53 routing policy of the name: `simple` (always the primary region) or `failover`
    /// (the secondary region once health checks find the primary unhealthy; needs
    /// `backend.regions = 2`).
    pub routing: RoutingPolicy,
    /// Route 53 health-check `RequestInterval`: 30 s standard, 10 s fast, seconds.
    pub health_check_interval_s: f64,
    /// Route 53 `FailureThreshold`: consecutive checks that must fail (or pass) to change the
    /// primary's status (1–10, default 3), checks.
    pub health_check_failure_threshold: u32,
    /// Time for a changed answer to reach every Route 53 name server, seconds (60 s).
    pub propagation_s: f64,
    /// Conditional forwarding of the main name: the resolvers (0-based indices into the
    /// resolver list) its lookups go to, in this order (dnsmasq `server=/zone/ip`,
    /// systemd-resolved per-link `Domains=`, CoreDNS `forward` per zone, Route 53 Resolver
    /// forwarding rules). The client's `timeout`, `attempts` and `rotate` apply within this
    /// list; absent = every resolver, in resolv.conf order.
    pub resolvers: Option<Vec<usize>>,
}

/// Route 53 routing policy of the service name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoutingPolicy {
    /// One answer: the primary region, healthy or not.
    Simple,
    /// Failover routing: the primary while its health check passes, else the secondary.
    Failover,
}

/// The recursive resolver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawResolver {
    /// Answers per second the resolver can give; queries above it are dropped (client times out).
    pub capacity_qps: f64,
    /// Time to answer from the resolver's cache, milliseconds.
    pub latency_ms: f64,
    /// Time to answer after asking the authoritative zone, milliseconds.
    pub upstream_latency_ms: f64,
    /// Cap on how long the resolver caches an empty answer, seconds (RFC 2308 SOA minimum).
    pub negative_ttl_s: f64,
    /// Cap on how long the resolver caches (and hands out) a positive answer, seconds: the
    /// record TTL counts only up to it (CoreDNS `cache 30` in Kubernetes: 30 s; Unbound
    /// `cache-max-ttl` 86400; BIND `max-cache-ttl` 604800).
    pub max_ttl_s: f64,
    /// Serve an expired answer when the authoritative refresh fails (RFC 8767); not for empty answers.
    pub serve_stale: bool,
    /// TTL the resolver puts on a stale answer it serves (RFC 8767 §4 recommends 30 s; Unbound
    /// `serve-expired-reply-ttl` 30, BIND `stale-answer-ttl` 30), seconds.
    pub stale_answer_ttl_s: f64,
    /// Queries per second one client may send this resolver; above it queries are dropped
    /// silently (AmazonProvidedDNS: 1024 packets/s per network interface), queries per second.
    /// 0 = no limit.
    pub per_client_qps_limit: f64,
}

/// Service-time distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceTimeLaw {
    /// Always the mean.
    Constant,
    /// Exponential with the given mean.
    Exponential,
    /// Log-normal with the given mean and `service_sigma` (heavy tail).
    LogNormal,
}

/// The backend service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawBackend {
    /// Name of the main service (`[[names]]` refer to it by this name).
    pub name: String,
    /// Concurrent workers.
    pub workers: u32,
    /// Service-time law.
    pub service_time: ServiceTimeLaw,
    /// Mean service time, milliseconds.
    pub service_ms_mean: f64,
    /// Waiting requests beyond which new ones are rejected at once.
    pub queue_capacity: u32,
    /// Order in which waiting requests are served.
    pub queue_discipline: QueueDiscipline,
    /// Spread of the `log_normal` law: the standard deviation of the log of the service time (dimensionless).
    pub service_sigma: f64,
    /// Drop queued work whose client already gave up instead of serving it (a server-side deadline).
    pub drop_abandoned: bool,
    /// Identical copies of this backend in separate regions (1 or 2); region 0 is the primary,
    /// which the name answers with `simple` routing, regions.
    pub regions: u32,
    /// Velocity control of the load balancer in front of the workers: the largest fraction of
    /// them that failing health checks may take out of service at once (NLB's remediation after
    /// October 2025). A `health_check_flapping` fault removes at most this fraction; 1 = no limit,
    /// 0..=1.
    pub health_check_removal_max_fraction: f64,
}

/// Order in which the backend serves its queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueDiscipline {
    /// First in, first out.
    Fifo,
    /// Last in, first out: the newest request first (keeps some requests inside their timeout under overload).
    Lifo,
}

impl Default for RawDns {
    fn default() -> Self {
        RawDns {
            name: "service.example".into(),
            record_ttl_s: 60.0,
            routing: RoutingPolicy::Simple,
            health_check_interval_s: 30.0,
            health_check_failure_threshold: 3,
            propagation_s: 60.0,
            resolvers: None,
        }
    }
}

impl Default for RawResolver {
    fn default() -> Self {
        RawResolver {
            capacity_qps: 5000.0,
            latency_ms: 1.0,
            upstream_latency_ms: 20.0,
            negative_ttl_s: 60.0,
            max_ttl_s: 86_400.0,
            serve_stale: false,
            stale_answer_ttl_s: 30.0,
            per_client_qps_limit: 0.0,
        }
    }
}

impl Default for RawBackend {
    fn default() -> Self {
        RawBackend {
            name: "backend".into(),
            workers: 50,
            service_time: ServiceTimeLaw::Exponential,
            service_ms_mean: 40.0,
            queue_capacity: 2000,
            queue_discipline: QueueDiscipline::Fifo,
            service_sigma: 1.0,
            drop_abandoned: false,
            regions: 1,
            health_check_removal_max_fraction: 1.0,
        }
    }
}
