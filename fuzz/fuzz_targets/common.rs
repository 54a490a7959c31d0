//! What every scenario target checks once its input decoded: validation and the cost estimate
//! never panic, and a scenario that validates estimates to finite, non-negative figures.

use stampede_core::{RawScenario, Scenario};

pub fn check_raw(raw: RawScenario) {
    if let Ok(sc) = Scenario::try_from(raw) {
        let cost = stampede_core::cost::estimate(&sc);
        assert!(
            cost.requests.is_finite() && cost.requests >= 0.0,
            "{cost:?}"
        );
        assert!(cost.memory_entries_max <= stampede_core::cost::MEMORY_ENTRIES_ABSOLUTE_MAX);
        let _ = cost.check(sc.event_budget);
    }
}
