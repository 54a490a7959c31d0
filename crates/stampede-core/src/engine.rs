//! The discrete-event engine: clients, DNS caches, the resolver, retries and the backend.
//!
//! Owns: the event loop (a binary heap ordered by `(time, sequence)` plus one FIFO of attempt
//! timeouts per client class, whose timeouts all have the same length and so expire in the order
//! they were set, and one slot for the next arrival, of which there is never more than one; an
//! attempt that went into service at once and ends before its timeout gets no timeout event, as
//! that event would find the attempt over: its sequence number is still taken at launch, so the
//! order of the other events, and every result, are as if it were scheduled), the
//! state of every client (DNS cache, pooled connection), request, resolver and backend slot, the
//! hooks into the per-client retry budgets ([`crate::budget`]) and breakers ([`crate::breaker`]),
//! and the counting of metrics. A request refused on the client (breaker open, throttled) ends
//! without an attempt; a refused retry ends it as `BudgetExhausted`; a retry that would start after
//! the request's deadline ends it as `DeadlineExceeded` (an attempt in progress is not cut short).
//!
//! DNS: each client asks its resolvers with resolv.conf semantics as Go's resolver implements
//! them (`src/net/dnsclient_unix.go`): `lookup_attempts` rounds over the list, one
//! `lookup_timeout` per try, moving on after a timeout or a SERVFAIL (as glibc's `res_send`
//! does too); `rotate` starts each lookup at the next resolver. An empty answer ends the lookup.
//! Conditional forwarding: a name with a resolver list of its own (`NameConfig::resolvers`) is
//! asked only of those resolvers, in that order, with the same rounds, timeouts and rotation
//! within the list (one rotate counter per client, shared by its names, as Go keeps one per
//! resolver configuration); only the `Topology` engine runs such scenarios. Each resolver has its own rate limiter, optional per-client limit
//! (GCRA), and cache; zone-scoped DNS faults hit upstream queries, resolver-scoped ones every
//! query that resolver receives. Flapping faults schedule one edge at a time.
//!
//! Hedging (gRFC A6 `hedgingPolicy`): a hedge is a child request slot linked to its user
//! request; the first success ends the user request and cancels the others (their backend work
//! is abandoned: wasted if served). Each hedge is granted like a retry by the retry budget (gRFC
//! A6: hedges are subject to retry throttling) and admitted by the breaker; its result counts for
//! both. A hedge cancelled because another attempt won hands back its breaker probe (recorded
//! with the request's outcome) and Envoy slot. With calls before the main one each call hedges
//! with the class's policy (gRPC's hedging policy is per method): a hedge carries its call's
//! index, so it draws on that call's budget and breaker, and a call that ends (won, or failed
//! for good) cancels its hedges still out before the next call starts.
//!
//! Regions and failover: with `backend.regions = 2` each region has its own workers and queue;
//! a client's DNS answer (cached, or pooled in its connection) names the region its attempts go
//! to. With failover routing a Route 53 health check on the primary runs every interval (first
//! one at a phase drawn from its own stream); after `failure_threshold` consecutive failures (or
//! passes) the primary's status flips and, `propagation` later, the zone answers the other
//! region. One check stands for Route 53's checkers: it fails when at most 18 % of them would
//! see the primary healthy, i.e. when more than 82 % of attempts to it fail. A further name
//! with failover routing (its service has 2 regions) runs the same check on its service's
//! primary with its own settings, phase, status, answer and switch history (`name_routes`);
//! a client's region is kept per call, so each call follows the answer of its own name.
//!
//! Dependencies: an identity token, cached per client, is fetched before a request's first
//! attempt when the client's has expired; requests arriving during a fetch use its token. A
//! failed fetch fails the request (`DependencyFailed`) unless the cached fallback lets an
//! expired token be used within its grace. A telemetry call per ended request never fails it;
//! a synchronous one adds its latency (its timeout when the collector is black-holed) to a
//! success's latency, counted when the backend answered.
//!
//! Control plane (October 2025, stages 2 and 3): with leases each client holds one until
//! `lifetime` after its last success; an attempt that reaches the backend after its client's
//! lease lapsed re-establishes it and costs `reestablish_work_factor` times the service time.
//! Leases held are counted per bucket end with a per-bucket tally of lease ends, O(1) per renewal.
//! An operator's `throttle` is a token bucket at the backend's door (rejections are throttling
//! errors); with `flush_queue` it drops the queue when it starts. `health_check_flapping` takes
//! workers out of service as capacity loss does, capped by velocity control.
//!
//! Prefetch: an attempt that uses a client cache entry expiring within `client_prefetch` starts a
//! background lookup (one per client at a time) on a request slot of its own that only refreshes
//! the cache; it follows the same resolv.conf tries and lookup cap but has no attempt or outcome.
//!
//! Lookups in flight per client (`lookups_in_flight_max`, Node's libuv pool): a lookup holds a
//! place from its first try to its end; lookups beyond the cap wait in a per-client FIFO. A
//! lookup whose attempt gave up keeps its place until its try ends and then as many lookup
//! timeouts as it has tries left (getaddrinfo cannot be cancelled; its later tries are assumed
//! dropped too, and are not sent to the resolvers).
//!
//! Super-clients: with `client_scale` k > 1 each simulated client stands for k real ones; the
//! arrival rate is the real fleet's, spread over ⌈clients/k⌉ simulated clients, so per-client
//! state (caches, connection, budget, breaker, identity token, per-client query limit and lookup
//! cap × k) is shared by k.
//! Must not: read a clock, do I/O, or draw randomness outside its [`Rng`] streams. It runs until
//! a given simulated time and hands back control, so callers can stream and cancel.

use std::collections::{BTreeMap, VecDeque};
use std::marker::PhantomData;

use crate::breaker::Breakers;
use crate::budget::{Pace, RetryAfter, RetryBudgets};
use crate::queue::{EventQueue, Keyed};
use crate::report::thousands;
use crate::report::{
    AnswerSwitch, ClassSummary, FAILURE_CAUSES, LATENCY_BINS, LatencyBinTable, NameSummary,
    Outcome, RecoveryInput, Report, Series, ServiceSummary, Summary, histogram_quantile, peak_load,
    recovery_verdict, resolver_summaries,
};
use crate::rng::{Rng, StreamId};
use crate::scenario::raw::{
    BackoffKind, ClientCacheMode, FaultKind, JitterKind, QueueDiscipline, ServiceTimeLaw,
};
use crate::scenario::validate::{FaultTarget, ServiceConfig, limits};
use crate::scenario::{Fault, Scenario};
use crate::time::SimTime;

/// A resolver with serve-stale answers stale after this long without an upstream answer (RFC 8767 §5: 1.8 s).
const STALE_CLIENT_TIMEOUT_MS: f64 = 1800.0;
/// Burst the resolver's rate limiter allows, as seconds of its capacity.
const RESOLVER_BURST_S: f64 = 0.1;
/// Where a client's rotate counter wraps when names have forwarding lists: the least common
/// multiple of every list length up to [`limits::RESOLVERS_MAX`] (1, 2, 3), so each list's
/// lookups start at each of its resolvers in turn.
const ROTATE_PERIOD_FORWARDING: usize = 6;
const _: () = assert!(
    limits::RESOLVERS_MAX == 3,
    "ROTATE_PERIOD_FORWARDING is a multiple of every list length"
);
/// Burst an operator's throttle allows, as seconds of its rate.
const THROTTLE_BURST_S: f64 = 0.1;
/// Route 53 deems an endpoint healthy when more than this fraction of its checkers report it
/// healthy (Route 53 DG, "How Route 53 determines whether a health check is healthy").
const HEALTHY_CHECKERS_FRACTION_MIN: f64 = 0.18;

/// Key of no event: later than every real one.
const NO_KEY: Key = Key {
    time: SimTime::NEVER,
    sequence: u64::MAX,
};

/// Index of a request slot.
type RequestId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Records {
        ttl: SimTime,
        region: u8,
    },
    /// An expired answer served by resolver `server` (its stale-answer TTL applies).
    Stale {
        region: u8,
        server: u8,
    },
    Empty,
    Servfail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    Arrival,
    LookupDone {
        request: RequestId,
        attempt: u32,
        answer: Answer,
    },
    LookupTimeout {
        request: RequestId,
        attempt: u32,
    },
    /// An attempt's timeout, popped from the FIFO of constant-length timeouts.
    AttemptTimeout {
        request: RequestId,
        attempt: u32,
    },
    ServiceDone {
        request: RequestId,
        attempt: u32,
        region: u8,
    },
    /// A request's identity-token fetch ends; `ok` = it may be sent.
    TokenReady {
        request: RequestId,
        ok: bool,
    },
    /// The Route 53 health check of a name's (index in `Scenario::names`) primary runs.
    HealthCheck {
        name: u8,
    },
    /// A name's zone starts answering `region` (a failover change has propagated).
    DnsSwitch {
        name: u8,
        region: u8,
    },
    RetryDue {
        request: RequestId,
    },
    /// The next hedge of a request is due (the request's first attempt had tag `attempt`).
    HedgeDue {
        request: RequestId,
        attempt: u32,
    },
    /// A fault starts or ends, or a flapping fault (index in `Scenario::faults`) switches.
    FaultEdge {
        flapping: Option<u16>,
    },
}

/// Where the next event waits (see [`Engine::pop_before`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Head {
    Heap,
    Timeouts,
    Arrival,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    time: SimTime,
    sequence: u64,
}

