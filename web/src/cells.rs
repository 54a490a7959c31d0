//! What one run of a grid cell or seed sends back, and the pure logic of a risk map: the
//! figures of one run (not its report), the KPIs a map can colour by, a cell's value over its
//! seeds, and the sweep CSV the CLI writes for the same points.
//!
//! Owns: the pool's message types, [`Figures`] (read from a summary exactly as `stampede
//! sweep` reads its columns), map KPIs and the CSV text of a map's points.
//! Must not: run anything (the pool's workers do) or touch the DOM.

use serde::{Deserialize, Serialize};
use stampede_core::{RawScenario, Recovery, Report, Summary};

/// Page → pool worker: one run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PoolJob {
    /// The pool's generation when the job was queued (answers of an older one are dropped).
    pub generation: u32,
    /// The caller's id of the job.
    pub id: u32,
    /// The scenario, seed included; the worker validates it.
    pub raw: RawScenario,
    /// Whether to send the whole report back (seed bands need its series) or only figures.
    pub whole_report: bool,
}

/// What one run gave.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Outcome {
    /// The per-cell figures.
    Figures(Figures),
    /// The whole report (seed bands).
    Report(Box<Report>),
    /// Not run: every problem, as text (invalid, or over the playground's budget).
    Invalid(Vec<String>),
}

/// Pool worker → page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum FromPool {
    /// The worker has loaded and listens.
    Ready,
    /// A job's outcome.
    Done {
        /// The job's generation.
        generation: u32,
        /// The job's id.
        id: u32,
        /// What the run gave.
        outcome: Outcome,
    },
}

/// The figures of one run a map keeps: the sweep CSV's KPI columns.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// The run's seed.
    pub seed: u64,
    /// Availability, ratio (0–1).
    pub availability: f64,
    /// Failed user requests.
    pub failed: u64,
    /// Peak amplification, attempts per request.
    pub peak_amplification: f64,
    /// Peak backend load, × capacity.
    pub peak_backend_load_ratio: f64,
    /// Time to recover, s; `None` unless recovered.
    pub time_to_recover_s: Option<f64>,
    /// Whether the verdict was metastable.
    pub metastable: bool,
    /// SLO burn, × the error budget.
    pub slo_burn: f64,
    /// Cost of downtime.
    pub cost: f64,
}

impl Figures {
    /// The figures of a summary, as `stampede sweep` reads its columns.
    pub fn of(seed: u64, s: &Summary) -> Figures {
        Figures {
            seed,
            availability: s.availability,
            failed: s.failed,
            peak_amplification: s.peak_amplification,
            peak_backend_load_ratio: s.peak_backend_load_ratio,
            time_to_recover_s: match s.recovery {
                Recovery::Recovered { after_s } => Some(after_s),
                _ => None,
            },
            metastable: matches!(s.recovery, Recovery::Metastable { .. }),
            slo_burn: s.slo_burn,
            cost: s.cost_of_downtime,
        }
    }

    /// The KPI columns of a sweep CSV row, comma-separated, as the CLI writes them.
    pub fn csv(&self) -> String {
        let n = |v: f64| {
            if v.is_finite() {
                format!("{}", v + 0.0)
            } else {
                String::new()
            }
        };
        [
            n(self.availability),
            self.failed.to_string(),
            n(self.peak_amplification),
            n(self.peak_backend_load_ratio),
            self.time_to_recover_s.map_or_else(String::new, n),
            self.metastable.to_string(),
            n(self.slo_burn),
            n(self.cost),
        ]
        .join(",")
    }
}

/// The KPI columns of [`Figures::csv`], in order (the sweep CSV's names).
pub const CSV_KPIS: &str = "availability,failed,peak_amplification,peak_backend_load_ratio,time_to_recover_s,metastable,slo_burn,cost";

/// What a map colours its cells by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKpi {
    /// Median availability over the cell's seeds, %.
    Availability,
    /// Median time to recover over the seeds that recovered, s.
    TimeToRecover,
    /// Median peak amplification, attempts per request.
    PeakAmplification,
    /// Share of the cell's seeds that ended metastable, %.
    Metastable,
}

