//! `stampede`: run Stampede scenarios from the command line — one run with a summary table and
//! JSON/CSV/SVG/PNG exports, parameter sweeps in parallel (shardable, mergeable), validation,
//! presets and side-by-side comparisons.
//!
//! Owns: argument parsing, the commands' flow, what goes to stdout and stderr, and exit codes.
//! Must not: model anything. Scenarios are decoded, validated and run by `stampede-core`; run
//! charts are drawn by `stampede-charts`.

mod bands;
mod batch;
mod boundary;
mod cost;
mod export;
mod input;
mod lesson;
mod out;
mod plot;
mod raster;
mod reference;
mod report_reference;
mod summary;

// The decoders the fuzz targets share live in the library (`lib.rs`).
use stampede_cli::{error, kpi, progress, sweep};

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Args, Parser, Subcommand};
use stampede_core::presets::PRESETS;

use crate::error::{CliError, CliResult, EXIT_OK};
use crate::export::ChartFormat;
use crate::input::Source;
use crate::progress::Progress;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  runtime or I/O error (a file that cannot be read or written, a chart that cannot be drawn)
  2  invalid input (bad arguments, a scenario with problems, an unknown preset or parameter key)
  3  refused: the run's estimated cost (requests × events) is over its budget; nothing ran
  4  the run stopped at its event budget or memory bound: outputs written, figures partial

A scenario is a TOML or JSON file (JSON when the name ends in .json), or `preset:NAME` wherever a
file is expected. See `stampede presets` for the names.";

/// Simulate client fleets facing DNS outages: caches, resolvers, retries, backends.
#[derive(Debug, Parser)]
#[command(name = "stampede", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one scenario and print its summary; optionally write JSON, CSV and SVG or PNG charts.
    #[command(after_help = EXIT_CODES)]
    Run(RunArgs),
    /// Run a grid of parameter values × seeds in parallel and write one CSV row per point.
    #[command(after_help = SWEEP_HELP)]
    Sweep(SweepArgs),
    /// Run one scenario over N seeds: each KPI's median with its p10–p90 interval, the share of
    /// seeds metastable, and charts of median lines over p10–p90 bands.
    #[command(after_help = EXIT_CODES)]
    Bands(BandsArgs),
    /// Find, by bisection on one trigger parameter, the largest trigger after which the design
    /// still recovers in a share of seeds.
    #[command(after_help = BOUNDARY_HELP)]
    Boundary(BoundaryArgs),
    /// Merge sweep shard CSVs into point order (byte-identical to the unsharded sweep).
    #[command(after_help = EXIT_CODES)]
    Merge(MergeArgs),
    /// List the built-in presets with their titles and sources.
    Presets,
    /// Check a scenario file and print every problem with its field path.
    #[command(after_help = EXIT_CODES)]
    Validate {
        /// Scenario file (TOML or JSON) or `preset:NAME`.
        scenario: String,
    },
    /// Print the JSON Schema of scenario files (or, with --report, of the JSON report).
    Schema {
        /// The schema of the report `run --json` writes instead of the scenario's.
        #[arg(long)]
        report: bool,
    },
    /// Print the scenario reference (every field, unit, default and source) as Markdown (or,
    /// with --report, the report reference).
    Reference {
        /// The reference of the report `run --json` writes instead of the scenario's.
        #[arg(long)]
        report: bool,
    },
    /// Run two scenarios with the same seed and print each KPI for A, B and B − A (or compare
    /// two saved reports of `run --json`).
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// Game-day lessons: list them, or check that each step's goal is unmet at its start and
    /// met by its recorded solution.
    #[command(subcommand)]
    Lesson(LessonCommand),
}

#[derive(Debug, Subcommand)]
enum LessonCommand {
    /// List the built-in lessons with their audience, duration and steps.
    List,
    /// For every step of a lesson (or of all), on several seeds: the goal is NOT met by the
    /// step's starting state and IS met by its solution. Exit 1 names each failing condition.
    #[command(after_help = EXIT_CODES)]
    Check {
        /// A lesson id, or a lesson file (`.toml`); all built-in lessons when absent.
        lesson: Option<String>,
        /// Seeds per step: the scenario's seed plus 0..N-1.
        #[arg(long, value_name = "N", default_value_t = 3)]
        seeds: u64,
        /// Worker threads (default: every core).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
    },
}