impl Key {
    /// `(time, sequence)` as one number, so that ordering is a single wide comparison with no
    /// branch between the two fields.
    fn packed(self) -> u128 {
        (u128::from(self.time.0) << 64) | u128::from(self.sequence)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.packed().cmp(&other.packed())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scheduled {
    key: Key,
    event: Event,
}

impl Keyed for Scheduled {
    #[inline(always)]
    fn key(&self) -> u128 {
        self.key.packed()
    }

    #[inline(always)]
    fn key_high(&self) -> u64 {
        self.key.time.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Free,
    Lookup,
    Backend,
    Backoff,
    /// A hedged request whose own attempt ended while hedges are still out.
    Hedging,
}

/// `Request::parent` of a request that is not a hedge.
const NO_PARENT: RequestId = RequestId::MAX;
/// Most hedges beside the first attempt (gRPC clamps `maxAttempts` to 5).
const HEDGES_MAX: usize = 4;

/// Events handled per call of `Engine::step_batch` (see there).
const STEP_BATCH: u32 = 1024;

#[derive(Clone, Copy, Debug)]
struct Request {
    client: u32,
    started: SimTime,
    /// Attempts started so far; also the tag of the current attempt (stale events carry an older one).
    attempt: u32,
    /// Every attempt of every request that ever used this slot gets a distinct tag.
    tag: u32,
    phase: Phase,
    lookup_tries: u32,
    last_delay_ms: f64,
    /// AWS tokens the current retry took (refunded on success).
    budget_tokens: u32,
    /// Whether the request holds an Envoy retry slot.
    retry_slot: bool,
    /// Breaker epoch the current attempt was admitted in.
    breaker_epoch: u32,
    /// Resolver the current lookup starts at (resolv.conf `rotate`), index.
    lookup_offset: u8,
    /// For a hedge: the user request it works for; [`NO_PARENT`] for a user request.
    parent: RequestId,
    /// For a hedged user request: attempts sent, its own included.
    hedges_sent: u8,
    /// For a hedged user request: attempts in flight, its own included.
    hedges_live: u8,
    /// For a hedged user request: its hedges in flight ([`NO_PARENT`] = empty place).
    hedges: [RequestId; HEDGES_MAX],
    /// Region the current attempt was sent to.
    region: u8,
    /// Whether the current lookup holds one of its client's places (`lookups_in_flight_max`).
    lookup_slot: bool,
    /// Whether the attempt about to start holds an AWS adaptive limiter token it waited for.
    paced: bool,
    /// Whether the slot is a client's background refresh of its cache (no user request).
    prefetch: bool,
    /// The call in progress: `0..dependencies.len()` are the class's calls before the main one,
    /// `dependencies.len()` the main call.
    call: u8,
    /// When the service of the attempt being launched ends, if it went into service at once
    /// ([`SimTime::NEVER`] otherwise): its timeout can then never fire, and is not scheduled.
    served_until: SimTime,
}

/// What a client's DNS cache keeps between requests (16 bytes: a million clients' caches are
/// read at random, so their size decides how often a request misses the processor's caches).
#[derive(Clone, Copy, Debug, Default)]
struct ClientCache {
    positive_until: SimTime,
    negative_until: SimTime,
}

/// The backend faults in force in one backend slot (capacity loss, slowdown, error rate, region
/// loss), computed when a backend fault starts, ends or flaps instead of scanning the fault list
/// on every backend event.
#[derive(Clone, Copy, Debug)]
struct BackendFaults {
    /// Workers serving: `workers × (1 − lost)` under a capacity loss.
    workers: u32,
    /// Service time factor.
    slowdown: f64,
    /// Fraction of attempts answered with an error, if an error-rate fault is in force.
    error_rate: Option<f64>,
    /// Fraction of attempts the region refuses, if a region loss is in force.
    region_lost: Option<f64>,
    /// Admissions per second, if an operator's throttle is in force.
    throttle_per_s: Option<f64>,
}

/// One backend slot (a region of the main service, or a further service): its waiting queue,
/// busy workers, settings and the faults in force.
#[derive(Clone, Debug)]
struct Backend {
    queue: VecDeque<Job>,
    busy_workers: u32,
    /// The service this slot runs (index in `Scenario::services`) and its settings, copied here
    /// so the hot path reads one struct.
    service: usize,
    config: ServiceConfig,
    faults: BackendFaults,
    /// Tokens of the operator's throttle (a bucket of [`THROTTLE_BURST_S`] of its rate), and
    /// when they were last refilled; full when a throttle starts.
    throttle_tokens: f64,
    throttle_refilled_at: SimTime,
}

#[derive(Clone, Copy, Debug)]
struct Job {
    request: RequestId,
    tag: u32,
    enqueued: SimTime,
    /// Whether serving it re-establishes a lapsed lease (decided when it reached the backend).
    reestablish: bool,
}

/// The state of one recursive resolver: its rate limiter and its cache of each name.
#[derive(Clone, Debug)]
struct Resolver {
    tokens: f64,
    tokens_max: f64,
    refilled_at: SimTime,
    /// Per DNS name (`Scenario::names`): what the resolver has cached.
    names: Vec<NameCache>,
}

/// What a resolver has cached of one name.
#[derive(Clone, Copy, Debug)]
struct NameCache {
    positive_until: SimTime,
    negative_until: SimTime,
    /// When the answer now cached arrives from upstream: queries for it wait until then.
    fetched_at: SimTime,
    has_stale: bool,
    /// Region the cached answer names.
    region: u8,
}

impl NameCache {
    fn new(positive_until: SimTime, has_stale: bool) -> NameCache {
        NameCache {
            positive_until,
            negative_until: SimTime::ZERO,
            fetched_at: SimTime::ZERO,
            has_stale,
            region: 0,
        }
    }
}

impl Resolver {
    fn new(capacity_qps: f64, names: Vec<NameCache>) -> Resolver {
        let tokens_max = (capacity_qps * RESOLVER_BURST_S).max(1.0);
        Resolver {
            tokens: tokens_max,
            tokens_max,
            refilled_at: SimTime::ZERO,
            names,
        }
    }
}

/// Route 53's state of a DNS name: what it answers, its view of the primary (status and the
/// streak of checks against that view, with failover routing) and when its answer changed.
#[derive(Clone, Debug, Default)]
struct NameRoute {
    answer_region: u8,
    primary_unhealthy: bool,
    health_streak: u32,
    switches: Vec<(SimTime, u8)>,
}

/// Starts fetching `value`'s cache line, so that a later read of it does not wait for memory
/// (with a million clients, their state is read at random). A hint: it changes no result.
#[inline(always)]
fn prefetch<T: Copy>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    safe_arch::prefetch_t0(value);
    // Elsewhere a read stands in for the prefetch (wasm has no prefetch instruction).
    #[cfg(not(target_arch = "x86_64"))]
    std::hint::black_box(*value);
}

/// What a scenario's topology uses, fixed for a whole run: the engine is compiled once per shape,
/// so that the per-request paths of a scenario with one client class, one call per request and
/// one DNS name carry none of the lookups of a request's class, call and name (about a tenth of
/// the instructions of a steady run).
trait Shape: std::fmt::Debug {
    /// Whether the run may have client classes, calls before the main one or further names.
    const TOPOLOGY: bool;
}

/// One client class (no `[[fleets]]`), one call per request, one DNS name without conditional
/// forwarding.
#[derive(Debug)]
struct Plain;

impl Shape for Plain {
    const TOPOLOGY: bool = false;
}

impl Plain {
    /// Whether the plain engine can run `scenario`: no classes, no calls before the main one, one
    /// DNS name, asked of every resolver in resolv.conf order.
    fn runs(scenario: &Scenario) -> bool {
        scenario.fleets.is_empty()
            && scenario.dependencies.is_empty()
            && scenario.names.len() == 1
            && !scenario.forwards()
    }
}

/// Any scenario.
#[derive(Debug)]
struct Topology;

impl Shape for Topology {
    const TOPOLOGY: bool = true;
}

/// A run in progress: the engine compiled for the scenario's [`Shape`].
#[derive(Debug)]
pub struct Simulation(Shaped);

#[derive(Debug)]
enum Shaped {
    Plain(Box<Engine<Plain>>),
    Topology(Box<Engine<Topology>>),
}

/// Calls `$body` with `$engine` bound to the engine of either shape.
macro_rules! with_engine {
    ($shaped:expr, $engine:ident => $body:expr) => {
        match $shaped {
            Shaped::Plain($engine) => $body,
            Shaped::Topology($engine) => $body,
        }
    };
}

impl Simulation {
    /// Prepares a run: caches in their steady state (or cold), the first arrival scheduled.
    pub fn new(scenario: &Scenario) -> Simulation {
        Simulation(if Plain::runs(scenario) {
            Shaped::Plain(Box::new(Engine::new(scenario)))
        } else {
            Shaped::Topology(Box::new(Engine::new(scenario)))
        })
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        with_engine!(&self.0, e => e.scenario())
    }

    /// Simulated time reached.
    pub fn now(&self) -> SimTime {
        with_engine!(&self.0, e => e.now())
    }

    /// Whether the run reached its horizon or its event budget.
    pub fn is_finished(&self) -> bool {
        with_engine!(&self.0, e => e.is_finished())
    }

    /// Runs to the horizon and returns the report.
    pub fn run_to_end(mut self) -> Report {
        with_engine!(&mut self.0, e => e.run_to_end())
    }

    /// Processes every event before `until` (capped at the horizon), then stops.
    pub fn advance_to(&mut self, until: SimTime) {
        with_engine!(&mut self.0, e => e.advance_to(until))
    }

    /// The report of the run so far: complete buckets only, plus the summary over them.
    pub fn report(&self) -> Report {
        with_engine!(&self.0, e => e.report())
    }
}

/// A run in progress, for one [`Shape`] of scenario.
#[derive(Debug)]
struct Engine<S: Shape> {
    shape: PhantomData<S>,
    /// Tests only: schedule the timeout of every attempt that has not ended, as the engine did
    /// before it left out those that cannot fire (the results must not change).
    #[cfg(test)]
    every_timeout: bool,
    scenario: Scenario,
    now: SimTime,
    sequence: u64,
    heap: EventQueue<Scheduled>,
    /// The first client class's attempt timeouts, which all have the class's length.
    timeouts: VecDeque<(Key, RequestId, u32)>,
    /// The attempt timeouts of each further class (empty with one class).
    class_timeouts: Vec<VecDeque<(Key, RequestId, u32)>>,
    /// Per simulated client: its class (`Scenario::fleets`); empty with one class.
    fleet_of: Vec<u8>,
    /// Per class: the running sum of the classes' offered loads up to it, requests per second
    /// (picks an arrival's class); empty with one class.
    class_load_upto: Vec<f64>,
    /// The next user request's arrival ([`NO_KEY`] when none is due before the horizon): there is
    /// always at most one, so it waits here instead of in the heap.
    next_arrival: Key,
    /// The client that sends the next arrival.
    next_arrival_client: u32,
    /// Mean time between user requests of the whole fleet, s.
    arrival_gap_mean_s: f64,
    /// Where the next gap between arrivals is drawn from: the exact (unrounded) time of the last
    /// arrival, or the instant the rate last changed, µs. Arrival times are this rounded to the
    /// microsecond; rounding each gap instead would shorten them on average (by 4 % at a gap of
    /// 1 µs, a fleet sending a million requests per second) and add requests nobody sent.
    arrival_clock_us: f64,
    /// Metric bucket of `now`, kept current as time advances (no division per event).
    bucket_index: usize,
    /// When `now` reaches this, `bucket_index` moves on; [`SimTime::NEVER`] in the last bucket.
    bucket_end: SimTime,
    arrivals: Rng,
    service: Rng,
    jitter: Rng,
    faults_rng: Rng,
    throttle: Rng,
    clients: Vec<ClientCache>,
    /// Per client: its pooled connection is live until then; empty when pooling is off.
    connections: Vec<SimTime>,
    /// Per client class: its clients' retry budgets (indexed by the client's place in its class).
    budgets: Vec<RetryBudgets>,
    /// Per client class: its clients' breakers, if it has them.
    breakers: Vec<Option<Breakers>>,
    requests: Vec<Request>,
    free: Vec<RequestId>,
    /// Per backend slot (the main service's regions, then one per further service): its queue,
    /// busy workers, settings and faults in force.
    backends: Vec<Backend>,
    /// The backends' faults in force hold until then: the next start, end or flap edge of a
    /// backend fault ([`SimTime::NEVER`] after the last).
    backend_faults_until: SimTime,
    /// Per client and call (`call_slot`): the region its DNS answer (and pooled connection)
    /// names; empty with one region.
    client_region: Vec<u8>,
    /// Per DNS name (`Scenario::names`, the main one first): Route 53's state of the name.
    name_routes: Vec<NameRoute>,
    /// Per client: its identity token is valid until then; empty without identity.
    tokens: Vec<SimTime>,
    /// Per client: its lease holds until then; empty without leases.
    leases: Vec<SimTime>,
    /// Per metric bucket (one more for the horizon and beyond): clients whose lease ends in it.
    lease_ends: Vec<u64>,
    /// Clients whose lease ends in the current bucket or later.
    leases_ending_later: u64,
    identity_rng: Rng,
    telemetry_rng: Rng,
    /// The clients that take the name from a local override (`dns_override` in force), as ranges
    /// `start..end` of simulated clients; recomputed at every fault edge.
    /// force); recomputed at every fault edge.
    dns_overrides: Vec<(u64, u64)>,
    /// Per client and call (`client × call_stride + call`): whether a background refresh of
    /// its cache is out; empty without prefetch.
    prefetching: Vec<bool>,
    /// Calls a client keeps state for (DNS cache, connection): 1 + the most calls any class
    /// makes before its main one. 1 without dependencies, so indexes are the clients'.
    call_stride: usize,
    /// Per client: lookups holding a place; empty without `lookups_in_flight_max`.
    lookups_in_flight: Vec<u32>,
    /// Per client: lookups waiting for a place, as (request, attempt tag).
    lookup_queues: Vec<VecDeque<(RequestId, u32)>>,
    /// Lookups whose attempt gave up but which still hold a place: (request, tag) → (client,
    /// tries done, tries in all).
    ghost_lookups: BTreeMap<(RequestId, u32), (u32, u32, u32)>,
    resolvers: Vec<Resolver>,
    /// Whether some name's lookups go to a forwarding list other than every resolver in order
    /// (`NameConfig::resolvers`); never for [`Plain`].
    forwarding: bool,
    /// Per (client, resolver): the theoretical arrival time of the generic cell rate algorithm
    /// that enforces `per_client_qps_limit`, µs; empty when no resolver has a limit.
    client_limit_tat: Vec<u64>,
    /// Per client: the resolver its next lookup starts at (resolv.conf `rotate`), as a counter
    /// taken modulo the length of the lookup's resolver list; empty without rotate.
    rotate_next: Vec<u8>,
    series: Series,
    latency_buckets: Vec<[u64; LATENCY_BINS]>,
    latency_all: [u64; LATENCY_BINS],
    latency_bins: &'static LatencyBinTable,
    in_flight: u64,
    events: u64,
    budget_exhausted: bool,
    buckets_total: usize,
}

impl<S: Shape> Engine<S> {
    /// Prepares a run: caches in their steady state (or cold), the first arrival scheduled.
    fn new(scenario: &Scenario) -> Engine<S> {
        let scenario = scenario.clone();
        let buckets_total =
            (libm::ceil(scenario.duration.0 as f64 / scenario.bucket.0 as f64) as usize).max(1);
        let mut init = Rng::stream(scenario.seed, StreamId::CacheInit);
        let resolver_remaining = if scenario.cold_start || scenario.record_ttl.0 == 0 {
            SimTime::ZERO
        } else {
            SimTime((init.uniform() * scenario.record_ttl.0 as f64) as u64)
        };
        let classes = scenario.classes();
        let call_stride = 1 + classes
            .iter()
            .map(|c| c.dependencies.len())
            .max()
            .unwrap_or(0);
        let clients: Vec<ClientCache> = classes
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
            clients.len() as u64,
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
        let regions = scenario.regions.max(1) as usize;
        let names_fail_over = scenario.names[1..].iter().any(|n| n.failover.is_some());
        let client_region = if regions > 1 || names_fail_over {
            vec![0; simulated * call_stride]
        } else {
            Vec::new()
        };
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
        let mut lease_ends = Vec::new();
        if !leases.is_empty() {
            lease_ends = vec![0; buckets_total + 1];
            for until in &leases {
                lease_ends[lease_bucket(&scenario, buckets_total, *until)] += 1;
            }
        }
        let leases_ending_later = leases.len() as u64;
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
            faults_rng: Rng::stream(scenario.seed, StreamId::Faults),
            throttle: Rng::stream(scenario.seed, StreamId::Throttle),
            budgets,
            breakers,
            clients,
            connections,
            requests: Vec::new(),
            free: Vec::new(),
            backends: (0..scenario.backend_slots())
                .map(|region| Backend {
                    queue: VecDeque::new(),
                    busy_workers: 0,
                    service: scenario.slot_service(region),
                    config: scenario.services[scenario.slot_service(region)].clone(),
                    faults: backend_faults_at(&scenario, SimTime::ZERO, region),
                    throttle_tokens: 0.0,
                    throttle_refilled_at: SimTime::ZERO,
                })
                .collect(),
            backend_faults_until: SimTime::ZERO,
            client_region,
            name_routes: vec![NameRoute::default(); scenario.names.len()],
            tokens,
            leases,
            lease_ends,
            leases_ending_later,
            identity_rng: Rng::stream(scenario.seed, StreamId::Identity),
            telemetry_rng: Rng::stream(scenario.seed, StreamId::Telemetry),
            dns_overrides: Vec::new(),
            call_stride,
            prefetching: if prefetch {
                vec![false; simulated * call_stride]
            } else {
                Vec::new()
            },
            lookups_in_flight: if capped {
                vec![0; simulated]
            } else {
                Vec::new()
            },
            lookup_queues: if capped {
                vec![VecDeque::new(); simulated]
            } else {
                Vec::new()
            },
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
            buckets_total,
            scenario,
        };
        let edges: Vec<(SimTime, Option<u16>)> = sim
            .scenario
            .faults
            .iter()
            .enumerate()
            .flat_map(|(i, f)| {
                let flapping = (f.flap_period.0 > 0).then_some(i as u16);
                [(f.start, flapping), (f.end, None)]
            })
            .collect();
        for (edge, flapping) in edges {
            sim.schedule(edge, Event::FaultEdge { flapping });
        }
        if let Some(failover) = sim.scenario.failover {
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

    /// The scenario being run.
    fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Whether clients come in classes (`[[fleets]]`, even one); never for [`Plain`].
    #[inline(always)]
    fn classed(&self) -> bool {
        S::TOPOLOGY && !self.fleet_of.is_empty()
    }

    /// Whether every client makes one call per request (no `depends_on`); always for [`Plain`].
    #[inline(always)]
    fn one_call(&self) -> bool {
        !S::TOPOLOGY || self.call_stride == 1
    }

    /// Whether the scenario has one DNS name (no `[[names]]`); always for [`Plain`].
    #[inline(always)]
    fn one_name(&self) -> bool {
        !S::TOPOLOGY || self.scenario.names.len() == 1
    }

    /// Whether some name's lookups go to a forwarding list of their own; never for [`Plain`].
    #[inline(always)]
    fn forwarding(&self) -> bool {
        S::TOPOLOGY && self.forwarding
    }

    /// Where a client's rotate counter wraps: at the resolver count, or with forwarding lists
    /// at a multiple of every list's length (1, 2 or 3), so that each list's lookups start at
    /// its resolvers in turn.
    #[inline(always)]
    fn rotate_period(&self) -> usize {
        if self.forwarding() {
            ROTATE_PERIOD_FORWARDING
        } else {
            self.resolvers.len()
        }
    }

    /// The resolvers a lookup of request `id` goes to: its call's name's forwarding list, or
    /// every resolver in order (`None`).
    #[inline]
    fn forwarded_to(&self, id: RequestId) -> Option<&[usize]> {
        if !self.forwarding() {
            return None;
        }
        let r = &self.requests[id as usize];
        let name = self.call_name(r.client as usize, r.call);
        Some(&self.scenario.names[name].resolvers)
    }

    /// Tries one lookup of request `id` by `client` may make: its class's `attempts` rounds
    /// over the resolvers its name's lookups go to.
    #[inline]
    fn lookup_tries_max(&self, id: RequestId, client: usize) -> u32 {
        let servers = self
            .forwarded_to(id)
            .map_or(self.resolvers.len(), <[usize]>::len);
        self.policy(client).lookup_attempts * servers as u32
    }

    /// The class of a simulated client, and its place in the class.
    #[inline]
    fn local(&self, client: usize) -> (usize, usize) {
        if !self.classed() {
            (0, client)
        } else {
            let class = usize::from(self.fleet_of[client]);
            (
                class,
                client - self.scenario.fleets[class].first_client as usize,
            )
        }
    }

    /// The class of a request's client, and the index of the client's current call in the
    /// class's budget and breaker tables (one entry per client and call of the class: a client
    /// keeps a retry budget and a breaker per downstream call, as it keeps an SDK client per
    /// service).
    #[inline]
    fn local_call(&self, id: RequestId) -> (usize, usize) {
        let r = &self.requests[id as usize];
        let (class, local) = self.local(r.client as usize);
        if self.one_call() {
            return (class, local);
        }
        let calls = 1 + self.policy(r.client as usize).dependencies.len();
        (class, local * calls + usize::from(r.call))
    }

    /// The DNS name (index in `Scenario::names`) of a client's call `call`.
    #[inline]
    fn call_name(&self, client: usize, call: u8) -> usize {
        let policy = self.policy(client);
        policy
            .dependencies
            .get(usize::from(call))
            .map_or(policy.calls, |d| d.name)
    }

    /// Where a client's state for call `call` lives (`clients`, `connections`, `prefetching`).
    #[inline]
    fn call_slot(&self, client: usize, call: u8) -> usize {
        if self.one_call() {
            return client;
        }
        client * self.call_stride + usize::from(call)
    }

    /// The client settings of a simulated client: its class's.
    #[inline]
    fn policy(&self, client: usize) -> &Scenario {
        if !self.classed() {
            &self.scenario
        } else {
            &self.scenario.fleets[usize::from(self.fleet_of[client])].scenario
        }
    }

    /// Simulated time reached.
    fn now(&self) -> SimTime {
        self.now
    }

    /// Whether the run reached its horizon or its event budget.
    fn is_finished(&self) -> bool {
        self.budget_exhausted || self.now >= self.scenario.duration
    }

    /// Runs to the horizon and returns the report. Runs in place (`&mut self`): moved onto the
    /// stack, the engine's position there decided its speed.
    fn run_to_end(&mut self) -> Report {
        self.advance_to(self.scenario.duration);
        self.report()
    }

    /// Processes every event before `until` (capped at the horizon), then stops.
    fn advance_to(&mut self, until: SimTime) {
        let until = until.min(self.scenario.duration);
        if cfg!(target_arch = "wasm32") {
            while self.step_batch(until) {}
        } else {
            // One loop with `step` inlined: natively 2 % fewer instructions than batches.
            while !self.budget_exhausted && self.step(until) {}
        }
        if !self.budget_exhausted {
            self.now = self.now.max(until);
            self.update_bucket();
        }
    }

    /// Handles up to [`STEP_BATCH`] events before `until`; false when none is left (or the event
    /// budget ran out), true when there may be more. wasm32 only (natively `advance_to` loops
    /// over `step` directly: batching cost 2 % more instructions there).
    ///
    /// Not inlined into `advance_to` on wasm32: V8 moves a wasm function from its baseline
    /// compiler to the optimising one only at its next call (no on-stack replacement), so a loop
    /// that did all the work inline would run a whole first call unoptimised. A call per event
    /// (as before) cost a call's spills 1.25 M times per steady peer run; a call per 1024 events
    /// runs the peer workload 3–5 % faster in Node, and the optimised code still takes over
    /// within 1024 events of V8 finishing it.
    ///
    /// The small helpers every request goes through are `#[inline(always)]`: wasm calls in V8
    /// keep no register across a call, so each call spills and reloads the caller's live values
    /// (natively the same inlining saves about 10 % of the instructions).
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn step_batch(&mut self, until: SimTime) -> bool {
        for _ in 0..STEP_BATCH {
            if self.budget_exhausted || !self.step(until) {
                return false;
            }
        }
        true
    }

    /// Handles the next event if it comes before `until`; false when there is none.
    #[cfg_attr(target_arch = "wasm32", inline(always))]
    fn step(&mut self, until: SimTime) -> bool {
        let Some((key, event)) = self.pop_before(until) else {
            return false;
        };
        debug_assert!(key.time >= self.now, "time never goes backwards");
        self.now = key.time;
        if self.now >= self.bucket_end {
            self.update_bucket();
        }
        if self.now >= self.backend_faults_until {
            self.update_backend_faults();
        }
        self.events += 1;
        if self.events >= self.scenario.event_budget {
            self.budget_exhausted = true;
        }
        self.handle(event);
        true
    }

    /// Recomputes the bucket of `now` and where it ends.
    fn update_bucket(&mut self) {
        let width = self.scenario.bucket.0;
        let index = ((self.now.0 / width) as usize).min(self.buckets_total - 1);
        if !self.leases.is_empty() {
            // Leases ending in a bucket that is over have lapsed by its end.
            for ended in self.bucket_index..index {
                self.leases_ending_later -= self.lease_ends[ended];
                self.series.leases_held_fraction[ended] =
                    self.leases_ending_later as f64 / self.leases.len() as f64;
            }
        }
        self.bucket_index = index;
        self.bucket_end = if index + 1 >= self.buckets_total {
            SimTime::NEVER
        } else {
            SimTime(width * (index as u64 + 1))
        };
    }

    /// Recomputes the backend faults in force at `now` in every region, and until when they hold.
    /// Events at an edge's instant see the same state as [`Fault::active`] at that instant.
    #[cold]
    fn update_backend_faults(&mut self) {
        let now = self.now;
        for (region, backend) in self.backends.iter_mut().enumerate() {
            let throttled = backend.faults.throttle_per_s.is_some();
            backend.faults = backend_faults_at(&self.scenario, now, region);
            if let Some(rate) = backend.faults.throttle_per_s
                && !throttled
            {
                backend.throttle_tokens = throttle_burst(rate);
                backend.throttle_refilled_at = now;
            }
            // At every start of the throttle (each period of a flapping one).
            let restart = self.scenario.faults.iter().any(|f| {
                f.kind == FaultKind::Throttle
                    && f.flush_queue
                    && f.target == FaultTarget::Region(region)
                    && f.active(now)
                    && (now == f.start || !f.active(SimTime(now.0 - 1)))
            });
            if restart {
                let flushed = backend.queue.len() as u64;
                backend.queue.clear();
                self.series.dropped_abandoned[self.bucket_index] += flushed;
            }
        }
        self.backend_faults_until = backend_faults_until(&self.scenario, now);
    }

    /// The earliest of the heap's head, the timeout FIFO's head and the next arrival, if before
    /// `until`; keys are unique, so the `(time, sequence)` order is total.
    fn pop_before(&mut self, until: SimTime) -> Option<(Key, Event)> {
        let heap_key = self.heap.peek().map_or(NO_KEY, |s| s.key);
        // One FIFO per client class; with one class there is nothing to choose.
        let (mut fifo, mut fifo_key) = (0, self.timeouts.front().map_or(NO_KEY, |t| t.0));
        let further_classes = if S::TOPOLOGY {
            &self.class_timeouts[..]
        } else {
            &[]
        };
        for (i, queue) in further_classes.iter().enumerate() {
            let head = queue.front().map_or(NO_KEY, |t| t.0);
            if head < fifo_key {
                (fifo, fifo_key) = (i + 1, head);
            }
        }
        // Which head comes first is unpredictable: note it while taking the least (conditional
        // moves), then branch once on it, instead of comparing the least with each head in turn.
        let (mut key, mut head) = (heap_key, Head::Heap);
        if fifo_key < key {
            (key, head) = (fifo_key, Head::Timeouts);
        }
        if self.next_arrival < key {
            (key, head) = (self.next_arrival, Head::Arrival);
        }
        if key.time >= until {
            return None;
        }
        match head {
            Head::Arrival => {
                self.next_arrival = NO_KEY;
                Some((key, Event::Arrival))
            }
            Head::Timeouts => {
                let queue = if fifo == 0 {
                    &mut self.timeouts
                } else {
                    &mut self.class_timeouts[fifo - 1]
                };
                let (key, request, attempt) = queue.pop_front()?;
                Some((key, Event::AttemptTimeout { request, attempt }))
            }
            Head::Heap => {
                let s = self.heap.pop()?;
                Some((s.key, s.event))
            }
        }
    }

    fn schedule(&mut self, time: SimTime, event: Event) {
        self.sequence += 1;
        let key = Key {
            time,
            sequence: self.sequence,
        };
        self.heap.push(Scheduled { key, event });
    }

    /// Schedules the timeout of attempt `tag` of `request`, launched now, with the sequence
    /// number taken when it was launched (so it orders as if scheduled then).
    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn schedule_attempt_timeout(&mut self, request: RequestId, tag: u32, sequence: u64) {
        let client = self.requests[request as usize].client as usize;
        let (class, _) = self.local(client);
        let key = Key {
            time: self.now.after(self.policy(client).attempt_timeout),
            sequence,
        };
        let queue = if class == 0 {
            &mut self.timeouts
        } else {
            &mut self.class_timeouts[class - 1]
        };
        debug_assert!(queue.back().is_none_or(|t| t.0 <= key));
        queue.push_back((key, request, tag));
    }

    fn bucket(&self) -> usize {
        self.bucket_index
    }

    /// The events of every request (arrival, attempt timeout, service end, retry) are handled
    /// here; the others go through [`Engine::handle_other`], kept out of line so that `step`,
    /// which inlines this, stays small enough for V8 to compile it well.
    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival => self.on_arrival(),
            Event::AttemptTimeout { request, attempt } => self.on_attempt_timeout(request, attempt),
            Event::ServiceDone {
                request,
                attempt,
                region,
            } => self.on_service_done(request, attempt, region),
            Event::RetryDue { request } => self.start_attempt(request),
            other => self.handle_other(other),
        }
    }

    #[inline(never)]
    fn handle_other(&mut self, event: Event) {
        match event {
            Event::LookupDone {
                request,
                attempt,
                answer,
            } => self.on_lookup_done(request, attempt, answer),
            Event::LookupTimeout { request, attempt } => self.on_lookup_timeout(request, attempt),
            Event::TokenReady { request, ok } => self.on_token_ready(request, ok),
            Event::HealthCheck { name } => self.on_health_check(usize::from(name)),
            Event::DnsSwitch { name, region } => {
                let route = &mut self.name_routes[usize::from(name)];
                route.answer_region = region;
                route.switches.push((self.now, region));
            }
            Event::HedgeDue { request, attempt } => self.on_hedge_due(request, attempt),
            Event::FaultEdge { flapping } => self.on_fault_edge(flapping),
            Event::Arrival
            | Event::AttemptTimeout { .. }
            | Event::ServiceDone { .. }
            | Event::RetryDue { .. } => unreachable!("handled by `handle`"),
        }
    }

    /// Capacity may have changed: serve the queue. A flapping fault schedules its next switch,
    /// so it has one pending edge at a time.
    fn on_fault_edge(&mut self, flapping: Option<u16>) {
        if let Some(index) = flapping
            && let Some(next) = self.scenario.faults[usize::from(index)].next_flap_edge(self.now)
        {
            self.schedule(next, Event::FaultEdge { flapping });
        }
        for region in 0..self.backends.len() {
            self.dispatch_backend(region);
        }
        self.update_arrival_rate();
        let now = self.now;
        let sc = &self.scenario;
        // The first share of a class's clients (`target = "class:<name>"`), else of the fleet's.
        self.dns_overrides = sc
            .faults
            .iter()
            .filter(|f| f.kind == FaultKind::DnsOverride && f.active(now))
            .map(|f| {
                let (first, clients) = match f.target {
                    FaultTarget::Class(c) => (
                        sc.fleets[c].first_client,
                        sc.fleets[c].scenario.simulated_clients,
                    ),
                    _ => (0, sc.simulated_clients),
                };
                let covered = (libm::ceil(f.fraction * clients as f64) as u64).min(clients);
                (first, first + covered)
            })
            .collect();
    }

    /// A load spike starts or ends: the fleet's Poisson rate changes. The next arrival is drawn
    /// again from now at the new rate, which is exact for a Poisson process (memoryless).
    fn update_arrival_rate(&mut self) {
        let factor = self
            .scenario
            .faults
            .iter()
            .filter(|f| f.kind == FaultKind::LoadSpike && f.active(self.now))
            .fold(1.0, |product, f| product * f.factor);
        let gap_mean_s = 1.0 / (self.scenario.offered_load_per_s() * factor);
        if gap_mean_s != self.arrival_gap_mean_s {
            self.arrival_gap_mean_s = gap_mean_s;
            self.arrival_clock_us = self.now.0 as f64;
            self.next_arrival = NO_KEY;
            self.schedule_next_arrival();
        }
    }

    /// Route 53 health check of a name's primary (its service's region 0): after
    /// `failure_threshold` consecutive results against its current status the status flips, and
    /// the answer follows after propagation. Each name has its own settings and state.
    fn on_health_check(&mut self, name: usize) {
        let Some(failover) = self.scenario.names[name].failover else {
            return;
        };
        let next = self.now.after(failover.interval);
        if next < self.scenario.duration {
            self.schedule(next, Event::HealthCheck { name: name as u8 });
        }
        let primary = self
            .scenario
            .service_slot(self.scenario.names[name].service);
        let passed = self.primary_check_passes(primary);
        let route = &mut self.name_routes[name];
        if passed != route.primary_unhealthy {
            route.health_streak = 0;
            return;
        }
        route.health_streak += 1;
        if route.health_streak >= failover.failure_threshold {
            route.health_streak = 0;
            route.primary_unhealthy = !passed;
            let region = u8::from(route.primary_unhealthy);
            let at = self.now.after(failover.propagation);
            self.schedule(
                at,
                Event::DnsSwitch {
                    name: name as u8,
                    region,
                },
            );
        }
    }

    /// Whether more than 18 % of Route 53's checkers would see backend slot `slot` (a primary)
    /// healthy: the share of attempts it fails (region loss, errors; all of them with every
    /// worker lost) is below 82 %.
    fn primary_check_passes(&self, slot: usize) -> bool {
        let failing = self
            .scenario
            .faults
            .iter()
            .filter(|f| f.target == FaultTarget::Region(slot) && f.active(self.now))
            .map(|f| match f.kind {
                FaultKind::RegionLoss | FaultKind::ErrorRate => f.fraction,
                _ => 0.0,
            })
            .fold(0.0, f64::max);
        let failing = if self.workers_in_force(slot) == 0 {
            1.0
        } else {
            failing
        };
        1.0 - failing > HEALTHY_CHECKERS_FRACTION_MIN
    }

    /// Schedules the first health check of every further name with failover routing, each at a
    /// phase drawn from its own stream (one draw per such name, in name order).
    fn schedule_name_health_checks(&mut self) {
        let mut phase = Rng::stream(self.scenario.seed, StreamId::NameHealthCheck);
        for name in 1..self.scenario.names.len() {
            if let Some(failover) = self.scenario.names[name].failover {
                let first = SimTime((phase.uniform() * failover.interval.0 as f64) as u64);
                self.schedule(first, Event::HealthCheck { name: name as u8 });
            }
        }
    }

    /// Whether a fault aimed at dependency `target` fails this call, and the latency it adds.
    /// Draws from `rng` only while such a fault is in force.
    fn dependency_fault(&mut self, target: FaultTarget) -> (Option<FaultKind>, SimTime) {
        let now = self.now;
        let rng = if target == FaultTarget::Identity {
            &mut self.identity_rng
        } else {
            &mut self.telemetry_rng
        };
        let mut failed = None;
        let mut extra = SimTime::ZERO;
        for f in self
            .scenario
            .faults
            .iter()
            .filter(|f| f.target == target && f.active(now))
        {
            match f.kind {
                FaultKind::DnsLatency => extra = extra.after(f.latency),
                FaultKind::ServiceSlowdown => {}
                kind if failed.is_none() && rng.chance(f.fraction) => failed = Some(kind),
                _ => {}
            }
        }
        (failed, extra)
    }

    /// A request whose client has no valid token fetches one: on success the token is valid from
    /// when the fetch ends; on failure an expired token within its grace may be used.
    fn fetch_token(&mut self, id: RequestId) {
        let identity = self.scenario.identity.expect("identity is on");
        let bucket = self.bucket();
        let client = self.requests[id as usize].client as usize;
        self.series.identity_fetches[bucket] += 1;
        let (failed, extra) = self.dependency_fault(FaultTarget::Identity);
        let ready = self.now.after(identity.fetch_latency).after(extra);
        let ok = if failed.is_none() {
            self.tokens[client] = ready.after(identity.token_lifetime);
            true
        } else {
            self.series.identity_fetch_failed[bucket] += 1;
            let usable = self.now < self.tokens[client].after(identity.grace);
            if usable {
                self.series.identity_expired_used[bucket] += 1;
            }
            usable
        };
        self.schedule(ready, Event::TokenReady { request: id, ok });
    }

    fn on_token_ready(&mut self, id: RequestId, ok: bool) {
        assert_eq!(
            self.requests[id as usize].phase,
            Phase::Backoff,
            "a request waits for its token before its first attempt"
        );
        if ok {
            self.start_attempt(id);
        } else {
            let bucket = self.bucket();
            self.series.refused_first[bucket] += 1;
            self.finish(id, Outcome::DependencyFailed);
        }
    }

    /// The telemetry call of an ended request: counted, never failing it; returns the latency it
    /// adds (zero unless synchronous).
    fn telemetry_call(&mut self) -> SimTime {
        let Some(telemetry) = self.scenario.telemetry else {
            return SimTime::ZERO;
        };
        let bucket = self.bucket();
        self.series.telemetry_calls[bucket] += 1;
        let (failed, extra) = self.dependency_fault(FaultTarget::Telemetry);
        let waited = match failed {
            None => telemetry.latency.after(extra),
            Some(kind) => {
                self.series.telemetry_failed[bucket] += 1;
                match kind {
                    FaultKind::DnsEmpty | FaultKind::DnsServfail | FaultKind::ErrorRate => {
                        telemetry.latency
                    }
                    _ => telemetry.timeout,
                }
            }
        };
        if telemetry.sync {
            waited.min(telemetry.timeout.max(telemetry.latency))
        } else {
            SimTime::ZERO
        }
    }

    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn schedule_next_arrival(&mut self) {
        self.arrival_clock_us += self.arrivals.exponential(self.arrival_gap_mean_s) * 1e6;
        let at = SimTime::from_us_f64(self.arrival_clock_us);
        debug_assert!(at >= self.now, "arrivals never go back in time");
        if at < self.scenario.duration {
            self.sequence += 1;
            self.next_arrival = Key {
                time: at,
                sequence: self.sequence,
            };
            // The client is drawn now, and its cache read ahead: with a million clients that read
            // misses the processor's caches, and the events before the arrival overlap with it.
            let client = if !self.classed() {
                self.arrivals.below(self.scenario.simulated_clients) as u32
            } else {
                // The class in proportion to its offered load, then a client of it.
                let total = self.class_load_upto.last().copied().unwrap_or(0.0);
                let u = self.arrivals.uniform() * total;
                let class = self
                    .class_load_upto
                    .iter()
                    .position(|upto| u < *upto)
                    .unwrap_or(self.class_load_upto.len() - 1);
                let fleet = &self.scenario.fleets[class];
                (fleet.first_client + self.arrivals.below(fleet.scenario.simulated_clients)) as u32
            };
            self.next_arrival_client = client;
            prefetch(&self.clients[self.call_slot(client as usize, 0)]);
        }
    }

    fn on_arrival(&mut self) {
        let client = self.next_arrival_client;
        self.schedule_next_arrival();
        let id = self.allocate(client);
        let bucket = self.bucket();
        self.series.requests[bucket] += 1;
        self.in_flight += 1;
        let (class, local) = self.local(client as usize);
        let local = if self.one_call() {
            local
        } else {
            local * (1 + self.policy(client as usize).dependencies.len())
        };
        if self.classed() {
            self.series.class_requests[class][bucket] += 1;
        }
        self.budgets[class].request_started(local, self.now);
        if !self.tokens.is_empty() && self.tokens[client as usize] <= self.now {
            self.fetch_token(id);
            return;
        }
        self.start_attempt(id);
    }

    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn allocate(&mut self, client: u32) -> RequestId {
        let fresh = Request {
            client,
            started: self.now,
            attempt: 0,
            tag: 0,
            phase: Phase::Backoff,
            lookup_tries: 0,
            last_delay_ms: 0.0,
            budget_tokens: 0,
            retry_slot: false,
            breaker_epoch: 0,
            lookup_offset: 0,
            parent: NO_PARENT,
            hedges_sent: 0,
            hedges_live: 0,
            hedges: [NO_PARENT; HEDGES_MAX],
            region: 0,
            lookup_slot: false,
            paced: false,
            prefetch: false,
            call: 0,
            served_until: SimTime::NEVER,
        };
        match self.free.pop() {
            Some(id) => {
                let tag = self.requests[id as usize].tag;
                self.requests[id as usize] = Request { tag, ..fresh };
                id
            }
            None => {
                self.requests.push(fresh);
                (self.requests.len() - 1) as RequestId
            }
        }
    }

    fn start_attempt(&mut self, id: RequestId) {
        let bucket = self.bucket();
        assert_eq!(
            self.requests[id as usize].phase,
            Phase::Backoff,
            "an attempt starts only from backoff"
        );
        let refusal = match self.pace(id) {
            Pace::Now => self.refusal(id),
            Pace::At(at) => {
                self.schedule(at, Event::RetryDue { request: id });
                return;
            }
            Pace::TooLate => Some(Outcome::DeadlineExceeded),
        };
        if let Some(refusal) = refusal {
            let r = &self.requests[id as usize];
            if r.attempt == 0 && r.call == 0 {
                self.series.refused_first[bucket] += 1;
            }
            self.call_failed(id, refusal);
            return;
        }
        let policy = self.policy(self.requests[id as usize].client as usize);
        let (attempts_max, hedging) = (policy.attempts_max, policy.hedging);
        let r = &mut self.requests[id as usize];
        assert!(
            r.attempt < attempts_max,
            "attempts never exceed the maximum"
        );
        if r.attempt > 0 {
            self.series.attempts_retry[bucket] += 1;
        } else if r.call == 0 {
            self.series.attempts_first[bucket] += 1;
        } else {
            self.series.attempts_later_call[bucket] += 1;
        }
        if let Some(hedging) = hedging {
            r.hedges_sent = 1;
            r.hedges_live = 1;
            let at = self.now.after(hedging.delay);
            let attempt = r.tag.wrapping_add(1);
            self.launch(id);
            // A call that failed at once (with its hedges) may have moved the request on to its
            // next call, which scheduled its own hedges: this call has none left to send.
            if self.requests[id as usize].tag != attempt {
                return;
            }
            self.schedule(
                at,
                Event::HedgeDue {
                    request: id,
                    attempt,
                },
            );
        } else {
            self.launch(id);
        }
    }

    /// Starts an attempt: sends it, and schedules its timeout if it may still time out.
    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn launch(&mut self, id: RequestId) {
        let r = &mut self.requests[id as usize];
        r.attempt += 1;
        r.tag = r.tag.wrapping_add(1);
        r.phase = Phase::Lookup;
        r.lookup_tries = 0;
        r.served_until = SimTime::NEVER;
        let (tag, client, call) = (r.tag, r.client as usize, r.call);
        // The timeout's place in the order of events is taken now; whether it is needed is
        // known once the attempt has been sent (see `attempt_may_time_out`).
        self.sequence += 1;
        let timeout_sequence = self.sequence;
        self.send_attempt(id, tag, client, call);
        if self.attempt_may_time_out(id, tag, client) {
            self.schedule_attempt_timeout(id, tag, timeout_sequence);
        }
    }

    /// Whether attempt `tag` of request `id`, just sent, may still time out: it has not ended
    /// already (refused, failed, answered from a negative cache) and is not in service with an
    /// end before its timeout. Such an attempt's timeout would find it over, so it is not
    /// scheduled: results are the same, with one event fewer per attempt served in time.
    #[inline(always)]
    fn attempt_may_time_out(&self, id: RequestId, tag: u32, client: usize) -> bool {
        let r = &self.requests[id as usize];
        #[cfg(test)]
        if self.every_timeout {
            return r.tag == tag && matches!(r.phase, Phase::Lookup | Phase::Backend);
        }
        r.tag == tag
            && match r.phase {
                Phase::Lookup => true,
                Phase::Backend => {
                    r.served_until >= self.now.after(self.policy(client).attempt_timeout)
                }
                Phase::Free | Phase::Backoff | Phase::Hedging => false,
            }
    }

    /// Sends attempt `tag` of request `id`: from the pooled connection, the client's DNS cache,
    /// a local override, or a lookup.
    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn send_attempt(&mut self, id: RequestId, tag: u32, client: usize, call: u8) {
        let bucket = self.bucket();

        let slot = self.call_slot(client, call);
        let cache = self.clients[slot];
        if self.connections.get(slot).is_some_and(|c| *c > self.now) {
            self.series.connection_reused[bucket] += 1;
            self.send_to_backend(id);
        } else if !self.dns_overrides.is_empty()
            && self
                .dns_overrides
                .iter()
                .any(|(start, end)| (*start..*end).contains(&(client as u64)))
        {
            // A local override (hosts file) is read before DNS (nsswitch `files dns`).
            self.series.dns_overridden[bucket] += 1;
            if let Some(region) = self.client_region.get_mut(slot) {
                *region = 0;
            }
            self.send_to_backend(id);
        } else if cache.positive_until > self.now {
            self.series.dns_client_cache[bucket] += 1;
            if !self.prefetching.is_empty()
                && !self.prefetching[slot]
                && cache.positive_until <= self.now.after(self.policy(client).client_prefetch)
            {
                self.start_prefetch(client, call);
            }
            self.send_to_backend(id);
        } else if cache.negative_until > self.now {
            self.series.dns_negative_cached[bucket] += 1;
            self.fail_attempt(id, Outcome::DnsEmpty);
        } else {
            if !self.rotate_next.is_empty() && self.policy(client).rotate {
                let period = self.rotate_period();
                let next = &mut self.rotate_next[client];
                self.requests[id as usize].lookup_offset = *next;
                *next = ((usize::from(*next) + 1) % period) as u8;
            }
            if !self.lookups_in_flight.is_empty() && !self.take_lookup_place(client, id, tag) {
                return;
            }
            self.query_resolver(id);
        }
    }

    /// Starts a background lookup that refreshes `client`'s cache entry before it expires. It
    /// uses a request slot of its own but is no user request: it has no attempt, outcome or
    /// timeout beyond its tries, and only updates the cache.
    fn start_prefetch(&mut self, client: usize, call: u8) {
        let slot = self.call_slot(client, call);
        self.prefetching[slot] = true;
        let bucket = self.bucket();
        self.series.dns_prefetches[bucket] += 1;
        let id = self.allocate(client as u32);
        let r = &mut self.requests[id as usize];
        r.prefetch = true;
        r.call = call;
        r.tag = r.tag.wrapping_add(1);
        r.phase = Phase::Lookup;
        let tag = r.tag;
        if !self.rotate_next.is_empty() && self.policy(client).rotate {
            let period = self.rotate_period();
            let next = &mut self.rotate_next[client];
            self.requests[id as usize].lookup_offset = *next;
            *next = ((usize::from(*next) + 1) % period) as u8;
        }
        if !self.lookups_in_flight.is_empty() && !self.take_lookup_place(client, id, tag) {
            return;
        }
        self.query_resolver(id);
    }

    /// A background refresh ended (answered or out of tries): its slot is free again.
    fn end_prefetch(&mut self, id: RequestId) {
        self.end_lookup(id);
        let r = &mut self.requests[id as usize];
        assert!(
            r.prefetch && r.phase == Phase::Lookup,
            "a refresh ends once"
        );
        r.phase = Phase::Free;
        r.prefetch = false;
        let slot = r.client as usize * self.call_stride + usize::from(r.call);
        self.prefetching[slot] = false;
        self.free.push(id);
    }

    /// Gives the lookup a place among its client's lookups in flight, or queues it (false); a
    /// client whose class has no cap takes no place.
    fn take_lookup_place(&mut self, client: usize, id: RequestId, tag: u32) -> bool {
        let cap = self.policy(client).lookups_in_flight_max;
        if cap == 0 {
            return true; // this client's class has no cap (another class has one)
        }
        if self.lookups_in_flight[client] < cap {
            self.lookups_in_flight[client] += 1;
            self.requests[id as usize].lookup_slot = true;
            return true;
        }
        let bucket = self.bucket();
        self.series.dns_lookups_queued[bucket] += 1;
        self.lookup_queues[client].push_back((id, tag));
        false
    }

    /// A lookup of `client` ended: its place goes to the oldest queued lookup still wanted.
    fn release_lookup_place(&mut self, client: usize) {
        assert!(
            self.lookups_in_flight[client] > 0,
            "a place is released once"
        );
        self.lookups_in_flight[client] -= 1;
        while let Some((id, tag)) = self.lookup_queues[client].pop_front() {
            if self.current(id, tag, Phase::Lookup) && !self.requests[id as usize].lookup_slot {
                self.lookups_in_flight[client] += 1;
                self.requests[id as usize].lookup_slot = true;
                self.query_resolver(id);
                break;
            }
        }
        assert!(
            self.lookups_in_flight[client] <= self.policy(client).lookups_in_flight_max,
            "lookups in flight never exceed the cap"
        );
    }

    /// The current lookup of `id` ends normally: it hands back its place.
    fn end_lookup(&mut self, id: RequestId) {
        if self.lookups_in_flight.is_empty() {
            return; // no cap: no lookup holds a place
        }
        let r = &mut self.requests[id as usize];
        if r.lookup_slot {
            r.lookup_slot = false;
            let client = r.client as usize;
            self.release_lookup_place(client);
        }
    }

    /// The attempt of `id` gives up while its lookup holds a place: the lookup goes on as a
    /// ghost that keeps the place until it ends.
    fn abandon_lookup(&mut self, id: RequestId) {
        if self.lookups_in_flight.is_empty() {
            return; // no cap: no lookup holds a place
        }
        let r = &mut self.requests[id as usize];
        if r.lookup_slot {
            r.lookup_slot = false;
            let (tag, client, tries) = (r.tag, r.client, r.lookup_tries);
            let tries_max = self.lookup_tries_max(id, client as usize);
            self.ghost_lookups
                .insert((id, tag), (client, tries, tries_max));
        }
    }

    /// A DNS event of a lookup that is no longer current: if it is a ghost's, the ghost moves on
    /// (`timed_out`: to its next try, if any) or ends and hands back its place.
    fn ghost_event(&mut self, id: RequestId, tag: u32, timed_out: bool) {
        let Some(&(client, tries, tries_max)) = self.ghost_lookups.get(&(id, tag)) else {
            return;
        };
        if timed_out && tries < tries_max {
            self.ghost_lookups
                .insert((id, tag), (client, tries + 1, tries_max));
            self.schedule_lookup_timeout(id, tag, client as usize);
        } else {
            self.ghost_lookups.remove(&(id, tag));
            self.release_lookup_place(client as usize);
        }
    }

    /// AWS adaptive rate limiter (before anything else: the SDK sleeps before sending). An
    /// attempt that waited for its token goes now; one whose token would come after its
    /// request's deadline is too late (and takes none).
    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn pace(&mut self, id: RequestId) -> Pace {
        let client = self.requests[id as usize].client as usize;
        let deadline = self.policy(client).deadline;
        let r = &mut self.requests[id as usize];
        if std::mem::take(&mut r.paced) {
            return Pace::Now;
        }
        let latest = if deadline > SimTime::ZERO {
            r.started.after(deadline)
        } else {
            SimTime::NEVER
        };
        let (class, local) = self.local_call(id);
        let pace = self.budgets[class].pace(local, self.now, latest);
        if let Pace::At(_) = pace {
            self.requests[id as usize].paced = true;
        }
        pace
    }

    /// Client-side refusal of an attempt before anything is sent: adaptive throttling first (it
    /// counts every attempt the application makes), then the breaker (which admits probes).
    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn refusal(&mut self, id: RequestId) -> Option<Outcome> {
        let (class, local) = self.local_call(id);
        if !self.budgets[class].admit(local, self.now, &mut self.throttle) {
            return Some(Outcome::Throttled);
        }
        if let Some(breakers) = &mut self.breakers[class] {
            match breakers.admit(local, self.now) {
                Some(epoch) => self.requests[id as usize].breaker_epoch = epoch,
                None => return Some(Outcome::BreakerOpen),
            }
        }
        None
    }

    /// Bookkeeping when an attempt ends: breaker and budget statistics, the Envoy retry slot, and
    /// the pooled connection (a failed backend attempt closes it).
    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn end_attempt(&mut self, id: RequestId, cause: Outcome) {
        let success = cause == Outcome::Success;
        let client = self.requests[id as usize].client as usize;
        let (class, local) = self.local_call(id);
        let r = &mut self.requests[id as usize];
        if let Some(breakers) = &mut self.breakers[class] {
            breakers.record(local, self.now, r.breaker_epoch, !success);
        }
        let throttled = matches!(cause, Outcome::Rejected | Outcome::OperatorThrottled);
        self.budgets[class].attempt_ended(local, self.now, success, throttled);
        if r.retry_slot {
            r.retry_slot = false;
            self.budgets[class].release_slot(local);
        }
        if matches!(
            cause,
            Outcome::RequestTimeout
                | Outcome::Rejected
                | Outcome::OperatorThrottled
                | Outcome::ServerError
        ) && let Some(connection) = self
            .connections
            .get_mut(client * self.call_stride + usize::from(self.requests[id as usize].call))
        {
            *connection = SimTime::ZERO;
        }
    }

    /// The DNS fault of one of `kinds` in force now at `target` whose fraction strikes this
    /// query. Draws from the fault stream only when such a fault is in force.
    fn dns_fault_hit(
        &mut self,
        target: FaultTarget,
        kinds: &[FaultKind],
    ) -> Option<(FaultKind, SimTime)> {
        let now = self.now;
        let fault = self
            .scenario
            .faults
            .iter()
            .find(|f| f.target == target && kinds.contains(&f.kind) && f.active(now))?;
        let (kind, fraction, latency) = (fault.kind, fault.fraction, fault.latency);
        self.faults_rng.chance(fraction).then_some((kind, latency))
    }

    /// Generic cell rate algorithm (ITU-T I.371): one query per 1/limit seconds with a burst of
    /// [`RESOLVER_BURST_S`] of the limit; true when the query conforms (and is counted).
    fn within_client_limit(&mut self, client: usize, server: usize) -> bool {
        // Scaled by the client's class's super-client factor.
        let limit = self.policy(client).resolvers[server].per_client_qps_limit;
        if limit <= 0.0 {
            return true;
        }
        let increment_us = 1e6 / limit;
        let tolerance_us = (limit * RESOLVER_BURST_S).max(1.0) * increment_us;
        let tat = &mut self.client_limit_tat[client * self.resolvers.len() + server];
        let start = (*tat).max(self.now.0);
        if (start - self.now.0) as f64 + increment_us > tolerance_us {
            return false;
        }
        *tat = start + libm::round(increment_us) as u64;
        true
    }

    fn answer(&mut self, at: SimTime, id: RequestId, tag: u32, answer: Answer) {
        self.schedule(
            at,
            Event::LookupDone {
                request: id,
                attempt: tag,
                answer,
            },
        );
    }

    fn drop_query(&mut self, id: RequestId, tag: u32, server: usize) {
        let bucket = self.bucket();
        self.series.dns_dropped[bucket] += 1;
        self.series.resolver_dropped[server][bucket] += 1;
        let client = self.requests[id as usize].client as usize;
        self.schedule_lookup_timeout(id, tag, client);
    }

    /// Sends the next try of a lookup to the next resolver in resolv.conf order (Go
    /// `src/net/dnsclient_unix.go`: `attempts` rounds over the servers from the rotate offset),
    /// or in the order of its name's forwarding list.
    fn query_resolver(&mut self, id: RequestId) {
        let bucket = self.bucket();
        let n = self.resolvers.len();
        let server = match self.forwarded_to(id) {
            None => {
                let r = &self.requests[id as usize];
                (usize::from(r.lookup_offset) + r.lookup_tries as usize) % n
            }
            Some(list) => {
                let r = &self.requests[id as usize];
                list[(usize::from(r.lookup_offset) + r.lookup_tries as usize) % list.len()]
            }
        };
        let r = &mut self.requests[id as usize];
        r.lookup_tries += 1;
        let (tag, client) = (r.tag, r.client as usize);
        self.series.dns_to_resolver[bucket] += 1;
        self.series.resolver_queries[server][bucket] += 1;

        if !self.client_limit_tat.is_empty() && !self.within_client_limit(client, server) {
            self.series.dns_client_limited[bucket] += 1;
            self.drop_query(id, tag, server);
            return;
        }
        let config = &self.scenario.resolvers[server];
        let (capacity_qps, latency) = (config.capacity_qps, config.latency);
        let resolver = &mut self.resolvers[server];
        let elapsed_s = self.now.since(resolver.refilled_at).as_s();
        resolver.refilled_at = self.now;
        resolver.tokens = (resolver.tokens + elapsed_s * capacity_qps).min(resolver.tokens_max);
        if resolver.tokens < 1.0 {
            self.drop_query(id, tag, server);
            return;
        }
        resolver.tokens -= 1.0;

        let mut extra = SimTime::ZERO;
        match self.dns_fault_hit(FaultTarget::Resolver(server), &DNS_FAULT_KINDS) {
            Some((FaultKind::DnsTimeout, _)) => return self.drop_query(id, tag, server),
            Some((FaultKind::DnsServfail, _)) => {
                return self.answer(self.now.after(latency), id, tag, Answer::Servfail);
            }
            Some((FaultKind::DnsEmpty, _)) => {
                return self.answer(self.now.after(latency), id, tag, Answer::Empty);
            }
            Some((_, added)) => extra = added,
            None => {}
        }
        let name = self.call_name(client, self.requests[id as usize].call);
        let resolver = &self.resolvers[server].names[name];
        // A cached answer still on its way from upstream is given when it arrives.
        let ready = self
            .now
            .after(latency)
            .after(extra)
            .max(resolver.fetched_at);
        if resolver.positive_until > self.now {
            self.series.dns_resolver_cache[bucket] += 1;
            let ttl = resolver.positive_until.since(ready.since(latency));
            let region = resolver.region;
            return self.answer(ready, id, tag, Answer::Records { ttl, region });
        }
        if resolver.negative_until > self.now {
            self.series.dns_resolver_cache[bucket] += 1;
            return self.answer(ready, id, tag, Answer::Empty);
        }
        self.query_upstream(id, tag, server, extra, name);
    }

    /// The resolver's cache cannot answer: ask the authoritative zone.
    fn query_upstream(
        &mut self,
        id: RequestId,
        tag: u32,
        server: usize,
        extra: SimTime,
        name: usize,
    ) {
        let bucket = self.bucket();
        self.series.dns_upstream[bucket] += 1;
        let config = &self.scenario.resolvers[server];
        let (upstream_latency, negative_ttl, serve_stale, max_ttl) = (
            config.upstream_latency,
            config.negative_ttl,
            config.serve_stale,
            config.max_ttl,
        );
        // The main name's zone is `zone`; every further name is a target of its own.
        let zone = if name == 0 {
            FaultTarget::Zone
        } else {
            FaultTarget::Name(name)
        };
        let hit = self
            .dns_fault_hit(
                zone,
                &[
                    FaultKind::DnsEmpty,
                    FaultKind::DnsServfail,
                    FaultKind::DnsTimeout,
                ],
            )
            .map(|(kind, _)| kind);
        let zone_latency = self
            .dns_fault_hit(zone, &[FaultKind::DnsLatency])
            .map_or(SimTime::ZERO, |(_, added)| added);
        let upstream_at = self
            .now
            .after(upstream_latency)
            .after(extra)
            .after(zone_latency);
        let stale_at = self.now.after(SimTime::from_ms(STALE_CLIENT_TIMEOUT_MS));
        // Each name answers its own region (the primary without failover routing).
        let answer_region = self.name_routes[name].answer_region;
        let record_ttl = self.scenario.names[name].record_ttl;
        let resolver = &mut self.resolvers[server].names[name];
        let stale_possible = serve_stale && resolver.has_stale;
        let stale = Answer::Stale {
            region: resolver.region,
            server: server as u8,
        };
        match hit {
            None => {
                let ttl = record_ttl.min(max_ttl);
                resolver.positive_until = upstream_at.after(ttl);
                resolver.fetched_at = upstream_at;
                resolver.has_stale = true;
                resolver.region = answer_region;
                // RFC 8767 §5: an answer slower than the client response timer is served stale.
                if stale_possible && upstream_at > stale_at {
                    self.answer(stale_at, id, tag, stale);
                } else {
                    let region = answer_region;
                    self.answer(upstream_at, id, tag, Answer::Records { ttl, region });
                }
            }
            Some(FaultKind::DnsEmpty) => {
                resolver.negative_until = upstream_at.after(negative_ttl);
                resolver.fetched_at = upstream_at;
                self.answer(upstream_at, id, tag, Answer::Empty);
            }
            Some(FaultKind::DnsServfail) => {
                let answer = if stale_possible {
                    stale
                } else {
                    Answer::Servfail
                };
                self.answer(upstream_at, id, tag, answer);
            }
            Some(_) if stale_possible => self.answer(stale_at, id, tag, stale),
            Some(_) => self.drop_query(id, tag, server),
        }
    }

    /// The try of `client`'s lookup `(id, tag)` times out after its class's lookup timeout (the
    /// slot may already serve another client when the lookup is a ghost's).
    fn schedule_lookup_timeout(&mut self, id: RequestId, tag: u32, client: usize) {
        let at = self.now.after(self.policy(client).lookup_timeout);
        self.schedule(
            at,
            Event::LookupTimeout {
                request: id,
                attempt: tag,
            },
        );
    }

    fn current(&self, id: RequestId, tag: u32, phase: Phase) -> bool {
        let r = &self.requests[id as usize];
        r.tag == tag && r.phase == phase
    }

    fn on_lookup_done(&mut self, id: RequestId, tag: u32, answer: Answer) {
        if !self.current(id, tag, Phase::Lookup) {
            if !self.ghost_lookups.is_empty() {
                self.ghost_event(id, tag, false);
            }
            return;
        }
        let client = self.requests[id as usize].client as usize;
        if answer == Answer::Servfail {
            // glibc (`res_send`: SERVFAIL → next server) and Go (`tryOneName`: `continue` on
            // errServerTemporarilyMisbehaving) ask the next nameserver; only when every try has
            // failed does the lookup fail (and client-side serve-stale get its chance).
            let tries_max = self.lookup_tries_max(id, client);
            let prefetch = self.requests[id as usize].prefetch;
            if self.requests[id as usize].lookup_tries < tries_max {
                self.query_resolver(id);
            } else if prefetch {
                self.end_prefetch(id);
            } else if !self.serve_client_stale(id, client) {
                self.end_lookup(id);
                self.fail_attempt(id, Outcome::DnsServfail);
            }
            return;
        }
        let prefetch = self.requests[id as usize].prefetch;
        if !prefetch {
            self.end_lookup(id);
        }
        let bucket = self.bucket();
        let (ttl, region) = match answer {
            Answer::Records { ttl, region } => (ttl, region),
            Answer::Stale { region, server } => {
                self.series.dns_stale[bucket] += 1;
                let ttl = self.scenario.resolvers[usize::from(server)].stale_answer_ttl;
                (ttl, region)
            }
            Answer::Empty => {
                let slot = self.call_slot(client, self.requests[id as usize].call);
                self.clients[slot].negative_until =
                    self.now.after(self.policy(client).client_negative_ttl);
                if prefetch {
                    self.end_prefetch(id);
                } else {
                    self.fail_attempt(id, Outcome::DnsEmpty);
                }
                return;
            }
            Answer::Servfail => unreachable!("handled above"),
        };
        let policy = self.policy(client);
        let kept = match policy.client_cache {
            ClientCacheMode::None => SimTime::ZERO,
            ClientCacheMode::RecordTtl => ttl,
            ClientCacheMode::Fixed => policy.client_ttl,
        };
        let slot = self.call_slot(client, self.requests[id as usize].call);
        self.clients[slot].positive_until = self.now.after(kept);
        let slot = self.call_slot(client, self.requests[id as usize].call);
        if let Some(current) = self.client_region.get_mut(slot) {
            *current = region;
        }
        if prefetch {
            self.end_prefetch(id);
        } else {
            self.send_to_backend(id);
        }
    }

    fn on_lookup_timeout(&mut self, id: RequestId, tag: u32) {
        if !self.current(id, tag, Phase::Lookup) {
            if !self.ghost_lookups.is_empty() {
                self.ghost_event(id, tag, true);
            }
            return;
        }
        let client = self.requests[id as usize].client as usize;
        let prefetch = self.requests[id as usize].prefetch;
        if !prefetch && self.serve_client_stale(id, client) {
            return;
        }
        let tries_max = self.lookup_tries_max(id, client);
        if self.requests[id as usize].lookup_tries < tries_max {
            self.query_resolver(id);
        } else if prefetch {
            self.end_prefetch(id);
        } else {
            self.end_lookup(id);
            self.fail_attempt(id, Outcome::DnsTimeout);
        }
    }

    /// Client-side serve-stale: when the lookup of a request fails (SERVFAIL or a timed-out try)
    /// and the client's last answer expired less than `client_stale_max` ago, the request goes on
    /// with that answer (counted as a stale answer). Returns whether it did.
    fn serve_client_stale(&mut self, id: RequestId, client: usize) -> bool {
        let stale_max = self.policy(client).client_stale_max;
        let expired_at =
            self.clients[self.call_slot(client, self.requests[id as usize].call)].positive_until;
        if stale_max == SimTime::ZERO
            || expired_at == SimTime::ZERO
            || self.now >= expired_at.after(stale_max)
        {
            return false;
        }
        self.end_lookup(id);
        let bucket = self.bucket();
        self.series.dns_stale[bucket] += 1;
        self.send_to_backend(id);
        true
    }

    fn on_attempt_timeout(&mut self, id: RequestId, tag: u32) {
        let r = &self.requests[id as usize];
        if r.tag != tag {
            return;
        }
        match r.phase {
            Phase::Lookup => self.fail_attempt(id, Outcome::DnsTimeout),
            Phase::Backend => self.fail_attempt(id, Outcome::RequestTimeout),
            Phase::Backoff | Phase::Free | Phase::Hedging => {}
        }
    }

    fn workers_in_force(&self, region: usize) -> u32 {
        debug_assert!(self.now < self.backend_faults_until);
        self.backends[region].faults.workers
    }

    fn send_to_backend(&mut self, id: RequestId) {
        let bucket = self.bucket();
        let (tag, client) = (
            self.requests[id as usize].tag,
            self.requests[id as usize].client as usize,
        );
        // Only a class calling a further name can reach a further service.
        let service = if self.one_name() {
            0
        } else {
            self.scenario.names[self.call_name(client, self.requests[id as usize].call)].service
        };
        // Backend slots: the main service's regions, then one per further service. With one
        // region, `report` copies `backend_offered` into `region_offered`.
        let region = if service > 0 {
            self.series.service_offered[service][bucket] += 1;
            // The region its call's answer names (the primary without failover routing).
            let slot = self.call_slot(client, self.requests[id as usize].call);
            let in_service = self.client_region.get(slot).map_or(0, |r| usize::from(*r));
            self.series.service_region_offered[service][in_service][bucket] += 1;
            self.scenario.service_slot(service) + in_service
        } else {
            self.series.backend_offered[bucket] += 1;
            let slot = self.call_slot(client, self.requests[id as usize].call);
            match self.client_region.get(slot) {
                Some(region) => {
                    let region = usize::from(*region);
                    self.series.region_offered[region][bucket] += 1;
                    region
                }
                None => 0,
            }
        };
        self.requests[id as usize].region = region as u8;
        let lifetime = self.policy(client).connection_lifetime;
        let slot = self.call_slot(client, self.requests[id as usize].call);
        if lifetime > SimTime::ZERO && self.connections[slot] <= self.now {
            self.connections[slot] = self.now.after(lifetime);
        }
        self.requests[id as usize].phase = Phase::Backend;
        let job = Job {
            request: id,
            tag,
            enqueued: self.now,
            reestablish: service == 0 && self.leases.get(client).is_some_and(|l| *l <= self.now),
        };
        debug_assert!(self.now < self.backend_faults_until);
        let backend = &mut self.backends[region];
        let faults = backend.faults;
        if let Some(rate) = faults.throttle_per_s {
            let elapsed_s = self.now.since(backend.throttle_refilled_at).as_s();
            backend.throttle_refilled_at = self.now;
            backend.throttle_tokens =
                (backend.throttle_tokens + elapsed_s * rate).min(throttle_burst(rate));
            if backend.throttle_tokens < 1.0 {
                self.series.backend_throttled[bucket] += 1;
                self.fail_attempt(id, Outcome::OperatorThrottled);
                return;
            }
            backend.throttle_tokens -= 1.0;
        }
        if faults.error_rate.is_some_and(|p| self.faults_rng.chance(p))
            || faults
                .region_lost
                .is_some_and(|p| self.faults_rng.chance(p))
        {
            self.fail_attempt(id, Outcome::ServerError);
        } else if backend.busy_workers < faults.workers {
            self.start_service(job, region);
        } else if backend.queue.len() < backend.config.queue_capacity as usize {
            backend.queue.push_back(job);
            let len = backend.queue.len() as u64;
            let max = if service == 0 {
                &mut self.series.queue_len_max[bucket]
            } else {
                &mut self.series.service_queue_len_max[service][bucket]
            };
            *max = (*max).max(len);
        } else {
            self.fail_attempt(id, Outcome::Rejected);
        }
    }

    // Natively only: in wasm, inlined twice into `step` it made V8's first call slower.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn start_service(&mut self, job: Job, region: usize) {
        let bucket = self.bucket();
        let backend = &mut self.backends[region];
        backend.busy_workers += 1;
        let service = backend.service;
        // All regions of the service: their busy workers together.
        let busy = if backend.config.regions > 1 {
            self.backends
                .iter()
                .filter(|b| b.service == service)
                .map(|b| u64::from(b.busy_workers))
                .sum()
        } else {
            u64::from(backend.busy_workers)
        };
        let max = if service == 0 {
            self.series.service_started[bucket] += 1;
            self.series.queue_wait_ms_sum[bucket] += self.now.since(job.enqueued).as_ms();
            &mut self.series.in_service_max[bucket]
        } else {
            &mut self.series.service_in_service_max[service][bucket]
        };
        *max = (*max).max(busy);
        let backend = &mut self.backends[region];
        let config = &backend.config;
        assert!(
            backend.busy_workers <= config.workers,
            "busy workers never exceed the worker count"
        );
        let (law, sigma) = (config.service_time, config.service_sigma);
        let mut mean_ms = config.service_ms_mean * backend.faults.slowdown;
        if job.reestablish
            && let Some(lease) = self.scenario.lease
        {
            mean_ms *= lease.reestablish_work_factor;
            self.series.lease_reestablished[bucket] += 1;
        }
        let duration_ms = match law {
            ServiceTimeLaw::Constant => mean_ms,
            ServiceTimeLaw::Exponential => self.service.exponential(mean_ms),
            ServiceTimeLaw::LogNormal => {
                // Mean-preserving: E[exp(μ + σZ)] = exp(μ + σ²/2) = mean.
                let mu = libm::log(mean_ms) - sigma * sigma / 2.0;
                libm::exp(mu + sigma * self.service.normal())
            }
        };
        let at = self.now.after(SimTime::from_ms(duration_ms));
        let r = &mut self.requests[job.request as usize];
        if r.tag == job.tag {
            r.served_until = at;
        }
        self.schedule(
            at,
            Event::ServiceDone {
                request: job.request,
                attempt: job.tag,
                region: region as u8,
            },
        );
    }

