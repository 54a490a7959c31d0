//! Seed bands: how the headline figures of one design spread over several seeds — each figure's
//! median with its 10th–90th percentile interval, and the share of seeds that ended metastable.
//!
//! Owns: the quantile definition (linear interpolation between order statistics, Hyndman and
//! Fan's type 7, the default of R's `quantile` and NumPy's `percentile`), which figures get an
//! interval, and their wording ("availability 96.8 % (94.1–98.2 %, 10 seeds)") for every front
//! end.
//! Must not: run anything (the caller runs seed `base + s` for `s` in `0..N`, as a sweep does,
//! and passes the summaries) or keep reports: only the summaries' figures are read.

use crate::report::{Recovery, Summary, number};

/// Share of seeds below the interval's low end.
pub const LOW_QUANTILE: f64 = 0.1;
/// Share of seeds below the interval's high end.
pub const HIGH_QUANTILE: f64 = 0.9;

/// The `q`-quantile (0 ≤ q ≤ 1) of values sorted ascending, interpolating linearly between the
/// two nearest order statistics (type 7): position `q · (n − 1)`. `NaN` for no values.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n => {
            let position = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let below = libm::floor(position) as usize;
            let above = (below + 1).min(n - 1);
            let fraction = position - below as f64;
            sorted[below] + (sorted[above] - sorted[below]) * fraction
        }
    }
}

/// A figure over seeds: its median and the p10–p90 interval, over the seeds that have it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// 10th percentile, in the figure's unit.
    pub low: f64,
    /// Median, in the figure's unit.
    pub median: f64,
    /// 90th percentile, in the figure's unit.
    pub high: f64,
    /// Seeds that have the figure (a time to recover exists only for seeds that recovered).
    pub seeds: usize,
}

impl Interval {
    /// The interval of the finite `values`; `None` when there is none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Interval> {
        let mut sorted: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        Some(Interval {
            low: quantile(&sorted, LOW_QUANTILE),
            median: quantile(&sorted, 0.5),
            high: quantile(&sorted, HIGH_QUANTILE),
            seeds: sorted.len(),
        })
    }
}

/// The headline figures of one design over its seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedBands {
    /// Seeds run.
    pub seeds: usize,
    /// Availability, ratio (0–1).
    pub availability: Interval,
    /// Peak amplification, attempts per request.
    pub peak_amplification: Interval,
    /// Peak backend load, × capacity.
    pub peak_backend_load_ratio: Interval,
    /// Time to recover, s, over the seeds that recovered (`None` when none did).
    pub time_to_recover_s: Option<Interval>,
    /// SLO burn, × the error budget.
    pub slo_burn: Interval,
    /// Seeds whose verdict was metastable.
    pub metastable: usize,
}

impl SeedBands {
    /// The bands of the summaries of one design's seeds; `None` for no summaries.
    pub fn of(summaries: &[Summary]) -> Option<SeedBands> {
        let figure = |read: fn(&Summary) -> f64| Interval::of(summaries.iter().map(read));
        let nan = Interval {
            low: f64::NAN,
            median: f64::NAN,
            high: f64::NAN,
            seeds: 0,
        };
        let figure_or_nan = |read| figure(read).unwrap_or(nan);
        (!summaries.is_empty()).then(|| SeedBands {
            seeds: summaries.len(),
            availability: figure_or_nan(|s| s.availability),
            peak_amplification: figure_or_nan(|s| s.peak_amplification),
            peak_backend_load_ratio: figure_or_nan(|s| s.peak_backend_load_ratio),
            time_to_recover_s: figure(|s| match s.recovery {
                Recovery::Recovered { after_s } => after_s,
                _ => f64::NAN,
            }),
            slo_burn: figure_or_nan(|s| s.slo_burn),
            metastable: summaries
                .iter()
                .filter(|s| matches!(s.recovery, Recovery::Metastable { .. }))
                .count(),
        })
    }

    /// The headline lines, one per figure, e.g. "availability 96.8 % (94.1–98.2 %, 10 seeds)",
    /// then "metastable in 3 of 10 seeds (30 %)".
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![
            // Two decimals: 99.97 % must not read as 100 %.
            interval_text(
                "availability",
                &self.availability,
                100.0,
                2,
                " %",
                self.seeds,
            ),
            interval_text(
                "peak amplification",
                &self.peak_amplification,
                1.0,
                2,
                "×",
                self.seeds,
            ),
            interval_text(
                "peak backend load",
                &self.peak_backend_load_ratio,
                1.0,
                2,
                "× capacity",
                self.seeds,
            ),
        ];
        out.push(match &self.time_to_recover_s {
            Some(t) => interval_text("time to recover", t, 1.0, 1, " s", self.seeds),
            None => format!("time to recover: no seed of {} recovered", self.seeds),
        });
        out.push(interval_text(
            "SLO burn",
            &self.slo_burn,
            1.0,
            2,
            "× budget",
            self.seeds,
        ));
        out.push(format!(
            "metastable in {} of {} seeds ({} %)",
            self.metastable,
            self.seeds,
            number(self.metastable as f64 * 100.0 / self.seeds.max(1) as f64, 0)
        ));
        out
    }
}

/// "label median unit (low–high unit, N seeds)": values times `scale`, to `decimals`; "of M
/// seeds" when only some seeds have the figure.
pub fn interval_text(
    label: &str,
    interval: &Interval,
    scale: f64,
    decimals: usize,
    unit: &str,
    seeds: usize,
) -> String {
    let n = |v: f64| number(v * scale, decimals);
    let unit_sep = if unit.starts_with(' ') || unit.starts_with('×') {
        unit.to_string()
    } else {
        format!(" {unit}")
    };
    let count = if interval.seeds == seeds {
        format!("{seeds} seeds")
    } else {
        format!("{} of {seeds} seeds", interval.seeds)
    };
    format!(
        "{label} {}{unit_sep} ({}–{}{unit_sep}, {count})",
        n(interval.median),
        n(interval.low),
        n(interval.high)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Type 7 quantiles of 1..=10 (R: `quantile(1:10, c(.1, .5, .9))` = 1.9, 5.5, 9.1).
    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile(&v, 0.1) - 1.9).abs() < 1e-12);
        assert!((quantile(&v, 0.5) - 5.5).abs() < 1e-12);
        assert!((quantile(&v, 0.9) - 9.1).abs() < 1e-12);
        assert_eq!(quantile(&[4.0], 0.9), 4.0);
        assert!(quantile(&[], 0.5).is_nan());
        let i = Interval::of([3.0, f64::NAN, 1.0, 2.0]).unwrap();
        assert_eq!((i.low, i.median, i.high, i.seeds), (1.2, 2.0, 2.8, 3));
        assert_eq!(Interval::of([f64::NAN]), None);
    }

    #[test]
    fn wording_names_median_interval_and_seeds() {
        let i = Interval {
            low: 0.941,
            median: 0.968,
            high: 0.982,
            seeds: 10,
        };
        assert_eq!(
            interval_text("availability", &i, 100.0, 1, " %", 10),
            "availability 96.8 % (94.1–98.2 %, 10 seeds)"
        );
        let some = Interval { seeds: 7, ..i };
        assert!(interval_text("t", &some, 1.0, 1, " s", 10).ends_with(", 7 of 10 seeds)"));
    }
}
