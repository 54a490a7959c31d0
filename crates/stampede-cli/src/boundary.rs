//! `stampede boundary`: the survival boundary of a design along one trigger dimension, found by
//! bisection over the share of seeds that recover.
//!
//! Owns: the `--trigger` syntax, the bisection, what counts as recovered, and the wording of the
//! answer ("recovers in at least 90 % of 10 seeds with outage.duration_s up to 5.5 s
//! (5.5–5.55 s …)", or that the trigger never or always leads to collapse within its range).
//! Must not: judge recovery by itself (the verdict is the core's [`Recovery`], the same one
//! `run`, `sweep` and the playground report) or simulate anything: every probe is a scenario
//! the core validates and runs, seed `s` of a probe being the scenario's seed plus `s`, as in a
//! sweep, so each probe is the sweep point with that value and seed.
//!
//! The search assumes the recovered share changes in one direction along the trigger (a longer
//! outage never helps, more workers never hurt). It first runs both ends of the range: if both
//! hold (or both fail) it says so instead of returning a number. Otherwise it halves the interval
//! between the value that holds and the one that fails until it is no wider than the resolution.

use std::sync::atomic::{AtomicUsize, Ordering};

use stampede_core::scenario::params::{self, ParamKind, trim_number};
use stampede_core::scenario::{self as core_scenario, Problem};
use stampede_core::{RawScenario, Recovery, Report, Scenario};

use crate::error::{CliError, CliResult};

/// Most bisection steps after the two ends (the resolution may ask for fewer).
pub const STEPS_MAX: usize = 40;
/// Most seeds per probe.
pub const SEEDS_MAX: usize = 1000;

/// The trigger dimension: a numeric registry key and the range searched.
#[derive(Clone, Debug)]
pub struct Trigger {
    /// The registry entry.
    pub param: &'static params::Param,
    /// Smallest value searched, in the parameter's unit.
    pub low: f64,
    /// Largest value searched, in the parameter's unit.
    pub high: f64,
}

/// Parses `key=low..high`: a number or integer parameter of the registry, both ends in its
/// range, `low < high`.
pub fn parse_trigger(text: &str) -> Result<Trigger, Problem> {
    let problem = |message: String| Problem {
        path: format!("--trigger {text}"),
        message,
    };
    let Some((key, range)) = text.split_once('=') else {
        return Err(problem(
            "expected key=low..high, e.g. outage.duration_s=60..3600".into(),
        ));
    };
    let key = key.trim();
    let Some(param) = params::find(key) else {
        let hint = params::nearest(key).map_or(String::new(), |k| format!("; did you mean `{k}`?"));
        return Err(problem(format!("unknown parameter `{key}`{hint}")));
    };
    if !matches!(param.kind, ParamKind::Number | ParamKind::Integer) {
        return Err(problem(format!(
            "`{key}` takes named values, not numbers: a boundary needs a numeric parameter \
             (e.g. outage.duration_s, outage.factor, backend.workers)"
        )));
    }
    let Some((low, high)) = range.split_once("..") else {
        return Err(problem("expected a range low..high".into()));
    };
    let low = param
        .parse(low)
        .map_err(|m| problem(format!("low end: {m}")))?;
    let high = param
        .parse(high)
        .map_err(|m| problem(format!("high end: {m}")))?;
    if low >= high {
        return Err(problem(format!(
            "the low end ({}) must be below the high end ({})",
            param.format(low),
            param.format(high)
        )));
    }
    Ok(Trigger { param, low, high })
}

/// Settings of one search.
#[derive(Clone, Debug)]
pub struct Search {
    /// The scenario, overrides applied, before the trigger is set.
    pub base: RawScenario,
    /// The dimension searched.
    pub trigger: Trigger,
    /// Share of seeds that must recover, in (0, 1].
    pub share: f64,
    /// Seeds per probe.
    pub seeds: usize,
    /// The search stops when the interval is no wider than this, in the trigger's unit.
    pub resolution: f64,
    /// Worker threads.
    pub jobs: usize,
}