    fn on_service_done(&mut self, id: RequestId, tag: u32, region: u8) {
        let region = usize::from(region);
        let backend = &mut self.backends[region];
        assert!(backend.busy_workers > 0);
        backend.busy_workers -= 1;
        let service = self.backends[region].service;
        if self.current(id, tag, Phase::Backend) {
            let client = self.requests[id as usize].client as usize;
            if !self.leases.is_empty() && service == 0 {
                self.renew_lease(client);
            }
            self.end_attempt(id, Outcome::Success);
            let parent = self.requests[id as usize].parent;
            if parent == NO_PARENT {
                self.requests[id as usize].phase = Phase::Backoff;
                self.call_succeeded(id);
            } else {
                self.release_hedge(parent, id);
                self.call_succeeded(parent);
            }
        } else {
            let bucket = self.bucket();
            if service == 0 {
                self.series.wasted[bucket] += 1;
            } else {
                self.series.service_wasted[service][bucket] += 1;
            }
        }
        self.dispatch_backend(region);
    }

    /// A renewal succeeded: the client's lease holds for its lifetime from now.
    fn renew_lease(&mut self, client: usize) {
        let Some(lease) = self.scenario.lease else {
            return;
        };
        let until = self.now.after(lease.lifetime);
        let (old, new) = (
            lease_bucket(&self.scenario, self.buckets_total, self.leases[client]),
            lease_bucket(&self.scenario, self.buckets_total, until),
        );
        assert!(new >= self.bucket_index, "a renewed lease ends after now");
        self.lease_ends[old] -= 1;
        self.lease_ends[new] += 1;
        if old < self.bucket_index {
            self.leases_ending_later += 1;
        }
        self.leases[client] = until;
    }

    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn dispatch_backend(&mut self, region: usize) {
        debug_assert!(self.now < self.backend_faults_until);
        let config = &self.backends[region].config;
        let (discipline, drop_abandoned) = (config.queue_discipline, config.drop_abandoned);
        loop {
            let backend = &mut self.backends[region];
            if backend.busy_workers >= backend.faults.workers {
                break;
            }
            let job = match discipline {
                QueueDiscipline::Fifo => backend.queue.pop_front(),
                QueueDiscipline::Lifo => backend.queue.pop_back(),
            };
            let Some(job) = job else {
                break;
            };
            if drop_abandoned && !self.current(job.request, job.tag, Phase::Backend) {
                let bucket = self.bucket();
                self.series.dropped_abandoned[bucket] += 1;
                continue;
            }
            self.start_service(job, region);
        }
    }