impl MapKpi {
    /// Every KPI, in menu order.
    pub const ALL: [MapKpi; 4] = [
        MapKpi::Availability,
        MapKpi::TimeToRecover,
        MapKpi::PeakAmplification,
        MapKpi::Metastable,
    ];

    /// Link value.
    pub fn id(self) -> &'static str {
        match self {
            MapKpi::Availability => "availability",
            MapKpi::TimeToRecover => "time_to_recover_s",
            MapKpi::PeakAmplification => "peak_amplification",
            MapKpi::Metastable => "metastable",
        }
    }

    /// The KPI of a link value.
    pub fn from_id(id: &str) -> Option<MapKpi> {
        MapKpi::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Label with unit.
    pub fn label(self) -> &'static str {
        match self {
            MapKpi::Availability => "availability, median (%)",
            MapKpi::TimeToRecover => "time to recover, median (s)",
            MapKpi::PeakAmplification => "peak amplification, median (×)",
            MapKpi::Metastable => "seeds metastable (%)",
        }
    }

    /// Whether a larger value is better (the colour scale runs from bad to good).
    pub fn higher_is_better(self) -> bool {
        self == MapKpi::Availability
    }

    /// The cell's value over its seeds' figures: a median (type 7), or the metastable share;
    /// `None` when no seed has the figure (no seed recovered).
    pub fn value(self, seeds: &[Figures]) -> Option<f64> {
        let median =
            |values: Vec<f64>| stampede_core::bands::Interval::of(values).map(|i| i.median);
        match self {
            MapKpi::Availability => median(seeds.iter().map(|f| f.availability * 100.0).collect()),
            MapKpi::TimeToRecover => {
                median(seeds.iter().filter_map(|f| f.time_to_recover_s).collect())
            }
            MapKpi::PeakAmplification => {
                median(seeds.iter().map(|f| f.peak_amplification).collect())
            }
            MapKpi::Metastable => (!seeds.is_empty()).then(|| {
                seeds.iter().filter(|f| f.metastable).count() as f64 * 100.0 / seeds.len() as f64
            }),
        }
    }
}

/// One axis of a map: a numeric registry parameter and its evenly spaced values.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// Registry key.
    pub key: String,
    /// Lowest value, in the parameter's unit.
    pub low: f64,
    /// Highest value, in the parameter's unit.
    pub high: f64,
    /// Values, both ends included.
    pub steps: usize,
}

impl Axis {
    /// The link form `key:low..high:steps`.
    pub fn to_link(&self) -> String {
        use stampede_core::scenario::params::trim_number;
        format!(
            "{}:{}..{}:{}",
            self.key,
            trim_number(self.low),
            trim_number(self.high),
            self.steps
        )
    }

    /// Parses `key:low..high:steps`; `Err` says what is wrong.
    pub fn parse(text: &str) -> Result<Axis, String> {
        let bad = || format!("`{text}` is not key:low..high:steps");
        let (key, rest) = text.split_once(':').ok_or_else(bad)?;
        let (range, steps) = rest.rsplit_once(':').ok_or_else(bad)?;
        let (low, high) = range.split_once("..").ok_or_else(bad)?;
        let number = |t: &str| t.parse::<f64>().ok().filter(|v| v.is_finite());
        let (Some(low), Some(high)) = (number(low), number(high)) else {
            return Err(bad());
        };
        let steps: usize = steps.parse().map_err(|_| bad())?;
        let param = stampede_core::scenario::params::find(key)
            .filter(|p| stampede_core::grid::is_numeric_axis(p))
            .ok_or_else(|| format!("`{key}` is not a numeric parameter a map can vary"))?;
        if !(2..=AXIS_STEPS_MAX).contains(&steps) {
            return Err(format!(
                "{key}: steps must be 2 to {AXIS_STEPS_MAX}, got {steps}"
            ));
        }
        for v in [low, high] {
            param.check(v).map_err(|m| format!("{key}: {m}"))?;
        }
        Ok(Axis {
            key: key.to_string(),
            low,
            high,
            steps,
        })
    }

