//! The swarm as a tool (`cargo xtask swarm --scenarios N --seed S`): scenarios drawn with the
//! invariant tests' generator (`invariants::draw`, with client classes and a further service for
//! some seeds), a fraction of the parameters pushed to the edges of their ranges, each run
//! checked against every invariant; a failure prints its seed and a shrunk scenario in TOML.
//! A short swarm runs with the other tests; the long one is `#[ignore]`d and driven by xtask
//! through `STAMPEDE_SWARM_SCENARIOS` and `STAMPEDE_SWARM_SEED`.

use crate::invariants::{draw, further_service};
use stampede_core::cost;
use stampede_core::rng::{Rng, StreamId};
use stampede_core::scenario::params::{PARAMS, ParamKind};
use stampede_core::scenario::raw::RawFleetClass;
use stampede_core::{RawScenario, Report, Scenario};

/// Parameters whose range edges make a run too long for a swarm (a million clients, two days):
/// they stay in the generator's sub-range.
const COSTLY: &[&str] = &[
    "fleet.clients",
    "fleet.request_rate_per_client_per_s",
    "fleet.scale_max_clients",
    "run.duration_s",
    "run.bucket_s",
    "run.event_budget",
];

/// The scenario of swarm seed `seed`: the generator's draw; for one seed in three, an edge draw
/// (a parameter at its minimum or maximum, each with probability 0.15); for one in four, the
/// fleet split into two classes; for one in five, a further service and name.
pub fn swarm_scenario(seed: u64) -> RawScenario {
    let mut raw = draw(seed);
    let mut rng = Rng::stream(seed, StreamId::Telemetry);
    if seed % 3 == 2 {
        for p in PARAMS.iter().filter(|p| !COSTLY.contains(&p.key)) {
            let u = rng.uniform();
            if u < 0.075 {
                (p.set)(&mut raw, p.min);
            } else if u < 0.15 && !matches!(p.kind, ParamKind::Choice(_)) {
                (p.set)(&mut raw, p.max);
            }
        }
    }
    if seed % 4 == 1 {
        let half = (raw.fleet.clients / 2).max(1);
        raw.fleets = vec![
            RawFleetClass {
                name: "a".into(),
                clients: half,
                ..RawFleetClass::default()
            },
            RawFleetClass {
                name: "b".into(),
                clients: half,
                request_rate_per_client_per_s: Some(0.1 + rng.uniform() * 2.0),
                ..RawFleetClass::default()
            },
        ];
    }
    if seed % 5 == 3 {
        further_service(&mut raw, seed);
    }
    raw
}

/// How a swarm went.
#[derive(Debug, Default)]
pub struct Tally {
    /// Scenarios run and checked.
    pub ran: u64,
    /// Draws that did not validate (edge values break cross-field rules), skipped.
    pub invalid: u64,
    /// Draws refused for their estimated cost, skipped.
    pub refused: u64,
    /// Runs stopped at their event budget or memory bound (checked like the others).
    pub stopped: u64,
}

/// Every invariant of one report, or the first one broken.
pub fn check(sc: &Scenario, report: &Report) -> Result<(), String> {
    let s = &report.series;
    let sum = &report.summary;
    let started: u64 = s.requests.iter().sum();
    let ensure = |ok: bool, what: String| if ok { Ok(()) } else { Err(what) };
    ensure(
        started == sum.success + sum.failed + sum.requests_in_flight,
        format!(
            "each request ends in one outcome: {started} started, {} + {} + {} in flight",
            sum.success, sum.failed, sum.requests_in_flight
        ),
    )?;
    ensure(
        sum.failed == sum.failed_by_cause.iter().sum::<u64>(),
        "failures by cause add up to the failures".into(),
    )?;
    ensure(
        (0.0..=1.0).contains(&sum.availability) || sum.requests_finished == 0,
        format!("availability {} within [0, 1]", sum.availability),
    )?;
    let capacity = u64::from(sc.main_service().queue_capacity);
    ensure(
        s.queue_len_max
            .iter()
            .all(|&q| q <= capacity * u64::from(sc.main_service().regions.max(1))),
        format!("the main queue never holds more than its capacity {capacity}"),
    )?;
    for (b, (open, half)) in s
        .breaker_open_fraction
        .iter()
        .zip(&s.breaker_half_open_fraction)
        .enumerate()
    {
        ensure(
            (0.0..=1.0 + 1e-9).contains(&(open + half)) && *open >= 0.0 && *half >= 0.0,
            format!("bucket {b}: breaker fractions {open} open, {half} half-open"),
        )?;
    }
    ensure(
        sum.events <= sc.event_budget,
        format!(
            "{} events within the budget of {}",
            sum.events, sc.event_budget
        ),
    )?;
    ensure(
        report.buckets_done <= report.buckets_total,
        "buckets done ≤ buckets".into(),
    )?;
    // Latency percentiles are NaN in a bucket without successes (documented); finite in any
    // other. Every other series value is finite.
    let mut rest = report.series.clone();
    for percentiles in [
        &mut rest.latency_p50_ms,
        &mut rest.latency_p90_ms,
        &mut rest.latency_p99_ms,
    ] {
        for (b, p) in percentiles.iter_mut().enumerate() {
            let any_success = b < report.buckets_done && s.success[b] > 0;
            ensure(
                !p.is_infinite() && (p.is_finite() || !any_success),
                format!(
                    "bucket {b}: latency percentile {p} with {} successes",
                    s.success[b]
                ),
            )?;
            *p = 0.0;
        }
    }
    let text = format!("{rest:?}");
    let not_finite = text
        .split(|c: char| !c.is_alphanumeric())
        .any(|token| token == "NaN" || token == "inf");
    ensure(!not_finite, "every series value is finite".into())?;
    crate::support::check_accounting(report, sc.seed);
    Ok(())
}

