//! Request slots: the state of a request (or hedge, or background refresh) in flight.
//!

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Free,
    Lookup,
    Backend,
    Backoff,
    /// A hedged request whose own attempt ended while hedges are still out.
    Hedging,
}

/// `Request::parent` of a request that is not a hedge.
pub(super) const NO_PARENT: RequestId = RequestId::MAX;

/// Most hedges beside the first attempt (gRPC clamps `maxAttempts` to 5).
pub(super) const HEDGES_MAX: usize = 4;

#[derive(Clone, Copy, Debug)]
pub(super) struct Request {
    pub(super) client: u32,
    pub(super) started: SimTime,
    /// Attempts started so far; also the tag of the current attempt (stale events carry an older one).
    pub(super) attempt: u32,
    /// Every attempt of every request that ever used this slot gets a distinct tag.
    pub(super) tag: u32,
    pub(super) phase: Phase,
    pub(super) lookup_tries: u32,
    pub(super) last_delay_ms: f64,
    /// AWS tokens the current retry took (refunded on success).
    pub(super) budget_tokens: u32,
    /// Whether the request holds an Envoy retry slot.
    pub(super) retry_slot: bool,
    /// Breaker epoch the current attempt was admitted in.
    pub(super) breaker_epoch: u32,
    /// Resolver the current lookup starts at (resolv.conf `rotate`), index.
    pub(super) lookup_offset: u8,
    /// For a hedge: the user request it works for; [`NO_PARENT`] for a user request.
    pub(super) parent: RequestId,
    /// For a hedged user request: attempts sent, its own included.
    pub(super) hedges_sent: u8,
    /// For a hedged user request: attempts in flight, its own included.
    pub(super) hedges_live: u8,
    /// For a hedged user request: its hedges in flight ([`NO_PARENT`] = empty place).
    pub(super) hedges: [RequestId; HEDGES_MAX],
    /// Region the current attempt was sent to.
    pub(super) region: u8,
    /// Whether the current lookup holds one of its client's places (`lookups_in_flight_max`).
    pub(super) lookup_slot: bool,
    /// Whether the attempt about to start holds an AWS adaptive limiter token it waited for.
    pub(super) paced: bool,
    /// Whether the slot is a client's background refresh of its cache (no user request).
    pub(super) prefetch: bool,
    /// The call in progress: `0..dependencies.len()` are the class's calls before the main one,
    /// `dependencies.len()` the main call.
    pub(super) call: u8,
    /// When the service of the attempt being launched ends, if it went into service at once
    /// ([`SimTime::NEVER`] otherwise): its timeout can then never fire, and is not scheduled.
    pub(super) served_until: SimTime,
}

/// Starts fetching `value`'s cache line, so that a later read of it does not wait for memory
/// (with a million clients, their state is read at random). A hint: it changes no result.
#[inline(always)]
pub(super) fn prefetch<T: Copy>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    safe_arch::prefetch_t0(value);
    // Elsewhere a read stands in for the prefetch (wasm has no prefetch instruction).
    #[cfg(not(target_arch = "x86_64"))]
    std::hint::black_box(*value);
}

impl<S: Shape> Engine<S> {
    #[inline(always)] // runs per request: see `Engine::step_batch`
    pub(super) fn allocate(&mut self, client: u32) -> RequestId {
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

    pub(super) fn current(&self, id: RequestId, tag: u32, phase: Phase) -> bool {
        let r = &self.requests[id as usize];
        r.tag == tag && r.phase == phase
    }
}