/// One value of the trigger, run with every seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// The trigger's value.
    pub value: f64,
    /// Seeds that recovered.
    pub recovered: usize,
    /// Seeds whose verdict was metastable.
    pub metastable: usize,
}

impl Probe {
    /// Whether at least `share` of `seeds` recovered.
    pub fn holds(&self, share: f64, seeds: usize) -> bool {
        // Compare counts, not ratios: 9 of 10 meets 90 % exactly.
        self.recovered as f64 >= share * seeds as f64 - 1e-9
    }
}

/// What a search found.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Both ends hold: no collapse anywhere in the range.
    NeverCollapses,
    /// Both ends fail: collapse everywhere in the range.
    AlwaysCollapses,
    /// The boundary lies between a value that holds and one that fails.
    Between {
        /// The probe nearest the boundary that holds.
        holds: Probe,
        /// The probe nearest the boundary that fails.
        fails: Probe,
    },
}

/// Runs the search: both ends, then bisection. Returns every probe in the order run, and the
/// outcome.
pub fn search(plan: &Search) -> CliResult<(Vec<Probe>, Outcome)> {
    let run = |value: f64| probe(plan, value);
    let (low, high) = (plan.trigger.low, plan.trigger.high);
    let mut probes = vec![run(low)?, run(high)?];
    let (low_holds, high_holds) = (
        probes[0].holds(plan.share, plan.seeds),
        probes[1].holds(plan.share, plan.seeds),
    );
    if low_holds == high_holds {
        let outcome = if low_holds {
            Outcome::NeverCollapses
        } else {
            Outcome::AlwaysCollapses
        };
        return Ok((probes, outcome));
    }
    let (mut holds, mut fails) = if low_holds {
        (probes[0].clone(), probes[1].clone())
    } else {
        (probes[1].clone(), probes[0].clone())
    };
    let step = grid_step(plan);
    for _ in 0..STEPS_MAX {
        if (fails.value - holds.value).abs() <= step * (1.0 + 1e-9) {
            break;
        }
        let middle = midpoint(low, step, holds.value, fails.value);
        if middle == holds.value || middle == fails.value {
            break;
        }
        let p = run(middle)?;
        probes.push(p.clone());
        if p.holds(plan.share, plan.seeds) {
            holds = p;
        } else {
            fails = p;
        }
    }
    Ok((probes, Outcome::Between { holds, fails }))
}

/// The spacing of the values probed inside the range: the resolution, whole for integer
/// parameters.
fn grid_step(plan: &Search) -> f64 {
    if plan.trigger.param.kind == ParamKind::Integer {
        plan.resolution.ceil().max(1.0)
    } else {
        plan.resolution
    }
}

/// The value on the grid `origin + k · step` nearest the middle of `a` and `b`, as its wire text
/// reads back (so a probe can be rerun with `--set key=value`).
fn midpoint(origin: f64, step: f64, a: f64, b: f64) -> f64 {
    let middle = a + (b - a) / 2.0;
    let m = origin + ((middle - origin) / step).round() * step;
    trim_number(m).parse().unwrap_or(m)
}

