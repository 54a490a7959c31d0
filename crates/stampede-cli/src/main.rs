//! `stampede`: run Stampede scenarios from the command line — one run with a summary table and
//! JSON/CSV/SVG/PNG exports, parameter sweeps in parallel (shardable, mergeable), validation,
//! presets and side-by-side comparisons.
//!
//! Owns: argument parsing, the commands' flow, what goes to stdout and stderr, and exit codes.
//! Must not: model anything. Scenarios are decoded, validated and run by `stampede-core`; run
//! charts are drawn by `stampede-charts`.

mod cost;
mod export;
mod input;
mod out;
mod plot;
mod raster;
mod reference;
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
    /// Print the JSON Schema of scenario files.
    Schema,
    /// Print the scenario reference (every field, unit, default and source) as Markdown.
    Reference,
    /// Run two scenarios with the same seed and print each KPI for A, B and B − A.
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
}

const SWEEP_HELP: &str = "\
Points are numbered with the first --vary key outermost and the seed index innermost. The seed of
a point is the scenario's seed (after --seed and --set) plus its seed index 0..N-1. The CSV stays in
point order while rows finish out of order, and is flushed after every row: a sweep interrupted
with Ctrl-C keeps the rows already written.

Exit codes: 0 success, 1 runtime or I/O error, 2 invalid input, 3 refused (a point's estimated
cost over its budget, or the points' together over the sweep budget).";

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
    /// Run only points whose index modulo n is i, e.g. `--shard 0/2`.
    #[arg(long, value_name = "i/n")]
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
        Command::Schema => schema(),
        Command::Reference => out::print(&reference::markdown()),
        Command::Diff(args) => diff(&args),
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
    if !args.quiet {
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
    let shard = match args.shard.as_deref().map(sweep::parse_shard).transpose() {
        Ok(shard) => shard.unwrap_or((0, 1)),
        Err(p) => {
            problems.push(p);
            (0, 1)
        }
    };
    if args.seeds == 0 {
        problems.push(stampede_core::Problem {
            path: "--seeds".into(),
            message: "must be at least 1".into(),
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
    if problems.is_empty() && grid.cells().saturating_mul(grid.seeds) > sweep::POINTS_MAX {
        problems.push(stampede_core::Problem {
            path: "--vary".into(),
            message: format!("more than {} points; narrow the grid", sweep::POINTS_MAX),
        });
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
        let shape: Vec<String> = plan
            .grid
            .varies
            .iter()
            .map(|v| v.values.len().to_string())
            .collect();
        out::print(&format!(
            "sweep: {} points ({} values × {} seed(s)), shard {}/{} ran {count} on {jobs} thread(s) in {:.1} s; wrote {}\n",
            plan.grid.points(),
            shape.join(" × "),
            plan.grid.seeds,
            shard.0,
            shard.1,
            started.elapsed().as_secs_f64(),
            and_list(std::iter::once(&args.out).chain(&charts))
        ))?;
    }
    Ok(())
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
        let text = input::read_bounded(path, sweep::CSV_BYTES_MAX)?;
        let name = path.display().to_string();
        let (table, skipped) = sweep::Table::parse(&text, &name)?;
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

fn schema() -> CliResult<()> {
    out::print(&format!("{}\n", stampede_core::scenario::json_schema()))
}

fn diff(args: &DiffArgs) -> CliResult<()> {
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