    fn fail_attempt(&mut self, id: RequestId, cause: Outcome) {
        debug_assert!(matches!(
            self.requests[id as usize].phase,
            Phase::Lookup | Phase::Backend
        ));
        self.abandon_lookup(id);
        self.end_attempt(id, cause);
        let (class, local) = self.local_call(id);
        // The class's settings, borrowed field by field beside the request and the jitter stream.
        let policy = if !self.classed() {
            &self.scenario
        } else {
            &*self.scenario.fleets[class].scenario
        };
        let on = policy.retry_on;
        let retryable = match cause {
            Outcome::DnsEmpty | Outcome::DnsServfail | Outcome::DnsTimeout => on.dns_failure,
            Outcome::RequestTimeout => on.timeout,
            Outcome::Rejected | Outcome::OperatorThrottled => on.rejected,
            Outcome::ServerError => on.server_error,
            _ => true,
        };
        if policy.hedging.is_some() {
            if retryable {
                self.hedge_failed(id, cause);
            } else {
                self.hedge_fatal(id, cause);
            }
            return;
        }
        let r = &mut self.requests[id as usize];
        r.phase = Phase::Backoff;
        if r.attempt >= policy.attempts_max || !retryable {
            self.call_failed(id, cause);
            return;
        }
        let delay_ms = backoff_delay_ms(policy, r.attempt, r.last_delay_ms, &mut self.jitter);
        r.last_delay_ms = delay_ms;
        let at = self.now.after(SimTime::from_ms(delay_ms));
        let deadline = policy.deadline;
        if deadline > SimTime::ZERO && at > r.started.after(deadline) {
            self.call_failed(id, Outcome::DeadlineExceeded);
            return;
        }
        let after = match cause {
            Outcome::RequestTimeout => RetryAfter::Timeout,
            Outcome::Rejected | Outcome::OperatorThrottled => RetryAfter::Throttling,
            _ => RetryAfter::Error,
        };
        let Some(grant) = self.budgets[class].try_retry(local, self.now, after) else {
            self.call_failed(id, Outcome::BudgetExhausted);
            return;
        };
        let r = &mut self.requests[id as usize];
        r.budget_tokens = grant.tokens;
        r.retry_slot = grant.slot;
        self.schedule(at, Event::RetryDue { request: id });
    }

