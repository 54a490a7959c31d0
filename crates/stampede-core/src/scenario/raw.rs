//! The raw, serde-friendly scenario: what a TOML or JSON file, a URL query or a preset holds.
//!
//! Owns: field names, defaults and the wire layout of a scenario. Every field has a default, so a
//! one-service scenario is short to write.
//! Must not: be read by the engine. The engine only sees a validated [`crate::Scenario`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The default fault target: the authoritative zone.
pub const FAULT_TARGET_ZONE: &str = "zone";

/// Current version of the scenario format.
pub const FORMAT_VERSION: u32 = 1;

/// A scenario as written by a person. Validate it with [`crate::Scenario::try_from`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawScenario {
    /// Scenario format version; only [`FORMAT_VERSION`] is accepted.
    pub version: u32,
    /// A short title shown in reports.
    pub title: String,
    /// Horizon, metric buckets, seed and event budget.
    pub run: RawRun,
    /// The client fleet; with `[[fleets]]`, the settings every class starts from.
    pub fleet: RawFleet,
    /// Client classes with their own size, rate and policies (`[[fleets]]`): internal and
    /// external clients, JVM and Go services side by side. Each class starts from the top-level
    /// client sections (`fleet`, `client_dns`, `retry`, `retry_budget`, `breaker`, `hedging`),
    /// applies its `policies` in order, then its `set` entries. Empty = one fleet, the top-level
    /// sections. With classes, the top-level `fleet.clients` is ignored (the classes' sum counts).
    pub fleets: Vec<RawFleetClass>,
    /// DNS caching inside each client (the runtime or OS stub resolver).
    pub client_dns: RawClientDns,
    /// The DNS record of the service name.
    pub dns: RawDns,
    /// The recursive resolver the clients ask, when there is only one (the `[resolver]` section).
    /// Give either this section or `resolvers`, not both.
    pub resolver: RawResolver,
    /// The clients' nameservers in resolv.conf order (`[[resolvers]]`, at most 3 as glibc's
    /// MAXNS). Empty = the single `[resolver]` section. Clients ask the first; on a timeout they
    /// move to the next (resolv.conf `timeout`, `attempts`, `rotate`).
    pub resolvers: Vec<RawResolver>,
    /// The clients' retry policy.
    pub retry: RawRetry,
    /// A per-client limit on retries (AWS quota, gRPC throttling, Envoy, Finagle, SRE throttling).
    pub retry_budget: RawRetryBudget,
    /// A per-client circuit breaker.
    pub breaker: RawBreaker,
    /// Hedged requests (gRPC `hedgingPolicy`); replaces retries when on.
    pub hedging: RawHedging,
    /// The backend service (the main one: what the `[dns]` name answers).
    pub backend: RawBackend,
    /// Further services beside the main backend (`[[services]]`), each reached through a name of
    /// `[[names]]`; one or two regions each.
    pub services: Vec<RawService>,
    /// Further DNS names beside the main one (`[[names]]`), each answering one service; client
    /// classes choose the name they call (`calls`). They share the resolvers (their capacity,
    /// per-client limit and caches) with the main name, unless a name's lookups are forwarded to
    /// resolvers of their own (`resolvers`). A name with `routing = "failover"` has
    /// its own Route 53 health check of its service's primary and answers the secondary while
    /// the primary is unhealthy.
    pub names: Vec<RawName>,
    /// An identity-token dependency of every user request (off unless `token_lifetime_s` > 0).
    pub identity: RawIdentity,
    /// A telemetry call made for every user request (off by default); it never fails a request.
    pub telemetry: RawTelemetry,
    /// Leases the clients hold with the backend (a control plane such as EC2's DropletWorkflow
    /// Manager); off unless `lifetime_s` > 0.
    pub lease: RawLease,
    /// Cost model for the downtime estimate.
    pub cost: RawCost,
    /// Timed faults.
    pub faults: Vec<RawFault>,
}