const SWEEP_HELP: &str = "\
Points are numbered with the first --vary key outermost and the seed index innermost. The seed of
a point is the scenario's seed (after --seed and --set) plus its seed index 0..N-1. The CSV stays in
point order while rows finish out of order, and is flushed after every row: a sweep interrupted
with Ctrl-C keeps the rows already written.

Exit codes: 0 success, 1 runtime or I/O error, 2 invalid input, 3 refused (a point's estimated
cost over its budget, or the points' together over the sweep budget).";

const BOUNDARY_HELP: &str = "\
Each probe runs the scenario with the trigger set to one value for --seeds seeds (the scenario's
seed plus 0..N-1, as a sweep does) and counts the seeds whose recovery verdict is `recovered`
(goodput back within run.recovery_window_s of the last fault's end) against those called
metastable. Both ends of the range run first: when both hold, or both fail, no boundary is in the
range and the command says so. Otherwise the interval between a value that holds and one that
fails is halved until it is no wider than --resolution. The search assumes a larger trigger never
helps (or, when the low end fails and the high end holds, never hurts).

Exit codes: 0 success (a boundary, or a statement that the range holds none), 1 runtime error,
2 invalid input (also: a probe whose run ends before its recovery verdict is known).";

#[derive(Debug, Args)]
struct BandsArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Seeds: the scenario's seed plus 0..N-1, as a sweep's points.
    #[arg(long, value_name = "N", default_value_t = 10)]
    seeds: usize,
    /// Worker threads (default: every core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Write one band chart per kind (load, outcomes, dns, queue, latency, breaker) as SVG into
    /// this directory.
    #[arg(long, value_name = "DIR")]
    svg: Option<PathBuf>,
    /// Write the same charts as PNG into this directory.
    #[arg(long, value_name = "DIR")]
    png: Option<PathBuf>,
    /// Size of the charts, pixels.
    #[arg(long, value_name = "WxH", default_value = "960x420", value_parser = parse_size)]
    chart_size: (u32, u32),
}

#[derive(Debug, Args)]
struct BoundaryArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// The trigger dimension and its range: `key=low..high`, any numeric parameter, e.g.
    /// `outage.duration_s=60..3600`, `outage.factor=1..10`, `backend.workers=10..200`.
    #[arg(long, value_name = "KEY=LOW..HIGH")]
    trigger: String,
    /// Share of seeds that must recover, from 0 to 1 (0.9 = 90 %).
    #[arg(long, value_name = "RATIO", default_value_t = 0.9)]
    share: f64,
    /// Seeds per probe.
    #[arg(long, value_name = "N", default_value_t = 10)]
    seeds: usize,
    /// Stop when the interval is this narrow, in the trigger's unit (default: 1 % of the range).
    #[arg(long, value_name = "WIDTH")]
    resolution: Option<f64>,
    /// Worker threads (default: every core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Print only the answer (no probe table).
    #[arg(long, short)]
    quiet: bool,
}

/// Where the scenario comes from and what to change in it.
#[derive(Debug, Args)]
struct ScenarioArgs {
    /// Scenario file (TOML or JSON) or `preset:NAME`.
    #[arg(required_unless_present = "preset", conflicts_with = "preset")]
    scenario: Option<PathBuf>,
    /// A built-in preset instead of a file (see `stampede presets`).
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// Seed of the run (overrides `run.seed`).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Override one parameter, e.g. `--set dns.record_ttl_s=60` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
}