    /// The request's current call failed for good (attempts, budget, deadline or a refusal): an
    /// optional call before the main one is skipped (fail-open); otherwise the request ends.
    fn call_failed(&mut self, id: RequestId, cause: Outcome) {
        if self.call_is_optional(id) {
            self.next_call(id, false);
        } else {
            self.finish(id, cause);
        }
    }

    /// Whether request `id`'s current call is one before the main call.
    #[inline(always)]
    fn call_before_main(&self, id: RequestId) -> bool {
        let r = &self.requests[id as usize];
        !self.one_call() && usize::from(r.call) < self.policy(r.client as usize).dependencies.len()
    }

    /// Whether request `id`'s current call is one before the main call that may fail open.
    fn call_is_optional(&self, id: RequestId) -> bool {
        let r = &self.requests[id as usize];
        !self.one_call()
            && self
                .policy(r.client as usize)
                .dependencies
                .get(usize::from(r.call))
                .is_some_and(|d| !d.required)
    }

    /// An attempt of request `id`'s current call succeeded: the main call ends the request; a
    /// call before it ends (a hedged one with its other attempts cancelled) and the next starts.
    #[inline(always)] // runs per request: see `Engine::step_batch`
    fn call_succeeded(&mut self, id: RequestId) {
        if self.call_before_main(id) {
            if self
                .policy(self.requests[id as usize].client as usize)
                .hedging
                .is_some()
            {
                self.end_hedged_call(id, Outcome::Success);
            }
            self.next_call(id, true);
        } else {
            self.finish(id, Outcome::Success);
        }
    }