/// Horizon, metric buckets, seed and event budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawRun {
    /// Simulated horizon, seconds.
    pub duration_s: f64,
    /// Width of one metric bucket, seconds.
    pub bucket_s: f64,
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// Maximum number of events processed before the run stops with a diagnostic.
    pub event_budget: u64,
    /// Goodput must return within this long after the last fault ends, or the run is called metastable, seconds.
    pub recovery_window_s: f64,
}

/// The client fleet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawFleet {
    /// Number of clients.
    pub clients: u64,
    /// Open-loop Poisson request rate of one client, requests per second.
    pub request_rate_per_client_per_s: f64,
    /// Per-attempt timeout (covers the DNS lookup and the backend call), milliseconds.
    pub attempt_timeout_ms: f64,
    /// Start every client with an empty DNS cache (the thundering-herd case) instead of the steady state.
    pub cold_start: bool,
    /// Maximum lifetime of a client's pooled connection, seconds; 0 = a new connection (and DNS
    /// lookup) for every attempt. Only opening a connection needs a lookup.
    pub connection_lifetime_s: f64,
    /// Overall deadline of a user request, milliseconds; no retry starts after it. 0 = none.
    pub deadline_ms: f64,
    /// Largest number of clients simulated one by one; a larger fleet is simulated as
    /// ⌈clients / k⌉ super-clients of k = ⌈clients / scale_max_clients⌉ real clients each, clients.
    pub scale_max_clients: u64,
}

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

/// A class of clients (`[[fleets]]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawFleetClass {
    /// Name shown in reports (unique).
    pub name: String,
    /// Number of clients in the class.
    pub clients: u64,
    /// Request rate of one client of the class, requests per second; absent = the top-level
    /// `fleet.request_rate_per_client_per_s`.
    pub request_rate_per_client_per_s: Option<f64>,
    /// Policy fragments (names from `stampede presets`) applied in order; they may only touch
    /// client sections.
    pub policies: Vec<String>,
    /// Settings applied after the policies, as `--set` takes them: registry keys of the client
    /// sections (`"retry.attempts_max" = 8`, `"client_dns.cache" = "none"`).
    pub set: std::collections::BTreeMap<String, SetValue>,
    /// The DNS name the class's requests call: `dns.name` (the default) or a `[[names]]` name.
    pub calls: String,
    /// Calls a request makes first, in order, before its main call (`calls`): an identity
    /// service, a configuration service… Each is a name with the class's DNS cache, retry policy
    /// and budget; a required one that fails ends the request with its cause, an optional one
    /// (`required = false`) is skipped when it fails (fail-open). With hedging each call hedges
    /// with the class's policy, as gRPC's per-method hedging policy does.
    pub depends_on: Vec<RawDependency>,
}

/// A call made before the main one (`[[fleets.depends_on]]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawDependency {
    /// The DNS name called: `dns.name` or a `[[names]]` name.
    pub name: String,
    /// Whether the request fails when this call fails; false = fail-open.
    pub required: bool,
}

impl Default for RawDependency {
    fn default() -> Self {
        RawDependency {
            name: String::new(),
            required: true,
        }
    }
}

impl Default for RawFleetClass {
    fn default() -> Self {
        RawFleetClass {
            name: String::new(),
            clients: 1000,
            request_rate_per_client_per_s: None,
            policies: Vec::new(),
            set: std::collections::BTreeMap::new(),
            calls: String::new(),
            depends_on: Vec::new(),
        }
    }
}

/// A value of a `set` entry: a number, a switch or a name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SetValue {
    /// A number.
    Number(f64),
    /// A switch.
    Bool(bool),
    /// An option name, or a number written as text.
    Text(String),
}

impl std::fmt::Display for SetValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetValue::Number(n) => write!(f, "{n}"),
            SetValue::Bool(b) => write!(f, "{b}"),
            SetValue::Text(t) => f.write_str(t),
        }
    }
}

/// Client-side DNS cache mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientCacheMode {
    /// No cache: every new lookup goes to the resolver (glibc, Go, Node.js defaults).
    None,
    /// Honour the record TTL, counted from the moment the answer was fetched.
    RecordTtl,
    /// A fixed TTL regardless of the record (the JVM's 30 s `networkaddress.cache.ttl`).
    Fixed,
}