impl ScenarioArgs {
    fn source(&self) -> CliResult<Source> {
        Source::from_args(self.scenario.as_deref(), self.preset.as_deref())
    }
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Write the full report as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the time series as CSV (one row per metric bucket, units in the header).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write one SVG chart per kind (load, outcomes, dns, queue, latency, breaker) into this
    /// directory.
    #[arg(long, value_name = "DIR")]
    svg: Option<PathBuf>,
    /// Write the same charts as PNG into this directory (the font is built in: no system fonts
    /// needed).
    #[arg(long, value_name = "DIR")]
    png: Option<PathBuf>,
    /// Size of the SVG and PNG charts, pixels.
    #[arg(
        long,
        visible_alias = "svg-size",
        value_name = "WxH",
        default_value = "960x420",
        value_parser = parse_size
    )]
    chart_size: (u32, u32),
    /// PNG pixels per chart pixel, 1 to 4 (2 for hi-dpi screens): a 960x420 chart at 2 is a
    /// 1920x840 PNG with the same layout.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "png", value_parser = png_scale)]
    png_scale: u32,
    /// Print nothing but errors (no summary, no progress).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct SweepArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// A varied parameter: `key=a..b:steps` (evenly spaced, ends included) or `key=v1,v2,…`.
    #[arg(long = "vary", value_name = "SPEC", required = true)]
    varies: Vec<String>,
    /// Seeds per grid point.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seeds: usize,
    /// Worker threads (default: every core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Run only points whose index modulo n is i, e.g. `--shard 0/2`; `auto` reads i and n from
    /// the batch engine (Kubernetes Indexed Job, Slurm or AWS Batch array job: docs/batch.md).
    #[arg(long, value_name = "i/n|auto")]
    shard: Option<String>,
    /// Output CSV.
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
    #[command(flatten)]
    chart: ChartArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// Shard CSVs written by `stampede sweep --shard`.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output CSV.
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
    #[command(flatten)]
    chart: ChartArgs,
}

/// The chart of a sweep or merge: which KPI, and where it goes (SVG, PNG or both).
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("chart_file").args(["chart", "png"]).multiple(true)))]
struct ChartArgs {
    /// Also draw a chart of one KPI as SVG: a line for one --vary, bars for a --vary of names,
    /// a heatmap for two.
    #[arg(long, value_name = "FILE.svg", requires = "kpi")]
    chart: Option<PathBuf>,
    /// Also draw that chart as PNG (the font is built in: no system fonts needed).
    #[arg(long, value_name = "FILE.png", requires = "kpi")]
    png: Option<PathBuf>,
    /// PNG pixels per chart pixel, 1 to 4 (2 for hi-dpi screens).
    #[arg(long, value_name = "N", default_value_t = 1, requires = "png", value_parser = png_scale)]
    png_scale: u32,
    /// KPI of the chart: availability, failed, peak_amplification, peak_backend_load_ratio,
    /// time_to_recover_s, metastable, slo_burn or cost.
    #[arg(long, value_name = "NAME", requires = "chart_file")]
    kpi: Option<String>,
}

impl ChartArgs {
    /// The files to write, each with its format.
    fn files(&self) -> Vec<(&Path, ChartFormat)> {
        let svg = self.chart.as_deref().map(|p| (p, ChartFormat::Svg));
        let png = self.png.as_deref().map(|p| {
            (
                p,
                ChartFormat::Png {
                    scale: self.png_scale,
                },
            )
        });
        svg.into_iter().chain(png).collect()
    }

    /// The KPI to draw, if any chart is asked for; `--chart FILE.png` is refused (it writes SVG).
    fn kpi(&self) -> CliResult<Option<&'static kpi::Kpi>> {
        if let Some(path) = &self.chart
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("png"))
        {
            return Err(CliError::invalid(
                "--chart",
                path.display().to_string(),
                "--chart writes SVG; use --png FILE.png for a PNG",
            ));
        }
        chart_kpi(self.kpi.as_deref())
    }

    /// Draws the chart of `kpi` into every file asked for; returns their paths.
    fn write(&self, table: &sweep::Table, kpi: &kpi::Kpi) -> CliResult<Vec<PathBuf>> {
        let files = self.files();
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let svg = plot::sweep_svg(table, kpi)?;
        for (path, format) in &files {
            export::write_file(path, format.encode(&svg, "the sweep chart")?)?;
        }
        Ok(files.into_iter().map(|(p, _)| p.to_path_buf()).collect())
    }
}

