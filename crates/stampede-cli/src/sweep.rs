//! Sweeps: a grid of parameter values × seeds, run in parallel, written as CSV in point order;
//! and merging shard outputs back into that order.
//!
//! Owns: the `--vary` syntax, point numbering, seeds per point, sharding, the sweep CSV layout
//! and the reorder buffer that keeps the file in point order while rows finish out of order.
//! Must not: simulate or validate by itself; each point is a scenario the core validates and runs.
//!
//! Point numbering: the first `--vary` key is outermost, the seed index innermost, so point
//! `p = ((i₁ · n₂ + i₂) · …) · seeds + s`. The seed of a point is the scenario's seed (after
//! `--seed`, `--set` and the varied values) plus its seed index `s`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use stampede_core::report::{REPORT_FORMAT_VERSION, thousands};
use stampede_core::scenario::params;
use stampede_core::scenario::{self as core_scenario, Problem};
use stampede_core::{RawScenario, Scenario};

use crate::error::{CliError, CliResult};
use crate::kpi::{Cell, EntryKpi, SWEEP_KPIS, entry_columns};
use crate::progress::Progress;

/// Most values one `--vary` may take.
pub const STEPS_MAX: usize = 10_000;
/// Most points one sweep may have (grid cells × seeds), whole grid, every shard included: at the
/// 0.1–0.3 s a preset's run takes on one core, days of work on one machine, and a CSV of about
/// a gigabyte. Larger grids are refused before anything runs ([`Grid::size_problem`]).
pub const POINTS_MAX: usize = 10_000_000;
/// Longest `--vary` spec, bytes (10,000 values of a few digits each).
pub const VARY_BYTES_MAX: usize = 256 * 1024;
/// Largest sweep CSV `merge` reads, bytes (a full 10,000,000-point sweep is about 2 GB: shard
/// it finer).
pub const CSV_BYTES_MAX: u64 = 1 << 30;
/// Most columns of a sweep CSV (the KPIs, the varied keys and up to 8 classes, 3 resolvers and
/// 9 names' own columns are fewer than 200).
pub const CSV_COLUMNS_MAX: usize = 1024;
/// Missing points `merge` lists (the rest are counted).
pub const MISSING_LISTED_MAX: usize = 10;

/// One varied parameter and its values, as wire text.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    /// Registry key.
    pub key: String,
    /// Values in order.
    pub values: Vec<String>,
}