/// DNS caching inside each client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawClientDns {
    /// Cache mode.
    pub cache: ClientCacheMode,
    /// TTL used when `cache = "fixed"`, seconds.
    pub fixed_ttl_s: f64,
    /// How long an empty answer (NODATA/NXDOMAIN) is cached, seconds (JVM: 10 s; 0 = not cached).
    pub negative_ttl_s: f64,
    /// Time a lookup waits for one resolver answer, milliseconds (resolv.conf `timeout`, 5 s).
    pub lookup_timeout_ms: f64,
    /// Rounds over the nameserver list per lookup (resolv.conf `attempts`, 2); tries per lookup
    /// are this times the number of resolvers.
    pub lookup_attempts: u32,
    /// Start each lookup at the next nameserver in turn instead of the first (resolv.conf `rotate`).
    pub rotate: bool,
    /// Lookups one client runs at once; more wait in a per-client FIFO (Node.js `dns.lookup` runs
    /// on the libuv pool, `UV_THREADPOOL_SIZE` 4). A lookup holds its place until its last try
    /// ends, even after its attempt gave up. 0 = unlimited, lookups.
    pub lookups_in_flight_max: u32,
    /// Client-side serve-stale: when a lookup fails (SERVFAIL, or a try times out), use the
    /// expired cached answer if it expired less than this long ago; never for an empty answer
    /// (Chromium/Cronet `StaleDnsOptions`: `maxExpiredDelay`, `useStaleOnNameNotResolved`;
    /// RFC 8767 semantics). Seconds; 0 = off.
    pub stale_max_s: f64,
    /// Prefetch: when an attempt uses a cached answer that expires within this long, the client
    /// refreshes it with a background lookup (one at a time per client) so that later requests
    /// find a fresh answer instead of waiting for a lookup (refresh-ahead, as Unbound's
    /// `prefetch` does for resolvers at 90 % of the TTL). Seconds; 0 = off.
    pub prefetch_s: f64,
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

/// Backoff growth between retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BackoffKind {
    /// Always `backoff_base_ms`.
    Constant,
    /// `backoff_base_ms × k` before retry k, capped.
    Linear,
    /// `backoff_base_ms × 2^(k−1)` before retry k, capped.
    Exponential,
}

/// Randomisation applied to the backoff delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JitterKind {
    /// The delay as computed.
    None,
    /// Uniform in [0, delay) (AWS SDK standard mode).
    Full,
    /// delay/2 + uniform in [0, delay/2).
    Equal,
    /// min(cap, uniform in [base, 3 × previous delay)) (Brooker 2015).
    Decorrelated,
    /// delay × uniform in [0.8, 1.2) (gRPC since 2024).
    Proportional,
}

/// The clients' retry policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawRetry {
    /// Attempts per user request, including the first (1 = no retries).
    pub attempts_max: u32,
    /// Backoff growth.
    pub backoff: BackoffKind,
    /// Base delay, milliseconds.
    pub backoff_base_ms: f64,
    /// Cap on the delay, milliseconds.
    pub backoff_max_ms: f64,
    /// Jitter.
    pub jitter: JitterKind,
    /// Retry after a DNS failure (empty answer, SERVFAIL, lookup timeout): AWS SDKs and Envoy's
    /// `connect-failure` do; a library that only retries server responses does not.
    pub on_dns_failure: bool,
    /// Retry after an attempt timed out.
    pub on_timeout: bool,
    /// Retry after the backend refused or throttled the attempt (queue full, operator throttle).
    pub on_rejected: bool,
    /// Retry after the backend answered with an error (5xx).
    pub on_server_error: bool,
}

/// Hedged requests as gRPC's `hedgingPolicy` (gRFC A6): attempts are sent at 0, d, 2d, … until
/// one succeeds; a failed attempt sends the next one at once; the first success wins and the
/// others are cancelled (work already queued or in service is wasted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawHedging {
    /// `maxAttempts`, the first included (1 = no hedging; gRPC clamps values above 5). When above
    /// 1, hedging replaces the retry policy (gRPC allows one or the other), attempts.
    pub max_attempts: u32,
    /// `hedgingDelay` between sends, milliseconds (0 = all at once).
    pub delay_ms: f64,
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

