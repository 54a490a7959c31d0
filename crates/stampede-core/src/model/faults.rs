//! The faults of a run: which are in force at a given time, per target and kind, and when the
//! next one aimed at a backend slot starts, ends or flaps.
//!
//! Owns: the validated fault list and its indexes by target, by (target, kind) and by kind
//! (each key's faults in list order, so "the first fault of a kind at a target" means what it
//! meant over the whole list; no question scans the list),
//! and the fault stream ([`StreamId::Faults`]) from which the fraction of queries or attempts a
//! fault strikes is drawn. Answers are verdicts for a given `now`.
//!
//! Must not: schedule events, count series, or read another model; it draws only from its own
//! stream, and only while a fault that may strike is in force.

use crate::rng::{Rng, StreamId};
use crate::scenario::raw::FaultKind;
use crate::scenario::validate::FaultTarget;
use crate::scenario::{Fault, Scenario};
use crate::time::SimTime;

/// The backend faults in force in one backend slot (capacity loss, slowdown, error rate, region
/// loss, throttle), computed when a backend fault starts, ends or flaps instead of scanning the
/// fault list on every backend event.
#[derive(Clone, Copy, Debug)]
pub struct BackendFaults {
    /// Workers serving: `workers × (1 − lost) × (1 − removed by health checks)`.
    pub workers: u32,
    /// Service time factor.
    pub slowdown: f64,
    /// Fraction of attempts answered with an error, if an error-rate fault is in force.
    pub error_rate: Option<f64>,
    /// Fraction of attempts the region refuses, if a region loss is in force.
    pub region_lost: Option<f64>,
    /// Admissions per second, if an operator's throttle is in force.
    pub throttle_per_s: Option<f64>,
}

/// The faults of a run, indexed by target.
#[derive(Clone, Debug)]
pub struct Faults {
    list: Vec<Fault>,
    /// Per target that some fault aims at: the indexes of its faults in `list`, in list order.
    by_target: Vec<(FaultTarget, Vec<u16>)>,
    /// Per (target, kind) of some fault: the indexes of those faults, in list order.
    by_target_kind: Vec<((FaultTarget, FaultKind), Vec<u16>)>,
    /// Per kind of some fault, whatever its target: the indexes of those faults, in list order.
    by_kind: Vec<(FaultKind, Vec<u16>)>,
    /// Per backend slot: its workers (`Scenario::services[slot's service].workers`).
    slot_workers: Vec<u32>,
    /// Most of a slot's workers health checks may take out (velocity control), 0..=1.
    removal_max_fraction: f64,
    rng: Rng,
}

impl Faults {
    /// The faults of `scenario`, with the fault stream of its seed.
    pub fn new(scenario: &Scenario) -> Faults {
        Faults {
            list: scenario.faults.clone(),
            by_target: index_by(&scenario.faults, |f| f.target),
            by_target_kind: index_by(&scenario.faults, |f| (f.target, f.kind)),
            by_kind: index_by(&scenario.faults, |f| f.kind),
            slot_workers: (0..scenario.backend_slots())
                .map(|slot| scenario.services[scenario.slot_service(slot)].workers)
                .collect(),
            removal_max_fraction: scenario.health_check_removal_max_fraction,
            rng: Rng::stream(scenario.seed, StreamId::Faults),
        }
    }