    /// The current call is over (it succeeded, or an optional one failed): the request's next
    /// call starts with a fresh attempt count. A success hands back the AWS quota as a request's
    /// success does.
    fn next_call(&mut self, id: RequestId, succeeded: bool) {
        let (class, local) = self.local_call(id);
        let r = &mut self.requests[id as usize];
        assert_eq!(r.phase, Phase::Backoff, "a call ends between attempts");
        if succeeded {
            self.budgets[class].request_succeeded(local, r.attempt == 1, r.budget_tokens);
        }
        if r.retry_slot {
            r.retry_slot = false;
            self.budgets[class].release_slot(local);
        }
        // The call's budget entry sees one request end and the next call's one start.
        self.budgets[class].request_ended(local);
        self.budgets[class].request_started(local + 1, self.now);
        let r = &mut self.requests[id as usize];
        r.call += 1;
        r.attempt = 0;
        r.last_delay_ms = 0.0;
        r.budget_tokens = 0;
        self.start_attempt(id);
    }

    /// The next hedge of a live request, unless every attempt is out or its deadline passed.
    fn on_hedge_due(&mut self, id: RequestId, first_tag: u32) {
        let r = &self.requests[id as usize];
        // The slot still holds the request that scheduled this (its tag moves on only with a
        // new request: hedged requests make no retries).
        if r.tag != first_tag || matches!(r.phase, Phase::Free | Phase::Backoff) {
            return;
        }
        let Some(hedging) = self.policy(r.client as usize).hedging else {
            return;
        };
        if self.send_hedge(id)
            && u32::from(self.requests[id as usize].hedges_sent) < hedging.max_attempts
        {
            let at = self.now.after(hedging.delay);
            self.schedule(
                at,
                Event::HedgeDue {
                    request: id,
                    attempt: first_tag,
                },
            );
        }
    }

    /// Sends one more attempt for hedged request `parent` if any is left and its deadline (which
    /// bounds the hedges as it bounds retries, gRFC A6) has not passed. Returns whether it did.
    fn send_hedge(&mut self, parent: RequestId) -> bool {
        let policy = self.policy(self.requests[parent as usize].client as usize);
        let max_attempts = policy.hedging.map_or(1, |h| h.max_attempts);
        let deadline = policy.deadline;
        let p = &self.requests[parent as usize];
        if u32::from(p.hedges_sent) >= max_attempts
            || (deadline > SimTime::ZERO && self.now > p.started.after(deadline))
        {
            return false;
        }
        let client = p.client;
        let (class, local) = self.local_call(parent);
        // gRFC A6: hedges beyond the first are subject to retry throttling, as retries are; the
        // breaker admits each one as an attempt of its own.
        let Some(grant) = self.budgets[class].try_retry(local, self.now, RetryAfter::Error) else {
            return false;
        };
        let child = self.allocate(client);
        // The hedge works for the parent's current call: its budget, breaker, cache and name.
        self.requests[child as usize].call = self.requests[parent as usize].call;
        if self.refusal(child).is_some() {
            if grant.slot {
                self.budgets[class].release_slot(local);
            }
            self.requests[child as usize].phase = Phase::Free;
            self.free.push(child);
            return false;
        }
        let c = &mut self.requests[child as usize];
        c.retry_slot = grant.slot;
        c.budget_tokens = grant.tokens;
        let place = self.requests[parent as usize]
            .hedges
            .iter()
            .position(|h| *h == NO_PARENT)
            .expect("a hedged request has a free place for each hedge");
        let p = &mut self.requests[parent as usize];
        p.hedges[place] = child;
        p.hedges_sent += 1;
        p.hedges_live += 1;
        self.requests[child as usize].parent = parent;
        let bucket = self.bucket();
        self.series.attempts_hedge[bucket] += 1;
        self.launch(child);
        true
    }

    /// A hedged request's attempt (its own or a hedge's) failed: send the next hedge at once
    /// (gRFC A6: a non-fatal failure short-cuts the hedging delay), or end the request with this
    /// cause when it was the last attempt out.
    fn hedge_failed(&mut self, id: RequestId, cause: Outcome) {
        let parent = self.requests[id as usize].parent;
        let parent = if parent == NO_PARENT {
            self.requests[id as usize].phase = Phase::Hedging;
            id
        } else {
            self.release_hedge(parent, id);
            parent
        };
        let p = &mut self.requests[parent as usize];
        assert!(p.hedges_live > 0, "an attempt ends once");
        p.hedges_live -= 1;
        if !self.send_hedge(parent) && self.requests[parent as usize].hedges_live == 0 {
            assert_eq!(
                self.requests[parent as usize].phase,
                Phase::Hedging,
                "no attempt out: the request's own attempt has ended too"
            );
            self.hedged_call_failed(parent, cause);
        }
    }

