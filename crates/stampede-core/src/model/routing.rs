//! Route 53's state of one DNS name: the region it answers, its view of the primary (with
//! failover routing: the status and the streak of health checks against it) and the history of
//! its answer.
//!
//! Owns: one name's routing state. A health check's result goes in, and the verdict comes out:
//! whether the status flipped, and so which region the zone is to answer once the change has
//! propagated (the engine schedules that; [`Route::switch`] applies it).
//!
//! Must not: schedule events, count series, or read another model.

use crate::time::SimTime;

/// Route 53's state of a DNS name.
#[derive(Clone, Debug, Default)]
pub struct Route {
    answer_region: u8,
    primary_unhealthy: bool,
    health_streak: u32,
    switches: Vec<(SimTime, u8)>,
}

impl Route {
    /// The region the zone answers now (0 = the primary).
    #[inline]
    pub fn answer_region(&self) -> u8 {
        self.answer_region
    }

    /// When the answer changed, and to which region, in time order.
    pub fn switches(&self) -> &[(SimTime, u8)] {
        &self.switches
    }

    /// A health check of the primary passed or failed. After `failure_threshold` consecutive
    /// results against the current status the status flips: the verdict is the region the zone
    /// is to answer (the secondary when the primary turned unhealthy, else the primary).
    pub fn record_check(&mut self, passed: bool, failure_threshold: u32) -> Option<u8> {
        if passed != self.primary_unhealthy {
            self.health_streak = 0;
            return None;
        }
        self.health_streak += 1;
        if self.health_streak < failure_threshold {
            return None;
        }
        self.health_streak = 0;
        self.primary_unhealthy = !passed;
        Some(u8::from(self.primary_unhealthy))
    }

    /// The zone starts answering `region` at `now` (a failover change has propagated).
    pub fn switch(&mut self, now: SimTime, region: u8) {
        self.answer_region = region;
        self.switches.push((now, region));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_flips_after_the_threshold_of_results_against_it() {
        let mut route = Route::default();
        // Threshold 3: two failures, a pass (streak reset), then three failures flip it.
        assert_eq!(route.record_check(false, 3), None);
        assert_eq!(route.record_check(false, 3), None);
        assert_eq!(route.record_check(true, 3), None);
        assert_eq!(route.record_check(false, 3), None);
        assert_eq!(route.record_check(false, 3), None);
        assert_eq!(route.record_check(false, 3), Some(1));
        // Unhealthy now: failures agree with the status; three passes flip it back.
        assert_eq!(route.record_check(false, 3), None);
        assert_eq!(route.record_check(true, 3), None);
        assert_eq!(route.record_check(true, 3), None);
        assert_eq!(route.record_check(true, 3), Some(0));
        assert_eq!(
            route.answer_region(),
            0,
            "a verdict is applied only by switch"
        );
        route.switch(SimTime(5), 1);
        assert_eq!(route.answer_region(), 1);
        assert_eq!(route.switches(), &[(SimTime(5), 1)]);
    }
}
