//! Progress on stderr for long runs: an `indicatif` bar, only when stderr is a terminal.
//!
//! Owns: when and how progress is shown.
//! Must not: change what is simulated. A run advanced in slices gives the same report as one run
//! to its end (the engine processes events in `(time, sequence)` order whatever the slices).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use stampede_core::{Report, Scenario, SimTime, Simulation};

/// Slices a run is advanced in.
const SLICES: u64 = 100;

/// A progress bar on stderr, or nothing. Shared by a sweep's threads (`ProgressBar` is `Sync`).
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Shows progress when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Progress {
        let shown = wanted && std::io::stderr().is_terminal();
        let bar = shown.then(|| {
            let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("[{bar:30}] {percent:>3}% {msg}") {
                bar.set_style(style.progress_chars("#-"));
            }
            bar
        });
        Progress { bar }
    }

    /// Shows `done` of `total` and a trailing note.
    pub fn update(&self, done: u64, total: u64, note: &str) {
        if let Some(bar) = &self.bar {
            bar.set_length(total.max(1));
            bar.set_position(done);
            bar.set_message(note.to_string());
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Runs a scenario to its end in slices, reporting simulated time on `progress`.
pub fn run_with_progress(scenario: &Scenario, progress: &Progress) -> Report {
    let mut sim = Simulation::new(scenario);
    let horizon = scenario.duration;
    for slice in 1..=SLICES {
        if sim.is_finished() {
            break;
        }
        let until =
            SimTime((u128::from(horizon.0) * u128::from(slice) / u128::from(SLICES)) as u64);
        sim.advance_to(until);
        progress.update(
            slice,
            SLICES,
            &format!("{:.0} of {:.0} s simulated", until.as_s(), horizon.as_s()),
        );
    }
    progress.finish();
    sim.report()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stampede_core::report::fingerprint;

    #[test]
    fn slicing_does_not_change_the_report() {
        let mut raw = stampede_core::presets::find("october-2025-dns")
            .unwrap()
            .raw()
            .unwrap();
        raw.run.duration_s = 400.0;
        raw.fleet.clients = 200;
        let sc = Scenario::try_from(raw).unwrap();
        let sliced = run_with_progress(&sc, &Progress::new(false));
        assert_eq!(fingerprint(&sliced), fingerprint(&stampede_core::run(&sc)));
    }
}
