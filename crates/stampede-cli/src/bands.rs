//! `stampede bands`: one design over N seeds — each headline figure as its median with the
//! p10–p90 interval, the share of seeds metastable, and charts of median lines over shaded bands.
//!
//! Owns: the command's seeds (the scenario's seed plus `0..N`, as a sweep's points), its text
//! and its chart files.
//! Must not: define quantiles, figures or wording (`stampede_core::bands`) or drawing
//! (`stampede_charts::band`).

use std::path::{Path, PathBuf};

use stampede_charts::band::bands_svg;
use stampede_charts::{ChartKind, Theme};
use stampede_core::bands::SeedBands;
use stampede_core::{RawScenario, Report, Scenario};

use crate::boundary::run_all;
use crate::error::{CliError, CliResult};
use crate::export::{ChartFormat, write_file};

/// Most seeds of one command.
pub const SEEDS_MAX: usize = 1000;

/// The validated scenarios of seeds `base + s` for `s` in `0..seeds`.
pub fn seed_scenarios(base: &RawScenario, seeds: usize, label: &str) -> CliResult<Vec<Scenario>> {
    (0..seeds)
        .map(|s| {
            let mut raw = base.clone();
            raw.run.seed = raw.run.seed.wrapping_add(s as u64);
            Scenario::try_from(raw).map_err(|e| CliError::scenario(label, e))
        })
        .collect()
}

/// Runs the seeds on `jobs` threads; reports in seed order.
pub fn run_seeds(scenarios: &[Scenario], jobs: usize) -> CliResult<Vec<Report>> {
    run_all(scenarios, jobs, |report| report)
}

/// The text the command prints: a heading with the seeds, then one line per figure.
pub fn text(label: &str, scenarios: &[Scenario], reports: &[Report]) -> String {
    let summaries: Vec<_> = reports.iter().map(|r| r.summary.clone()).collect();
    let Some(bands) = SeedBands::of(&summaries) else {
        return String::new();
    };
    let first = scenarios.first().map_or(0, |s| s.seed);
    let last = scenarios.last().map_or(0, |s| s.seed);
    let mut out = format!(
        "{label}: {} seeds ({first}–{last}), median (p10–p90)\n",
        bands.seeds
    );
    for line in bands.lines() {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// Writes one band chart per kind into `dir`; returns the paths.
pub fn write_charts(
    dir: &Path,
    reports: &[Report],
    size_px: (u32, u32),
    format: ChartFormat,
) -> CliResult<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| CliError::io("create", dir, &e))?;
    let refs: Vec<&Report> = reports.iter().collect();
    let extension = match format {
        ChartFormat::Svg => "svg",
        ChartFormat::Png { .. } => "png",
    };
    let mut written = Vec::new();
    for kind in ChartKind::ALL {
        let what = format!("the {} band chart", kind.id());
        let svg = bands_svg(kind, &refs, Theme { dark: false }, size_px)
            .map_err(|e| CliError::Runtime(format!("cannot draw {what}: {e}")))?;
        let path = dir.join(format!("{}.{extension}", kind.id()));
        write_file(&path, format.encode(&svg, &what)?)?;
        written.push(path);
    }
    Ok(written)
}