    /// Every fault's start and end, with the index of the fault for a start that flaps (its
    /// later edges come one at a time from [`Faults::next_flap_edge`]).
    pub fn edges(&self) -> impl Iterator<Item = (SimTime, Option<u16>)> + '_ {
        self.list.iter().enumerate().flat_map(|(i, f)| {
            let flapping = (f.flap_period.0 > 0).then_some(i as u16);
            [(f.start, flapping), (f.end, None)]
        })
    }

    /// The next edge after `now` of flapping fault `index`, if it flaps again before its end.
    pub fn next_flap_edge(&self, index: u16, now: SimTime) -> Option<SimTime> {
        self.list[usize::from(index)].next_flap_edge(now)
    }

    /// The faults under `key` in `index`, in list order.
    #[inline]
    fn under<K: PartialEq>(&self, index: &[(K, Vec<u16>)], key: K) -> impl Iterator<Item = &Fault> {
        index
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(&[][..], |(_, list)| &list[..])
            .iter()
            .map(|i| &self.list[usize::from(*i)])
    }

    /// The faults aimed at `target`, in list order.
    #[inline]
    fn aimed_at(&self, target: FaultTarget) -> impl Iterator<Item = &Fault> + '_ {
        self.under(&self.by_target, target)
    }

    /// The first fault of `kind` aimed at `target` in force at `now`.
    pub fn in_force(&self, target: FaultTarget, kind: FaultKind, now: SimTime) -> Option<&Fault> {
        self.under(&self.by_target_kind, (target, kind))
            .find(|f| f.active(now))
    }

    /// The faults of `kind` in force at `now`, whatever their target (load spikes, overrides),
    /// in list order.
    pub fn active_of_kind(&self, kind: FaultKind, now: SimTime) -> impl Iterator<Item = &Fault> {
        self.under(&self.by_kind, kind)
            .filter(move |f| f.active(now))
    }

    /// Whether a query or attempt at `target` is struck now by the first fault in force there
    /// whose kind is one of `kinds`: its kind and added latency when its fraction strikes. Draws
    /// once when such a fault is in force, never otherwise.
    pub fn strike(
        &mut self,
        target: FaultTarget,
        kinds: &[FaultKind],
        now: SimTime,
    ) -> Option<(FaultKind, SimTime)> {
        let fault = self
            .aimed_at(target)
            .find(|f| kinds.contains(&f.kind) && f.active(now))?;
        let (kind, fraction, latency) = (fault.kind, fault.fraction, fault.latency);
        self.rng.chance(fraction).then_some((kind, latency))
    }

    /// Whether an attempt is struck by a backend fault striking a fraction `fraction` of
    /// attempts (one draw from the fault stream).
    pub fn strikes(&mut self, fraction: f64) -> bool {
        self.rng.chance(fraction)
    }

    /// The backend faults in force at `now` in backend slot `slot`: the first fault of each kind
    /// aimed at it that is active.
    pub fn backend_at(&self, slot: usize, now: SimTime) -> BackendFaults {
        let target = FaultTarget::Region(slot);
        let fault = |kind: FaultKind| self.in_force(target, kind, now);
        let lost = fault(FaultKind::CapacityLoss).map_or(0.0, |f| f.fraction);
        let removed = self.health_check_removed(slot, now);
        BackendFaults {
            workers: (f64::from(self.slot_workers[slot]) * (1.0 - lost) * (1.0 - removed)) as u32,
            slowdown: fault(FaultKind::ServiceSlowdown).map_or(1.0, |f| f.factor),
            error_rate: fault(FaultKind::ErrorRate).map(|f| f.fraction),
            region_lost: fault(FaultKind::RegionLoss).map(|f| f.fraction),
            throttle_per_s: fault(FaultKind::Throttle).map(|f| f.rate_per_s),
        }
    }

    /// Fraction of slot `slot`'s workers its load balancer has taken out of service at `now`
    /// because their health checks fail: the fault's fraction, at most what velocity control
    /// allows.
    pub fn health_check_removed(&self, slot: usize, now: SimTime) -> f64 {
        self.in_force(
            FaultTarget::Region(slot),
            FaultKind::HealthCheckFlapping,
            now,
        )
        .map_or(0.0, |f| f.fraction.min(self.removal_max_fraction))
    }

    /// Workers of slot `slot` able to serve at `now`, for the report's capacity: capacity loss
    /// removes its fraction, a region loss its fraction (the attempts it refuses never reach a
    /// worker), failing health checks theirs.
    pub fn workers_serving(&self, slot: usize, now: SimTime) -> u32 {
        let target = FaultTarget::Region(slot);
        let lost = self
            .in_force(target, FaultKind::CapacityLoss, now)
            .map_or(0.0, |f| f.fraction);
        let refused = self
            .in_force(target, FaultKind::RegionLoss, now)
            .map_or(0.0, |f| f.fraction);
        let removed = self.health_check_removed(slot, now);
        let workers = f64::from(self.slot_workers[slot]);
        (workers * (1.0 - lost) * (1.0 - refused) * (1.0 - removed)) as u32
    }

    /// Service time factor of slot `slot` at `now` (1 without a slowdown).
    pub fn slowdown(&self, slot: usize, now: SimTime) -> f64 {
        self.in_force(FaultTarget::Region(slot), FaultKind::ServiceSlowdown, now)
            .map_or(1.0, |f| f.factor)
    }

    /// Whether an operator's throttle that flushes the queue starts at `now` in slot `slot` (at
    /// each start of a flapping one).
    pub fn throttle_flushes(&self, slot: usize, now: SimTime) -> bool {
        self.aimed_at(FaultTarget::Region(slot)).any(|f| {
            f.kind == FaultKind::Throttle
                && f.flush_queue
                && f.active(now)
                && (now == f.start || !f.active(SimTime(now.0 - 1)))
        })
    }

    /// Share of attempts to slot `slot` that fail at `now` because of a region loss or an error
    /// rate (the largest of those in force), 0..=1.
    pub fn failing_fraction(&self, slot: usize, now: SimTime) -> f64 {
        self.aimed_at(FaultTarget::Region(slot))
            .filter(|f| f.active(now))
            .map(|f| match f.kind {
                FaultKind::RegionLoss | FaultKind::ErrorRate => f.fraction,
                _ => 0.0,
            })
            .fold(0.0, f64::max)
    }

    /// After `now`, the first time a fault aimed at a backend slot starts, ends or flaps;
    /// [`SimTime::NEVER`] when none will.
    pub fn backend_edge_after(&self, now: SimTime) -> SimTime {
        self.by_target
            .iter()
            .filter(|(target, _)| matches!(target, FaultTarget::Region(_)))
            .flat_map(|(_, list)| list.iter().map(|i| &self.list[usize::from(*i)]))
            .map(|f| {
                if now < f.start {
                    f.start
                } else if now >= f.end {
                    SimTime::NEVER
                } else {
                    f.next_flap_edge(now).unwrap_or(f.end)
                }
            })
            .min()
            .unwrap_or(SimTime::NEVER)
    }

    /// Whether a call to dependency `target` (identity or telemetry) fails now, with the kind
    /// of the fault that failed it, and the latency faults in force there add. Draws from `rng`
    /// (the dependency's own stream) only while a fault that may fail it is in force.
    pub fn dependency(
        &self,
        target: FaultTarget,
        now: SimTime,
        rng: &mut Rng,
    ) -> (Option<FaultKind>, SimTime) {
        let mut failed = None;
        let mut extra = SimTime::ZERO;
        for f in self.aimed_at(target).filter(|f| f.active(now)) {
            match f.kind {
                FaultKind::DnsLatency => extra = extra.after(f.latency),
                FaultKind::ServiceSlowdown => {}
                kind if failed.is_none() && rng.chance(f.fraction) => failed = Some(kind),
                _ => {}
            }
        }
        (failed, extra)
    }
}