/// Leases between the clients and the backend, as a control plane keeps with the hosts it manages
/// (EC2's DropletWorkflow Manager and its droplets, October 2025): every user request of a client
/// is a lease renewal, and a success extends the client's lease to `lifetime_s` from then. A
/// request from a client whose lease has lapsed re-establishes it, which costs the backend
/// `reestablish_work_factor` times the service time. When lapsed leases make the work outgrow
/// the backend, renewals wait past their timeout, more leases lapse, and the control plane can
/// stay collapsed after the trigger is gone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawLease {
    /// How long a lease lasts after its last successful renewal, seconds; 0 = no leases.
    pub lifetime_s: f64,
    /// Service time of a re-establishment as a multiple of a renewal's (≥ 1), times.
    pub reestablish_work_factor: f64,
}

/// What a client does when it cannot fetch a new identity token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenFallback {
    /// The request fails (`DependencyFailed`).
    None,
    /// Keep using the expired token for up to `grace_s` after it expired (the AWS SDKs' static
    /// stability for instance credentials).
    Cached,
}

/// An identity-token dependency: a client needs a valid token to send a request, fetched from an
/// identity service (its own name and endpoint, hit by faults aimed at `identity`) and cached
/// for the token's lifetime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawIdentity {
    /// Lifetime of a token, seconds (STS `DurationSeconds` default 3600); 0 = no identity dependency.
    pub token_lifetime_s: f64,
    /// Time to fetch a token (lookup of the identity name plus the call), milliseconds.
    pub fetch_latency_ms: f64,
    /// What happens when a fetch fails.
    pub fallback: TokenFallback,
    /// With `fallback = "cached"`: how long after expiry an expired token is still used, seconds.
    pub grace_s: f64,
}

/// How a request's telemetry call is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TelemetryMode {
    /// No telemetry call.
    Off,
    /// Queued and exported in the background (OpenTelemetry `BatchSpanProcessor`): adds nothing.
    Async,
    /// Made inline before the request returns: adds its latency, or its timeout when the
    /// collector does not answer.
    Sync,
}

/// A telemetry call made for every user request. Fail-open: its failure never fails the request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawTelemetry {
    /// How the call is made.
    pub mode: TelemetryMode,
    /// Time of a successful call, milliseconds.
    pub latency_ms: f64,
    /// Longest a synchronous call waits for a collector that does not answer, milliseconds
    /// (OTLP exporter `OTEL_EXPORTER_OTLP_TIMEOUT` 10 s).
    pub timeout_ms: f64,
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

/// Cost model for the downtime estimate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawCost {
    /// Cost of one failed user request, in the user's currency.
    pub per_failed_request: f64,
    /// Cost of one minute of downtime (a metric bucket whose availability is below `slo_target`
    /// counts its width as downtime), in the user's currency per minute.
    pub per_minute_down: f64,
    /// Availability objective for the SLO burn figure, 0..1 (0.999 = three nines).
    pub slo_target: f64,
}

