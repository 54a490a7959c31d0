//! The validated scenario: what the engine runs. Every field checked, durations in [`SimTime`],
//! the hard limits that bound every run, fault targets resolved.
//!
//! Owns: the types [`Scenario`] and its parts, and their derived figures (offered load, slots).
//! Must not: be built except by validation ([`super::validate`]), or read a raw scenario.

use super::raw::*;
use crate::time::SimTime;

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
    pub(super) fn from_raw(raw: &RawRetryBudget) -> RetryBudget {
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
    pub(super) fn from_raw(raw: &RawBreaker) -> Option<Breaker> {
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
    /// Pooled connection lifetime; zero = a new connection per attempt.
    pub connection_lifetime: SimTime,
    /// Overall request deadline; zero = none.
    pub deadline: SimTime,
    /// Per-client retry budget.
    pub retry_budget: RetryBudget,
    /// Per-client circuit breaker, if any.
    pub breaker: Option<Breaker>,
    /// Cost of one failed request, in the scenario's currency.
    pub cost_per_failed_request: f64,
    /// Cost of one minute of downtime, in the scenario's currency.
    pub cost_per_minute_down: f64,
    /// SLO target, the fraction of requests that must succeed, 0..1.
    pub slo_target: f64,
    /// How long after the last fault a run must recover to count as not metastable, seconds.
    pub recovery_window_s: f64,
    /// The scenario's title, for reports.
    pub title: String,
    /// Faults, sorted by start.
    pub faults: Vec<Fault>,
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
    /// Every service: the main one (`[backend]`) first, then `[[services]]` in order; never
    /// empty. The only form of a service's settings (see [`Scenario::main_service`]).
    pub services: Vec<ServiceConfig>,
    /// Every DNS name: the main one (`[dns]`) first, then `[[names]]` in order; never empty. The
    /// only form of a name's settings (see [`Scenario::main_name`]).
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
    /// Regions (identical copies), 1..=[`limits::REGIONS_MAX`]; region 0 is the primary.
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
    /// regions).
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

    /// The main service: the one `[backend]` describes, which the main name answers.
    pub fn main_service(&self) -> &ServiceConfig {
        &self.services[0]
    }

    /// The main DNS name: the one `[dns]` describes, which clients call unless a class calls
    /// another.
    pub fn main_name(&self) -> &NameConfig {
        &self.names[0]
    }

    /// Backend slots: the main service's regions, then each further service's regions.
    pub fn backend_slots(&self) -> usize {
        (0..self.services.len())
            .map(|s| self.service_regions(s))
            .sum()
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

    /// Regions of a service (index in `services`).
    pub fn service_regions(&self, service: usize) -> usize {
        self.services[service].regions.max(1) as usize
    }

    /// The backend slot of a service's primary region (its region `r` is this + `r`).
    pub fn service_slot(&self, service: usize) -> usize {
        (0..service).map(|s| self.service_regions(s)).sum()
    }

    /// The main service's capacity (one region) in requests per second with every worker up.
    pub fn backend_capacity_per_s(&self) -> f64 {
        let main = self.main_service();
        f64::from(main.workers) * 1000.0 / main.service_ms_mean
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
