//! Validation: a [`RawScenario`] becomes a [`Scenario`] or a list of every problem found.
//!
//! Owns: range checks (from the parameter registry) and cross-field rules, unit conversion into
//! [`SimTime`], and the field path of every problem.
//! Must not: stop at the first problem, or panic on any input.

use super::params::PARAMS;
use super::raw::{
    BackoffKind, BreakerKind, ClientCacheMode, FAULT_TARGET_ZONE, FORMAT_VERSION, FaultKind,
    JitterKind, QueueDiscipline, RawBreaker, RawResolver, RawRetryBudget, RawScenario,
    RetryBudgetKind, RoutingPolicy, ServiceTimeLaw, TelemetryMode, TokenFallback,
};
use crate::time::SimTime;

/// One problem in a scenario, with the path of the offending field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Dotted path of the field, e.g. `faults[1].end_s`.
    pub path: String,
    /// What is wrong, for people.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem found in a scenario. Never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The problems, in field order.
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Hard limits that keep every run bounded, whatever the input.
pub mod limits {
    /// Largest simulated horizon, seconds (two days).
    pub const DURATION_S_MAX: f64 = 172_800.0;
    /// Most metric buckets in one run.
    pub const BUCKETS_MAX: u64 = 20_000;
    /// Most faults in one scenario.
    pub const FAULTS_MAX: usize = 64;
    /// Largest event budget.
    pub const EVENT_BUDGET_MAX: u64 = 10_000_000_000;
    /// Most resolvers a client uses (glibc `MAXNS` and Go's resolv.conf parser: 3 nameservers).
    pub const RESOLVERS_MAX: usize = 3;
    /// Shortest flapping period, seconds (shorter periods would flood the run with fault edges).
    pub const FLAP_PERIOD_S_MIN: f64 = 0.1;
    /// Most regions (a failover pair: primary and secondary).
    pub const REGIONS_MAX: u32 = 2;
    /// Most client classes (`[[fleets]]`).
    pub const FLEETS_MAX: usize = 8;
    /// Most further services (`[[services]]`).
    pub const SERVICES_MAX: usize = 8;
    /// Most further names (`[[names]]`).
    pub const NAMES_MAX: usize = 8;
    /// Most calls a class makes before its main one.
    pub const DEPENDENCIES_MAX: usize = 4;
}

/// Where a DNS fault strikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultTarget {
    /// The authoritative zone: every resolver sees it on its upstream queries.
    Zone,
    /// One resolver (index in [`Scenario::resolvers`]), on every query it receives.
    Resolver(usize),
    /// A backend slot, where backend faults strike: the main service's regions first (0 =
    /// primary), then each further service's regions (`service:<name>` resolves to its
    /// primary's slot, `service:<name>/region:<index>` to that region's).
    Region(usize),
    /// A further DNS name (index in [`Scenario::names`], ≥ 1; the main name is [`FaultTarget::Zone`]),
    /// as its authoritative zone answers it.
    Name(usize),
    /// A client class (index in [`Scenario::fleets`]): where a `dns_override` applies.
    Class(usize),
    /// The identity service that issues tokens.
    Identity,
    /// The telemetry collector.
    Telemetry,
}

impl FaultTarget {
    /// Parses `"zone"`, `"resolver:<index>"`, `"region:<index>"`, `"identity"` or `"telemetry"`.
    pub fn parse(text: &str) -> Option<FaultTarget> {
        match text {
            FAULT_TARGET_ZONE => return Some(FaultTarget::Zone),
            "identity" => return Some(FaultTarget::Identity),
            "telemetry" => return Some(FaultTarget::Telemetry),
            _ => {}
        }
        if let Some(index) = text.strip_prefix("region:") {
            return index.parse::<usize>().ok().map(FaultTarget::Region);
        }
        let index = text.strip_prefix("resolver:")?.parse::<usize>().ok()?;
        Some(FaultTarget::Resolver(index))
    }
}

/// Resolves a target written with names (`name:<dns name>`, `service:<name>`) against the
/// scenario's names and services; other targets parse as [`FaultTarget::parse`] does.
pub fn resolve_target(raw: &RawScenario, text: &str) -> Option<FaultTarget> {
    if let Some(name) = text.strip_prefix("name:") {
        if name == raw.dns.name {
            return Some(FaultTarget::Zone);
        }
        return raw
            .names
            .iter()
            .position(|n| n.name == name)
            .map(|i| FaultTarget::Name(i + 1));
    }
    if let Some(name) = text.strip_prefix("class:") {
        return raw
            .fleets
            .iter()
            .position(|c| c.name == name)
            .map(FaultTarget::Class);
    }
    if text.starts_with("service:") {
        let (service, region) = service_target(raw, text)?;
        // A region index past any service's regions is a problem reported with the target, not
        // an overflow here.
        return raw_service_slot(raw, service)
            .checked_add(region)
            .map(FaultTarget::Region);
    }
    FaultTarget::parse(text)
}

/// The service (index: 0 = the main backend, then `[[services]]`) and region a
/// `"service:<name>"` or `"service:<name>/region:<index>"` target names; the region is not
/// checked against the service's regions.
pub fn service_target(raw: &RawScenario, text: &str) -> Option<(usize, usize)> {
    let rest = text.strip_prefix("service:")?;
    let find = |name: &str| {
        if name == raw.backend.name {
            return Some(0);
        }
        raw.services
            .iter()
            .position(|s| s.name == name)
            .map(|i| i + 1)
    };
    // A service whose name contains `/region:` is found by its whole name first.
    if let Some(service) = find(rest) {
        return Some((service, 0));
    }
    let (name, region) = rest.rsplit_once("/region:")?;
    Some((find(name)?, region.parse::<usize>().ok()?))
}

/// Name of a service of the raw scenario (0 = the main backend).
fn raw_service_name(raw: &RawScenario, service: usize) -> &str {
    if service == 0 {
        &raw.backend.name
    } else {
        raw.services
            .get(service - 1)
            .map_or("", |s| s.name.as_str())
    }
}

/// Regions of a service of the raw scenario (0 = the main backend), at least 1.
fn raw_service_regions(raw: &RawScenario, service: usize) -> usize {
    let regions = if service == 0 {
        raw.backend.regions
    } else {
        raw.services.get(service - 1).map_or(1, |s| s.regions)
    };
    regions.clamp(1, limits::REGIONS_MAX) as usize
}

/// First backend slot of a service of the raw scenario (its primary region): the main backend's
/// regions come first, then each further service's.
fn raw_service_slot(raw: &RawScenario, service: usize) -> usize {
    (0..service).map(|s| raw_service_regions(raw, s)).sum()
}

