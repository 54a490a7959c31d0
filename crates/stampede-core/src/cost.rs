//! The cost of a run before it starts: how many requests and events it should take, and the
//! memory bound every run gets (the most requests, events and queued jobs it may hold at once).
//!
//! Owns: the estimate of a run's events from its offered load, the refusal of a run whose
//! estimate is over a budget (with the numbers), and the memory bound derived from a scenario.
//! Must not: run anything or read a clock; the estimate is arithmetic on a validated
//! [`Scenario`], so it is the same on every target and costs microseconds.
//!
//! The estimate: user requests = Σ over client classes of clients × rate × horizon, plus the
//! extra requests of load spikes (rate × (factor − 1) × their span). A request takes at least an
//! arrival and, once served, a service end; with DNS lookups, timeouts and retries a typical run
//! takes about 3 events per request (the million-client preset: 49 M events for 15 M
//! requests), and at most about [`EVENTS_PER_ATTEMPT_MAX`] per attempt, every attempt of every
//! call and hedge. A run whose *typical* estimate is over its budget is refused: it would stop at
//! its budget with partial figures. The worst case is given beside it, not refused on (retries
//! happen only when something fails).

use crate::Scenario;
use crate::report::thousands;
use crate::scenario::raw::FaultKind;

/// Events a typical request takes (arrival, lookup, service start and end, the odd retry),
/// events per user request.
pub const EVENTS_PER_REQUEST_TYPICAL: f64 = 3.0;
/// Events one attempt takes at most (lookup tries, attempt timeout, service end, backoff),
/// events per attempt.
pub const EVENTS_PER_ATTEMPT_MAX: f64 = 6.0;
/// Largest event budget the playground runs (about two minutes of wasm at 0.9 M events/s): the
/// page refuses links whose typical estimate is above it, whatever `run.event_budget` says.
pub const WEB_EVENTS_MAX: u64 = 100_000_000;
/// Largest sum of the typical estimates of a sweep's points, events (a day of both cores of a
/// 2-core machine at 12 M events/s is 2 × 10¹²).
pub const SWEEP_EVENTS_MAX: f64 = 1e12;
/// Most requests, events and queued jobs a run holds at once, whatever the scenario: at about
/// 60 bytes each, with a vector's doubling, under 1 GiB (wasm32 addresses 4 GiB).
pub const MEMORY_ENTRIES_ABSOLUTE_MAX: u64 = 8 * 1024 * 1024;
/// Entries every run may hold besides its requests (health checks, lease renewals, lookups).
pub const MEMORY_ENTRIES_SLACK: u64 = 1 << 20;
/// Bytes one entry takes on average (a request slot, an event, a queued job), for messages.
pub const BYTES_PER_ENTRY: u64 = 64;

/// What a run should cost, from its scenario alone.
#[derive(Clone, Debug, PartialEq)]
pub struct Cost {
    /// User requests over the horizon (first tries), requests.
    pub requests: f64,
    /// Typical events: requests × [`EVENTS_PER_REQUEST_TYPICAL`], events.
    pub events_typical: f64,
    /// Events if every attempt of every call and hedge ran, events.
    pub events_worst: f64,
    /// The run's own event budget (`run.event_budget`), events.
    pub event_budget: u64,
    /// The memory bound: the most requests, events and queued jobs held at once, entries.
    pub memory_entries_max: u64,
}

impl Cost {
    /// The refusal of a run over `budget` events: `Err` with the numbers and what to change.
    pub fn check(&self, budget: u64) -> Result<(), String> {
        if self.events_typical <= budget as f64 {
            return Ok(());
        }
        Err(format!(
            "this run would take about {} events ({} requests × {} events each; up to {} if \
             every attempt ran), over the budget of {} events: it would stop early with partial \
             figures. Shorten run.duration_s, lower fleet.clients or \
             fleet.request_rate_per_client_per_s, or raise run.event_budget.",
            count(self.events_typical),
            count(self.requests),
            EVENTS_PER_REQUEST_TYPICAL,
            count(self.events_worst),
            thousands(budget)
        ))
    }