/// Runs and checks scenario `raw`: `Ok(None)` when it was skipped (invalid or refused).
fn try_one(raw: &RawScenario) -> Result<Option<bool>, String> {
    let Ok(sc) = Scenario::try_from(raw.clone()) else {
        return Ok(None);
    };
    if cost::estimate(&sc).check(sc.event_budget).is_err() {
        return Ok(None);
    }
    // A panic in the engine (its own assertions) or in the accounting checks is a failure too.
    let checked = std::panic::catch_unwind(|| {
        let report = stampede_core::run(&sc);
        check(&sc, &report).map(|()| report.stopped_early())
    });
    match checked {
        Ok(result) => result.map(Some),
        Err(e) => Err(e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic".into())),
    }
}

/// `raw` with as many parameters as possible back at their defaults (and lists emptied) while
/// it still fails: the smallest scenario that shows the failure.
fn shrink(mut raw: RawScenario) -> RawScenario {
    let fails = |r: &RawScenario| try_one(r).is_err();
    let default = RawScenario::default();
    let cuts: [fn(&mut RawScenario); 3] = [
        |r: &mut RawScenario| r.fleets.clear(),
        |r: &mut RawScenario| {
            r.services.clear();
            r.names.clear()
        },
        |r: &mut RawScenario| r.faults.clear(),
    ];
    for cut in cuts {
        let mut smaller = raw.clone();
        cut(&mut smaller);
        if fails(&smaller) {
            raw = smaller;
        }
    }
    for p in PARAMS {
        let mut smaller = raw.clone();
        (p.set)(&mut smaller, (p.get)(&default));
        if (p.get)(&smaller) != (p.get)(&raw) && fails(&smaller) {
            raw = smaller;
        }
    }
    raw
}

/// Runs `count` scenarios from seed `first`; the first failure comes back with its seed, what
/// broke and the shrunk scenario as TOML.
pub fn run_swarm(first: u64, count: u64) -> Result<Tally, String> {
    let mut tally = Tally::default();
    for seed in first..first.saturating_add(count) {
        let raw = swarm_scenario(seed);
        match try_one(&raw) {
            Ok(None) if Scenario::try_from(raw.clone()).is_err() => tally.invalid += 1,
            Ok(None) => tally.refused += 1,
            Ok(Some(stopped)) => {
                tally.ran += 1;
                tally.stopped += u64::from(stopped);
            }
            Err(what) => {
                let small = shrink(raw);
                let settings = stampede_core::scenario::to_query(&small, &RawScenario::default());
                return Err(format!(
                    "swarm seed {seed} broke an invariant: {what}\nshrunk scenario: the defaults \
                     with {}\nas a file (`stampede run FILE`):\n{}",
                    settings.replace('&', " "),
                    stampede_core::scenario::to_toml(&small)
                ));
            }
        }
    }
    Ok(tally)
}

#[test]
fn a_short_swarm_over_every_feature_keeps_every_invariant() {
    // 40 seeds cover every variant of the draw (seed mod 3, 4 and 5).
    let tally = run_swarm(1_000_000, 40).unwrap_or_else(|e| panic!("{e}"));
    assert!(tally.ran >= 20, "{tally:?}");
}

#[test]
fn check_catches_a_broken_invariant() {
    // The check must be able to fail: a report whose outcomes do not add up.
    let sc = crate::support::scenario(|r| {
        r.fleet.clients = 20;
        r.run.duration_s = 30.0;
    });
    let mut report = stampede_core::run(&sc);
    report.summary.success += 1;
    assert!(check(&sc, &report).is_err());
    report.summary.success -= 1;
    report.series.breaker_open_fraction[0] = f64::NAN;
    assert!(check(&sc, &report).is_err());
}

/// `cargo xtask swarm --scenarios N --seed S` runs this with `STAMPEDE_SWARM_SCENARIOS=N` and
/// `STAMPEDE_SWARM_SEED=S`.
#[test]
#[ignore = "long: run by `cargo xtask swarm`"]
fn swarm_from_the_environment() {
    let read = |key: &str, default: u64| {
        std::env::var(key)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let count = read("STAMPEDE_SWARM_SCENARIOS", 1000);
    let seed = read("STAMPEDE_SWARM_SEED", 0);
    match run_swarm(seed, count) {
        Ok(t) => println!(
            "swarm: seeds {seed}..{}: {} scenarios ran and kept every invariant ({} stopped at \
             their budget), {} draws invalid and {} refused for their cost were skipped",
            seed + count,
            t.ran,
            t.stopped,
            t.invalid,
            t.refused
        ),
        Err(e) => panic!("{e}"),
    }
}