#[derive(Debug, Args)]
struct DiffArgs {
    /// Scenario A: file or `preset:NAME`.
    a: String,
    /// Scenario B: file or `preset:NAME`.
    b: String,
    /// Seed of both runs (default: A's seed).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Override a parameter of A only (repeatable).
    #[arg(long = "set-a", value_name = "KEY=VALUE")]
    sets_a: Vec<String>,
    /// Override a parameter of B only (repeatable).
    #[arg(long = "set-b", value_name = "KEY=VALUE")]
    sets_b: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(&args),
        Command::Sweep(args) => sweep(&args),
        Command::Bands(args) => bands(&args),
        Command::Boundary(args) => boundary(&args),
        Command::Merge(args) => merge(&args),
        Command::Presets => out::print(&presets_text()),
        Command::Validate { scenario } => match validate(&scenario) {
            // The problems are what `validate` is asked for: print them on stdout (a closed
            // stdout does not change the verdict).
            Err(e @ CliError::Invalid { .. }) => {
                let _ = out::print(&format!("{e}\n"));
                return ExitCode::from(e.exit_code());
            }
            other => other,
        },
        Command::Schema { report } => schema(report),
        Command::Reference { report } => {
            if report {
                out::print(&report_reference::markdown())
            } else {
                out::print(&reference::markdown())
            }
        }
        Command::Diff(args) => diff(&args),
        Command::Lesson(LessonCommand::List) => out::print(&lesson::list_text()),
        Command::Lesson(LessonCommand::Check {
            lesson,
            seeds,
            jobs,
        }) => lesson_check(lesson.as_deref(), seeds, jobs),
    };
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        // A reader that closed stdout took what it wanted: end quietly, as on success.
        Err(CliError::Closed) => ExitCode::from(EXIT_OK),
        Err(e) => {
            out::eprint_line(&format!("error: {e}"));
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(args: &RunArgs) -> CliResult<()> {
    if args.png.is_some() && raster::pixels(args.chart_size, args.png_scale) > raster::PIXELS_MAX {
        let (w, h) = args.chart_size;
        return Err(CliError::invalid(
            "arguments",
            "--png-scale",
            format!(
                "{w}x{h} charts at scale {} are more than {} pixels each",
                args.png_scale,
                raster::PIXELS_MAX
            ),
        ));
    }
    let source = args.scenario.source()?;
    let scenario = input::prepare(&source, &args.scenario.sets, args.scenario.seed)?;
    cost::check_run(&source.label(), &scenario)?;
    let report = progress::run_with_progress(&scenario, &Progress::new(!args.quiet));
    if let Some(path) = &args.json {
        export::write_file(path, export::report_json(&report)?)?;
    }
    if let Some(path) = &args.csv {
        export::write_file(path, export::series_csv(&report))?;
    }
    let mut charts = Vec::new();
    if let Some(dir) = &args.svg {
        charts.extend(export::write_charts(
            dir,
            &report,
            args.chart_size,
            ChartFormat::Svg,
        )?);
    }
    if let Some(dir) = &args.png {
        let format = ChartFormat::Png {
            scale: args.png_scale,
        };
        charts.extend(export::write_charts(dir, &report, args.chart_size, format)?);
    }
    // With a report on standard output (`--json -`, `--csv -`) the summary stays off it.
    let to_stdout = [&args.json, &args.csv]
        .into_iter()
        .flatten()
        .any(|p| export::is_stdout(p));
    if !args.quiet && !to_stdout {
        out::print(&summary::summary_table(&scenario, &report))?;
        let written = [&args.json, &args.csv]
            .into_iter()
            .flatten()
            .chain(&charts)
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>();
        if !written.is_empty() {
            out::print(&format!("\nwrote {}\n", written.join(", ")))?;
        }
    }
    cost::check_stopped(&source.label(), &report)
}

/// Parses `WxH` pixels, each from 100 to 10000.
fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("expected WIDTHxHEIGHT in pixels (100 to 10000 each), got `{text}`");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let parse = |t: &str| {
        t.trim()
            .parse::<u32>()
            .ok()
            .filter(|v| (100..=10_000).contains(v))
            .ok_or_else(bad)
    };
    Ok((parse(w)?, parse(h)?))
}

/// Parses `--png-scale`: an integer from 1 to [`raster::SCALE_MAX`].
fn png_scale(text: &str) -> Result<u32, String> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|v| (1..=raster::SCALE_MAX).contains(v))
        .ok_or_else(|| {
            format!(
                "expected a whole number from 1 to {}, got `{text}`",
                raster::SCALE_MAX
            )
        })
}