/// Parses `key=a..b:steps` (evenly spaced, both ends included, integers rounded) or
/// `key=v1,v2,…` (values as written, e.g. option names).
pub fn parse_vary(text: &str) -> Result<Vary, Problem> {
    let shown: String = text.chars().take(60).collect();
    let problem = |message: String| Problem {
        path: format!("--vary {shown}"),
        message,
    };
    if text.len() > VARY_BYTES_MAX {
        return Err(problem(format!(
            "a spec of {} bytes; the limit is {VARY_BYTES_MAX} bytes",
            text.len()
        )));
    }
    let Some((key, spec)) = text.split_once('=') else {
        return Err(problem("expected key=a..b:steps or key=v1,v2,…".into()));
    };
    let key = key.trim();
    let listed = spec.split(',').count();
    if listed > STEPS_MAX {
        return Err(problem(format!(
            "{listed} values; at most {STEPS_MAX} per --vary"
        )));
    }
    if key == stampede_core::scenario::POLICY_KEY {
        let values: Vec<String> = spec.split(',').map(|v| v.trim().to_string()).collect();
        if values
            .iter()
            .any(|v| stampede_core::presets::find_policy(v).is_none())
        {
            let names: Vec<&str> = stampede_core::presets::POLICIES
                .iter()
                .map(|p| p.name)
                .collect();
            return Err(problem(format!("policies are named: {}", names.join(", "))));
        }
        return Ok(Vary {
            key: key.to_string(),
            values,
        });
    }
    let (key, notice) = core_scenario::aliases::canonical_key(key);
    if let Some(notice) = notice {
        crate::stdio::warn("--vary", &[notice]);
    }
    // `resolver:<i>.<setting>` varies a further resolver, as `--set` takes it: the values are
    // checked against `resolver.<setting>`'s range here, the index when each point is built.
    let registry_key = match key.strip_prefix(core_scenario::FURTHER_RESOLVER_PREFIX) {
        Some(rest) => match rest.split_once('.') {
            Some((index, setting)) if index.parse::<usize>().is_ok() => {
                format!("resolver.{setting}")
            }
            _ => return Err(problem("expected resolver:<index>.<setting>".into())),
        },
        None => key.to_string(),
    };
    let Some(param) = params::find(&registry_key) else {
        // A long key names no parameter: it is not compared with every key for a hint (the
        // comparison costs its length times each key's).
        let hint = (registry_key.len() <= core_scenario::bounds::KEY_BYTES_MAX)
            .then(|| params::nearest(&registry_key))
            .flatten()
            .map_or(String::new(), |k| format!("; did you mean `{k}`?"));
        return Err(problem(format!("unknown parameter `{key}`{hint}")));
    };
    let values = if let Some((range, steps)) = spec.split_once("..").map(|(a, rest)| {
        let (b, steps) = rest.split_once(':').unwrap_or((rest, ""));
        ((a, b), steps)
    }) {
        let number = |t: &str| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| problem(format!("`{t}` is not a number")))
        };
        let (a, b) = (number(range.0)?, number(range.1)?);
        if steps.trim() == "1" && a != b {
            return Err(problem(format!(
                "one step from {} to {} would keep only {}; give 2 or more steps, or the value \
                 alone (`{key}={}`)",
                range.0.trim(),
                range.1.trim(),
                range.0.trim(),
                range.0.trim()
            )));
        }
        let steps: usize = steps
            .trim()
            .parse()
            .ok()
            .filter(|s| (1..=STEPS_MAX).contains(s))
            .ok_or_else(|| {
                problem(format!(
                    "steps must be a whole number from 1 to {STEPS_MAX}, got `{steps}`"
                ))
            })?;
        stampede_core::grid::range_values(param, a, b, steps)
    } else {
        spec.split(',')
            .map(|v| v.trim().to_string())
            .collect::<Vec<_>>()
    };
    if values.iter().any(|v| v.is_empty()) {
        return Err(problem("empty value".into()));
    }
    for v in &values {
        param.parse(v).map_err(|m| problem(format!("{v}: {m}")))?;
    }
    Ok(Vary {
        key: key.to_string(),
        values,
    })
}

/// Parses `i/n`: run the points whose index modulo `n` is `i`.
pub fn parse_shard(text: &str) -> Result<(usize, usize), Problem> {
    let problem = || Problem {
        path: "--shard".into(),
        message: format!("expected i/n with 0 ≤ i < n, got `{text}`"),
    };
    let (i, n) = text.split_once('/').ok_or_else(problem)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| problem())?,
        n.trim().parse().map_err(|_| problem())?,
    );
    if n == 0 || i >= n {
        return Err(problem());
    }
    Ok((i, n))
}

/// The grid of a sweep.
#[derive(Clone, Debug)]
pub struct Grid {
    /// Varied parameters, outermost first.
    pub varies: Vec<Vary>,
    /// Seeds per grid cell.
    pub seeds: usize,
    /// The per-entry columns after the KPIs, each a KPI and the entry (client class, resolver,
    /// failover name) it reads: [`Grid::entry_columns_of`].
    pub entry_columns: Vec<(&'static EntryKpi, String)>,
}

impl Grid {
    /// Grid cells (product of the value counts).
    pub fn cells(&self) -> usize {
        // Saturating: five keys of 10,000 values overflow a usize, and are refused by size.
        self.varies
            .iter()
            .fold(1usize, |cells, v| cells.saturating_mul(v.values.len()))
    }

    /// Points (cells × seeds); the caller has checked the size with [`Grid::size_problem`].
    pub fn points(&self) -> usize {
        self.cells().saturating_mul(self.seeds)
    }