/// What a fault does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The authoritative zone does not answer: resolvers time out (clients wait timeout × attempts).
    DnsTimeout,
    /// The resolver answers SERVFAIL at once (serve-stale may apply).
    DnsServfail,
    /// The zone answers NOERROR with no records (NODATA), as in October 2025; negatively cached.
    DnsEmpty,
    /// Backend service times multiplied by `factor`.
    ServiceSlowdown,
    /// A fraction `fraction` of the backend's workers is lost.
    CapacityLoss,
    /// The backend answers a fraction `fraction` of attempts with an error at once.
    ErrorRate,
    /// Answers from the authoritative zone (or, with a resolver target, every answer of that
    /// resolver) arrive `latency_ms` later, for a fraction `fraction` of queries.
    DnsLatency,
    /// A region is lost: attempts sent to its backend fail at once (connections refused), for a
    /// fraction `fraction` of attempts; its health check fails. Strikes the primary unless
    /// `target = "region:1"`.
    RegionLoss,
    /// Every client's request rate is multiplied by `factor`: a traffic surge (a backlog replayed
    /// after an outage, a fleet re-establishing leases, a failback). Ignores `target`.
    LoadSpike,
    /// An operator throttles the backend's admissions to `rate_per_s` (a token bucket with a
    /// tenth of a second of burst); attempts above it are rejected at once, as throttling errors.
    /// With `flush_queue` the work waiting when it starts is dropped (hosts restarted).
    Throttle,
    /// The load balancer's health checks of a fraction `fraction` of the workers fail although
    /// the workers could serve (October 2025: new instances lacked network state), so it takes
    /// them out of service, at most `backend.health_check_removal_max_fraction` (velocity
    /// control). Usually flapping.
    HealthCheckFlapping,
    /// A mitigation, not a fault: a class of clients, the first `fraction` of the fleet (an
    /// "internal" class), resolves the name from a local override (a hosts-file entry or a
    /// pinned address) while it is in force, so its new connections need no DNS answer (October
    /// 2025, T+1:27: "temporary mitigations let some internal services connect"). With
    /// `target = "class:<name>"` the share is of that `[[fleets]]` class's clients.
    DnsOverride,
}

impl FaultKind {
    /// The kinds that act on DNS (the zone, a further name's zone or one resolver): the one
    /// place that says which they are; validation, the engine and the web controls ask here.
    pub const DNS: [FaultKind; 4] = [
        FaultKind::DnsTimeout,
        FaultKind::DnsServfail,
        FaultKind::DnsEmpty,
        FaultKind::DnsLatency,
    ];

    /// Whether this kind acts on DNS (and so targets a zone or a resolver, not a region).
    pub fn is_dns(self) -> bool {
        FaultKind::DNS.contains(&self)
    }
}

/// One timed fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawFault {
    /// What the fault does.
    pub kind: FaultKind,
    /// Start, seconds from the run's start.
    pub start_s: f64,
    /// End, seconds from the run's start.
    pub end_s: f64,
    /// Fraction of queries (DNS faults) or of workers (capacity loss) affected, 0..=1.
    pub fraction: f64,
    /// Multiplier for `service_slowdown`.
    pub factor: f64,
    /// Added latency of `dns_latency`, milliseconds.
    pub latency_ms: f64,
    /// Flapping period, seconds: the fault is in force during the first half of each period from
    /// `start_s` until `end_s`. 0 = steady.
    pub flap_period_s: f64,
    /// Where a DNS fault strikes: `"zone"` (the authoritative zone, seen by every resolver) or
    /// `"resolver:<index>"` (that resolver, 0-based in the resolver list, fails every query it
    /// receives, cached or not: `dns_timeout` = down). Backend faults (`capacity_loss`,
    /// `error_rate`, `service_slowdown`, `region_loss`) strike `"region:<index>"`, the primary
    /// (region 0) by default. `"name:<dns name>"` aims a DNS fault at a `[[names]]` name,
    /// `"service:<name>"` a backend fault at a `[[services]]` service's primary region and
    /// `"service:<name>/region:<index>"` at one of its regions, `"class:<name>"` a
    /// `dns_override` at a `[[fleets]]` class. `"identity"` or `"telemetry"` aim any kind at that
    /// dependency.
    /// A target that does not apply to the kind is ignored.
    pub target: String,
    /// Admissions per second a `throttle` lets through, requests per second.
    pub rate_per_s: f64,
    /// With `throttle`: drop the work waiting in the queue when the throttle starts (an operator
    /// restarting the hosts); their clients time out.
    pub flush_queue: bool,
}

