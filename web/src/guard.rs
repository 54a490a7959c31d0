//! What the page refuses to start, and what it says when the worker fails: a run whose
//! estimated cost is over the playground's budget is refused up front with its numbers (it
//! would only show partial figures for minutes), and a worker that traps or falls silent is
//! replaced so the next change runs.
//!
//! Owns: the playground's run budget and the wording of refusals and worker failures.
//! Must not: estimate costs itself (`stampede_core::cost` does) or talk to the worker.

use stampede_core::Scenario;
use stampede_core::cost::{WEB_EVENTS_MAX, estimate};

/// Why the page will not run `scenario`: its typical event estimate is over the run's own
/// budget or the playground's ([`WEB_EVENTS_MAX`]); `None` when it may run.
pub fn refusal(scenario: &Scenario) -> Option<String> {
    let budget = scenario.event_budget.min(WEB_EVENTS_MAX);
    estimate(scenario)
        .check(budget)
        .err()
        .map(|message| format!("Not run: {message}"))
}

/// The notice shown when the worker failed (a trap, a panic, or silence while a run was due).
pub fn worker_failed(detail: &str) -> String {
    format!(
        "The simulation worker failed ({detail}); it was restarted. Change a parameter or pick a \
         preset to run again."
    )
}

/// Milliseconds without any message from the worker while a run is in flight after which the
/// worker is taken for dead. The worker reports every 40 ms slice, so only a trapped or frozen
/// worker stays silent this long, even on a loaded machine.
pub const WORKER_SILENCE_MS: u32 = 20_000;

/// The same for a new worker that has not answered yet (it compiles its wasm first, seconds on
/// a loaded machine), ms.
pub const WORKER_STARTUP_MS: u32 = 60_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_link_is_refused_with_its_numbers_and_presets_are_not() {
        let mut raw = stampede_core::presets::find("october-2025-dns")
            .unwrap()
            .raw()
            .unwrap();
        assert_eq!(refusal(&Scenario::try_from(raw.clone()).unwrap()), None);
        raw.fleet.request_rate_per_client_per_s = 10_000.0;
        let refused = refusal(&Scenario::try_from(raw).unwrap()).unwrap();
        // 2,000 clients × 10,000 requests/s × 1,500 s.
        assert!(refused.contains("30,000,000,000 requests"), "{refused}");
        // The page opened with that link: refused up front, with the numbers in a notice.
        let state = crate::state::AppState::from_query(
            "preset=october-2025-dns&fleet.request_rate_per_client_per_s=10000",
        );
        assert_eq!(state.status, crate::state::Status::Invalid);
        assert!(
            state.notices().iter().any(|n| n.starts_with("Not run: ")),
            "{:?}",
            state.notices()
        );
        for p in stampede_core::presets::PRESETS {
            let sc = Scenario::try_from(p.raw().unwrap()).unwrap();
            assert_eq!(refusal(&sc), None, "{}", p.name);
        }
    }
}