fn chart_kpi(name: Option<&str>) -> CliResult<Option<&'static kpi::Kpi>> {
    name.map(|n| {
        kpi::find(n).ok_or_else(|| {
            CliError::invalid("--kpi", n, format!("unknown KPI; one of: {}", kpi::names()))
        })
    })
    .transpose()
}

fn sweep(args: &SweepArgs) -> CliResult<()> {
    let source = args.scenario.source()?;
    let base = input::prepare_raw(&source, &args.scenario.sets, args.scenario.seed)?;
    input::validate(&source, base.clone())?;
    let mut problems = Vec::new();
    let mut varies = Vec::new();
    for text in &args.varies {
        match sweep::parse_vary(text) {
            Ok(v) => varies.push(v),
            Err(p) => problems.push(p),
        }
    }
    let shard = match args.shard.as_deref().map(shard_of).transpose() {
        Ok(shard) => shard.unwrap_or((0, 1)),
        Err(p) => {
            problems.push(p);
            (0, 1)
        }
    };
    for (i, vary) in varies.iter().enumerate() {
        if varies[..i].iter().any(|v| v.key == vary.key) {
            problems.push(stampede_core::Problem {
                path: format!("--vary {}", vary.key),
                message: "this key is varied twice; give its values in one --vary".into(),
            });
        }
    }
    if args.seeds == 0 || args.seeds > sweep::POINTS_MAX {
        problems.push(stampede_core::Problem {
            path: "--seeds".into(),
            message: format!(
                "must be from 1 to {}, got {}",
                sweep::POINTS_MAX,
                args.seeds
            ),
        });
    }
    if args.jobs == Some(0) {
        problems.push(stampede_core::Problem {
            path: "--jobs".into(),
            message: "must be at least 1 (leave it out to use every core)".into(),
        });
    }
    let kpi = args.chart.kpi()?;
    if kpi.is_some() && !(1..=2).contains(&varies.len()) {
        problems.push(stampede_core::Problem {
            path: "--chart".into(),
            message: format!(
                "a chart needs one or two --vary keys, got {}",
                args.varies.len()
            ),
        });
    }
    let mut grid = sweep::Grid {
        varies,
        seeds: args.seeds.max(1),
        entry_columns: Vec::new(),
    };
    if problems.is_empty()
        && let Some(problem) = grid.size_problem()
    {
        problems.push(problem);
    }
    if !problems.is_empty() {
        return Err(CliError::Invalid {
            source: "sweep".into(),
            problems,
        });
    }
    grid.entry_columns = grid.entry_columns_of(&base);
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let plan = sweep::SweepPlan {
        base,
        grid,
        shard,
        jobs,
        out: &args.out,
    };
    let points = sweep::validate_points(&plan)?;
    cost::check_sweep(&points)?;
    let started = std::time::Instant::now();
    let count = points.len();
    let csv = sweep::run(&plan, points, &Progress::new(!args.quiet))?;
    let charts = match kpi {
        Some(kpi) => {
            let (table, _) = sweep::Table::parse(&csv, &args.out.display().to_string())?;
            args.chart.write(&table, kpi)?
        }
        None => Vec::new(),
    };
    if !args.quiet {
        // The CSV may be on standard output (`--out -`): the line goes to standard error then.
        let shape: Vec<String> = plan
            .grid
            .varies
            .iter()
            .map(|v| v.values.len().to_string())
            .collect();
        let text = format!(
            "sweep: {} points ({} values × {} seed(s)), shard {}/{} ran {count} on {jobs} thread(s) in {:.1} s; wrote {}",
            plan.grid.points(),
            shape.join(" × "),
            plan.grid.seeds,
            shard.0,
            shard.1,
            started.elapsed().as_secs_f64(),
            and_list(std::iter::once(&args.out).chain(&charts))
        );
        if export::is_stdout(&args.out) {
            out::eprint_line(&text);
        } else {
            out::print(&format!("{text}\n"))?;
        }
    }
    Ok(())
}