    /// The axis's values as wire text (`stampede_core::grid::range_values`, as `--vary
    /// key=low..high:steps` gives them).
    pub fn values(&self) -> Vec<String> {
        let param = stampede_core::scenario::params::find(&self.key).expect("checked key");
        stampede_core::grid::range_values(param, self.low, self.high, self.steps)
    }
}

/// Most values along one axis of a map.
pub const AXIS_STEPS_MAX: usize = 40;
/// Most seeds per cell.
pub const SEEDS_MAX: usize = 100;
/// Most events a whole map may take (cells × seeds × typical events per run), events: about
/// ten minutes of a laptop core at the engine's speed in wasm.
pub const MAP_EVENTS_MAX: f64 = 5e9;

/// The refusal of a map of `runs` runs of `events_per_run` typical events each; `None` when it
/// fits [`MAP_EVENTS_MAX`].
pub fn map_refusal(cells: usize, seeds: usize, events_per_run: f64) -> Option<String> {
    let total = cells as f64 * seeds as f64 * events_per_run;
    (total > MAP_EVENTS_MAX).then(|| {
        format!(
            "Not run: {cells} cells × {seeds} seeds × about {} events each is about {} events, \
             over the map's limit of {} events. Use fewer steps or seeds, or a shorter run.",
            stampede_core::report::thousands(events_per_run.round() as u64),
            stampede_core::report::thousands(total.min(u64::MAX as f64) as u64),
            stampede_core::report::thousands(MAP_EVENTS_MAX as u64)
        )
    })
}

/// A risk map's settings, as its link holds them (`view=map&mx=…&my=…&mk=…&ms=…&mw=…&md=1`),
/// and the rest of the link (the design, and a pinned baseline as `vs=`).
#[derive(Clone, Debug, PartialEq)]
pub struct MapSettings {
    /// Horizontal axis (the outer `--vary` of the equivalent sweep).
    pub x: Axis,
    /// Vertical axis.
    pub y: Axis,
    /// What the cells show.
    pub kpi: MapKpi,
    /// Seeds per cell.
    pub seeds: usize,
    /// Workers asked for (`None`: one per core).
    pub workers: Option<usize>,
    /// Show current minus baseline.
    pub difference: bool,
    /// The design's pairs.
    pub design: String,
    /// Problems of the map's own pairs.
    pub problems: Vec<String>,
}

/// Whether a link opens the risk map.
pub fn is_map_link(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .any(|p| p == "view=map")
}