    /// Points (cells × seeds), or `None` when the product does not fit in a `usize`.
    pub fn checked_points(&self) -> Option<usize> {
        self.varies
            .iter()
            .try_fold(self.seeds, |n, v| n.checked_mul(v.values.len()))
    }

    /// Why the grid is too large to run, with its size and the limit; `None` when it fits.
    pub fn size_problem(&self) -> Option<Problem> {
        let points = self.checked_points().filter(|p| *p <= POINTS_MAX);
        if points.is_some() {
            return None;
        }
        let shape: Vec<String> = self
            .varies
            .iter()
            .map(|v| thousands(v.values.len() as u64))
            .collect();
        let size = self
            .checked_points()
            .map_or_else(|| "more than 2^64".to_string(), |p| thousands(p as u64));
        Some(Problem {
            path: "--vary".into(),
            message: format!(
                "the grid has {size} points ({} values × {} seed(s)), over the limit of {} \
                 points per sweep; narrow the grid or use fewer seeds",
                shape.join(" × "),
                self.seeds,
                thousands(POINTS_MAX as u64)
            ),
        })
    }

    /// The value index of each varied key and the seed index of point `p`.
    pub fn coordinates(&self, point: usize) -> (Vec<usize>, usize) {
        let seed_index = point % self.seeds;
        let mut cell = point / self.seeds;
        let mut indices = vec![0; self.varies.len()];
        for (k, vary) in self.varies.iter().enumerate().rev() {
            indices[k] = cell % vary.values.len();
            cell /= vary.values.len();
        }
        (indices, seed_index)
    }

    /// The raw scenario of point `p`: varied values set, seed offset by its seed index.
    pub fn raw_point(&self, base: &RawScenario, point: usize) -> Result<RawScenario, Problem> {
        let (indices, seed_index) = self.coordinates(point);
        let values = self
            .varies
            .iter()
            .zip(indices)
            .map(|(vary, i)| (vary.key.as_str(), vary.values[i].as_str()));
        stampede_core::grid::point_raw(base, values, seed_index)
    }

    /// The per-entry columns of a sweep of `base` over this grid: for each list of
    /// [`ENTRY_LISTS`], each of its KPIs for every entry any grid cell reports (a sweep over
    /// `resolvers.count` has a column for each resolver of its largest count; a point without
    /// the entry leaves the cell empty). Every shard finds the same columns, as it looks at the
    /// whole grid; a cell that does not validate adds none (`validate_points` reports it).
    pub fn entry_columns_of(&self, base: &RawScenario) -> Vec<(&'static EntryKpi, String)> {
        entry_columns((0..self.cells()).filter_map(|cell| {
            let raw = self.raw_point(base, cell * self.seeds).ok()?;
            Scenario::try_from(raw).ok()
        }))
    }

    /// The CSV header.
    pub fn header(&self) -> String {
        let mut fields = vec!["point".to_string()];
        fields.extend(self.varies.iter().map(|v| v.key.clone()));
        fields.push("seed".into());
        fields.extend(SWEEP_KPIS.iter().map(|k| k.name.to_string()));
        fields.extend(
            self.entry_columns
                .iter()
                .map(|(kpi, entry)| format!("{}.{entry}", kpi.name)),
        );
        fields.push(FORMAT_VERSION_COLUMN.into());
        fields.join(",") + "\n"
    }

    /// The CSV row of point `p` from its scenario's report summary.
    pub fn row(
        &self,
        point: usize,
        scenario: &Scenario,
        summary: &stampede_core::Summary,
    ) -> String {
        let (indices, _) = self.coordinates(point);
        let mut fields = vec![point.to_string()];
        fields.extend(
            self.varies
                .iter()
                .zip(indices)
                .map(|(v, i)| v.values[i].clone()),
        );
        fields.push(scenario.seed.to_string());
        fields.extend(SWEEP_KPIS.iter().map(|k| (k.read)(summary).csv()));
        fields.extend(
            self.entry_columns
                .iter()
                .map(|(kpi, entry)| (kpi.read)(summary, entry).map_or_else(String::new, Cell::csv)),
        );
        fields.push(REPORT_FORMAT_VERSION.to_string());
        fields.join(",") + "\n"
    }
}

/// What to run and where to write.
#[derive(Debug)]
pub struct SweepPlan<'a> {
    /// Base scenario (overrides applied).
    pub base: RawScenario,
    /// The grid.
    pub grid: Grid,
    /// `(i, n)`: only points with `p % n == i`.
    pub shard: (usize, usize),
    /// Worker threads.
    pub jobs: usize,
    /// Output CSV.
    pub out: &'a Path,
}