fn bands(args: &BandsArgs) -> CliResult<()> {
    if !(1..=bands::SEEDS_MAX).contains(&args.seeds) {
        return Err(CliError::invalid(
            "bands",
            "--seeds",
            format!("must be from 1 to {}, got {}", bands::SEEDS_MAX, args.seeds),
        ));
    }
    let source = args.scenario.source()?;
    let base = input::prepare_raw(&source, &args.scenario.sets, args.scenario.seed)?;
    let scenarios = bands::seed_scenarios(&base, args.seeds, &source.label())?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let reports = bands::run_seeds(&scenarios, jobs)?;
    out::print(&bands::text(&source.label(), &scenarios, &reports))?;
    let mut charts = Vec::new();
    if let Some(dir) = &args.svg {
        charts.extend(bands::write_charts(
            dir,
            &reports,
            args.chart_size,
            ChartFormat::Svg,
        )?);
    }
    if let Some(dir) = &args.png {
        let format = ChartFormat::Png { scale: 1 };
        charts.extend(bands::write_charts(dir, &reports, args.chart_size, format)?);
    }
    if !charts.is_empty() {
        out::print(&format!("\nwrote {}\n", and_list(&charts)))?;
    }
    Ok(())
}

fn boundary(args: &BoundaryArgs) -> CliResult<()> {
    let source = args.scenario.source()?;
    let base = input::prepare_raw(&source, &args.scenario.sets, args.scenario.seed)?;
    input::validate(&source, base.clone())?;
    let mut problems = Vec::new();
    let trigger = boundary::parse_trigger(&args.trigger)
        .map_err(|p| problems.push(p))
        .ok();
    if !(args.share > 0.0 && args.share <= 1.0) {
        problems.push(stampede_core::Problem {
            path: "--share".into(),
            message: format!(
                "must be above 0 and at most 1 (0.9 = 90 %), got {}",
                args.share
            ),
        });
    }
    if !(1..=boundary::SEEDS_MAX).contains(&args.seeds) {
        problems.push(stampede_core::Problem {
            path: "--seeds".into(),
            message: format!(
                "must be from 1 to {}, got {}",
                boundary::SEEDS_MAX,
                args.seeds
            ),
        });
    }
    if let Some(r) = args.resolution
        && !(r.is_finite() && r > 0.0)
    {
        problems.push(stampede_core::Problem {
            path: "--resolution".into(),
            message: format!("must be a positive number, got {r}"),
        });
    }
    let Some(trigger) = trigger.filter(|_| problems.is_empty()) else {
        return Err(CliError::Invalid {
            source: "boundary".into(),
            problems,
        });
    };
    let plan = boundary::Search {
        resolution: args
            .resolution
            .unwrap_or((trigger.high - trigger.low) / 100.0),
        base,
        trigger,
        share: args.share,
        seeds: args.seeds,
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
    };
    let (probes, outcome) = boundary::search(&plan)?;
    if !args.quiet {
        out::print(&boundary::probe_table(&plan, &probes))?;
    }
    out::print(&format!(
        "{}: {}\n",
        source.label(),
        boundary::answer(&plan, &outcome)
    ))
}

/// `--shard i/n`, or `auto`: the shard the batch engine this process runs under assigns it.
fn shard_of(text: &str) -> Result<(usize, usize), stampede_core::Problem> {
    if text.trim() == "auto" {
        batch::shard_from_env(&|name| std::env::var(name).ok())
    } else {
        sweep::parse_shard(text)
    }
}