/// An index of `faults` by `key`: each key that some fault has, with the indexes of its faults
/// in list order, keys in the order they first appear.
fn index_by<K: PartialEq>(faults: &[Fault], key: impl Fn(&Fault) -> K) -> Vec<(K, Vec<u16>)> {
    let mut index: Vec<(K, Vec<u16>)> = Vec::new();
    for (i, fault) in faults.iter().enumerate() {
        let at = u16::try_from(i).expect("fault lists are bounded far below u16::MAX");
        let k = key(fault);
        match index.iter_mut().find(|(known, _)| *known == k) {
            Some((_, list)) => list.push(at),
            None => index.push((k, vec![at])),
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::raw::{RawFault, RawScenario};

    fn fault(kind: FaultKind, target: &str, start_s: f64, end_s: f64, value: f64) -> RawFault {
        RawFault {
            kind,
            start_s,
            end_s,
            fraction: value.min(1.0),
            factor: value.max(1.0),
            target: target.to_string(),
            ..RawFault::default()
        }
    }

    fn faults(list: Vec<RawFault>) -> Faults {
        let mut raw = RawScenario::default();
        raw.run.duration_s = 600.0;
        raw.faults = list;
        Faults::new(&Scenario::try_from(raw).expect("a valid scenario"))
    }

    #[test]
    fn the_first_fault_of_a_kind_at_a_target_is_the_one_in_force() {
        let f = faults(vec![
            fault(FaultKind::CapacityLoss, "region:0", 10.0, 100.0, 0.5),
            fault(FaultKind::ServiceSlowdown, "region:0", 15.0, 50.0, 4.0),
            fault(FaultKind::CapacityLoss, "region:0", 20.0, 200.0, 0.25),
        ]);
        let at = |s: f64| SimTime::from_s(s);
        let lost = |s: f64| {
            f.in_force(FaultTarget::Region(0), FaultKind::CapacityLoss, at(s))
                .map(|f| f.fraction)
        };
        assert_eq!(lost(5.0), None);
        assert_eq!(
            lost(50.0),
            Some(0.5),
            "both in force: the first in list order"
        );
        assert_eq!(lost(150.0), Some(0.25));
        assert_eq!(f.slowdown(0, at(20.0)), 4.0);
        assert_eq!(f.slowdown(0, at(60.0)), 1.0);
        assert_eq!(
            f.in_force(FaultTarget::Zone, FaultKind::CapacityLoss, at(50.0)),
            None,
            "another target"
        );
        assert_eq!(f.backend_edge_after(SimTime::ZERO), at(10.0));
        assert_eq!(f.backend_edge_after(at(10.0)), at(15.0));
        assert_eq!(f.backend_edge_after(at(100.0)), at(200.0));
        assert_eq!(f.backend_edge_after(at(200.0)), SimTime::NEVER);
    }

    #[test]
    fn faults_of_a_kind_come_in_list_order_whatever_their_target() {
        let f = faults(vec![
            fault(FaultKind::LoadSpike, "zone", 10.0, 100.0, 2.0),
            fault(FaultKind::DnsEmpty, "zone", 10.0, 100.0, 1.0),
            fault(FaultKind::LoadSpike, "zone", 20.0, 100.0, 3.0),
        ]);
        let factors: Vec<f64> = f
            .active_of_kind(FaultKind::LoadSpike, SimTime::from_s(50.0))
            .map(|f| f.factor)
            .collect();
        assert_eq!(factors, [2.0, 3.0]);
        assert_eq!(
            f.active_of_kind(FaultKind::LoadSpike, SimTime::from_s(15.0))
                .count(),
            1
        );
    }
}