/// Where a fault of `kind` written with `target` strikes: a dependency target whatever the kind;
/// otherwise DNS kinds strike the zone, a name or a resolver and backend kinds a backend slot
/// (the primary unless a region or service is named); a target that does not apply to the kind
/// is ignored.
pub fn effective_target(raw: &RawScenario, kind: FaultKind, target: &str) -> FaultTarget {
    let parsed = resolve_target(raw, target);
    match parsed {
        Some(t @ (FaultTarget::Identity | FaultTarget::Telemetry)) => t,
        Some(t @ FaultTarget::Class(_)) if kind == FaultKind::DnsOverride => t,
        Some(t @ (FaultTarget::Zone | FaultTarget::Resolver(_) | FaultTarget::Name(_)))
            if is_dns_fault(kind) =>
        {
            t
        }
        Some(t @ FaultTarget::Region(_)) if !is_dns_fault(kind) => t,
        _ if is_dns_fault(kind) => FaultTarget::Zone,
        _ => FaultTarget::Region(0),
    }
}

/// Whether a fault kind acts on DNS (and so has a target).
pub fn is_dns_fault(kind: FaultKind) -> bool {
    matches!(
        kind,
        FaultKind::DnsTimeout
            | FaultKind::DnsServfail
            | FaultKind::DnsEmpty
            | FaultKind::DnsLatency
    )
}

/// A validated recursive resolver.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolverConfig {
    /// Answers per second.
    pub capacity_qps: f64,
    /// Cache-hit latency.
    pub latency: SimTime,
    /// Latency when asking upstream.
    pub upstream_latency: SimTime,
    /// Negative TTL cap.
    pub negative_ttl: SimTime,
    /// Positive TTL cap.
    pub max_ttl: SimTime,
    /// Serve-stale (RFC 8767).
    pub serve_stale: bool,
    /// TTL of a stale answer.
    pub stale_answer_ttl: SimTime,
    /// Queries per second one simulated client may send it (already multiplied by the client
    /// scale factor), queries per second; 0 = no limit.
    pub per_client_qps_limit: f64,
}

/// Route 53 failover routing with a health check on the primary region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failover {
    /// Health-check interval.
    pub interval: SimTime,
    /// Consecutive failed (or passed) checks that change the primary's status, checks.
    pub failure_threshold: u32,
    /// Delay before a changed answer is served by every name server.
    pub propagation: SimTime,
}

/// A validated identity-token dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    /// Lifetime of a token.
    pub token_lifetime: SimTime,
    /// Time to fetch one.
    pub fetch_latency: SimTime,
    /// How long after expiry an expired token may still be used when a fetch fails; zero without
    /// the cached fallback.
    pub grace: SimTime,
}

/// A validated telemetry call (never [`TelemetryMode::Off`] here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Telemetry {
    /// Whether the request waits for it.
    pub sync: bool,
    /// Time of a successful call.
    pub latency: SimTime,
    /// Longest wait for a collector that does not answer.
    pub timeout: SimTime,
}

/// A validated hedging policy (gRPC `hedgingPolicy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hedging {
    /// Attempts per request, the first included, 2..=5.
    pub max_attempts: u32,
    /// Delay between sends.
    pub delay: SimTime,
}

/// A validated fault.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// What it does.
    pub kind: FaultKind,
    /// Start.
    pub start: SimTime,
    /// End (exclusive).
    pub end: SimTime,
    /// Fraction affected, 0..=1.
    pub fraction: f64,
    /// Slowdown multiplier, ≥ 1.
    pub factor: f64,
    /// Added latency of `dns_latency`.
    pub latency: SimTime,
    /// Flapping period; zero = steady. In force during the first half of each period.
    pub flap_period: SimTime,
    /// Where the fault strikes (see [`effective_target`]): the zone or a resolver for DNS kinds,
    /// a region for backend kinds, or a dependency.
    pub target: FaultTarget,
    /// Admissions per second of a `throttle`.
    pub rate_per_s: f64,
    /// Whether a `throttle` drops the queued work when it starts.
    pub flush_queue: bool,
}

impl Fault {
    /// Whether the fault is in force at `t`.
    pub fn active(&self, t: SimTime) -> bool {
        self.start <= t
            && t < self.end
            && (self.flap_period.0 == 0
                || (t.0 - self.start.0) % self.flap_period.0 < self.flap_period.0.div_ceil(2))
    }

    /// The first time after `t` at which [`Fault::active`] changes, if it changes again before
    /// the end (the end itself is not returned: it is scheduled once, up front).
    pub fn next_flap_edge(&self, t: SimTime) -> Option<SimTime> {
        if self.flap_period.0 == 0 || t < self.start {
            return None;
        }
        // In force while (t − start) mod period < ⌈period/2⌉: on at start + j·period, off at
        // start + j·period + ⌈period/2⌉.
        let period = self.flap_period.0;
        let (j, r) = ((t.0 - self.start.0) / period, (t.0 - self.start.0) % period);
        let half = period.div_ceil(2);
        let next = SimTime(if r < half {
            self.start.0 + j * period + half
        } else {
            self.start.0 + (j + 1) * period
        });
        (next < self.end).then_some(next)
    }

    /// The intervals during which the fault is in force, in order.
    pub fn active_windows(&self) -> impl Iterator<Item = (SimTime, SimTime)> + '_ {
        let period = self.flap_period.0;
        let count = if period == 0 {
            1
        } else {
            (self.end.0 - self.start.0).div_ceil(period)
        };
        (0..count).map(move |j| {
            if period == 0 {
                (self.start, self.end)
            } else {
                let on = self.start.0 + j * period;
                let off = on + period.div_ceil(2);
                (SimTime(on), SimTime(off.min(self.end.0)))
            }
        })
    }
}

/// Cost of every retry under the AWS SDKs' 2026 retry behaviour, tokens (botocore `_RETRY_COST_V2`).
pub const AWS_2026_RETRY_COST_TOKENS: u32 = 14;
/// Quota cost of a retry after a throttling error with the 2026 defaults (discounted; botocore
/// `_THROTTLING_RETRY_COST`, JS `throttlingCost()`), tokens.
pub const AWS_2026_THROTTLE_RETRY_COST_TOKENS: u32 = 5;

