//! Fault edges and Route 53 health checks of each name's primary.
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

use super::*;

impl<S: Shape> Engine<S> {
    /// Capacity may have changed: serve the queue. A flapping fault schedules its next switch,
    /// so it has one pending edge at a time.
    pub(super) fn on_fault_edge(&mut self, flapping: Option<u16>) {
        if let Some(index) = flapping
            && let Some(next) = self.faults.next_flap_edge(index, self.now)
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
        self.dns_overrides = self
            .faults
            .active_of_kind(FaultKind::DnsOverride, now)
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

    /// Route 53 health check of a name's primary (its service's region 0): after
    /// `failure_threshold` consecutive results against its current status the status flips, and
    /// the answer follows after propagation. Each name has its own settings and state.
    pub(super) fn on_health_check(&mut self, name: usize) {
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
        if let Some(region) =
            self.name_routes[name].record_check(passed, failover.failure_threshold)
        {
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
    pub(super) fn primary_check_passes(&self, slot: usize) -> bool {
        let failing = self.faults.failing_fraction(slot, self.now);
        let failing = if self.workers_in_force(slot) == 0 {
            1.0
        } else {
            failing
        };
        1.0 - failing > HEALTHY_CHECKERS_FRACTION_MIN
    }

    /// Schedules the first health check of every further name with failover routing, each at a
    /// phase drawn from its own stream (one draw per such name, in name order).
    pub(super) fn schedule_name_health_checks(&mut self) {
        let mut phase = Rng::stream(self.scenario.seed, StreamId::NameHealthCheck);
        for name in 1..self.scenario.names.len() {
            if let Some(failover) = self.scenario.names[name].failover {
                let first = SimTime((phase.uniform() * failover.interval.0 as f64) as u64);
                self.schedule(first, Event::HealthCheck { name: name as u8 });
            }
        }
    }
}