/// Runs every seed of the trigger at `value` and counts the verdicts.
fn probe(plan: &Search, value: f64) -> CliResult<Probe> {
    let key = plan.trigger.param.key;
    let wire = trim_number(value);
    let mut scenarios = Vec::with_capacity(plan.seeds);
    for s in 0..plan.seeds {
        let mut raw = plan.base.clone();
        core_scenario::set_param(&mut raw, key, &wire).map_err(|p| CliError::Invalid {
            source: "boundary".into(),
            problems: vec![p],
        })?;
        raw.run.seed = raw.run.seed.wrapping_add(s as u64);
        let sc = Scenario::try_from(raw).map_err(|e| CliError::Invalid {
            source: format!("boundary at {key}={wire}"),
            problems: e.problems,
        })?;
        scenarios.push(sc);
    }
    let summaries = run_all(&scenarios, plan.jobs, |report| report.summary)?;
    let mut p = Probe {
        value,
        recovered: 0,
        metastable: 0,
    };
    for (sc, summary) in scenarios.iter().zip(&summaries) {
        match summary.recovery {
            Recovery::NoFault => {
                return Err(CliError::invalid(
                    "boundary",
                    "faults",
                    format!(
                        "at {key}={wire} the scenario has no fault, so nothing to recover from: \
                         add one (a [[faults]] entry, or --set outage.kind=… and \
                         outage.duration_s=…)"
                    ),
                ));
            }
            Recovery::Recovered { .. } => p.recovered += 1,
            Recovery::Metastable { .. } => p.metastable += 1,
            Recovery::FaultStillActive => {
                return Err(too_short(
                    key,
                    &wire,
                    sc,
                    "the run ended before the last fault did",
                ));
            }
            Recovery::Undetermined { observed_s } => {
                let why = if observed_s >= summary.recovery_window_s {
                    "no complete metric bucket before the first fault gives a baseline to \
                     recover to: start the fault later"
                        .to_string()
                } else {
                    format!(
                        "the run ended {} s after the last fault, before its recovery window \
                         ({} s) did",
                        trim_number(observed_s),
                        trim_number(summary.recovery_window_s)
                    )
                };
                return Err(too_short(key, &wire, sc, &why));
            }
        }
    }
    Ok(p)
}

/// A verdict that is neither recovered nor metastable: the search cannot count it.
fn too_short(key: &str, wire: &str, sc: &Scenario, why: &str) -> CliError {
    CliError::invalid(
        "boundary",
        "run.duration_s",
        format!(
            "at {key}={wire} (seed {}) {why}; every probe needs a verdict, so run.duration_s \
             must cover the last fault's end plus run.recovery_window_s at the high end of the \
             range",
            sc.seed
        ),
    )
}

/// Runs scenarios on `jobs` threads and keeps `keep` of each report (the summary, or the whole
/// report), in input order.
pub fn run_all<T: Send>(
    scenarios: &[Scenario],
    jobs: usize,
    keep: impl Fn(Report) -> T + Sync,
) -> CliResult<Vec<T>> {
    let next = AtomicUsize::new(0);
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs.clamp(1, scenarios.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(sc) = scenarios.get(i) else { break };
                        done.push((i, keep(stampede_core::run(sc))));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect::<Vec<_>>()
    });
    let mut out: Vec<Option<T>> = (0..scenarios.len()).map(|_| None).collect();
    for result in results {
        let done = result.map_err(|_| CliError::Runtime("a run panicked".into()))?;
        for (i, value) in done {
            out[i] = Some(value);
        }
    }
    Ok(out.into_iter().flatten().collect())
}

/// A value of the trigger, to the decimals of the resolution (every probe is on its grid),
/// without its unit.
fn number_text(param: &params::Param, value: f64, resolution: f64) -> String {
    let decimals = if param.kind == ParamKind::Integer {
        0
    } else {
        trim_number(resolution)
            .split_once('.')
            .map_or(0, |(_, fraction)| fraction.len())
    };
    stampede_core::report::number(value, decimals)
}

/// A value of the trigger with its unit; seconds from two minutes on also in minutes.
pub fn value_text(param: &params::Param, value: f64, resolution: f64) -> String {
    let number = number_text(param, value, resolution);
    match param.unit {
        "" => number,
        "s" if value >= 120.0 => format!(
            "{number} s ({} min)",
            stampede_core::report::number(value / 60.0, 1)
        ),
        unit => format!("{number} {unit}"),
    }
}

/// The probes in trigger order, one line each: value, seeds recovered, seeds metastable.
pub fn probe_table(plan: &Search, probes: &[Probe]) -> String {
    let param = plan.trigger.param;
    let mut sorted: Vec<&Probe> = probes.iter().collect();
    sorted.sort_by(|a, b| a.value.total_cmp(&b.value));
    let values: Vec<String> = sorted
        .iter()
        .map(|p| value_text(param, p.value, plan.resolution))
        .collect();
    let width = values
        .iter()
        .map(|v| v.chars().count())
        .max()
        .unwrap_or(0)
        .max(param.key.len());
    let mut out = format!("{:<width$}  recovered  metastable  holds\n", param.key);
    for (p, value) in sorted.iter().zip(&values) {
        let recovered = format!("{} of {}", p.recovered, plan.seeds);
        let holds = if p.holds(plan.share, plan.seeds) {
            "yes"
        } else {
            "no"
        };
        out.push_str(&format!(
            "{value:<width$}  {recovered:>9}  {:>10}  {holds}\n",
            p.metastable
        ));
    }
    out
}