/// A validated per-client retry budget, with the parameters its kind reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RetryBudget {
    /// No budget.
    None,
    /// AWS standard-mode retry quota (both cost schedules).
    Aws {
        /// Bucket capacity and initial level, tokens.
        capacity_tokens: u32,
        /// Cost of a retry after a generic error, tokens.
        retry_cost_tokens: u32,
        /// Cost of a retry after a timeout, tokens.
        timeout_retry_cost_tokens: u32,
        /// Cost of a retry after a throttling error, tokens.
        throttle_retry_cost_tokens: u32,
    },
    /// gRPC retry throttling.
    Grpc {
        /// `maxTokens`, tokens.
        max_tokens: f64,
        /// `tokenRatio`, tokens per successful attempt.
        token_ratio: f64,
    },
    /// Envoy retry budget.
    Envoy {
        /// `budget_percent` as a fraction of active requests.
        budget_fraction: f64,
        /// `min_retry_concurrency`, retries.
        min_retry_concurrency: u32,
    },
    /// Finagle retry budget.
    Finagle {
        /// Deposit and withdrawal lifetime.
        ttl: SimTime,
        /// `percentCanRetry` as a fraction.
        retry_fraction: f64,
        /// `minRetriesPerSec`, retries per second.
        min_retries_per_s: f64,
    },
    /// Google SRE client-side adaptive throttling.
    SreAdaptive {
        /// Multiplier K, dimensionless.
        multiplier: f64,
        /// History window.
        window: SimTime,
    },
    /// AWS SDK adaptive mode: the standard quota plus a CUBIC client-side rate limiter.
    AwsAdaptive {
        /// Quota capacity and initial level, tokens.
        capacity_tokens: u32,
        /// Quota cost of a retry, tokens.
        retry_cost_tokens: u32,
        /// Quota cost of a retry after a timeout, tokens.
        timeout_retry_cost_tokens: u32,
        /// Quota cost of a retry after a throttling error, tokens.
        throttle_retry_cost_tokens: u32,
        /// Lowest fill rate of the limiter's bucket, tokens per second.
        min_rate_per_s: f64,
        /// EMA smoothing of the measured rate, 0..=1.
        smoothing: f64,
        /// Width of the measured rate's buckets (non-zero).
        rate_bucket: SimTime,
        /// CUBIC scale constant C, tokens per second per s³.
        cubic_scale: f64,
        /// CUBIC multiplicative decrease β, 0..1.
        beta: f64,
    },
}

impl RetryBudget {
    fn from_raw(raw: &RawRetryBudget) -> RetryBudget {
        let aws = |retry: f64, timeout: f64, throttle: f64| RetryBudget::Aws {
            capacity_tokens: raw.aws_capacity_tokens as u32,
            retry_cost_tokens: retry as u32,
            timeout_retry_cost_tokens: timeout as u32,
            throttle_retry_cost_tokens: throttle as u32,
        };
        match raw.kind {
            RetryBudgetKind::None => RetryBudget::None,
            RetryBudgetKind::AwsStandard => aws(
                raw.aws_retry_cost_tokens,
                raw.aws_timeout_retry_cost_tokens,
                raw.aws_throttle_retry_cost_tokens,
            ),
            RetryBudgetKind::AwsStandard2026 => aws(
                f64::from(AWS_2026_RETRY_COST_TOKENS),
                f64::from(AWS_2026_RETRY_COST_TOKENS),
                f64::from(AWS_2026_THROTTLE_RETRY_COST_TOKENS),
            ),
            RetryBudgetKind::GrpcThrottling => RetryBudget::Grpc {
                max_tokens: raw.grpc_max_tokens,
                token_ratio: raw.grpc_token_ratio,
            },
            RetryBudgetKind::Envoy => RetryBudget::Envoy {
                budget_fraction: raw.envoy_budget_fraction,
                min_retry_concurrency: raw.envoy_min_retry_concurrency,
            },
            RetryBudgetKind::Finagle => RetryBudget::Finagle {
                ttl: SimTime::from_s(raw.finagle_ttl_s),
                retry_fraction: raw.finagle_retry_fraction,
                min_retries_per_s: raw.finagle_min_retries_per_s,
            },
            RetryBudgetKind::SreAdaptive => RetryBudget::SreAdaptive {
                multiplier: raw.sre_multiplier,
                window: SimTime::from_s(raw.sre_window_s),
            },
            RetryBudgetKind::AwsAdaptive => RetryBudget::AwsAdaptive {
                capacity_tokens: raw.aws_capacity_tokens as u32,
                retry_cost_tokens: raw.aws_retry_cost_tokens as u32,
                timeout_retry_cost_tokens: raw.aws_timeout_retry_cost_tokens as u32,
                throttle_retry_cost_tokens: raw.aws_throttle_retry_cost_tokens as u32,
                min_rate_per_s: raw.aws_adaptive_min_rate_per_s,
                smoothing: raw.aws_adaptive_smoothing,
                rate_bucket: SimTime::from_s(raw.aws_adaptive_bucket_s).max(SimTime(1)),
                cubic_scale: raw.aws_adaptive_cubic_scale,
                beta: raw.aws_adaptive_beta,
            },
        }
    }
}

/// A validated per-client circuit breaker.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Breaker {
    /// How it decides to open (never [`BreakerKind::None`] here).
    pub kind: BreakerKind,
    /// Failure ratio at or above which it opens, 0..=1.
    pub failure_ratio_threshold: f64,
    /// Attempts in the window before the ratio counts.
    pub minimum_calls: u32,
    /// Count window size, attempts.
    pub window_calls: u32,
    /// Time window length.
    pub window: SimTime,
    /// Failures in a row that open a consecutive-failures breaker.
    pub consecutive_failures: u32,
    /// Time spent open before probes are let through.
    pub open: SimTime,
    /// Probes let through when half-open.
    pub half_open_calls: u32,
}

impl Breaker {
    fn from_raw(raw: &RawBreaker) -> Option<Breaker> {
        (raw.kind != BreakerKind::None).then(|| Breaker {
            kind: raw.kind,
            failure_ratio_threshold: raw.failure_ratio_threshold,
            minimum_calls: raw.minimum_calls,
            window_calls: raw.window_calls,
            window: SimTime::from_s(raw.window_s),
            consecutive_failures: raw.consecutive_failures,
            open: SimTime::from_s(raw.open_s),
            half_open_calls: raw.half_open_calls,
        })
    }
}