/// Which library's retry budget limits each client's retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RetryBudgetKind {
    /// No budget: every failed attempt is retried up to `retry.attempts_max`.
    None,
    /// AWS SDK standard-mode retry quota before 2026: a 500-token bucket, a retry costs 5 (10 after a timeout).
    AwsStandard,
    /// AWS SDK standard mode with the 2026 costs (`AWS_NEW_RETRIES_2026=true`): every retry costs 14.
    /// (`aws_standard2026` is a deprecated spelling that still works.)
    #[serde(rename = "aws_standard_2026", alias = "aws_standard2026")]
    AwsStandard2026,
    /// gRPC `retryThrottling` (gRFC A6): no retries while tokens ≤ max/2.
    GrpcThrottling,
    /// Envoy `retry_budget`: retries in flight ≤ max(min concurrency, percent × active requests).
    Envoy,
    /// Finagle `RetryBudget`: 20 % of the requests of the last 10 s, plus 10 retries per second.
    Finagle,
    /// Google SRE client-side adaptive throttling: reject locally with P = max(0, (requests − K·accepts)/(requests + 1)).
    SreAdaptive,
    /// AWS SDK adaptive mode (botocore `retries/adaptive.py`): the standard quota (`aws_*` costs) plus a CUBIC client-side rate limiter that, after the first throttle (a backend queue-full rejection), paces every attempt.
    AwsAdaptive,
}

/// A per-client retry budget. Each kind reads only its own fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawRetryBudget {
    /// Which budget.
    pub kind: RetryBudgetKind,
    /// AWS: bucket capacity, which is also the initial level, tokens (botocore `INITIAL_CAPACITY` 500).
    pub aws_capacity_tokens: f64,
    /// AWS `aws_standard`: cost of a retry after a generic error, tokens (5); `aws_standard_2026` uses 14.
    pub aws_retry_cost_tokens: f64,
    /// AWS `aws_standard`: cost of a retry after a timeout, tokens (10); `aws_standard_2026` uses 14.
    pub aws_timeout_retry_cost_tokens: f64,
    /// AWS quota: cost of a retry after a throttling error (the backend's queue-full rejections
    /// and operator throttles), tokens (5 in both cost schedules; Java v2 legacy 0).
    pub aws_throttle_retry_cost_tokens: f64,
    /// gRPC `maxTokens`, tokens, in (0, 1000] (example 10).
    pub grpc_max_tokens: f64,
    /// gRPC `tokenRatio`: tokens a successful attempt adds (example 0.1).
    pub grpc_token_ratio: f64,
    /// Envoy `budget_percent`: retries in flight allowed per active request, fraction (20 % = 0.2).
    pub envoy_budget_fraction: f64,
    /// Envoy `min_retry_concurrency`: retries in flight always allowed, retries (3).
    pub envoy_min_retry_concurrency: u32,
    /// Finagle `ttl`: how long deposits and withdrawals count, seconds (10, allowed 1–60).
    pub finagle_ttl_s: f64,
    /// Finagle `percentCanRetry`: retries allowed per request, fraction (0.2).
    pub finagle_retry_fraction: f64,
    /// Finagle `minRetriesPerSec`: retries allowed per second regardless of traffic, retries per second (10).
    pub finagle_min_retries_per_s: f64,
    /// SRE adaptive throttling multiplier K (2; 1.1 is aggressive), dimensionless.
    pub sre_multiplier: f64,
    /// SRE adaptive throttling history window, seconds (two minutes).
    pub sre_window_s: f64,
    /// AWS adaptive: the token bucket's lowest fill rate, tokens per second (botocore `TokenBucket._MIN_RATE` 0.5).
    pub aws_adaptive_min_rate_per_s: f64,
    /// AWS adaptive: EMA smoothing of the measured rate (botocore `RateClocker._DEFAULT_SMOOTHING` 0.8).
    pub aws_adaptive_smoothing: f64,
    /// AWS adaptive: width of the buckets the measured rate is counted in, seconds (`RateClocker._TIME_BUCKET_RANGE` 0.5).
    pub aws_adaptive_bucket_s: f64,
    /// AWS adaptive: CUBIC scale constant C, tokens/s per s³ (`CubicCalculator._SCALE_CONSTANT` 0.4).
    pub aws_adaptive_cubic_scale: f64,
    /// AWS adaptive: CUBIC multiplicative decrease β (`CubicCalculator._BETA` 0.7).
    pub aws_adaptive_beta: f64,
}

