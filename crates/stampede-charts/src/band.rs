//! Seed-band charts: each line of a chart as its median over several seeds of one design, with
//! the band between its 10th and 90th percentiles shaded beneath it.
//!
//! Owns: which line of each seed's chart belongs to which band (by legend label), the
//! per-bucket quantiles and the drawing of bands.
//! Must not: run anything or compute model figures: every value is a line of
//! [`lines`](crate::lines) of one seed's report, and the quantile is the core's
//! ([`stampede_core::bands::quantile`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use stampede_core::Report;
use stampede_core::bands::{HIGH_QUANTILE, LOW_QUANTILE, quantile};

use crate::{ChartKind, Dash, Theme, lines, short_number};

/// One line of a chart over seeds: per bucket, the median and the p10–p90 band.
#[derive(Clone, Debug)]
pub struct BandLine {
    /// Legend label.
    pub label: std::borrow::Cow<'static, str>,
    /// Colour.
    pub color: RGBColor,
    /// Dash of the median line.
    pub dash: Dash,
    /// Median per bucket, per second.
    pub median: Vec<f64>,
    /// 10th percentile per bucket, per second.
    pub low: Vec<f64>,
    /// 90th percentile per bucket, per second.
    pub high: Vec<f64>,
}

/// The band lines of chart `kind` over the reports of one design's seeds (same scenario, so the
/// same buckets). A line a seed's chart lacks (an optional line with nothing to show, e.g. no
/// DNS failures) counts as zero in that seed; a bucket value a seed has not reached (a report
/// still streaming) counts as missing.
pub fn band_lines(kind: ChartKind, reports: &[&Report]) -> Vec<BandLine> {
    let per_seed: Vec<_> = reports.iter().map(|r| lines(kind, r)).collect();
    let buckets = reports.iter().map(|r| r.buckets_done).max().unwrap_or(0);
    let mut labels = Vec::new();
    for line in per_seed.iter().flatten() {
        if !labels.iter().any(|(l, _, _)| *l == line.label) {
            labels.push((line.label.clone(), line.color, line.dash));
        }
    }
    labels
        .into_iter()
        .map(|(label, color, dash)| {
            let mut band = BandLine {
                label: label.clone(),
                color,
                dash,
                median: Vec::with_capacity(buckets),
                low: Vec::with_capacity(buckets),
                high: Vec::with_capacity(buckets),
            };
            for b in 0..buckets {
                let mut values: Vec<f64> = per_seed
                    .iter()
                    .zip(reports)
                    .filter(|(_, r)| b < r.buckets_done)
                    .map(|(seed, _)| {
                        seed.iter()
                            .find(|l| l.label == label)
                            .map_or(0.0, |l| l.values.get(b).copied().unwrap_or(f64::NAN))
                    })
                    .filter(|v| v.is_finite())
                    .collect();
                values.sort_by(f64::total_cmp);
                band.low.push(quantile(&values, LOW_QUANTILE));
                band.median.push(quantile(&values, 0.5));
                band.high.push(quantile(&values, HIGH_QUANTILE));
            }
            band
        })
        .collect()
}