    /// The memory bound in bytes (about), bytes.
    pub fn memory_bytes_max(&self) -> u64 {
        self.memory_entries_max * BYTES_PER_ENTRY
    }
}

/// `n` rounded to a whole number, with thousands separators (saturating far above any run).
fn count(n: f64) -> String {
    if n.is_finite() && n >= 0.0 {
        thousands(n.min(u64::MAX as f64).round() as u64)
    } else {
        "—".to_string()
    }
}

/// The cost of running `sc` to its horizon.
pub fn estimate(sc: &Scenario) -> Cost {
    let horizon_s = sc.duration.as_s();
    let base_per_s: f64 = sc.classes().iter().map(|c| c.offered_load_per_s()).sum();
    // A load spike multiplies every client's rate by its factor while it is on (half the time
    // when it flaps).
    let spike_requests: f64 = sc
        .faults
        .iter()
        .filter(|f| f.kind == FaultKind::LoadSpike)
        .map(|f| {
            let on = if f.flap_period.0 == 0 { 1.0 } else { 0.5 };
            let span_s = f.end.min(sc.duration).as_s() - f.start.min(sc.duration).as_s();
            base_per_s * (f.factor - 1.0) * span_s * on
        })
        .sum();
    let requests = base_per_s * horizon_s + spike_requests;
    let peak_per_s = base_per_s
        * sc.faults
            .iter()
            .filter(|f| f.kind == FaultKind::LoadSpike)
            .map(|f| f.factor)
            .fold(1.0, f64::max);
    // Per request: attempts of each call (dependencies first), each with its hedges.
    let per_request_attempts = sc
        .classes()
        .iter()
        .map(|c| {
            let hedges = c.hedging.as_ref().map_or(1, |h| h.max_attempts);
            f64::from(c.attempts_max.max(1)) * f64::from(hedges) * (1 + c.dependencies.len()) as f64
        })
        .fold(1.0, f64::max);
    Cost {
        requests,
        events_typical: requests * EVENTS_PER_REQUEST_TYPICAL,
        events_worst: requests * per_request_attempts * EVENTS_PER_ATTEMPT_MAX,
        event_budget: sc.event_budget,
        memory_entries_max: memory_entries_max(sc, peak_per_s, per_request_attempts),
    }
}

/// The memory bound of `sc`: four entries (its slot, events, a timeout, a lookup) per request
/// that can be alive at once (peak rate × the longest a request can live), every queue full,
/// two per simulated client and some slack; never above [`MEMORY_ENTRIES_ABSOLUTE_MAX`].
fn memory_entries_max(sc: &Scenario, peak_per_s: f64, attempts: f64) -> u64 {
    let lifetime_s = sc
        .classes()
        .iter()
        .map(|c| request_lifetime_s(c, attempts))
        .fold(0.0, f64::max);
    let queues: u64 = sc
        .services
        .iter()
        .map(|s| u64::from(s.queue_capacity) * u64::from(s.regions.max(1)))
        .sum();
    let alive = 4.0 * peak_per_s * lifetime_s;
    let needed = if alive.is_finite() {
        alive.min(MEMORY_ENTRIES_ABSOLUTE_MAX as f64) as u64
    } else {
        MEMORY_ENTRIES_ABSOLUTE_MAX
    };
    needed
        .saturating_add(queues)
        .saturating_add(2 * sc.simulated_clients)
        .saturating_add(MEMORY_ENTRIES_SLACK)
        .min(MEMORY_ENTRIES_ABSOLUTE_MAX)
}