/// How a circuit breaker decides to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreakerKind {
    /// No breaker.
    None,
    /// Opens after `consecutive_failures` failed attempts in a row (Finagle FailureAccrual: 5).
    ConsecutiveFailures,
    /// Opens when the failure ratio of the last `window_calls` attempts reaches the threshold (resilience4j COUNT_BASED).
    CountWindow,
    /// Opens when the failure ratio of the attempts of the last `window_s` seconds reaches the threshold (resilience4j TIME_BASED).
    TimeWindow,
}

/// A per-client circuit breaker around each attempt (DNS lookup plus call).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawBreaker {
    /// Which breaker.
    pub kind: BreakerKind,
    /// Failure ratio at or above which the breaker opens, 0..=1 (resilience4j `failureRateThreshold` 50 %).
    pub failure_ratio_threshold: f64,
    /// Attempts in the window before the ratio is evaluated (resilience4j `minimumNumberOfCalls` 100).
    pub minimum_calls: u32,
    /// Size of a count window, attempts (resilience4j `slidingWindowSize` 100).
    pub window_calls: u32,
    /// Length of a time window, seconds (resilience4j `slidingWindowSize` read as seconds: 100).
    pub window_s: f64,
    /// Failures in a row that open a `consecutive_failures` breaker (Finagle FailureAccrual: 5).
    pub consecutive_failures: u32,
    /// How long the breaker stays open before letting probes through, seconds (resilience4j `waitDurationInOpenState` 60 s).
    pub open_s: f64,
    /// Probe attempts let through when half-open (resilience4j `permittedNumberOfCallsInHalfOpenState` 10).
    pub half_open_calls: u32,
}

impl RawScenario {
    /// The resolvers in resolv.conf order: `resolvers`, or the single `[resolver]` section.
    pub fn resolver_list(&self) -> &[RawResolver] {
        if self.resolvers.is_empty() {
            std::slice::from_ref(&self.resolver)
        } else {
            &self.resolvers
        }
    }

    /// The first resolver, wherever it is written (what the `resolver.*` parameters edit).
    pub fn first_resolver_mut(&mut self) -> &mut RawResolver {
        if self.resolvers.is_empty() {
            &mut self.resolver
        } else {
            &mut self.resolvers[0]
        }
    }

    /// Sets the number of resolvers: one keeps the `[resolver]` form; more move the first into
    /// `resolvers` and fill the list with copies of it (or drop the last ones).
    pub fn set_resolver_count(&mut self, count: usize) {
        let count = count.max(1);
        if count == 1 {
            if let Some(first) = self.resolvers.first().cloned() {
                self.resolver = first;
                self.resolvers.clear();
            }
            return;
        }
        if self.resolvers.is_empty() {
            self.resolvers.push(std::mem::take(&mut self.resolver));
        }
        let first = self.resolvers[0].clone();
        self.resolvers.resize(count, first);
    }
}

impl Default for RawScenario {
    fn default() -> Self {
        RawScenario {
            version: FORMAT_VERSION,
            title: String::new(),
            run: RawRun::default(),
            fleet: RawFleet::default(),
            fleets: Vec::new(),
            services: Vec::new(),
            names: Vec::new(),
            client_dns: RawClientDns::default(),
            dns: RawDns::default(),
            resolver: RawResolver::default(),
            resolvers: Vec::new(),
            retry: RawRetry::default(),
            retry_budget: RawRetryBudget::default(),
            breaker: RawBreaker::default(),
            hedging: RawHedging::default(),
            backend: RawBackend::default(),
            identity: RawIdentity::default(),
            telemetry: RawTelemetry::default(),
            lease: RawLease::default(),
            cost: RawCost::default(),
            faults: Vec::new(),
        }
    }
}

impl Default for RawRun {
    fn default() -> Self {
        RawRun {
            duration_s: 600.0,
            bucket_s: 5.0,
            seed: 1,
            event_budget: 200_000_000,
            recovery_window_s: 300.0,
        }
    }
}

