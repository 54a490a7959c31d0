//! The discrete-event engine: clients, DNS caches, the resolver, retries and the backend.
//!
//! Owns: the control flow of a run. [`Simulation`] picks the engine compiled for the scenario's
//! [`Shape`]; the engine's parts live in submodules: `event` (the loop, keys, queues, dispatch),
//! `setup` (state at t = 0), `arrivals`, `request` (request slots), `attempt` (send, fail,
//! backoff, retry, calls, end), `lookup` (client DNS and resolvers), `backend`, `hedging`,
//! `health` (fault edges, Route 53 checks), `dependencies` (identity, telemetry) and `summary`.
//!
//! Must not: read a clock, do I/O, or draw randomness outside its [`Rng`] streams. It runs until
//! a given simulated time and hands back control, so callers can stream and cancel.

use std::collections::{BTreeMap, VecDeque};
use std::marker::PhantomData;

use crate::breaker::Breakers;
use crate::budget::{Pace, RetryAfter, RetryBudgets};
use crate::model::backend::{Backend, Job};
use crate::model::clients::{CacheEntry, Clients, Kept};
use crate::model::faults::Faults;
use crate::model::leases::Leases;
use crate::model::resolver::{Cached, RESOLVER_BURST_S, Resolver};
use crate::model::routing::Route;
use crate::queue::{EventQueue, Keyed};
use crate::report::thousands;
use crate::report::{
    AnswerSwitch, ClassSummary, FAILURE_CAUSES, LATENCY_BINS, LatencyBinTable, NameSummary,
    Outcome, RecoveryInput, Report, Series, ServiceSummary, Summary, histogram_quantile, peak_load,
    recovery_verdict, resolver_summaries,
};
use crate::rng::{Rng, StreamId};
use crate::scenario::Scenario;
use crate::scenario::raw::{BackoffKind, ClientCacheMode, FaultKind, JitterKind};
use crate::scenario::validate::{FaultTarget, limits};
use crate::time::SimTime;

mod arrivals;
mod attempt;
mod backend;
mod dependencies;
mod event;
mod health;
mod hedging;
mod lookup;
mod request;
mod setup;
mod summary;
#[cfg(test)]
mod tests;

pub use attempt::backoff_delay_ms;
use event::*;
use lookup::*;
use request::*;
pub use summary::fault_label;

/// A resolver with serve-stale answers stale after this long without an upstream answer (RFC 8767 §5: 1.8 s).
const STALE_CLIENT_TIMEOUT_MS: f64 = 1800.0;

/// Where a client's rotate counter wraps when names have forwarding lists: the least common
/// multiple of every list length up to [`limits::RESOLVERS_MAX`] (1, 2, 3), so each list's
/// lookups start at each of its resolvers in turn.
const ROTATE_PERIOD_FORWARDING: usize = 6;

const _: () = assert!(
    limits::RESOLVERS_MAX == 3,
    "ROTATE_PERIOD_FORWARDING is a multiple of every list length"
);

/// Route 53 deems an endpoint healthy when more than this fraction of its checkers report it
/// healthy (Route 53 DG, "How Route 53 determines whether a health check is healthy").
const HEALTHY_CHECKERS_FRACTION_MIN: f64 = 0.18;

/// Index of a request slot.
type RequestId = u32;

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
    /// The faults in force, by target and kind, and the stream their fractions are drawn from.
    faults: Faults,
    throttle: Rng,
    /// Per client and call (`call_slot`): DNS cache entry, connection, answered region,
    /// refresh out; per client: lookup places.
    clients: Clients,
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
    /// Per DNS name (`Scenario::names`, the main one first): Route 53's state of the name.
    name_routes: Vec<Route>,
    /// Per client: its identity token is valid until then; empty without identity.
    tokens: Vec<SimTime>,
    /// Every client's lease (none without `[lease]`).
    leases: Leases,
    identity_rng: Rng,
    telemetry_rng: Rng,
    /// The clients that take the name from a local override (`dns_override` in force), as ranges
    /// `start..end` of simulated clients; recomputed at every fault edge.
    dns_overrides: Vec<(u64, u64)>,
    /// Calls a client keeps state for (DNS cache, connection): 1 + the most calls any class
    /// makes before its main one. 1 without dependencies, so indexes are the clients'.
    call_stride: usize,
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
    /// The counted series, except the backend's and the per-service ones, which `report` lays
    /// out from `service_series`.
    series: Series,
    /// Per service (`Scenario::services`, the main one first): its counts, which `report`
    /// lays out as the report's backend and per-service series.
    service_series: backend::ServiceSeries,
    latency_buckets: Vec<[u64; LATENCY_BINS]>,
    latency_all: [u64; LATENCY_BINS],
    latency_bins: &'static LatencyBinTable,
    in_flight: u64,
    events: u64,
    budget_exhausted: bool,
    /// Events handled when the limits are next checked (the event budget, or sooner the
    /// memory bound): one comparison per event, as the budget alone took.
    limits_check_at: u64,
    /// The memory bound of the run (`cost::estimate`): requests, events and queued jobs held
    /// at once, entries.
    memory_entries_max: u64,
    /// Whether the run stopped at its memory bound (then `budget_exhausted` is set too).
    memory_exhausted: bool,
    buckets_total: usize,
}

impl<S: Shape> Engine<S> {
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

    fn bucket(&self) -> usize {
        self.bucket_index
    }
}