impl MapSettings {
    /// The settings of a map link; a bad pair keeps its default and adds a problem.
    pub fn from_query(query: &str) -> MapSettings {
        let mut m = MapSettings {
            x: Axis {
                key: "outage.duration_s".into(),
                low: 60.0,
                high: 600.0,
                steps: 5,
            },
            y: Axis {
                key: "retry.attempts_max".into(),
                low: 1.0,
                high: 5.0,
                steps: 5,
            },
            kpi: MapKpi::Availability,
            seeds: 3,
            workers: None,
            difference: false,
            design: String::new(),
            problems: Vec::new(),
        };
        let mut design = Vec::new();
        for pair in query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let mut problem = |text: String| m.problems.push(text);
            match k {
                "view" => {}
                "mx" | "my" => match Axis::parse(v) {
                    Ok(a) if k == "mx" => m.x = a,
                    Ok(a) => m.y = a,
                    Err(e) => problem(format!("{k}: {e}")),
                },
                "mk" => match MapKpi::from_id(v) {
                    Some(kpi) => m.kpi = kpi,
                    None => problem(format!("mk: `{v}` is not a map KPI")),
                },
                "ms" => match v
                    .parse::<usize>()
                    .ok()
                    .filter(|s| (1..=SEEDS_MAX).contains(s))
                {
                    Some(s) => m.seeds = s,
                    None => problem(format!("ms: seeds per cell are 1 to {SEEDS_MAX}")),
                },
                "mw" => match v.parse::<usize>().ok().filter(|w| *w >= 1) {
                    Some(w) => m.workers = Some(w),
                    None => problem("mw: workers are a whole number from 1".to_string()),
                },
                "md" => m.difference = v == "1",
                _ => design.push(pair),
            }
        }
        m.design = design.join("&");
        m
    }

    /// The map's link.
    pub fn to_query(&self) -> String {
        let mut q = format!(
            "view=map&mx={}&my={}&mk={}&ms={}",
            self.x.to_link(),
            self.y.to_link(),
            self.kpi.id(),
            self.seeds
        );
        if let Some(w) = self.workers {
            q.push_str(&format!("&mw={w}"));
        }
        if self.difference {
            q.push_str("&md=1");
        }
        if !self.design.is_empty() {
            q.push('&');
            q.push_str(&self.design);
        }
        q
    }

    /// The sweep CSV header of the map's points (`stampede sweep --vary <x> --vary <y>`).
    pub fn csv_header(&self) -> String {
        format!("point,{},{},seed,{CSV_KPIS}", self.x.key, self.y.key)
    }

    /// Point number of cell `(ix, iy)`, seed `s`: x outermost, as the sweep numbers them.
    pub fn point(&self, ix: usize, iy: usize, s: usize) -> usize {
        (ix * self.y.steps + iy) * self.seeds + s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_round_trip_and_refuse_what_cannot_be_swept() {
        let a = Axis::parse("fleet.clients:100..300:3").unwrap();
        assert_eq!(a.values(), ["100", "200", "300"]);
        assert_eq!(Axis::parse(&a.to_link()).unwrap(), a);
        assert!(
            Axis::parse("retry.backoff:0..2:3").is_err(),
            "a choice is no axis"
        );
        assert!(Axis::parse("fleet.clients:100..300:1").is_err());
        assert!(Axis::parse("nonsense").is_err());
    }

    #[test]
    fn map_links_round_trip_and_number_points_as_the_sweep() {
        let q = "view=map&mx=fleet.clients:100..300:3&my=retry.attempts_max:1..3:3&mk=metastable&ms=2&preset=naive-retry-storm";
        let m = MapSettings::from_query(q);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.design, "preset=naive-retry-storm");
        assert_eq!(MapSettings::from_query(&m.to_query()), m);
        // ((1 · 3) + 2) · 2 + 1: the sweep's `((i₁ · n₂ + i₂) · seeds + s`.
        assert_eq!(m.point(1, 2, 1), 11);
        assert!(
            !MapSettings::from_query("view=map&ms=0&mk=x")
                .problems
                .is_empty()
        );
        assert!(is_map_link("?preset=a&view=map"));
    }

    #[test]
    fn cell_values_are_medians_and_shares() {
        let f = |availability: f64, metastable: bool| Figures {
            seed: 0,
            availability,
            failed: 0,
            peak_amplification: 1.0,
            peak_backend_load_ratio: 1.0,
            time_to_recover_s: (!metastable).then_some(10.0),
            metastable,
            slo_burn: 0.0,
            cost: 0.0,
        };
        let seeds = [f(0.9, false), f(0.5, true), f(0.7, true)];
        assert!((MapKpi::Availability.value(&seeds).unwrap() - 70.0).abs() < 1e-9);
        assert!((MapKpi::Metastable.value(&seeds).unwrap() - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(MapKpi::TimeToRecover.value(&seeds[1..]), None);
        // 10 × 10 cells × 10 seeds of 2 M events fit; 40 × 40 × 100 do not.
        assert_eq!(map_refusal(100, 10, 2e6), None);
        assert!(
            map_refusal(1600, 100, 2e6)
                .unwrap()
                .contains("1600 cells × 100 seeds")
        );
    }
}