/// Validates every point of the shard, so a bad combination fails before anything runs.
pub fn validate_points(plan: &SweepPlan<'_>) -> CliResult<Vec<(usize, Scenario)>> {
    let mut problems = Vec::new();
    let mut scenarios = Vec::new();
    let (i, n) = plan.shard;
    for point in (i..plan.grid.points()).step_by(n) {
        let raw = match plan.grid.raw_point(&plan.base, point) {
            Ok(raw) => raw,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        match Scenario::try_from(raw) {
            Ok(sc) => scenarios.push((point, sc)),
            Err(e) => problems.extend(e.problems.into_iter().map(|p| Problem {
                path: p.path,
                message: format!("{} (at point {point})", p.message),
            })),
        }
        if problems.len() >= 20 {
            break;
        }
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(CliError::Invalid {
            source: "sweep".into(),
            problems,
        })
    }
}

/// Runs the points on `jobs` threads and writes each row to `out` as soon as every earlier point
/// is written (a reorder buffer), flushing after each, so an interrupted sweep leaves a valid
/// prefix. Returns the CSV text written.
pub fn run(
    plan: &SweepPlan<'_>,
    points: Vec<(usize, Scenario)>,
    progress: &Progress,
) -> CliResult<String> {
    let mut file: Box<dyn Write> = if crate::stdio::is_stdout(plan.out) {
        Box::new(std::io::stdout())
    } else {
        Box::new(File::create(plan.out).map_err(|e| CliError::io("create", plan.out, &e))?)
    };
    let header = plan.grid.header();
    let mut written = header.clone();
    file.write_all(header.as_bytes())
        .map_err(|e| CliError::io("write", plan.out, &e))?;
    let total = points.len();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, String)>();
    let outcome = std::thread::scope(|scope| {
        for _ in 0..plan.jobs.clamp(1, total.max(1)) {
            let tx = tx.clone();
            let (next, stop, points, grid) = (&next, &stop, &points, &plan.grid);
            scope.spawn(move || {
                loop {
                    let position = next.fetch_add(1, Ordering::Relaxed);
                    if position >= points.len() || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let (point, scenario) = &points[position];
                    let report = stampede_core::run(scenario);
                    let row = grid.row(*point, scenario, &report.summary);
                    if tx.send((position, row)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut expected = 0;
        for (position, row) in rx {
            pending.insert(position, row);
            while let Some(row) = pending.remove(&expected) {
                if let Err(e) = file.write_all(row.as_bytes()).and_then(|()| file.flush()) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(CliError::io("write", plan.out, &e));
                }
                written.push_str(&row);
                expected += 1;
                progress.update(
                    expected as u64,
                    total as u64,
                    &format!("{expected} of {total} points"),
                );
            }
        }
        progress.finish();
        Ok(())
    });
    outcome.map(|()| written)
}

/// The last column of a sweep CSV: the report format version ([`REPORT_FORMAT_VERSION`]) its
/// KPI columns follow, the same in every row. `merge` refuses a file of another version.
pub const FORMAT_VERSION_COLUMN: &str = "format_version";

/// A sweep CSV read back: header fields and rows with their point index.
#[derive(Clone, Debug)]
pub struct Table {
    /// Header fields.
    pub header: Vec<String>,
    /// `(point, fields)` in file order.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Parses sweep CSV text. Rows with the wrong field count (a row cut by an interruption) are
    /// skipped and counted in the second return value. A header over [`CSV_COLUMNS_MAX`]
    /// columns, or a point index at or above [`POINTS_MAX`], is refused before rows are kept.
    pub fn parse(text: &str, name: &str) -> CliResult<(Table, usize)> {
        let mut lines = text.lines();
        let header_line = lines
            .next()
            .filter(|h| h.starts_with("point,"))
            .ok_or_else(|| {
                CliError::invalid(name, "header", "not a sweep CSV (no `point,…` header)")
            })?;
        let columns = header_line.split(',').count();
        if columns > CSV_COLUMNS_MAX {
            return Err(CliError::invalid(
                name,
                "header",
                format!("{columns} columns; a sweep CSV has at most {CSV_COLUMNS_MAX}"),
            ));
        }
        let header: Vec<String> = header_line.split(',').map(str::to_string).collect();
        let Some(version_column) = header.iter().position(|h| h == FORMAT_VERSION_COLUMN) else {
            return Err(CliError::invalid(
                name,
                "header",
                format!(
                    "a sweep CSV of format version 0 (no `{FORMAT_VERSION_COLUMN}` column: \
                     written before sweeps recorded it); this stampede reads format version \
                     {REPORT_FORMAT_VERSION}: run the sweep again"
                ),
            ));
        };
        let mut rows = Vec::new();
        let mut skipped = 0;
        let mut problems = Vec::new();
        for (number, line) in lines.enumerate().filter(|(_, l)| !l.is_empty()) {
            let fields: Vec<String> = line.split(',').map(str::to_string).collect();
            if fields.len() != header.len() {
                // A row cut short by an interrupted sweep.
                skipped += 1;
                continue;
            }
            let version = &fields[version_column];
            if *version != REPORT_FORMAT_VERSION.to_string() {
                return Err(CliError::invalid(
                    name,
                    format!("line {}", number + 2),
                    format!(
                        "a sweep CSV of format version {}; this stampede reads format version \
                         {REPORT_FORMAT_VERSION}: run the sweep again with this version",
                        stampede_core::scenario::decode::shorten(version)
                    ),
                ));
            }
            match fields[0].parse::<usize>() {
                Ok(point) if point < POINTS_MAX => rows.push((point, fields)),
                _ => problems.push(Problem {
                    path: format!("line {}", number + 2),
                    message: format!(
                        "point `{}` is not a point index (a whole number from 0 to {})",
                        stampede_core::scenario::decode::shorten(&fields[0]),
                        POINTS_MAX - 1
                    ),
                }),
            }
            if problems.len() >= 20 {
                break;
            }
        }
        if !problems.is_empty() {
            return Err(CliError::Invalid {
                source: name.to_string(),
                problems,
            });
        }
        Ok((Table { header, rows }, skipped))
    }

    /// The varied keys: the columns between `point` and `seed`.
    pub fn varied_keys(&self) -> &[String] {
        let seed = self.header.iter().position(|h| h == "seed").unwrap_or(1);
        &self.header[1..seed]
    }

    /// Index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// CSV text, rows in the stored order.
    pub fn to_csv(&self) -> String {
        let mut out = self.header.join(",") + "\n";
        for (_, fields) in &self.rows {
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }
}

/// Merges shard tables (same header) into point order. A point present twice must have the same
/// row. Returns the merged table, how many point indices below the largest one are missing, and
/// the first [`MISSING_LISTED_MAX`] of them.
pub fn merge(tables: Vec<(String, Table)>) -> CliResult<(Table, usize, Vec<usize>)> {
    let mut iter = tables.into_iter();
    let Some((first_name, first)) = iter.next() else {
        return Err(CliError::invalid(
            "merge",
            "FILES",
            "give at least one CSV file",
        ));
    };
    let header = first.header.clone();
    let mut rows: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, table) in std::iter::once((first_name, first)).chain(iter) {
        if table.header != header {
            problems.push(Problem {
                path: name,
                message: format!(
                    "its header differs from the first file's: {}",
                    table.header.join(",")
                ),
            });
            continue;
        }
        for (point, fields) in table.rows {
            match rows.get(&point) {
                Some(existing) if *existing != fields => problems.push(Problem {
                    path: format!("{name}: point {point}"),
                    message: "a different row for this point is in an earlier file".into(),
                }),
                _ => {
                    rows.insert(point, fields);
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(CliError::Invalid {
            source: "merge".into(),
            problems: core_scenario::bounds::cap_problems(problems),
        });
    }
    // Points are below POINTS_MAX (Table::parse), so the gaps are counted in bounded time.
    let last = rows.keys().next_back().copied().unwrap_or(0);
    let missing_count = if rows.is_empty() {
        0
    } else {
        last + 1 - rows.len()
    };
    let missing = (0..last)
        .filter(|p| !rows.contains_key(p))
        .take(MISSING_LISTED_MAX)
        .collect();
    Ok((
        Table {
            header,
            rows: rows.into_iter().collect(),
        },
        missing_count,
        missing,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_vary_key_is_unknown_without_a_hint() {
        // Found by the sweep_spec fuzz target: a 64 kB key was compared with every registry key
        // for a "did you mean" hint, seconds per spec.
        let spec = format!("{}=1,2", "retry.attempts_max".repeat(3000));
        let problem = parse_vary(&spec).unwrap_err();
        assert!(
            problem.message.starts_with("unknown parameter"),
            "{problem:?}"
        );
        assert!(!problem.message.contains("did you mean"), "{problem:?}");
        // A short near miss still gets its hint.
        let near = parse_vary("retry.attempt_max=1,2").unwrap_err();
        assert!(
            near.message.contains("did you mean `retry.attempts_max`"),
            "{near:?}"
        );
    }

    #[test]
    fn vary_ranges_and_lists() {
        let v = parse_vary("dns.record_ttl_s=5..60:4").unwrap();
        assert_eq!(v.values, ["5", "23.333333", "41.666667", "60"]);
        let v = parse_vary("retry.attempts_max=1..4:3").unwrap();
        assert_eq!(v.values, ["1", "3", "4"]);
        let v = parse_vary("retry.jitter=none,full").unwrap();
        assert_eq!(v.values, ["none", "full"]);
        assert!(parse_vary("retry.jitter=sometimes").is_err());
        let e = parse_vary("dns.record_tl_s=1..2:2").unwrap_err();
        assert!(e.message.contains("dns.record_ttl_s"), "{e}");
        assert!(parse_vary("dns.record_ttl_s=1..2:0").is_err());
        // One step of a range that is not one value would drop `b` silently.
        let e = parse_vary("dns.record_ttl_s=5..60:1").unwrap_err();
        assert!(e.message.contains("keep only 5"), "{e}");
        assert_eq!(parse_vary("dns.record_ttl_s=5..5:1").unwrap().values, ["5"]);
        // A further resolver's setting, as `--set` takes it, checked against its range.
        let v = parse_vary("resolver:1.capacity_qps=512,1024").unwrap();
        assert_eq!(v.key, "resolver:1.capacity_qps");
        assert!(parse_vary("resolver:1.capacity_qps=-5").is_err());
        assert!(parse_vary("resolver:x.capacity_qps=5").is_err());
        // An old key works under its current name.
        assert_eq!(
            parse_vary("client_dns.cold_start=true,false").unwrap().key,
            "fleet.cold_start"
        );
    }

    #[test]
    fn merge_refuses_rows_that_name_no_point() {
        for point in ["-1", "abc", "99999999999999999999999"] {
            let text = format!("point,a,seed,format_version\n0,1,1,1\n{point},2,1,1\n");
            let Err(CliError::Invalid { problems, .. }) = Table::parse(&text, "x.csv") else {
                panic!("point {point} must be refused");
            };
            assert_eq!(problems[0].path, "line 3", "{point}");
        }
        let text = "point,a,seed,format_version\n0,1,1,1\n1,2\n";
        let (table, skipped) = Table::parse(text, "x.csv").unwrap();
        assert_eq!((table.rows.len(), skipped), (1, 1));
    }

    /// A CSV of another format version (or of none) is refused, naming both versions.
    #[test]
    fn tables_of_another_format_version_are_refused() {
        let message = |text: &str| match Table::parse(text, "x.csv") {
            Err(CliError::Invalid { problems, .. }) => problems[0].message.clone(),
            other => panic!("must be refused: {other:?}"),
        };
        let old = message("point,a,seed\n0,1,1\n");
        assert!(
            old.contains("format version 0") && old.contains("format version 1"),
            "{old}"
        );
        let newer = message("point,a,seed,format_version\n0,1,1,1\n1,1,2,7\n");
        assert!(newer.contains("format version 7") && newer.contains("reads format version 1"));
    }

    #[test]
    fn points_number_outermost_first_seeds_innermost() {
        let grid = Grid {
            varies: vec![
                Vary {
                    key: "a".into(),
                    values: vec!["1".into(), "2".into()],
                },
                Vary {
                    key: "b".into(),
                    values: vec!["x".into(), "y".into(), "z".into()],
                },
            ],
            seeds: 2,
            entry_columns: Vec::new(),
        };
        assert_eq!(grid.points(), 12);
        assert_eq!(grid.coordinates(0), (vec![0, 0], 0));
        assert_eq!(grid.coordinates(1), (vec![0, 0], 1));
        assert_eq!(grid.coordinates(2), (vec![0, 1], 0));
        assert_eq!(grid.coordinates(11), (vec![1, 2], 1));
    }

    /// A sweep over the resolver count has columns for every resolver of its largest count,
    /// and none from a grid whose every cell has one resolver.
    #[test]
    fn entry_columns_cover_every_cell_of_the_grid() {
        use crate::kpi::RESOLVER_KPIS;
        let base = RawScenario::default();
        let grid = |spec: &str| {
            let mut grid = Grid {
                varies: vec![parse_vary(spec).unwrap()],
                seeds: 2,
                entry_columns: Vec::new(),
            };
            grid.entry_columns = grid.entry_columns_of(&base);
            grid
        };
        let resolver_columns = |grid: &Grid| {
            grid.entry_columns
                .iter()
                .filter(|(kpi, _)| RESOLVER_KPIS.iter().any(|k| k.name == kpi.name))
                .map(|(kpi, entry)| format!("{}.{entry}", kpi.name))
                .collect::<Vec<_>>()
        };
        let counts = grid("resolvers.count=1..3:3");
        let largest: usize = counts.varies[0]
            .values
            .iter()
            .map(|v| v.parse().unwrap())
            .max()
            .unwrap();
        let expected: Vec<String> = RESOLVER_KPIS
            .iter()
            .flat_map(|kpi| (0..largest).map(move |i| format!("{}.resolver:{i}", kpi.name)))
            .collect();
        assert_eq!(resolver_columns(&counts), expected);
        assert!(
            counts
                .header()
                .ends_with(&format!("{},{FORMAT_VERSION_COLUMN}\n", expected.join(",")))
        );
        assert!(resolver_columns(&grid("resolvers.count=1")).is_empty());
    }

    #[test]
    fn grids_over_the_limit_are_refused_with_their_size() {
        let vary = |n: usize| Vary {
            key: "dns.record_ttl_s".into(),
            values: vec!["1".into(); n],
        };
        let grid = |varies: Vec<Vary>, seeds| Grid {
            varies,
            seeds,
            entry_columns: Vec::new(),
        };
        assert!(
            grid(vec![vary(1000), vary(1000)], 10)
                .size_problem()
                .is_none()
        );
        let over = grid(vec![vary(1000), vary(1000)], 11)
            .size_problem()
            .unwrap();
        assert!(
            over.message
                .contains("11,000,000 points (1,000 × 1,000 values × 11 seed(s))")
                && over.message.contains("limit of 10,000,000"),
            "{over}"
        );
        // 10,000⁵ points overflow a usize: refused, not a panic or a wrapped product.
        let huge = grid((0..5).map(|_| vary(10_000)).collect(), 1)
            .size_problem()
            .unwrap();
        assert!(huge.message.contains("more than 2^64"), "{huge}");
    }

    #[test]
    fn shards_parse() {
        assert_eq!(parse_shard("1/3").unwrap(), (1, 3));
        assert!(parse_shard("3/3").is_err());
        assert!(parse_shard("0/0").is_err());
        assert!(parse_shard("x").is_err());
    }
}