    /// A hedged request's attempt failed with a cause that is not retried (gRFC A6: a fatal
    /// status ends the call): the request ends with it and its other hedges are cancelled.
    fn hedge_fatal(&mut self, id: RequestId, cause: Outcome) {
        let parent = self.requests[id as usize].parent;
        if parent == NO_PARENT {
            // Its own attempt has ended: it is no longer out when the hedges are cancelled.
            self.requests[id as usize].phase = Phase::Hedging;
            self.hedged_call_failed(id, cause);
        } else {
            self.release_hedge(parent, id);
            let p = &mut self.requests[parent as usize];
            p.hedges_live -= 1;
            self.hedged_call_failed(parent, cause);
        }
    }

    /// Hedged request `id`'s current call failed for good: an optional call before the main one
    /// ends (its other attempts cancelled) and the next call starts; otherwise the request ends.
    fn hedged_call_failed(&mut self, id: RequestId, cause: Outcome) {
        if self.call_is_optional(id) {
            self.end_hedged_call(id, cause);
            self.next_call(id, false);
        } else {
            self.finish(id, cause);
        }
    }

    /// Hedged request `id`'s current call is over with `outcome` while the request goes on: as
    /// `finish` does for the request, its own attempt, if still out, is recorded with the
    /// outcome and its hedges still out are cancelled; the request waits for its next call.
    fn end_hedged_call(&mut self, id: RequestId, outcome: Outcome) {
        self.abandon_lookup(id);
        let r = &mut self.requests[id as usize];
        let own_attempt_out = matches!(r.phase, Phase::Lookup | Phase::Backend);
        r.phase = Phase::Backoff;
        self.cancel_hedges(id, own_attempt_out, outcome);
    }

    /// Frees the slot of a hedge that ended, and its place in its request.
    fn release_hedge(&mut self, parent: RequestId, child: RequestId) {
        self.abandon_lookup(child);
        let c = &mut self.requests[child as usize];
        assert!(c.phase != Phase::Free, "a hedge ends once");
        c.phase = Phase::Free;
        c.parent = NO_PARENT;
        self.free.push(child);
        let p = &mut self.requests[parent as usize];
        let place = p
            .hedges
            .iter()
            .position(|h| *h == child)
            .expect("a hedge is listed by its request");
        p.hedges[place] = NO_PARENT;
    }

    /// The request ended: its hedges still out are cancelled (gRPC cancels the losers); work they
    /// queued on the backend is abandoned. The request's own attempt, if still out, is recorded
    /// with the request's outcome so that breaker probes and budgets are handed back.
    fn cancel_hedges(&mut self, id: RequestId, own_attempt_out: bool, outcome: Outcome) {
        if own_attempt_out {
            self.end_attempt(id, outcome);
        }
        let hedges = self.requests[id as usize].hedges;
        for child in hedges.into_iter().filter(|h| *h != NO_PARENT) {
            // A cancelled hedge hands back its breaker probe and Envoy slot, as the request's
            // own attempt does, but earns or costs no retry tokens.
            let c = self.requests[child as usize];
            let (class, local) = self.local_call(child);
            if let Some(breakers) = &mut self.breakers[class] {
                breakers.record(
                    local,
                    self.now,
                    c.breaker_epoch,
                    outcome != Outcome::Success,
                );
            }
            if c.retry_slot {
                self.requests[child as usize].retry_slot = false;
                self.budgets[class].release_slot(local);
            }
            self.release_hedge(id, child);
        }
        let r = &mut self.requests[id as usize];
        r.hedges_live = 0;
    }

    // Natively only: in wasm, inlined twice into `step` it made V8's first call slower.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn finish(&mut self, id: RequestId, outcome: Outcome) {
        self.abandon_lookup(id);
        let telemetry = self.telemetry_call();
        let bucket = self.bucket();
        let r = &mut self.requests[id as usize];
        assert!(r.phase != Phase::Free, "a request ends exactly once");
        assert_eq!(
            r.parent, NO_PARENT,
            "only a user request ends with an outcome"
        );
        let own_attempt_out = matches!(r.phase, Phase::Lookup | Phase::Backend);
        r.phase = Phase::Free;
        let client = r.client as usize;
        if self.policy(client).hedging.is_some() {
            self.cancel_hedges(id, own_attempt_out, outcome);
        }
        let (class, local) = self.local_call(id);
        let classed = self.classed();
        let r = &mut self.requests[id as usize];
        if r.retry_slot {
            r.retry_slot = false;
            self.budgets[class].release_slot(local);
        }
        if outcome == Outcome::Success {
            self.budgets[class].request_succeeded(local, r.attempt == 1, r.budget_tokens);
        }
        self.budgets[class].request_ended(local);
        if classed {
            if outcome == Outcome::Success {
                self.series.class_success[class][bucket] += 1;
            } else {
                self.series.class_failed[class][bucket] += 1;
            }
        }
        let latency = self.now.after(telemetry).since(r.started);
        self.free.push(id);
        self.in_flight -= 1;
        match outcome {
            Outcome::Success => {
                self.series.success[bucket] += 1;
                self.series.latency_ms_sum[bucket] += latency.as_ms();
                let bin = self.latency_bins.bin(latency.0);
                self.latency_buckets[bucket][bin] += 1;
                self.latency_all[bin] += 1;
            }
            failure => {
                let index = failure
                    .failure_index()
                    .expect("a failure has a cause index");
                self.series.failed[index][bucket] += 1;
            }
        }
    }

    /// The report of the run so far: complete buckets only, plus the summary over them.
    fn report(&self) -> Report {
        let sc = &self.scenario;
        let bucket_s = sc.bucket.as_s();
        let buckets_done = if self.is_finished() && !self.budget_exhausted {
            self.buckets_total
        } else {
            ((self.now.0 / sc.bucket.0) as usize).min(self.buckets_total)
        };
        let mut series = self.series.clone();
        if self.client_region.is_empty() {
            // One region: `send_to_backend` counts its offers only in `backend_offered`.
            series.region_offered[0].clone_from(&series.backend_offered);
        }
        if !series.service_offered.is_empty() {
            // The main service's per-service series are its own ones.
            series.service_offered[0].clone_from(&series.backend_offered);
            series.service_queue_len_max[0].clone_from(&series.queue_len_max);
            series.service_in_service_max[0].clone_from(&series.in_service_max);
            series.service_wasted[0].clone_from(&series.wasted);
            series.service_region_offered[0].clone_from(&series.region_offered);
        }
        for b in 0..self.buckets_total {
            let start = SimTime(sc.bucket.0 * b as u64);
            let width_s = bucket_s.min(sc.duration.since(start).as_s());
            series.backend_capacity[b] = (0..sc.regions.max(1) as usize)
                .map(|region| {
                    f64::from(workers_at(sc, start, region)) * 1000.0
                        / (sc.service_ms_mean * slowdown_at(sc, start, region))
                        * width_s
                })
                .sum();
            if !series.service_offered.is_empty() {
                for service in 1..sc.services.len() {
                    // Every region of the service together.
                    let first = sc.service_slot(service);
                    series.service_capacity[service][b] = (first
                        ..first + sc.service_regions(service))
                        .map(|slot| {
                            f64::from(workers_at(sc, start, slot)) * 1000.0
                                / (sc.services[service].service_ms_mean
                                    * slowdown_at(sc, start, slot))
                                * width_s
                        })
                        .sum();
                }
            }
            series.failover_fraction[b] =
                secondary_share(&self.name_routes[0].switches, start, start.after(sc.bucket));
            for (route, fraction) in self
                .name_routes
                .iter()
                .zip(&mut series.name_failover_fraction)
            {
                fraction[b] = secondary_share(&route.switches, start, start.after(sc.bucket));
            }
            for (r, config) in sc.resolvers.iter().enumerate() {
                series.resolver_capacities[r][b] = config.capacity_qps * width_s;
            }
            series.resolver_capacity[b] =
                sc.resolvers.iter().map(|r| r.capacity_qps).sum::<f64>() * width_s;
            let h = &self.latency_buckets[b];
            series.latency_p50_ms[b] = histogram_quantile(h, 0.50);
            series.latency_p90_ms[b] = histogram_quantile(h, 0.90);
            series.latency_p99_ms[b] = histogram_quantile(h, 0.99);
        }
        if !series.service_capacity.is_empty() {
            series.service_capacity[0].clone_from(&series.backend_capacity);
        }
        if !self.leases.is_empty() && self.is_finished() {
            // The last bucket never rolls over: the leases ending in it have lapsed by its end.
            let last = self.bucket_index;
            series.leases_held_fraction[last] = (self.leases_ending_later - self.lease_ends[last])
                as f64
                / self.leases.len() as f64;
        }
        // Fractions of the (client, call) breakers: each class's, weighted by its share of them
        // (one class: a share of exactly 1, so its own fractions).
        let classes = sc.classes();
        let entries_of = |c: &Scenario| c.simulated_clients * (1 + c.dependencies.len() as u64);
        let total: u64 = classes.iter().map(|c| entries_of(c)).sum();
        for (class, breakers) in classes.iter().zip(&self.breakers) {
            let Some(breakers) = breakers else { continue };
            let entries = entries_of(class);
            let share = entries as f64 / total as f64;
            let (open, half_open) = breakers.state_fractions(self.now, entries);
            for b in 0..self.buckets_total {
                series.breaker_open_fraction[b] += open[b] * share;
                series.breaker_half_open_fraction[b] += half_open[b] * share;
            }
        }
        let summary = self.summary(&series, buckets_done);
        let mut diagnostics = Vec::new();
        if self.budget_exhausted {
            diagnostics.push(format!(
                "The run stopped at {:.1} s of {:.1} s: it reached its event budget of {} events. Shorten the horizon, shrink the fleet or raise run.event_budget.",
                self.now.as_s(),
                sc.duration.as_s(),
                sc.event_budget
            ));
        }
        if sc.client_scale > 1 {
            diagnostics.push(format!(
                "simulated {} clients as {} super-clients of {}: each sends for {} clients and shares one DNS cache, connection, retry budget and breaker (raise fleet.scale_max_clients to simulate every client)",
                thousands(sc.clients),
                thousands(sc.simulated_clients),
                thousands(sc.client_scale),
                thousands(sc.client_scale),
            ));
        }
        Report {
            format_version: crate::report::REPORT_FORMAT_VERSION,
            stampede_version: crate::report::STAMPEDE_VERSION.to_string(),
            title: sc.raw.title.clone(),
            seed: sc.seed,
            bucket_s,
            buckets_total: self.buckets_total,
            buckets_done,
            now_s: self.now.as_s(),
            finished: self.is_finished(),
            fault_windows: fault_windows(sc),
            series,
            summary,
            diagnostics,
            client_scale_factor: sc.client_scale,
        }
    }

    #[inline(never)] // keeps `report` small for V8 (see `histogram_quantile`)
    fn summary(&self, series: &Series, buckets_done: usize) -> Summary {
        let sc = &self.scenario;
        let bucket_s = sc.bucket.as_s();
        let success: u64 = series.success.iter().sum();
        let failed_by_cause: [u64; FAILURE_CAUSES] =
            std::array::from_fn(|i| series.failed[i].iter().sum());
        let served: u64 = series.service_started.iter().sum();
        let failed: u64 = failed_by_cause.iter().sum();
        let finished = success + failed;
        let mut peak_amplification = (0.0, 0.0);
        for b in 0..buckets_done {
            if series.requests[b] >= 10 {
                let attempts = crate::report::attempts_in_bucket(series, b) as f64;
                let ratio = attempts / series.requests[b] as f64;
                if ratio > peak_amplification.0 {
                    peak_amplification = (ratio, b as f64 * bucket_s);
                }
            }
        }
        let peak_backend = peak_load(
            &series.backend_offered,
            &series.backend_capacity,
            buckets_done,
            bucket_s,
        );
        let peak_resolver = peak_load(
            &series.dns_to_resolver,
            &series.resolver_capacity,
            buckets_done,
            bucket_s,
        );
        let window_s = sc.raw.run.recovery_window_s;
        let (baseline_per_bucket, recovery) = recovery_verdict(RecoveryInput {
            success: &series.success,
            buckets_done,
            bucket_s,
            first_fault_start_s: sc.first_fault_start().map(SimTime::as_s),
            last_fault_end_s: sc.last_fault_end().map(SimTime::as_s),
            window_s,
        });
        let slo_allowed = finished as f64 * (1.0 - sc.raw.cost.slo_target);
        // Buckets below the SLO, by their requests' completion; a bucket without any is not down.
        // The last bucket may be short: each counts its own width.
        let downtime_minutes = (0..buckets_done)
            .filter(|&b| {
                let ok = series.success[b];
                let ended = ok + series.failed_total(b);
                ended > 0 && (ok as f64) < sc.raw.cost.slo_target * ended as f64
            })
            .map(|b| {
                let start = SimTime(sc.bucket.0 * b as u64);
                sc.bucket.min(sc.duration.since(start)).as_s()
            })
            .sum::<f64>()
            / 60.0;
        Summary {
            requests_finished: finished,
            requests_in_flight: self.in_flight,
            success,
            failed,
            failed_by_cause,
            availability: if finished == 0 {
                1.0
            } else {
                success as f64 / finished as f64
            },
            peak_amplification: peak_amplification.0,
            peak_amplification_at_s: peak_amplification.1,
            peak_backend_load_ratio: peak_backend.0,
            peak_backend_load_at_s: peak_backend.1,
            peak_resolver_load_ratio: peak_resolver.0,
            peak_resolver_load_at_s: peak_resolver.1,
            baseline_goodput_per_s: baseline_per_bucket / bucket_s,
            recovery,
            recovery_window_s: window_s,
            wasted_work: series.wasted.iter().sum(),
            slo_burn: if slo_allowed > 0.0 {
                failed as f64 / slo_allowed
            } else {
                0.0
            },
            cost_of_downtime: failed as f64 * sc.cost_per_failed_request
                + downtime_minutes * sc.raw.cost.per_minute_down,
            downtime_minutes,
            latency_ms_mean: ratio(series.latency_ms_sum.iter().sum(), success),
            queue_wait_ms_mean: ratio(series.queue_wait_ms_sum.iter().sum(), served),
            latency_ms_p50_p90_p99: [
                histogram_quantile(&self.latency_all, 0.50),
                histogram_quantile(&self.latency_all, 0.90),
                histogram_quantile(&self.latency_all, 0.99),
            ],
            events: self.events,
            services: if series.service_offered.is_empty() {
                Vec::new()
            } else {
                sc.services
                    .iter()
                    .enumerate()
                    .map(|(i, service)| {
                        let peak = peak_load(
                            &series.service_offered[i],
                            &series.service_capacity[i],
                            buckets_done,
                            bucket_s,
                        );
                        ServiceSummary {
                            name: service.name.clone(),
                            offered: series.service_offered[i][..buckets_done].iter().sum(),
                            peak_load_ratio: peak.0,
                            peak_load_at_s: peak.1,
                            wasted_work: series.service_wasted[i][..buckets_done].iter().sum(),
                        }
                    })
                    .collect()
            },
            classes: sc
                .fleets
                .iter()
                .enumerate()
                .map(|(i, class)| {
                    let success: u64 = series.class_success[i][..buckets_done].iter().sum();
                    let finished =
                        success + series.class_failed[i][..buckets_done].iter().sum::<u64>();
                    ClassSummary {
                        name: class.name.clone(),
                        requests_finished: finished,
                        success,
                        availability: if finished == 0 {
                            1.0
                        } else {
                            success as f64 / finished as f64
                        },
                    }
                })
                .collect(),
            names: if sc.summarises_names() {
                self.name_summaries(buckets_done)
            } else {
                Vec::new()
            },
            resolvers: resolver_summaries(series, buckets_done, bucket_s),
            totals: crate::report::Totals::of(series),
        }
    }

    /// Each name's routing and the changes of its answer up to the end of the last complete
    /// bucket.
    fn name_summaries(&self, buckets_done: usize) -> Vec<NameSummary> {
        let sc = &self.scenario;
        let until = SimTime(sc.bucket.0 * buckets_done as u64);
        sc.names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let switches = &self.name_routes[i].switches;
                // The last bucket may end after the run does.
                let secondary = secondary_time(switches, SimTime::ZERO, until.min(sc.duration));
                NameSummary {
                    name: name.name.clone(),
                    service: sc.services[name.service].name.clone(),
                    failover: name.failover.is_some(),
                    switches: switches
                        .iter()
                        .filter(|(at, _)| *at < until)
                        .map(|&(at, region)| AnswerSwitch {
                            at_s: at.as_s(),
                            region,
                        })
                        .collect(),
                    time_on_secondary_s: secondary.as_s(),
                }
            })
            .collect()
    }
}

