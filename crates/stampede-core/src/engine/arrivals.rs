//! Arrivals: the fleet's Poisson process, the arriving client, and load spikes.
//!
//! Super-clients: with `client_scale` k > 1 each simulated client stands for k real ones; the
//! arrival rate is the real fleet's, spread over ⌈clients/k⌉ simulated clients, so per-client
//! state (caches, connection, budget, breaker, identity token, per-client query limit and lookup
//! cap × k) is shared by k.

use super::*;

impl<S: Shape> Engine<S> {
    /// A load spike starts or ends: the fleet's Poisson rate changes. The next arrival is drawn
    /// again from now at the new rate, which is exact for a Poisson process (memoryless).
    pub(super) fn update_arrival_rate(&mut self) {
        let factor = self
            .faults
            .active_of_kind(FaultKind::LoadSpike, self.now)
            .fold(1.0, |product, f| product * f.factor);
        let gap_mean_s = 1.0 / (self.scenario.offered_load_per_s() * factor);
        if gap_mean_s != self.arrival_gap_mean_s {
            self.arrival_gap_mean_s = gap_mean_s;
            self.arrival_clock_us = self.now.0 as f64;
            self.next_arrival = NO_KEY;
            self.schedule_next_arrival();
        }
    }

    #[inline(always)] // runs per request: see `Engine::step_batch`
    pub(super) fn schedule_next_arrival(&mut self) {
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
            prefetch(self.clients.entry_ref(self.call_slot(client as usize, 0)));
        }
    }

    pub(super) fn on_arrival(&mut self) {
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
}