/// Draws chart `kind` as bands over the seeds' `reports` on `root`; the caption says how many.
pub fn draw_bands<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    kind: ChartKind,
    reports: &[&Report],
    theme: Theme,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&theme.background()).map_err(err)?;
    let Some(first) = reports.first() else {
        return Err("no seeds to draw".into());
    };
    let bands = band_lines(kind, reports);
    let horizon_s = (first.bucket_s * first.buckets_total as f64).max(1.0);
    let y_max = bands
        .iter()
        .flat_map(|l| l.high.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.1;
    let fg = theme.foreground();
    let text = |size| ("sans-serif", size).into_font().color(&fg);
    let caption = format!(
        "{}: median of {} seeds, p10–p90 shaded",
        kind.title(),
        reports.len()
    );
    let mut chart = ChartBuilder::on(root)
        .caption(caption, text(16))
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..horizon_s, 0.0..y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(theme.grid().mix(0.5))
        .bold_line_style(theme.grid())
        .axis_style(fg)
        .label_style(text(12))
        .x_desc("time (s)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| short_number(*v))
        .draw()
        .map_err(err)?;
    for (start, end, label) in &first.fault_windows {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(*start, 0.0), (end.min(horizon_s), y_max)],
                theme.fault().filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                label.clone(),
                (*start, y_max * 0.97),
                text(11),
            )))
            .map_err(err)?;
    }
    let (width_px, _) = root.dim_in_pixel();
    let buckets = bands.first().map_or(0, |b| b.median.len());
    let step = (buckets / (width_px as usize).max(1)).max(1);
    let x = |b: usize| (b as f64 + 0.5) * first.bucket_s;
    for band in &bands {
        let upper = (0..buckets).step_by(step).map(|b| (x(b), band.high[b]));
        let lower = (0..buckets)
            .step_by(step)
            .rev()
            .map(|b| (x(b), band.low[b]));
        let outline: Vec<(f64, f64)> = upper.chain(lower).filter(|(_, v)| v.is_finite()).collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                band.color.mix(0.22).filled(),
            )))
            .map_err(err)?;
    }
    for band in &bands {
        let points: Vec<(f64, f64)> = (0..buckets)
            .step_by(step)
            .map(|b| (x(b), band.median[b]))
            .filter(|(_, v)| v.is_finite())
            .collect();
        let style = ShapeStyle::from(&band.color).stroke_width(2);
        let series = match band.dash {
            Dash::Solid => chart.draw_series(LineSeries::new(points, style)),
            Dash::Dashed => chart.draw_series(DashedLineSeries::new(points, 8, 5, style)),
            Dash::Dotted => chart.draw_series(DashedLineSeries::new(points, 2, 4, style)),
        }
        .map_err(err)?;
        let (color, dash) = (band.color, band.dash);
        series
            .label(format!("{} (median)", band.label))
            .legend(move |(x, y)| legend_mark(x, y, color, dash));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(theme.background().mix(0.85))
        .border_style(theme.grid())
        .label_font(text(12))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// A legend sample of a median line in plotters' own legend: 18 px of its colour in its dash.
fn legend_mark(x: i32, y: i32, color: RGBColor, dash: Dash) -> PathElement<(i32, i32)> {
    let style = ShapeStyle::from(&color).stroke_width(2);
    match dash {
        Dash::Solid => PathElement::new(vec![(x, y), (x + 18, y)], style),
        Dash::Dashed => PathElement::new(vec![(x, y), (x + 7, y)], style),
        Dash::Dotted => PathElement::new(vec![(x, y), (x + 2, y)], style),
    }
}

/// Draws the band chart to an SVG string of the given size.
pub fn bands_svg(
    kind: ChartKind,
    reports: &[&Report],
    theme: Theme,
    size_px: (u32, u32),
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size_px).into_drawing_area();
        draw_bands(&root, kind, reports, theme)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stampede_core::{RawScenario, Scenario};

    fn report(seed: u64) -> Report {
        let mut raw = RawScenario::default();
        raw.run.duration_s = 60.0;
        raw.run.seed = seed;
        raw.fleet.clients = 50;
        stampede_core::run(&Scenario::try_from(raw).unwrap())
    }

    /// Each band's median and p10–p90 per bucket are the quantiles of the seeds' own lines,
    /// computed here from sorted values by hand (3 seeds: low = v₀ + 0.2 (v₁ − v₀), median = v₁,
    /// high = v₁ + 0.8 (v₂ − v₁)).
    #[test]
    fn bands_are_the_quantiles_of_the_seeds_lines() {
        let reports: Vec<Report> = (1..=3).map(report).collect();
        let refs: Vec<&Report> = reports.iter().collect();
        let bands = band_lines(ChartKind::Load, &refs);
        let seed_lines: Vec<_> = reports.iter().map(|r| lines(ChartKind::Load, r)).collect();
        assert_eq!(bands.len(), seed_lines[0].len());
        for (i, band) in bands.iter().enumerate() {
            assert_eq!(band.label, seed_lines[0][i].label);
            for b in 0..reports[0].buckets_done {
                let mut v: Vec<f64> = seed_lines.iter().map(|l| l[i].values[b]).collect();
                v.sort_by(f64::total_cmp);
                let close = |a: f64, e: f64| (a - e).abs() <= 1e-9 * e.abs().max(1.0);
                assert!(
                    close(band.low[b], v[0] + 0.2 * (v[1] - v[0])),
                    "{}",
                    band.label
                );
                assert!(close(band.median[b], v[1]));
                assert!(close(band.high[b], v[1] + 0.8 * (v[2] - v[1])));
            }
        }
        let svg = bands_svg(ChartKind::Load, &refs, Theme { dark: false }, (640, 320)).unwrap();
        assert!(
            svg.contains("median of 3 seeds") && svg.contains("<polygon"),
            "{svg:.300}"
        );
    }
}