/// The longest one request of class `c` can stay alive, seconds: its deadline if it has one,
/// else every attempt timing out after its slowest lookups, with the longest backoff between
/// them, for each call. An identity-token fetch and a lookup queue add at most one attempt's
/// time; one attempt's time is added for them.
fn request_lifetime_s(c: &Scenario, attempts: f64) -> f64 {
    if c.deadline.0 > 0 {
        return c.deadline.as_s() + c.attempt_timeout.as_s();
    }
    let lookup_s = c.lookup_timeout.as_s() * f64::from(c.lookup_attempts.max(1));
    let attempt_s = c.attempt_timeout.as_s() + lookup_s;
    attempts * (attempt_s + c.backoff_max_ms / 1000.0) + attempt_s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::PRESETS;

    fn scenario(toml: &str) -> Scenario {
        crate::scenario::from_toml(toml).unwrap()
    }

    #[test]
    fn requests_are_clients_times_rate_times_horizon() {
        // 1,000 clients × 2 requests/s × 100 s = 200,000 requests; a load spike of factor 3
        // over 10 s adds 1,000 × 2 × 2 × 10 = 40,000.
        let calm = scenario(
            "version = 1\n[run]\nduration_s = 100.0\n[fleet]\nclients = 1000\n\
             request_rate_per_client_per_s = 2.0\n",
        );
        assert_eq!(estimate(&calm).requests, 200_000.0);
        let spiked = scenario(
            "version = 1\n[run]\nduration_s = 100.0\n[fleet]\nclients = 1000\n\
             request_rate_per_client_per_s = 2.0\n[[faults]]\nkind = \"load_spike\"\n\
             start_s = 20.0\nend_s = 30.0\nfactor = 3.0\n",
        );
        assert_eq!(estimate(&spiked).requests, 240_000.0);
        assert_eq!(estimate(&spiked).events_typical, 720_000.0);
    }

    #[test]
    fn every_preset_is_within_its_budget_and_the_playgrounds() {
        for p in PRESETS {
            let sc = Scenario::try_from(p.raw().unwrap()).unwrap();
            let cost = estimate(&sc);
            assert_eq!(cost.check(sc.event_budget), Ok(()), "{}", p.name);
            assert_eq!(
                cost.check(sc.event_budget.min(WEB_EVENTS_MAX)),
                Ok(()),
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn the_issue_links_are_refused_with_their_numbers() {
        // october-2025-dns at 10,000 requests/s per client: 2,000 clients × 10,000 × 1,500 s
        // = 3 × 10¹⁰ requests.
        let mut raw = crate::presets::find("october-2025-dns")
            .unwrap()
            .raw()
            .unwrap();
        raw.fleet.request_rate_per_client_per_s = 10_000.0;
        let sc = Scenario::try_from(raw).unwrap();
        let cost = estimate(&sc);
        assert_eq!(cost.requests, 3e10);
        let refusal = cost.check(sc.event_budget).unwrap_err();
        assert!(refusal.contains("30,000,000,000 requests"), "{refusal}");
        assert!(refusal.contains("200,000,000 events"), "{refusal}");
    }

    #[test]
    fn the_memory_bound_never_exceeds_the_absolute_one() {
        // 100,000 clients × 100 requests/s, one worker with a 60 s service time and a queue of
        // 10,000,000 (the issue's scenario): the queue alone is above the absolute bound.
        let sc = scenario(
            "version = 1\n[run]\nduration_s = 60.0\n[fleet]\nclients = 100000\n\
             request_rate_per_client_per_s = 100.0\n[backend]\nworkers = 1\n\
             service_ms_mean = 60000.0\nqueue_capacity = 10000000\n[retry]\nattempts_max = 1\n",
        );
        assert_eq!(
            estimate(&sc).memory_entries_max,
            MEMORY_ENTRIES_ABSOLUTE_MAX
        );
        // A small run: 4 × 10 requests/s × its longest request, its queue, 2 per client, slack.
        let small = scenario("version = 1\n[fleet]\nclients = 10\n");
        let bound = estimate(&small).memory_entries_max;
        assert!(bound > MEMORY_ENTRIES_SLACK && bound < MEMORY_ENTRIES_SLACK + 100_000);
    }
}