/// The answer in one sentence, e.g. "recovers in at least 90 % of 10 seeds with
/// outage.duration_s up to 5.5 s (5.5–5.55 s: 5.5 holds, 5.55 does not)": the headline is the
/// probe nearest the boundary that holds, then the interval the boundary lies in. Or that the
/// range holds no boundary.
pub fn answer(plan: &Search, outcome: &Outcome) -> String {
    let t = &plan.trigger;
    let (key, param, resolution) = (t.param.key, t.param, plan.resolution);
    let share = format!(
        "{} % of {} seed{}",
        stampede_core::report::number(plan.share * 100.0, 1),
        plan.seeds,
        if plan.seeds == 1 { "" } else { "s" }
    );
    let range = format!(
        "{} to {}",
        value_text(param, t.low, resolution),
        value_text(param, t.high, resolution)
    );
    match outcome {
        Outcome::NeverCollapses => format!(
            "no boundary in range: recovers in at least {share} everywhere from {key} {range}; \
             widen the range to find where it collapses"
        ),
        Outcome::AlwaysCollapses => format!(
            "no boundary in range: fails to recover in at least {share} everywhere from {key} \
             {range}; widen the range to find where it recovers"
        ),
        Outcome::Between { holds, fails } => {
            let (lo, hi) = (holds.value.min(fails.value), holds.value.max(fails.value));
            let direction = if holds.value < fails.value {
                "up to"
            } else {
                "from"
            };
            let unit = match param.unit {
                "" => String::new(),
                unit => format!(" {unit}"),
            };
            format!(
                "recovers in at least {share} with {key} {direction} {} ({}–{}{unit}: {} holds, \
                 {} does not)",
                value_text(param, holds.value, resolution),
                number_text(param, lo, resolution),
                number_text(param, hi, resolution),
                number_text(param, holds.value, resolution),
                number_text(param, fails.value, resolution),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_parse_and_bad_ones_say_why() {
        let t = parse_trigger("outage.duration_s=60..3600").unwrap();
        assert_eq!(
            (t.param.key, t.low, t.high),
            ("outage.duration_s", 60.0, 3600.0)
        );
        let message = |text: &str| parse_trigger(text).unwrap_err().message;
        assert!(message("outage.kind=0..3").contains("numeric parameter"));
        assert!(message("outage.duraton_s=1..2").contains("outage.duration_s"));
        assert!(message("outage.duration_s=10..5").contains("must be below"));
        assert!(message("outage.duration_s=-1..5").contains("low end"));
        assert!(message("outage.duration_s=5").contains("range"));
    }

    #[test]
    fn midpoints_lie_on_the_grid_and_read_back_from_their_wire_text() {
        assert_eq!(midpoint(0.0, 1.0, 0.0, 60.0), 30.0);
        assert_eq!(midpoint(0.0, 1.0, 0.0, 7.0), 4.0);
        assert_eq!(midpoint(2.0, 0.05, 2.0, 5.5), 3.75);
        assert_eq!(midpoint(1.0, 1.0, 1.0, 4.0), 3.0);
        let m = midpoint(0.0, 1.0 / 3.0, 0.0, 1.0);
        assert_eq!(trim_number(m).parse::<f64>().unwrap(), m);
    }

    #[test]
    fn a_probe_holds_at_the_share_exactly() {
        let p = |recovered| Probe {
            value: 0.0,
            recovered,
            metastable: 10 - recovered,
        };
        assert!(p(9).holds(0.9, 10));
        assert!(!p(8).holds(0.9, 10));
        assert!(p(10).holds(1.0, 10));
    }
}
