//! Progress on stderr for long runs: a plain `\r` line, only when stderr is a terminal.
//!
//! Owns: when and how progress is shown.
//! Must not: change what is simulated. A run advanced in slices gives the same report as one run
//! to its end (the engine processes events in `(time, sequence)` order whatever the slices).

use std::io::{IsTerminal, Write};

use stampede_core::{Report, Scenario, SimTime, Simulation};

/// Slices a run is advanced in.
const SLICES: u64 = 100;

/// A progress line on stderr, or nothing.
#[derive(Debug)]
pub struct Progress {
    shown: bool,
}

impl Progress {
    /// Shows progress when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Progress {
        Progress {
            shown: wanted && std::io::stderr().is_terminal(),
        }
    }

    /// Redraws the line with a bar for `done` of `total` and a trailing note.
    pub fn update(&self, done: u64, total: u64, note: &str) {
        if !self.shown {
            return;
        }
        let width = 30;
        let filled = (done * width / total.max(1)) as usize;
        let bar = format!(
            "{}{}",
            "#".repeat(filled),
            "-".repeat(width as usize - filled)
        );
        let percent = done * 100 / total.max(1);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r[{bar}] {percent:>3}% {note}\x1b[K");
        let _ = err.flush();
    }

    /// Clears the line.
    pub fn finish(&self) {
        if self.shown {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
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