fn ratio(sum: f64, count: u64) -> f64 {
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Fault kinds that act on DNS.
const DNS_FAULT_KINDS: [FaultKind; 4] = [
    FaultKind::DnsTimeout,
    FaultKind::DnsServfail,
    FaultKind::DnsEmpty,
    FaultKind::DnsLatency,
];

/// The backend faults in force at `t` in `region`: the first fault of each kind aimed at it that
/// is active.
fn backend_faults_at(sc: &Scenario, t: SimTime, region: usize) -> BackendFaults {
    let fault = |kind: FaultKind| {
        sc.faults
            .iter()
            .find(|f| f.kind == kind && f.target == FaultTarget::Region(region) && f.active(t))
    };
    let lost = fault(FaultKind::CapacityLoss).map_or(0.0, |f| f.fraction);
    let removed = health_check_removed(sc, t, region);
    let workers = sc.services[sc.slot_service(region)].workers;
    BackendFaults {
        workers: (f64::from(workers) * (1.0 - lost) * (1.0 - removed)) as u32,
        slowdown: fault(FaultKind::ServiceSlowdown).map_or(1.0, |f| f.factor),
        error_rate: fault(FaultKind::ErrorRate).map(|f| f.fraction),
        region_lost: fault(FaultKind::RegionLoss).map(|f| f.fraction),
        throttle_per_s: fault(FaultKind::Throttle).map(|f| f.rate_per_s),
    }
}

/// Fraction of `region`'s workers its load balancer has taken out of service at `t` because
/// their health checks fail: the fault's fraction, at most what velocity control allows.
fn health_check_removed(sc: &Scenario, t: SimTime, region: usize) -> f64 {
    sc.faults
        .iter()
        .find(|f| {
            f.kind == FaultKind::HealthCheckFlapping
                && f.target == FaultTarget::Region(region)
                && f.active(t)
        })
        .map_or(0.0, |f| {
            f.fraction.min(sc.health_check_removal_max_fraction)
        })
}

/// Tokens an operator's throttle of `rate_per_s` holds at most (none when it admits nothing).
fn throttle_burst(rate_per_s: f64) -> f64 {
    if rate_per_s > 0.0 {
        (rate_per_s * THROTTLE_BURST_S).max(1.0)
    } else {
        0.0
    }
}

/// The metric bucket in which a lease ending at `until` ends; `buckets_total` for the horizon and
/// beyond.
fn lease_bucket(sc: &Scenario, buckets_total: usize, until: SimTime) -> usize {
    ((until.0 / sc.bucket.0) as usize).min(buckets_total)
}

/// After `t`, the first time a fault aimed at a region starts, ends or flaps; [`SimTime::NEVER`]
/// when none will.
fn backend_faults_until(sc: &Scenario, t: SimTime) -> SimTime {
    sc.faults
        .iter()
        .filter(|f| matches!(f.target, FaultTarget::Region(_)))
        .map(|f| {
            if t < f.start {
                f.start
            } else if t >= f.end {
                SimTime::NEVER
            } else {
                f.next_flap_edge(t).unwrap_or(f.end)
            }
        })
        .min()
        .unwrap_or(SimTime::NEVER)
}

/// Workers of `region` able to serve at `t`: capacity loss removes its fraction, a region loss
/// its fraction (the attempts it refuses never reach a worker).
fn workers_at(sc: &Scenario, t: SimTime, region: usize) -> u32 {
    let in_region = |f: &&Fault| f.target == FaultTarget::Region(region) && f.active(t);
    let lost = sc
        .faults
        .iter()
        .filter(in_region)
        .find(|f| f.kind == FaultKind::CapacityLoss)
        .map_or(0.0, |f| f.fraction);
    let refused = sc
        .faults
        .iter()
        .filter(in_region)
        .find(|f| f.kind == FaultKind::RegionLoss)
        .map_or(0.0, |f| f.fraction);
    let removed = health_check_removed(sc, t, region);
    let workers = sc.services[sc.slot_service(region)].workers;
    (f64::from(workers) * (1.0 - lost) * (1.0 - refused) * (1.0 - removed)) as u32
}

fn slowdown_at(sc: &Scenario, t: SimTime, region: usize) -> f64 {
    sc.faults
        .iter()
        .find(|f| {
            f.kind == FaultKind::ServiceSlowdown
                && f.target == FaultTarget::Region(region)
                && f.active(t)
        })
        .map_or(1.0, |f| f.factor)
}

/// Share of [from, to) during which the zone answered a region other than the primary.
fn secondary_share(switches: &[(SimTime, u8)], from: SimTime, to: SimTime) -> f64 {
    if switches.is_empty() || to <= from {
        return 0.0;
    }
    secondary_time(switches, from, to).0 as f64 / to.since(from).0 as f64
}

/// Time within [from, to) during which the zone answered a region other than the primary.
fn secondary_time(switches: &[(SimTime, u8)], from: SimTime, to: SimTime) -> SimTime {
    let mut region = 0;
    let mut since = SimTime::ZERO;
    let mut secondary = 0u64;
    let overlap = |a: SimTime, b: SimTime| b.min(to).since(a.max(from)).0;
    for &(at, next) in switches {
        if region != 0 {
            secondary += overlap(since, at);
        }
        region = next;
        since = at;
    }
    if region != 0 {
        secondary += overlap(since, SimTime::NEVER);
    }
    SimTime(secondary)
}

/// Label of a fault kind for chart shading.
pub fn fault_label(kind: FaultKind) -> &'static str {
    match kind {
        FaultKind::DnsTimeout => "DNS timeout",
        FaultKind::DnsServfail => "DNS SERVFAIL",
        FaultKind::DnsEmpty => "DNS empty answer",
        FaultKind::ServiceSlowdown => "backend slowdown",
        FaultKind::CapacityLoss => "capacity loss",
        FaultKind::ErrorRate => "backend errors",
        FaultKind::DnsLatency => "DNS latency",
        FaultKind::RegionLoss => "region loss",
        FaultKind::LoadSpike => "load spike",
        FaultKind::Throttle => "operator throttle",
        FaultKind::HealthCheckFlapping => "health checks failing",
        FaultKind::DnsOverride => "DNS override (mitigation)",
    }
}

/// Most shaded windows drawn for one flapping fault; beyond it the whole span is one window.
const FLAP_WINDOWS_MAX: u64 = 200;

/// Chart shading: one window per fault, or one per active half-period of a flapping fault.
fn fault_windows(sc: &Scenario) -> Vec<(f64, f64, String)> {
    let mut windows = Vec::new();
    for f in &sc.faults {
        let label = fault_label(f.kind);
        let periods = if f.flap_period.0 == 0 {
            1
        } else {
            f.end.since(f.start).0.div_ceil(f.flap_period.0)
        };
        if periods > FLAP_WINDOWS_MAX {
            let label = format!("{label} (flapping every {} s)", f.flap_period.as_s());
            windows.push((f.start.as_s(), f.end.as_s(), label));
            continue;
        }
        for (on, off) in f.active_windows() {
            windows.push((on.as_s(), off.as_s(), label.to_string()));
        }
    }
    windows
}

/// Resolver caches at t = 0: the remaining lifetime drawn for the client caches is that of the
/// first resolver the main name's lookups go to; the others draw theirs from their own stream
/// (so adding a resolver does not reshuffle the client caches).
fn initial_resolvers(sc: &Scenario, first_remaining: SimTime) -> Vec<Resolver> {
    let mut rng = Rng::stream(sc.seed, StreamId::ResolverInit);
    // The first resolver the main name's lookups go to (resolver 0 unless forwarded).
    let first = sc.names[0].resolvers[0];
    let mut resolvers: Vec<Resolver> = sc
        .resolvers
        .iter()
        .enumerate()
        .map(|(i, config)| {
            let ttl = sc.record_ttl.min(config.max_ttl);
            let remaining = if i == first || sc.cold_start || ttl.0 == 0 {
                first_remaining.min(ttl)
            } else {
                SimTime((rng.uniform() * ttl.0 as f64) as u64)
            };
            Resolver::new(
                config.capacity_qps,
                vec![NameCache::new(remaining, !sc.cold_start)],
            )
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
            resolver
                .names
                .push(NameCache::new(remaining, !sc.cold_start));
        }
    }
    resolvers
}

/// A class's client caches at t = 0, one entry per call (`stride` per client: the class's calls
/// before the main one, then the main one; unused entries empty). In steady state (Jung et al.
/// 2003) an entry is valid with probability λT/(1+λT), T its name's TTL (the fixed TTL with
/// `cache = "fixed"`), and its remaining lifetime is uniform on (0, T), at most what the resolver
/// has left of the main name; a cold start leaves every cache empty.
fn initial_caches(
    sc: &Scenario,
    rng: &mut Rng,
    resolver_remaining: SimTime,
    stride: usize,
) -> Vec<ClientCache> {
    let mut caches = vec![ClientCache::default(); sc.simulated_clients as usize * stride];
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
            caches[client * stride + call].positive_until = remaining;
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
fn initial_leases(sc: &Scenario, rng: &mut Rng) -> Vec<SimTime> {
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
fn initial_tokens(sc: &Scenario, rng: &mut Rng) -> Vec<SimTime> {
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
fn initial_connections(sc: &Scenario, rng: &mut Rng) -> Vec<SimTime> {
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

/// Delay before the retry that follows attempt number `attempt` (1-based), milliseconds.
pub fn backoff_delay_ms(sc: &Scenario, attempt: u32, previous_ms: f64, rng: &mut Rng) -> f64 {
    let base = sc.backoff_base_ms;
    let cap = sc.backoff_max_ms;
    let k = f64::from(attempt.max(1));
    let delay = match sc.backoff {
        BackoffKind::Constant => base,
        BackoffKind::Linear => base * k,
        BackoffKind::Exponential => base * libm::pow(2.0, (k - 1.0).min(62.0)),
    }
    .min(cap);
    match sc.jitter {
        JitterKind::None => delay,
        JitterKind::Full => rng.uniform() * delay,
        JitterKind::Equal => delay / 2.0 + rng.uniform() * delay / 2.0,
        JitterKind::Decorrelated => {
            let upper = (previous_ms.max(base) * 3.0).max(base);
            (base + rng.uniform() * (upper - base)).min(cap)
        }
        JitterKind::Proportional => delay * (0.8 + 0.4 * rng.uniform()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::PRESETS;

    /// The plain engine is the general one with the topology checks decided at compile time: on
    /// every preset it can run, both give the same report, to the bit.
    #[test]
    fn plain_engine_reports_what_the_general_engine_reports() {
        let mut compared = 0;
        for preset in PRESETS.iter().filter(|p| p.name != "million-clients") {
            let raw = preset.raw().expect("presets parse");
            let sc = Scenario::try_from(raw).expect("presets are valid");
            if !Plain::runs(&sc) {
                continue;
            }
            let general = Engine::<Topology>::new(&sc).run_to_end();
            let specialised = Engine::<Plain>::new(&sc).run_to_end();
            assert!(
                matches!(Simulation::new(&sc).0, Shaped::Plain(_)),
                "{}: a plain scenario runs on the plain engine",
                preset.name
            );
            assert_eq!(
                format!("{general:?}"),
                format!("{specialised:?}"),
                "{}: the two engines disagree",
                preset.name
            );
            compared += 1;
        }
        assert!(compared >= 10, "only {compared} presets compared");
    }

    /// Leaving out the timeouts that cannot fire changes no result: every preset gives the same
    /// report with every timeout scheduled, but for the count of events (the same where every
    /// attempt waits for a lookup or a queue, fewer where attempts are served at once).
    #[test]
    fn timeouts_left_out_change_no_result() {
        let (mut compared, mut presets_with_fewer_events) = (0, 0);
        for preset in PRESETS.iter().filter(|p| p.name != "million-clients") {
            let sc = Scenario::try_from(preset.raw().expect("presets parse")).expect("valid");
            let lean = Engine::<Topology>::new(&sc).run_to_end();
            let mut every = Engine::<Topology>::new(&sc);
            every.every_timeout = true;
            let mut every = every.run_to_end();
            assert!(
                every.summary.events >= lean.summary.events,
                "{}: leaving timeouts out added events",
                preset.name
            );
            presets_with_fewer_events += usize::from(every.summary.events > lean.summary.events);
            every.summary.events = lean.summary.events;
            assert_eq!(
                format!("{every:?}"),
                format!("{lean:?}"),
                "{}: a timeout left out changed the results",
                preset.name
            );
            compared += 1;
        }
        assert!(compared >= 15, "only {compared} presets compared");
        assert!(
            presets_with_fewer_events >= compared / 2,
            "timeouts were left out in only {presets_with_fewer_events} of {compared} presets"
        );
    }

    /// A scenario with classes never runs on the plain engine (it would ignore the classes).
    #[test]
    fn scenarios_with_classes_run_on_the_general_engine() {
        for name in ["mixed-runtimes", "shared-resolver", "dependency-fail-open"] {
            let preset = crate::presets::find(name).expect("preset exists");
            let sc = Scenario::try_from(preset.raw().expect("parses")).expect("valid");
            assert!(
                matches!(Simulation::new(&sc).0, Shaped::Topology(_)),
                "{name} runs on the general engine"
            );
        }
    }

    /// One name with a forwarding list of its own runs on the general engine, whose lookups
    /// follow the list; the full list in resolv.conf order is no forwarding and stays plain.
    #[test]
    fn a_forwarded_name_runs_on_the_general_engine() {
        let preset = crate::presets::find("two-resolvers").expect("preset exists");
        for (list, plain) in [
            (None, true),
            (Some(vec![0, 1]), true),
            (Some(vec![1]), false),
        ] {
            let mut raw = preset.raw().expect("parses");
            raw.dns.resolvers = list.clone();
            let sc = Scenario::try_from(raw).expect("valid");
            assert_eq!(
                matches!(Simulation::new(&sc).0, Shaped::Plain(_)),
                plain,
                "{list:?}"
            );
        }
    }
}
