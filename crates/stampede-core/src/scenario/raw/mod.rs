//! The raw, serde-friendly scenario: what a TOML or JSON file, a URL query or a preset holds.
//!
//! Owns: field names, defaults and the wire layout of a scenario. Every field has a default, so a
//! one-service scenario is short to write.
//! Must not: be read by the engine. The engine only sees a validated [`crate::Scenario`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod faults;
mod retries;
mod servers;

pub use faults::*;
pub use retries::*;
pub use servers::*;

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