/// A scenario the engine can run: every field checked, durations in [`SimTime`].
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The raw form it came from (for reports, URLs and display).
    pub raw: RawScenario,
    /// Horizon.
    pub duration: SimTime,
    /// Metric bucket width.
    pub bucket: SimTime,
    /// Seed.
    pub seed: u64,
    /// Event budget.
    pub event_budget: u64,
    /// Number of real clients (see `simulated_clients`).
    pub clients: u64,
    /// Per-client request rate, requests per second.
    pub request_rate_per_client_per_s: f64,
    /// Per-attempt timeout.
    pub attempt_timeout: SimTime,
    /// Cold start of client caches.
    pub cold_start: bool,
    /// Client cache mode.
    pub client_cache: ClientCacheMode,
    /// Positive TTL a client applies (record TTL or fixed override); zero when not caching.
    pub client_ttl: SimTime,
    /// Negative TTL a client applies.
    pub client_negative_ttl: SimTime,
    /// One resolver try.
    pub lookup_timeout: SimTime,
    /// Tries per lookup.
    pub lookup_attempts: u32,
    /// Record TTL.
    pub record_ttl: SimTime,
    /// The resolvers in resolv.conf order (at least one, at most [`limits::RESOLVERS_MAX`]).
    pub resolvers: Vec<ResolverConfig>,
    /// Start each lookup at the next resolver in turn (resolv.conf `rotate`).
    pub rotate: bool,
    /// Real clients each simulated client stands for (1 = every client simulated), clients.
    pub client_scale: u64,
    /// Clients simulated: ⌈clients / client_scale⌉, clients.
    pub simulated_clients: u64,
    /// Attempts per request including the first (1 when hedging replaces retries).
    pub attempts_max: u32,
    /// Hedged attempts, if on.
    pub hedging: Option<Hedging>,
    /// Backoff growth.
    pub backoff: BackoffKind,
    /// Backoff base, milliseconds.
    pub backoff_base_ms: f64,
    /// Backoff cap, milliseconds.
    pub backoff_max_ms: f64,
    /// Jitter.
    pub jitter: JitterKind,
    /// Backend workers.
    pub workers: u32,
    /// Service-time law.
    pub service_time: ServiceTimeLaw,
    /// Mean service time, milliseconds.
    pub service_ms_mean: f64,
    /// Queue capacity.
    pub queue_capacity: u32,
    /// Waiting-queue order.
    pub queue_discipline: QueueDiscipline,
    /// Log-normal spread (standard deviation of the log of the service time), dimensionless.
    pub service_sigma: f64,
    /// Drop queued work whose client gave up.
    pub drop_abandoned: bool,
    /// Pooled connection lifetime; zero = a new connection per attempt.
    pub connection_lifetime: SimTime,
    /// Overall request deadline; zero = none.
    pub deadline: SimTime,
    /// Per-client retry budget.
    pub retry_budget: RetryBudget,
    /// Per-client circuit breaker, if any.
    pub breaker: Option<Breaker>,
    /// Cost of one failed request.
    pub cost_per_failed_request: f64,
    /// Faults, sorted by start.
    pub faults: Vec<Fault>,
    /// Backend regions, 1..=[`limits::REGIONS_MAX`]; region 0 is the primary.
    pub regions: u32,
    /// Failover routing, if the name uses it (then `regions` is 2).
    pub failover: Option<Failover>,
    /// Lookups one simulated client runs at once (the per-client cap × the client scale); 0 = unlimited.
    pub lookups_in_flight_max: u32,
    /// Client-side serve-stale: an answer that expired less than this long ago is used when a
    /// lookup fails; zero = off (or when the client does not cache).
    pub client_stale_max: SimTime,
    /// Identity-token dependency, if any.
    pub identity: Option<Identity>,
    /// Telemetry call, if any.
    pub telemetry: Option<Telemetry>,
    /// Client prefetch window (zero = off, and off without a client cache).
    pub client_prefetch: SimTime,
    /// Leases between clients and the backend, if any.
    pub lease: Option<Lease>,
    /// Every service: the main backend first, then `[[services]]` in order.
    pub services: Vec<ServiceConfig>,
    /// Every DNS name: the main one first, then `[[names]]` in order.
    pub names: Vec<NameConfig>,
    /// The name (index in `names`) this scenario's clients call: 0 except in a class that
    /// calls another.
    pub calls: usize,
    /// Calls made before the main one, in order (a class's `depends_on`; empty otherwise).
    pub dependencies: Vec<Dependency>,
    /// Which failures are retried: DNS failure, timeout, rejection, server error.
    pub retry_on: RetryOn,
    /// Client classes (`[[fleets]]`) in order, their simulated clients laid out one class after
    /// the other; empty = one fleet, configured by this scenario's own client fields.
    pub fleets: Vec<FleetClass>,
    /// Largest fraction of workers failing health checks may take out (velocity control).
    pub health_check_removal_max_fraction: f64,
}

/// A validated service.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceConfig {
    /// Its name.
    pub name: String,
    /// Concurrent workers.
    pub workers: u32,
    /// Service-time law.
    pub service_time: ServiceTimeLaw,
    /// Mean service time, ms.
    pub service_ms_mean: f64,
    /// Log-normal spread.
    pub service_sigma: f64,
    /// Queue capacity.
    pub queue_capacity: u32,
    /// Queue discipline.
    pub queue_discipline: QueueDiscipline,
    /// Drop abandoned work.
    pub drop_abandoned: bool,
    /// Regions (identical copies), 1..=[`limits::REGIONS_MAX`]; region 0 is the primary. The
    /// main service's is [`Scenario::regions`].
    pub regions: u32,
}

/// A validated DNS name.
#[derive(Clone, Debug, PartialEq)]
pub struct NameConfig {
    /// The name.
    pub name: String,
    /// The service it answers (index in [`Scenario::services`]).
    pub service: usize,
    /// Its record TTL.
    pub record_ttl: SimTime,
    /// Its failover routing and health check, if it uses them (then its service has 2
    /// regions). The main name's is also [`Scenario::failover`].
    pub failover: Option<Failover>,
    /// The resolvers its lookups go to (indices in [`Scenario::resolvers`]), in the order a
    /// client tries them: its conditional-forwarding list, or every resolver in resolv.conf
    /// order. Never empty, no index twice.
    pub resolvers: Vec<usize>,
}

/// Which failure causes a retry policy retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryOn {
    /// Empty answer, SERVFAIL, lookup timeout.
    pub dns_failure: bool,
    /// Attempt timeout.
    pub timeout: bool,
    /// Queue full, operator throttle.
    pub rejected: bool,
    /// 5xx, region refusing connections.
    pub server_error: bool,
}

/// A validated call made before the main one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The name called (index in [`Scenario::names`]).
    pub name: usize,
    /// Whether its failure fails the request.
    pub required: bool,
}

/// Sections of a scenario that may differ between client classes.
pub const CLIENT_SECTIONS: [&str; 6] = [
    "fleet",
    "client_dns",
    "retry",
    "retry_budget",
    "breaker",
    "hedging",
];

/// A validated client class.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetClass {
    /// Its name.
    pub name: String,
    /// The class as a whole scenario: its client fields (cache, retries, budget, breaker,
    /// hedging, timeouts, pooling, size and rate) apply to its clients; every other field is the
    /// top-level scenario's.
    pub scenario: Box<Scenario>,
    /// Index of its first simulated client.
    pub first_client: u64,
}

/// Validated leases (see [`crate::scenario::raw::RawLease`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lease {
    /// How long a lease lasts after its last successful renewal.
    pub lifetime: SimTime,
    /// Service-time multiple of a re-establishment.
    pub reestablish_work_factor: f64,
}

impl TryFrom<RawScenario> for Scenario {
    type Error = ScenarioError;

