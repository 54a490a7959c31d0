//! What a run may cost: refusing a run or sweep whose estimate is over its budget before it
//! starts, and turning a run that stopped at its budget into a documented exit status.
//!
//! Owns: the CLI's use of [`stampede_core::cost`] and the wording of its refusals.
//! Must not: estimate anything itself; the numbers are the core's.

use stampede_core::cost::{self, SWEEP_EVENTS_MAX};
use stampede_core::report::thousands;
use stampede_core::{Report, Scenario};

use crate::error::{CliError, CliResult};

/// Refuses a run whose typical estimate is over its event budget (`run.event_budget`).
pub fn check_run(label: &str, scenario: &Scenario) -> CliResult<()> {
    cost::estimate(scenario)
        .check(scenario.event_budget)
        .map_err(|message| CliError::Refused(format!("{label}: {message}")))
}

/// Refuses a sweep with a point over its own budget, or whose points together are over
/// [`SWEEP_EVENTS_MAX`] events.
pub fn check_sweep(points: &[(usize, Scenario)]) -> CliResult<()> {
    let mut total = 0.0;
    for (point, scenario) in points {
        let estimate = cost::estimate(scenario);
        estimate
            .check(scenario.event_budget)
            .map_err(|message| CliError::Refused(format!("sweep point {point}: {message}")))?;
        total += estimate.events_typical;
    }
    if total > SWEEP_EVENTS_MAX {
        return Err(CliError::Refused(format!(
            "sweep: {} points would take about {} events together, over the sweep budget of {} \
             events (a day of a 2-core machine): narrow the grid, use fewer seeds or shard it \
             (--shard i/n) across machines",
            thousands(points.len() as u64),
            thousands(total.min(u64::MAX as f64) as u64),
            thousands(SWEEP_EVENTS_MAX as u64)
        )));
    }
    Ok(())
}

/// The error of a run that stopped at its event budget or memory bound (its figures were
/// printed, marked partial); `Ok` for a run that reached its horizon.
pub fn check_stopped(label: &str, report: &Report) -> CliResult<()> {
    if !report.stopped_early() {
        return Ok(());
    }
    let why = report
        .diagnostics
        .first()
        .cloned()
        .unwrap_or_else(|| "it stopped before its horizon".into());
    Err(CliError::Stopped(format!(
        "{label}: partial figures. {why}"
    )))
}