/// "a", "a and b", "a, b and c".
fn and_list<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> String {
    let names: Vec<String> = paths.into_iter().map(|p| p.display().to_string()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

fn merge(args: &MergeArgs) -> CliResult<()> {
    let kpi = args.chart.kpi()?;
    let mut tables = Vec::new();
    for path in &args.files {
        let bytes = input::read_input(path, sweep::CSV_BYTES_MAX)?;
        let name = path.display().to_string();
        let text = input::utf8(&bytes).map_err(|p| CliError::Invalid {
            source: name.clone(),
            problems: vec![p],
        })?;
        let (table, skipped) = sweep::Table::parse(text, &name)?;
        if skipped > 0 {
            out::eprint_line(&format!(
                "warning: {name}: skipped {skipped} incomplete row(s)"
            ));
        }
        tables.push((name, table));
    }
    let (merged, missing_count, missing) = sweep::merge(tables)?;
    if missing_count > 0 {
        let shown: Vec<String> = missing.iter().map(usize::to_string).collect();
        out::eprint_line(&format!(
            "warning: {missing_count} point(s) missing, e.g. {}",
            shown.join(", ")
        ));
    }
    export::write_file(&args.out, merged.to_csv())?;
    if let Some(kpi) = kpi {
        args.chart.write(&merged, kpi)?;
    }
    Ok(())
}

fn presets_text() -> String {
    let mut out = String::new();
    for p in PRESETS {
        out.push_str(&format!(
            "{}\n  {}\n  {}\n\n",
            p.name,
            p.title(),
            p.description()
        ));
    }
    out.push_str(
        "Policies (apply over any scenario with `--set policy=NAME`, or compare them with \
         `--vary policy=A,B`):\n\n",
    );
    for p in stampede_core::presets::POLICIES {
        out.push_str(&format!("{}\n  {}\n\n", p.name, p.description()));
    }
    out
}

fn validate(scenario: &str) -> CliResult<()> {
    let source = Source::parse(scenario);
    let raw = input::load_raw(&source)?;
    let sc = input::validate(&source, raw)?;
    out::print(&format!(
        "{}: valid — \"{}\", {} s, {} clients, {} fault(s), seed {}\n",
        source.label(),
        sc.raw.title,
        summary::number(sc.duration.as_s(), 3),
        sc.clients,
        sc.faults.len(),
        sc.seed
    ))
}

fn lesson_check(which: Option<&str>, seeds: u64, jobs: Option<usize>) -> CliResult<()> {
    if seeds == 0 {
        return Err(CliError::invalid(
            "lesson check",
            "--seeds",
            "must be at least 1",
        ));
    }
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let (text, passed) = lesson::check(which, seeds, jobs)?;
    out::print(&text)?;
    if passed {
        Ok(())
    } else {
        Err(CliError::Runtime(
            "a lesson check failed (see FAIL lines above)".into(),
        ))
    }
}

fn schema(report: bool) -> CliResult<()> {
    if report {
        out::print(&format!("{}\n", stampede_core::report::json_schema()))
    } else {
        out::print(&format!("{}\n", stampede_core::scenario::json_schema()))
    }
}

/// A saved report (`run --json`) given to `diff`: a `.json` file whose object has a `summary`.
fn saved_report(text: &str) -> CliResult<Option<stampede_core::Summary>> {
    let path = Path::new(text);
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || !path.exists()
    {
        return Ok(None);
    }
    let bytes = input::read_input(path, REPORT_BYTES_MAX)?;
    let json = input::utf8(&bytes).map_err(|p| CliError::Invalid {
        source: text.to_string(),
        problems: vec![p],
    })?;
    let is_report = serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .is_some_and(|v| v.get("summary").is_some());
    if !is_report {
        return Ok(None);
    }
    stampede_core::report::summary_from_report_json(json)
        .map(Some)
        .map_err(|message| CliError::invalid(text, "format_version", message))
}

/// The largest saved report `diff` reads, bytes (a day-long run at one-second buckets is tens of MB).
const REPORT_BYTES_MAX: u64 = 1 << 30;

fn diff(args: &DiffArgs) -> CliResult<()> {
    let (saved_a, saved_b) = (saved_report(&args.a)?, saved_report(&args.b)?);
    if let (Some(a), Some(b)) = (&saved_a, &saved_b) {
        return out::print(&summary::diff_reports(
            "saved reports",
            (&args.a, a),
            (&args.b, b),
            Vec::new(),
        ));
    }
    if saved_a.is_some() || saved_b.is_some() {
        return Err(CliError::invalid(
            "diff",
            "A B",
            "give two scenarios or two saved reports (run --json), not one of each",
        ));
    }
    let (source_a, source_b) = (Source::parse(&args.a), Source::parse(&args.b));
    let raw_a = input::prepare_raw(&source_a, &args.sets_a, args.seed)?;
    let seed = raw_a.run.seed;
    let raw_b = input::prepare_raw(&source_b, &args.sets_b, Some(seed))?;
    let (a, b) = (
        input::validate(&source_a, raw_a)?,
        input::validate(&source_b, raw_b)?,
    );
    cost::check_run(&source_a.label(), &a)?;
    cost::check_run(&source_b.label(), &b)?;
    let (report_a, report_b) = std::thread::scope(|s| {
        let handle = s.spawn(|| stampede_core::run(&b));
        let report_a = stampede_core::run(&a);
        (report_a, handle.join())
    });
    let report_b = report_b.map_err(|_| CliError::Runtime("the run of B panicked".into()))?;
    let label = |source: &Source, sets: &[String]| {
        if sets.is_empty() {
            source.label()
        } else {
            format!("{} {}", source.label(), sets.join(" "))
        }
    };
    out::print(&summary::diff_table(
        (&label(&source_a, &args.sets_a), &a, &report_a),
        (&label(&source_b, &args.sets_b), &b, &report_b),
    ))?;
    cost::check_stopped(&source_a.label(), &report_a)?;
    cost::check_stopped(&source_b.label(), &report_b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `stampede …` command shown in a code block of a doc, continuation lines joined.
    fn documented_commands(doc: &str) -> Vec<String> {
        let mut commands = Vec::new();
        let mut in_block = false;
        let mut pending: Option<String> = None;
        for line in doc.lines() {
            if line.trim_start().starts_with("```") {
                in_block = !in_block;
                continue;
            }
            if !in_block {
                continue;
            }
            let text = line.trim().trim_start_matches("$ ");
            let text = match pending.take() {
                Some(start) => format!("{start} {text}"),
                None if text.starts_with("stampede ") => text.to_string(),
                None => continue,
            };
            match text.strip_suffix('\\') {
                Some(start) => pending = Some(start.trim_end().to_string()),
                None => commands.push(text),
            }
        }
        commands
    }

    /// The scenario keys, option names, presets and policies of a parsed command exist: a doc
    /// whose command names a renamed key or flag fails here (the run itself is not repeated).
    fn check_names(cli: Cli) -> CliResult<()> {
        let exists = |source: &Source| match source {
            Source::File(path) => path.exists(),
            Source::Preset(_) => true,
        };
        match cli.command {
            Command::Run(args) => {
                let source = args.scenario.source()?;
                if exists(&source) {
                    input::prepare(&source, &args.scenario.sets, args.scenario.seed)?;
                }
            }
            Command::Sweep(args) => {
                for vary in &args.varies {
                    sweep::parse_vary(vary).map_err(|p| CliError::Invalid {
                        source: "--vary".into(),
                        problems: vec![p],
                    })?;
                }
                args.chart.kpi()?;
                let source = args.scenario.source()?;
                if exists(&source) {
                    input::prepare(&source, &args.scenario.sets, args.scenario.seed)?;
                }
            }
            Command::Diff(args) => {
                for (text, sets) in [(&args.a, &args.sets_a), (&args.b, &args.sets_b)] {
                    let source = Source::parse(text);
                    if exists(&source) {
                        input::prepare(&source, sets, args.seed)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Every command in README.md, docs/cli.md and docs/cookbook.md parses with today's flags
    /// and names only keys, options, presets, policies and KPIs that exist.
    #[test]
    fn documented_commands_parse_and_name_what_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut checked = 0;
        let mut wrong = Vec::new();
        for doc in ["README.md", "docs/cli.md", "docs/cookbook.md"] {
            let text = std::fs::read_to_string(root.join(doc)).expect("the doc exists");
            for command in documented_commands(&text) {
                // Placeholders of the synopses (`SCENARIO|--preset NAME`, `[--seed N]`).
                if command.contains('[') || command.contains('|') || command.contains("...") {
                    continue;
                }
                checked += 1;
                let words = command.split_whitespace();
                let result = Cli::try_parse_from(words)
                    .map_err(|e| e.to_string())
                    .and_then(|cli| check_names(cli).map_err(|e| e.to_string()));
                if let Err(e) = result {
                    wrong.push(format!("{doc}: `{command}`:\n{e}"));
                }
            }
        }
        assert!(checked >= 20, "only {checked} commands found");
        assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
    }
}