    fn try_from(raw: RawScenario) -> Result<Scenario, ScenarioError> {
        let mut problems = Vec::new();
        let mut problem = |path: String, message: String| problems.push(Problem { path, message });

        if raw.version != FORMAT_VERSION {
            problem(
                "version".into(),
                format!(
                    "unsupported format version {}, expected {FORMAT_VERSION}",
                    raw.version
                ),
            );
        }
        // The outage keys edit `faults[0]` and the resolver count reads the list: both are checked
        // field by field below.
        for param in PARAMS
            .iter()
            .filter(|p| !p.key.starts_with("outage.") && p.key != "resolvers.count")
        {
            if let Err(message) = param.check((param.get)(&raw)) {
                problem(param.key.to_string(), message);
            }
        }
        if raw.run.bucket_s.is_nan() || raw.run.bucket_s < 0.01 {
            problem(
                "run.bucket_s".into(),
                format!("must be at least 0.01 s, got {}", raw.run.bucket_s),
            );
        } else if raw.run.duration_s.is_finite()
            && raw.run.duration_s / raw.run.bucket_s > limits::BUCKETS_MAX as f64
        {
            problem(
                "run.bucket_s".into(),
                format!(
                    "{} s over {} s buckets gives more than {} buckets; widen the buckets",
                    raw.run.duration_s,
                    raw.run.bucket_s,
                    limits::BUCKETS_MAX
                ),
            );
        }
        if raw.run.event_budget == 0 || raw.run.event_budget > limits::EVENT_BUDGET_MAX {
            problem(
                "run.event_budget".into(),
                format!(
                    "must be between 1 and {}, got {}",
                    limits::EVENT_BUDGET_MAX,
                    raw.run.event_budget
                ),
            );
        }
        check_resolvers(&raw, &mut problem);
        check_services_and_names(&raw, &mut problem);
        check_forwarding(&raw, &mut problem);
        if raw.dns.routing == RoutingPolicy::Failover && raw.backend.regions < 2 {
            problem(
                "dns.routing".into(),
                "failover routing needs a secondary region: set backend.regions = 2".into(),
            );
        }
        if raw.retry.backoff_max_ms < raw.retry.backoff_base_ms {
            problem(
                "retry.backoff_max_ms".into(),
                format!(
                    "the cap ({} ms) is below the base ({} ms)",
                    raw.retry.backoff_max_ms, raw.retry.backoff_base_ms
                ),
            );
        }
        if raw.faults.len() > limits::FAULTS_MAX {
            problem(
                "faults".into(),
                format!(
                    "at most {} faults, got {}",
                    limits::FAULTS_MAX,
                    raw.faults.len()
                ),
            );
        }
        for (i, fault) in raw.faults.iter().enumerate() {
            let path = |field: &str| format!("faults[{i}].{field}");
            if !(fault.start_s.is_finite() && fault.start_s >= 0.0) {
                problem(
                    path("start_s"),
                    format!("must be a time ≥ 0 s, got {}", fault.start_s),
                );
            }
            if !(fault.end_s.is_finite() && fault.end_s >= fault.start_s) {
                problem(
                    path("end_s"),
                    format!(
                        "must not be before start_s ({} s), got {}",
                        fault.start_s, fault.end_s
                    ),
                );
            }
            if !(0.0..=1.0).contains(&fault.fraction) {
                problem(
                    path("fraction"),
                    format!("must be between 0 and 1, got {}", fault.fraction),
                );
            }
            if !(fault.latency_ms.is_finite() && (0.0..=60_000.0).contains(&fault.latency_ms)) {
                problem(
                    path("latency_ms"),
                    format!("must be between 0 and 60000 ms, got {}", fault.latency_ms),
                );
            }
            let period = fault.flap_period_s;
            if !(period == 0.0
                || (period.is_finite()
                    && (limits::FLAP_PERIOD_S_MIN..=limits::DURATION_S_MAX).contains(&period)))
            {
                problem(
                    path("flap_period_s"),
                    format!(
                        "must be 0 (steady) or between {} and {} s, got {period}",
                        limits::FLAP_PERIOD_S_MIN,
                        limits::DURATION_S_MAX
                    ),
                );
            }
            match resolve_target(&raw, &fault.target) {
                None => problem(
                    path("target"),
                    format!(
                        "must be \"zone\", \"resolver:<index>\", \"region:<index>\", \"name:<dns name>\", \"service:<name>\", \"service:<name>/region:<index>\", \"class:<name>\" (dns_override), \"identity\" or \"telemetry\", got \"{}\"",
                        fault.target
                    ),
                ),
                Some(_) if fault.target.starts_with("service:") && is_dns_fault(fault.kind) => {
                    problem(
                        path("target"),
                        format!(
                            "a DNS fault strikes a name (\"name:<dns name>\"), not a service: \"{}\"",
                            fault.target
                        ),
                    )
                }
                Some(_) if fault.target.starts_with("name:") && !is_dns_fault(fault.kind) => {
                    problem(
                        path("target"),
                        format!(
                            "a {:?} fault strikes a service (\"service:<name>\"), not a name: \"{}\"",
                            fault.kind, fault.target
                        ),
                    )
                }
                Some(FaultTarget::Class(_)) if fault.kind != FaultKind::DnsOverride => problem(
                    path("target"),
                    format!(
                        "only a dns_override aims at a client class: \"{}\"",
                        fault.target
                    ),
                ),
                Some(FaultTarget::Region(_)) if fault.target.starts_with("service:") => {
                    if let Some((service, region)) = service_target(&raw, &fault.target) {
                        let regions = raw_service_regions(&raw, service);
                        if region >= regions {
                            problem(
                                path("target"),
                                format!(
                                    "region {region} of service `{}` does not exist; it has {regions} region{}",
                                    raw_service_name(&raw, service),
                                    if regions == 1 { "" } else { "s" }
                                ),
                            );
                        }
                    }
                }
                Some(FaultTarget::Region(index)) if index >= raw.backend.regions as usize => {
                    problem(
                        path("target"),
                        format!(
                            "region {index} does not exist; backend.regions is {}",
                            raw.backend.regions
                        ),
                    )
                }
                Some(FaultTarget::Resolver(index)) if index >= raw.resolver_list().len() => {
                    problem(
                        path("target"),
                        format!(
                            "resolver {index} does not exist; the indices are 0 to {}",
                            raw.resolver_list().len() - 1
                        ),
                    )
                }
                Some(_) => {}
            }
            if !(fault.rate_per_s.is_finite() && (0.0..=1e7).contains(&fault.rate_per_s)) {
                problem(
                    path("rate_per_s"),
                    format!(
                        "must be between 0 and 10000000 requests/s, got {}",
                        fault.rate_per_s
                    ),
                );
            }
            if !(fault.factor.is_finite() && (1.0..=1000.0).contains(&fault.factor)) {
                problem(
                    path("factor"),
                    format!("must be between 1 and 1000, got {}", fault.factor),
                );
            }
        }
        if !problems.is_empty() {
            return Err(ScenarioError { problems });
        }
        // Classes are checked once the top level is valid, so its problems are not repeated
        // under every class.
        let classes = fleet_classes(&raw, &mut |path, message| {
            problems.push(Problem { path, message })
        });
        if !problems.is_empty() {
            return Err(ScenarioError { problems });
        }
        let mut scenario = build(raw);
        if !classes.is_empty() {
            // The classes' own super-client factors; the report shows the largest.
            scenario.client_scale = 1;
            let mut first_client = 0;
            let (mut clients, mut offered_per_s) = (0, 0.0);
            for (name, class) in classes {
                clients += class.clients;
                offered_per_s += class.offered_load_per_s();
                scenario.client_scale = scenario.client_scale.max(class.client_scale);
                let simulated = class.simulated_clients;
                scenario.fleets.push(FleetClass {
                    name,
                    scenario: Box::new(class),
                    first_client,
                });
                first_client += simulated;
            }
            scenario.clients = clients;
            scenario.simulated_clients = first_client;
            scenario.request_rate_per_client_per_s = offered_per_s / clients as f64;
        }
        Ok(scenario)
    }
}

