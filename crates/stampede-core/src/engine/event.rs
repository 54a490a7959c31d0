//! The event loop: events, their keys and queues, stepping and dispatch.
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

use super::*;

/// Key of no event: later than every real one.
pub(super) const NO_KEY: Key = Key {
    time: SimTime::NEVER,
    sequence: u64::MAX,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Event {
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
pub(super) enum Head {
    Heap,
    Timeouts,
    Arrival,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Key {
    pub(super) time: SimTime,
    pub(super) sequence: u64,
}

impl Key {
    /// `(time, sequence)` as one number, so that ordering is a single wide comparison with no
    /// branch between the two fields.
    pub(super) fn packed(self) -> u128 {
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
pub(super) struct Scheduled {
    pub(super) key: Key,
    pub(super) event: Event,
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

/// Events handled per call of `Engine::step_batch` (see there).
pub(super) const STEP_BATCH: u32 = 1024;

/// Events between two checks of the memory bound (a few thousand entries more at most).
pub(super) const MEMORY_CHECK_EVENTS: u64 = 4096;

impl<S: Shape> Engine<S> {
    /// Processes every event before `until` (capped at the horizon), then stops.
    pub(super) fn advance_to(&mut self, until: SimTime) {
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
    pub(super) fn step_batch(&mut self, until: SimTime) -> bool {
        for _ in 0..STEP_BATCH {
            if self.budget_exhausted || !self.step(until) {
                return false;
            }
        }
        true
    }

    /// Handles the next event if it comes before `until`; false when there is none.
    #[cfg_attr(target_arch = "wasm32", inline(always))]
    pub(super) fn step(&mut self, until: SimTime) -> bool {
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
        if self.events >= self.limits_check_at {
            self.check_limits();
        }
        self.handle(event);
        true
    }

    /// Stops the run at its event budget or its memory bound (checked every
    /// [`MEMORY_CHECK_EVENTS`] events), and says when to check next.
    #[cold]
    fn check_limits(&mut self) {
        let budget = self.scenario.event_budget;
        if self.events >= budget {
            self.budget_exhausted = true;
        } else if self.memory_entries() > self.memory_entries_max {
            self.memory_exhausted = true;
            self.budget_exhausted = true;
        }
        self.limits_check_at = budget.min(self.events + MEMORY_CHECK_EVENTS);
    }

    /// Requests (slots of the request table), events and queued jobs held now, entries.
    fn memory_entries(&self) -> u64 {
        let timeouts: usize = self.class_timeouts.iter().map(VecDeque::len).sum();
        let queued: usize = self.backends.iter().map(Backend::queue_len).sum();
        (self.heap.len() + self.timeouts.len() + timeouts + self.requests.len() + queued) as u64
    }

    /// Recomputes the bucket of `now` and where it ends.
    pub(super) fn update_bucket(&mut self) {
        let width = self.scenario.bucket.0;
        let index = ((self.now.0 / width) as usize).min(self.buckets_total - 1);
        if self.leases.is_on() {
            // Leases ending in a bucket that is over have lapsed by its end.
            for ended in self.bucket_index..index {
                self.series.leases_held_fraction[ended] = self.leases.close_bucket(ended);
            }
        }
        self.bucket_index = index;
        self.bucket_end = if index + 1 >= self.buckets_total {
            SimTime::NEVER
        } else {
            SimTime(width * (index as u64 + 1))
        };
    }

    /// The earliest of the heap's head, the timeout FIFO's head and the next arrival, if before
    /// `until`; keys are unique, so the `(time, sequence)` order is total.
    pub(super) fn pop_before(&mut self, until: SimTime) -> Option<(Key, Event)> {
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

    pub(super) fn schedule(&mut self, time: SimTime, event: Event) {
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
    pub(super) fn schedule_attempt_timeout(&mut self, request: RequestId, tag: u32, sequence: u64) {
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

    /// The events of every request (arrival, attempt timeout, service end, retry) are handled
    /// here; the others go through [`Engine::handle_other`], kept out of line so that `step`,
    /// which inlines this, stays small enough for V8 to compile it well.
    pub(super) fn handle(&mut self, event: Event) {
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
    pub(super) fn handle_other(&mut self, event: Event) {
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
                self.name_routes[usize::from(name)].switch(self.now, region);
            }
            Event::HedgeDue { request, attempt } => self.on_hedge_due(request, attempt),
            Event::FaultEdge { flapping } => self.on_fault_edge(flapping),
            Event::Arrival
            | Event::AttemptTimeout { .. }
            | Event::ServiceDone { .. }
            | Event::RetryDue { .. } => unreachable!("handled by `handle`"),
        }
    }
}