impl Default for RawFleet {
    fn default() -> Self {
        RawFleet {
            clients: 1000,
            request_rate_per_client_per_s: 1.0,
            attempt_timeout_ms: 1000.0,
            cold_start: false,
            connection_lifetime_s: 0.0,
            deadline_ms: 0.0,
            scale_max_clients: 100_000,
        }
    }
}

impl Default for RawClientDns {
    fn default() -> Self {
        RawClientDns {
            cache: ClientCacheMode::RecordTtl,
            fixed_ttl_s: 30.0,
            negative_ttl_s: 10.0,
            lookup_timeout_ms: 5000.0,
            lookup_attempts: 2,
            rotate: false,
            lookups_in_flight_max: 0,
            stale_max_s: 0.0,
            prefetch_s: 0.0,
        }
    }
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

impl Default for RawHedging {
    fn default() -> Self {
        RawHedging {
            max_attempts: 1,
            delay_ms: 500.0,
        }
    }
}

impl Default for RawRetry {
    fn default() -> Self {
        RawRetry {
            attempts_max: 4,
            backoff: BackoffKind::Exponential,
            backoff_base_ms: 100.0,
            backoff_max_ms: 5000.0,
            jitter: JitterKind::Full,
            on_dns_failure: true,
            on_timeout: true,
            on_rejected: true,
            on_server_error: true,
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

impl Default for RawLease {
    fn default() -> Self {
        RawLease {
            lifetime_s: 0.0,
            reestablish_work_factor: 1.0,
        }
    }
}

impl Default for RawIdentity {
    fn default() -> Self {
        RawIdentity {
            token_lifetime_s: 0.0,
            fetch_latency_ms: 50.0,
            fallback: TokenFallback::None,
            grace_s: 900.0,
        }
    }
}

impl Default for RawTelemetry {
    fn default() -> Self {
        RawTelemetry {
            mode: TelemetryMode::Off,
            latency_ms: 5.0,
            timeout_ms: 10_000.0,
        }
    }
}

impl Default for RawCost {
    fn default() -> Self {
        RawCost {
            per_failed_request: 0.01,
            per_minute_down: 0.0,
            slo_target: 0.999,
        }
    }
}

impl Default for RawFault {
    fn default() -> Self {
        RawFault {
            kind: FaultKind::DnsEmpty,
            start_s: 0.0,
            end_s: 0.0,
            fraction: 1.0,
            factor: 1.0,
            latency_ms: 0.0,
            flap_period_s: 0.0,
            target: FAULT_TARGET_ZONE.to_string(),
            rate_per_s: 0.0,
            flush_queue: false,
        }
    }
}

impl Default for RawRetryBudget {
    fn default() -> Self {
        RawRetryBudget {
            kind: RetryBudgetKind::None,
            aws_capacity_tokens: 500.0,
            aws_retry_cost_tokens: 5.0,
            aws_timeout_retry_cost_tokens: 10.0,
            aws_throttle_retry_cost_tokens: 5.0,
            grpc_max_tokens: 10.0,
            grpc_token_ratio: 0.1,
            envoy_budget_fraction: 0.2,
            envoy_min_retry_concurrency: 3,
            finagle_ttl_s: 10.0,
            finagle_retry_fraction: 0.2,
            finagle_min_retries_per_s: 10.0,
            sre_multiplier: 2.0,
            sre_window_s: 120.0,
            aws_adaptive_min_rate_per_s: 0.5,
            aws_adaptive_smoothing: 0.8,
            aws_adaptive_bucket_s: 0.5,
            aws_adaptive_cubic_scale: 0.4,
            aws_adaptive_beta: 0.7,
        }
    }
}

impl Default for RawBreaker {
    fn default() -> Self {
        RawBreaker {
            kind: BreakerKind::None,
            failure_ratio_threshold: 0.5,
            minimum_calls: 100,
            window_calls: 100,
            window_s: 100.0,
            consecutive_failures: 5,
            open_s: 60.0,
            half_open_calls: 10,
        }
    }
}