/// Each client class as a scenario of its own: the top level with the class's size and rate, its
/// policies and its `set` entries applied, validated as a whole. Problems are reported under
/// `fleets[i]`.
fn fleet_classes(
    raw: &RawScenario,
    problem: &mut impl FnMut(String, String),
) -> Vec<(String, Scenario)> {
    if raw.fleets.len() > limits::FLEETS_MAX {
        problem(
            "fleets".into(),
            format!(
                "at most {} client classes, got {}",
                limits::FLEETS_MAX,
                raw.fleets.len()
            ),
        );
        return Vec::new();
    }
    let mut classes = Vec::new();
    for (i, class) in raw.fleets.iter().enumerate() {
        let path = |field: &str| format!("fleets[{i}].{field}");
        let before = classes.len();
        if class.name.trim().is_empty() {
            problem(path("name"), "give the class a name".into());
        } else if !class
            .name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            problem(
                path("name"),
                format!(
                    "`{}`: use letters, digits, `-`, `_` or `.` (it names CSV columns)",
                    class.name
                ),
            );
        } else if raw.fleets[..i].iter().any(|c| c.name == class.name) {
            problem(path("name"), format!("`{}` names two classes", class.name));
        }
        if class.clients == 0 {
            problem(path("clients"), "a class has at least 1 client".into());
        }
        let calls = called_name(raw, &class.calls);
        if calls.is_none() {
            let known: Vec<&str> = std::iter::once(raw.dns.name.as_str())
                .chain(raw.names.iter().map(|n| n.name.as_str()))
                .collect();
            problem(
                path("calls"),
                format!(
                    "no name `{}`; the names are {}",
                    class.calls,
                    known.join(", ")
                ),
            );
        }
        let mut each = raw.clone();
        each.fleets.clear();
        // Faults are the top level's (checked there); a class's copy must not name classes.
        for fault in &mut each.faults {
            if fault.target.starts_with("class:") {
                fault.target = FAULT_TARGET_ZONE.into();
            }
        }
        each.fleet.clients = class.clients.max(1);
        if let Some(rate) = class.request_rate_per_client_per_s {
            each.fleet.request_rate_per_client_per_s = rate;
        }
        let mut ok = apply_class_settings(&mut each, class, i, problem);
        let mut dependencies = Vec::new();
        for (j, dependency) in class.depends_on.iter().enumerate() {
            match called_name(raw, &dependency.name).filter(|_| !dependency.name.is_empty()) {
                Some(name) => dependencies.push(Dependency {
                    name,
                    required: dependency.required,
                }),
                None => {
                    problem(
                        format!("fleets[{i}].depends_on[{j}].name"),
                        format!("no name `{}`", dependency.name),
                    );
                    ok = false;
                }
            }
        }
        if dependencies.len() > limits::DEPENDENCIES_MAX {
            problem(
                path("depends_on"),
                format!(
                    "at most {} calls before the main one, got {}",
                    limits::DEPENDENCIES_MAX,
                    dependencies.len()
                ),
            );
            ok = false;
        }
        let Some(calls) = calls.filter(|_| ok) else {
            continue;
        };
        match Scenario::try_from(each) {
            Ok(mut sc) => {
                sc.calls = calls;
                sc.dependencies = dependencies;
                // A client that honours the record TTL keeps the TTL of the name it calls.
                if sc.client_cache == ClientCacheMode::RecordTtl {
                    sc.client_ttl = sc.names[calls].record_ttl;
                }
                classes.push((class.name.clone(), sc))
            }
            Err(e) => {
                for p in e.problems {
                    problem(format!("fleets[{i}].{}", p.path), p.message);
                }
            }
        }
        debug_assert!(classes.len() <= before + 1);
    }
    classes
}

/// Applies a class's policies (client sections only) and `set` entries to its copy of the top
/// level; false when any of them is a problem (reported under `fleets[i]`).
pub(super) fn apply_class_settings(
    each: &mut RawScenario,
    class: &super::raw::RawFleetClass,
    i: usize,
    problem: &mut impl FnMut(String, String),
) -> bool {
    let mut ok = true;
    for (j, name) in class.policies.iter().enumerate() {
        let here = format!("fleets[{i}].policies[{j}]");
        let Some(policy) = crate::presets::find_policy(name) else {
            problem(
                here,
                format!("no policy named `{name}` (see `stampede presets`)"),
            );
            ok = false;
            continue;
        };
        let sections: Vec<String> = toml::from_str::<toml::Table>(policy.toml)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        if let Some(other) = sections
            .iter()
            .find(|s| !CLIENT_SECTIONS.contains(&s.as_str()))
        {
            problem(
                here,
                format!(
                    "`{name}` sets [{other}], which is shared by every class; apply it to the whole scenario instead"
                ),
            );
            ok = false;
            continue;
        }
        match super::overlay(each, policy.toml) {
            Ok(applied) => *each = applied,
            Err(e) => {
                problem(here, e.to_string());
                ok = false;
            }
        }
    }
    for (key, value) in &class.set {
        let here = format!("fleets[{i}].set.{key}");
        let section = key.split('.').next().unwrap_or("");
        let global = key == "fleet.clients" || key == "fleet.scale_max_clients";
        if !CLIENT_SECTIONS.contains(&section) || global {
            problem(
                here,
                format!(
                    "only client settings ({}) differ between classes{}",
                    CLIENT_SECTIONS.join(", "),
                    if key == "fleet.clients" {
                        "; give the class's size as `clients`"
                    } else {
                        ""
                    }
                ),
            );
            ok = false;
            continue;
        }
        if let Err(p) = super::set_param(each, key, &value.to_string()) {
            problem(here, p.message);
            ok = false;
        }
    }
    ok
}

/// Further services and names: unique names, sane ranges, names answering existing services.
fn check_services_and_names(raw: &RawScenario, problem: &mut impl FnMut(String, String)) {
    if raw.services.len() > limits::SERVICES_MAX {
        problem(
            "services".into(),
            format!(
                "at most {} further services, got {}",
                limits::SERVICES_MAX,
                raw.services.len()
            ),
        );
    }
    if raw.names.len() > limits::NAMES_MAX {
        problem(
            "names".into(),
            format!(
                "at most {} further names, got {}",
                limits::NAMES_MAX,
                raw.names.len()
            ),
        );
    }
    for (i, s) in raw.services.iter().enumerate() {
        let path = |field: &str| format!("services[{i}].{field}");
        if s.name.trim().is_empty() {
            problem(path("name"), "give the service a name".into());
        } else if s.name == raw.backend.name || raw.services[..i].iter().any(|o| o.name == s.name) {
            problem(path("name"), format!("`{}` names two services", s.name));
        }
        if !(1..=100_000).contains(&s.workers) {
            problem(
                path("workers"),
                format!("must be between 1 and 100000, got {}", s.workers),
            );
        }
        if !(s.service_ms_mean.is_finite() && (0.01..=60_000.0).contains(&s.service_ms_mean)) {
            problem(
                path("service_ms_mean"),
                format!(
                    "must be between 0.01 and 60000 ms, got {}",
                    s.service_ms_mean
                ),
            );
        }
        if !(s.service_sigma.is_finite() && (0.0..=4.0).contains(&s.service_sigma)) {
            problem(
                path("service_sigma"),
                format!("must be between 0 and 4, got {}", s.service_sigma),
            );
        }
        if s.queue_capacity > 10_000_000 {
            problem(
                path("queue_capacity"),
                format!("must be at most 10000000, got {}", s.queue_capacity),
            );
        }
        if !(1..=limits::REGIONS_MAX).contains(&s.regions) {
            problem(
                path("regions"),
                format!(
                    "must be between 1 and {}, got {}",
                    limits::REGIONS_MAX,
                    s.regions
                ),
            );
        }
    }
    let services: Vec<&str> = std::iter::once(raw.backend.name.as_str())
        .chain(raw.services.iter().map(|s| s.name.as_str()))
        .collect();
    for (i, n) in raw.names.iter().enumerate() {
        let path = |field: &str| format!("names[{i}].{field}");
        if n.name.trim().is_empty() {
            problem(path("name"), "give the name".into());
        } else if n.name == raw.dns.name || raw.names[..i].iter().any(|o| o.name == n.name) {
            problem(path("name"), format!("`{}` is listed twice", n.name));
        }
        if !services.contains(&n.service.as_str()) {
            problem(
                path("service"),
                format!(
                    "no service `{}`; the services are {}",
                    n.service,
                    services.join(", ")
                ),
            );
        }
        if !(n.record_ttl_s.is_finite() && (0.0..=604_800.0).contains(&n.record_ttl_s)) {
            problem(
                path("record_ttl_s"),
                format!("must be between 0 and 604800 s, got {}", n.record_ttl_s),
            );
        }
        check_name_routing(raw, i, problem);
    }
}

/// A further name's routing: failover needs a service with a secondary region, and its
/// health-check settings have the main name's ranges (from the registry).
fn check_name_routing(raw: &RawScenario, i: usize, problem: &mut impl FnMut(String, String)) {
    let n = &raw.names[i];
    let path = |field: &str| format!("names[{i}].{field}");
    for (field, value) in [
        ("health_check_interval_s", n.health_check_interval_s),
        (
            "health_check_failure_threshold",
            n.health_check_failure_threshold.map(f64::from),
        ),
        ("propagation_s", n.propagation_s),
    ] {
        if let Some(value) = value
            && let Some(param) = super::params::find(&format!("dns.{field}"))
            && let Err(message) = param.check(value)
        {
            problem(path(field), message);
        }
    }
    if n.routing != RoutingPolicy::Failover {
        return;
    }
    let service = if n.service == raw.backend.name {
        Some(0)
    } else {
        raw.services
            .iter()
            .position(|s| s.name == n.service)
            .map(|s| s + 1)
    };
    if let Some(service) = service
        && raw_service_regions(raw, service) < 2
    {
        let field = if service == 0 {
            "backend.regions".to_string()
        } else {
            format!("services[{}].regions", service - 1)
        };
        problem(
            path("routing"),
            format!(
                "failover routing needs a secondary region of service `{}`: set {field} = 2",
                n.service
            ),
        );
    }
}

/// Conditional-forwarding lists (`dns.resolvers`, `names[i].resolvers`): when given, at least
/// one resolver, each an index into the resolver list, none twice.
fn check_forwarding(raw: &RawScenario, problem: &mut impl FnMut(String, String)) {
    let count = raw.resolver_list().len();
    let lists = std::iter::once(("dns.resolvers".to_string(), &raw.dns.resolvers)).chain(
        raw.names
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("names[{i}].resolvers"), &n.resolvers)),
    );
    for (path, list) in lists {
        let Some(list) = list else {
            continue;
        };
        if list.is_empty() {
            problem(
                path.clone(),
                "give at least one resolver, or leave the list out to use every resolver".into(),
            );
        }
        for (j, &resolver) in list.iter().enumerate() {
            if resolver >= count {
                problem(
                    format!("{path}[{j}]"),
                    format!(
                        "no resolver {resolver}: the scenario has {count} (indices 0 to {})",
                        count - 1
                    ),
                );
            } else if list[..j].contains(&resolver) {
                problem(
                    format!("{path}[{j}]"),
                    format!("resolver {resolver} is listed twice"),
                );
            }
        }
    }
}

/// The resolvers a name's lookups go to: its forwarding list, or every resolver in order.
fn forwarding_list(list: &Option<Vec<usize>>, resolvers: usize) -> Vec<usize> {
    list.clone().unwrap_or_else(|| (0..resolvers).collect())
}

/// Index of the name a class calls (`""` = the main name), if it exists.
fn called_name(raw: &RawScenario, calls: &str) -> Option<usize> {
    if calls.is_empty() || calls == raw.dns.name {
        return Some(0);
    }
    raw.names
        .iter()
        .position(|n| n.name == calls)
        .map(|i| i + 1)
}

/// Range checks of every resolver (the registry checks the first one) and the list rules.
fn check_resolvers(raw: &RawScenario, problem: &mut impl FnMut(String, String)) {
    if !raw.resolvers.is_empty() && raw.resolver != RawResolver::default() {
        problem(
            "resolver".into(),
            "give either the [resolver] section or a [[resolvers]] list, not both".into(),
        );
    }
    if raw.resolvers.len() > limits::RESOLVERS_MAX {
        problem(
            "resolvers".into(),
            format!(
                "at most {} resolvers (glibc MAXNS), got {}",
                limits::RESOLVERS_MAX,
                raw.resolvers.len()
            ),
        );
    }
    let section = |i: usize| {
        if raw.resolvers.is_empty() {
            "resolver".to_string()
        } else {
            format!("resolvers[{i}]")
        }
    };
    for (i, r) in raw.resolver_list().iter().enumerate() {
        for (field, value) in [
            ("capacity_qps", r.capacity_qps),
            ("negative_ttl_s", r.negative_ttl_s),
            ("max_ttl_s", r.max_ttl_s),
            ("per_client_qps_limit", r.per_client_qps_limit),
            ("stale_answer_ttl_s", r.stale_answer_ttl_s),
        ] {
            // The registry's range for the first resolver applies to every one.
            if let Some(param) = super::params::find(&format!("resolver.{field}"))
                && let Err(message) = param.check(value)
                && i > 0
            {
                problem(format!("{}.{field}", section(i)), message);
            }
        }
        for (field, value) in [
            ("latency_ms", r.latency_ms),
            ("upstream_latency_ms", r.upstream_latency_ms),
        ] {
            if !(value.is_finite() && (0.0..=60_000.0).contains(&value)) {
                problem(
                    format!("{}.{field}", section(i)),
                    format!("must be between 0 and 60000 ms, got {value}"),
                );
            }
        }
    }
}

/// Real clients per simulated client: 1 up to `scale_max_clients`, else ⌈clients / max⌉.
pub fn client_scale(clients: u64, scale_max_clients: u64) -> u64 {
    if clients <= scale_max_clients.max(1) {
        1
    } else {
        clients.div_ceil(scale_max_clients.max(1))
    }
}

fn build(raw: RawScenario) -> Scenario {
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
        regions: raw.backend.regions,
        failover,
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
        record_ttl: SimTime::from_s(raw.dns.record_ttl_s),
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
        workers: raw.backend.workers,
        service_time: raw.backend.service_time,
        service_ms_mean: raw.backend.service_ms_mean,
        queue_capacity: raw.backend.queue_capacity,
        queue_discipline: raw.backend.queue_discipline,
        service_sigma: raw.backend.service_sigma,
        drop_abandoned: raw.backend.drop_abandoned,
        connection_lifetime: SimTime::from_s(raw.fleet.connection_lifetime_s),
        deadline: SimTime::from_ms(raw.fleet.deadline_ms),
        retry_budget: RetryBudget::from_raw(&raw.retry_budget),
        breaker: Breaker::from_raw(&raw.breaker),
        cost_per_failed_request: raw.cost.per_failed_request,
        faults,
        raw,
    }
}

impl Scenario {
    /// Whether reports summarise each DNS name (`Summary::names`): with several names, or when
    /// a name (the main one included) fails over, so that its switches are reported.
    pub fn summarises_names(&self) -> bool {
        self.names.len() > 1 || self.names.iter().any(|n| n.failover.is_some())
    }

    /// Whether some name's lookups go to a conditional-forwarding list other than every
    /// resolver in resolv.conf order.
    pub fn forwards(&self) -> bool {
        self.names
            .iter()
            .any(|n| !n.resolvers.iter().copied().eq(0..self.resolvers.len()))
    }

    /// The client classes as scenarios: this one alone without `[[fleets]]`, else each class's,
    /// in the order their simulated clients are laid out.
    pub fn classes(&self) -> Vec<&Scenario> {
        if self.fleets.is_empty() {
            vec![self]
        } else {
            self.fleets.iter().map(|f| &*f.scenario).collect()
        }
    }

    /// Backend slots: the main service's regions, then each further service's regions.
    pub fn backend_slots(&self) -> usize {
        self.regions.max(1) as usize
            + self.services[1..]
                .iter()
                .map(|s| s.regions.max(1) as usize)
                .sum::<usize>()
    }

    /// The service (index in `services`) of a backend slot.
    pub fn slot_service(&self, slot: usize) -> usize {
        let mut first = 0;
        for service in 0..self.services.len() {
            first += self.service_regions(service);
            if slot < first {
                return service;
            }
        }
        self.services.len() - 1
    }

    /// Regions of a service (index in `services`): the main one's `regions`, else its own.
    pub fn service_regions(&self, service: usize) -> usize {
        if service == 0 {
            self.regions.max(1) as usize
        } else {
            self.services[service].regions.max(1) as usize
        }
    }

    /// The backend slot of a service's primary region (its region `r` is this + `r`).
    pub fn service_slot(&self, service: usize) -> usize {
        (0..service).map(|s| self.service_regions(s)).sum()
    }

    /// Backend capacity in requests per second with every worker up.
    pub fn backend_capacity_per_s(&self) -> f64 {
        f64::from(self.workers) * 1000.0 / self.service_ms_mean
    }

    /// Request rate of one simulated client (a super-client sends for `client_scale` real
    /// clients), requests per second.
    pub fn simulated_rate_per_client_per_s(&self) -> f64 {
        self.request_rate_per_client_per_s * self.client_scale as f64
    }

    /// Offered load of first tries, requests per second.
    pub fn offered_load_per_s(&self) -> f64 {
        self.clients as f64 * self.request_rate_per_client_per_s
    }

    /// End of the last fault, if any.
    pub fn last_fault_end(&self) -> Option<SimTime> {
        self.faults.iter().map(|f| f.end).max()
    }

    /// Start of the first fault, if any.
    pub fn first_fault_start(&self) -> Option<SimTime> {
        self.faults.iter().map(|f| f.start).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flapping(start_s: f64, end_s: f64, period_s: f64) -> Fault {
        Fault {
            kind: FaultKind::ErrorRate,
            start: SimTime::from_s(start_s),
            end: SimTime::from_s(end_s),
            fraction: 1.0,
            factor: 1.0,
            latency: SimTime::ZERO,
            flap_period: SimTime::from_s(period_s),
            target: FaultTarget::Zone,
            rate_per_s: 0.0,
            flush_queue: false,
        }
    }

    #[test]
    fn a_flapping_fault_is_on_in_the_first_half_of_each_period() {
        let f = flapping(10.0, 35.0, 10.0);
        let on = |s: f64| f.active(SimTime::from_s(s));
        assert!(!on(9.999) && on(10.0) && on(14.999) && !on(15.0) && !on(19.999));
        assert!(on(20.0) && !on(25.0) && on(30.0) && on(34.999) && !on(35.0));
        let mut edges = Vec::new();
        let mut t = f.start;
        while let Some(next) = f.next_flap_edge(t) {
            edges.push(next.as_s());
            t = next;
        }
        assert_eq!(edges, [15.0, 20.0, 25.0, 30.0]);
        let windows: Vec<(f64, f64)> = f
            .active_windows()
            .map(|(a, b)| (a.as_s(), b.as_s()))
            .collect();
        assert_eq!(windows, [(10.0, 15.0), (20.0, 25.0), (30.0, 35.0)]);
    }

    #[test]
    fn scale_factor_keeps_at_most_the_maximum() {
        assert_eq!(client_scale(100_000, 100_000), 1);
        assert_eq!(client_scale(1_000_000, 100_000), 10);
        assert_eq!(client_scale(1_000_001, 100_000), 11);
        assert_eq!(1_000_001_u64.div_ceil(11), 90_910);
    }
}
