//! Stampede's charts, drawn with plotters on any `DrawingBackend`: a canvas in the browser, SVG
//! in the command line and in snapshot tests.
//!
//! Owns: what each chart shows, its palette (Okabe–Ito, colour-blind safe) and line dashes (no
//! series is told apart by colour alone), the shading of fault windows, and downsampling.
//! Must not: compute model figures. Every value comes from a [`Report`].

pub mod band;

use plotters::coord::Shift;
use plotters::prelude::*;
use stampede_core::Report;
use stampede_core::report::{FAILURE_CAUSES, Outcome};

/// The charts the playground and the CLI draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Offered load on the backend (first tries and retries) against its capacity.
    Load,
    /// Goodput and failures by cause.
    Outcomes,
    /// DNS lookups by source against the resolver's capacity.
    Dns,
    /// Backend queue depth and wasted work.
    Queue,
    /// Latency percentiles of successful user requests.
    Latency,
    /// Fraction of clients whose circuit breaker is open or half-open.
    Breaker,
}

impl ChartKind {
    /// Every chart, in display order.
    pub const ALL: [ChartKind; 6] = [
        ChartKind::Load,
        ChartKind::Outcomes,
        ChartKind::Dns,
        ChartKind::Queue,
        ChartKind::Latency,
        ChartKind::Breaker,
    ];

    /// Stable identifier (DOM attribute, file name).
    pub fn id(self) -> &'static str {
        match self {
            ChartKind::Load => "load",
            ChartKind::Outcomes => "outcomes",
            ChartKind::Dns => "dns",
            ChartKind::Queue => "queue",
            ChartKind::Latency => "latency",
            ChartKind::Breaker => "breaker",
        }
    }

    /// Title shown above the chart.
    pub fn title(self) -> &'static str {
        match self {
            ChartKind::Load => "Backend load vs capacity (attempts/s)",
            ChartKind::Outcomes => "Goodput and failures (requests/s)",
            ChartKind::Dns => "DNS queries by source (queries/s)",
            ChartKind::Queue => "Backend queue and wasted work",
            ChartKind::Latency => "Latency of successful requests (ms)",
            ChartKind::Breaker => "Circuit breakers and leases (fraction of clients)",
        }
    }
}

/// Colours and text colour for light or dark pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Dark background.
    pub dark: bool,
}

impl Theme {
    fn background(self) -> RGBColor {
        if self.dark {
            RGBColor(0x17, 0x1a, 0x21)
        } else {
            WHITE
        }
    }
    fn foreground(self) -> RGBColor {
        if self.dark {
            RGBColor(0xe6, 0xe6, 0xe6)
        } else {
            RGBColor(0x22, 0x22, 0x22)
        }
    }
    fn grid(self) -> RGBColor {
        if self.dark {
            RGBColor(0x3a, 0x3f, 0x4a)
        } else {
            RGBColor(0xdd, 0xdd, 0xdd)
        }
    }
    fn fault(self) -> RGBAColor {
        if self.dark {
            RGBColor(0xd5, 0x5e, 0x00).mix(0.22)
        } else {
            RGBColor(0xd5, 0x5e, 0x00).mix(0.12)
        }
    }
}

/// Okabe–Ito palette.
pub mod palette {
    use plotters::style::RGBColor;
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    /// Sky blue.
    pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    /// Bluish green.
    pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    /// Yellow.
    pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    /// Vermillion.
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    /// Reddish purple.
    pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    /// Grey for reference lines.
    pub const GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);
}

/// How a line is drawn, so that series differ by more than colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    /// Solid line.
    Solid,
    /// Long dashes.
    Dashed,
    /// Dots.
    Dotted,
}

/// One line of a chart: label, colour, dash and values per second for each bucket.
#[derive(Clone, Debug)]
pub struct Line {
    /// Legend label.
    pub label: std::borrow::Cow<'static, str>,
    /// Colour.
    pub color: RGBColor,
    /// Dash pattern.
    pub dash: Dash,
    /// Value per bucket, per second.
    pub values: Vec<f64>,
}

fn per_second(counts: &[u64], bucket_s: f64, n: usize) -> Vec<f64> {
    counts[..n].iter().map(|c| *c as f64 / bucket_s).collect()
}

fn per_second_f(values: &[f64], bucket_s: f64, n: usize) -> Vec<f64> {
    values[..n].iter().map(|c| *c / bucket_s).collect()
}

/// A per-second line of `counts`, when the run recorded any (reports from older versions may
/// lack the series).
fn optional_line(
    label: &'static str,
    color: RGBColor,
    dash: Dash,
    counts: &[u64],
    bucket_s: f64,
    n: usize,
) -> Option<Line> {
    (counts.len() >= n && counts[..n].iter().any(|c| *c > 0)).then(|| Line {
        label: label.into(),
        color,
        dash,
        values: per_second(counts, bucket_s, n),
    })
}

/// The lines a chart shows, computed from a report (also used for the data-table alternative).
pub fn lines(kind: ChartKind, report: &Report) -> Vec<Line> {
    let s = &report.series;
    let n = report.buckets_done;
    let w = report.bucket_s;
    let line = |label: &'static str, color, dash, values| Line {
        label: label.into(),
        color,
        dash,
        values,
    };
    match kind {
        ChartKind::Load => {
            // Stacked: first tries, then + retries, then + hedges and + the first tries of later
            // calls (each drawn only when there are any).
            let first = per_second(&s.attempts_first, w, n);
            let retry = per_second(&s.attempts_retry, w, n);
            let with_retries: Vec<f64> = first.iter().zip(&retry).map(|(a, b)| a + b).collect();
            let mut with_hedges = with_retries.clone();
            let mut lines = vec![
                line("first tries", palette::BLUE, Dash::Solid, first),
                line(
                    "+ retries",
                    palette::VERMILLION,
                    Dash::Solid,
                    with_retries.clone(),
                ),
            ];
            if s.attempts_hedge
                .get(..n)
                .is_some_and(|h| h.iter().any(|c| *c > 0))
            {
                let hedge = per_second(&s.attempts_hedge, w, n);
                let all: Vec<f64> = with_retries
                    .iter()
                    .zip(&hedge)
                    .map(|(a, b)| a + b)
                    .collect();
                lines.push(line("+ hedges", palette::ORANGE, Dash::Dashed, all.clone()));
                with_hedges = all;
            }
            if s.attempts_later_call
                .get(..n)
                .is_some_and(|h| h.iter().any(|c| *c > 0))
            {
                let later = per_second(&s.attempts_later_call, w, n);
                let all = with_hedges.iter().zip(&later).map(|(a, b)| a + b).collect();
                lines.push(line("+ later calls", palette::SKY, Dash::Dashed, all));
            }
            lines.push(line(
                "reached backend",
                palette::PURPLE,
                Dash::Dotted,
                per_second(&s.backend_offered, w, n),
            ));
            lines.push(line(
                "capacity",
                palette::GREY,
                Dash::Dashed,
                per_second_f(&s.backend_capacity, w, n),
            ));
            lines
        }
        ChartKind::Outcomes => {
            let mut lines = vec![line(
                "success",
                palette::GREEN,
                Dash::Solid,
                per_second(&s.success, w, n),
            )];
            let styles = [
                (palette::VERMILLION, Dash::Solid),
                (palette::ORANGE, Dash::Dashed),
                (palette::PURPLE, Dash::Dotted),
                (palette::BLUE, Dash::Dashed),
                (palette::SKY, Dash::Dotted),
                (palette::YELLOW, Dash::Solid),
                (palette::GREY, Dash::Dashed),
                (palette::PURPLE, Dash::Solid),
                (palette::BLUE, Dash::Dotted),
                (palette::ORANGE, Dash::Solid),
                (palette::SKY, Dash::Solid),
                (palette::VERMILLION, Dash::Dotted),
            ];
            const _: () = assert!(FAILURE_CAUSES == 12, "one style per failure cause");
            for (i, (color, dash)) in styles.into_iter().enumerate().take(FAILURE_CAUSES) {
                if s.failed[i][..n].iter().any(|c| *c > 0) {
                    lines.push(line(
                        Outcome::FAILURES[i].label(),
                        color,
                        dash,
                        per_second(&s.failed[i], w, n),
                    ));
                }
            }
            // With client classes, each class's goodput: which clients rode out the fault.
            // Styles no failure line uses: green as success, then yellow.
            let class_styles = [
                (palette::GREEN, Dash::Dashed),
                (palette::GREEN, Dash::Dotted),
                (palette::YELLOW, Dash::Dashed),
                (palette::YELLOW, Dash::Dotted),
            ];
            for (i, class) in report.summary.classes.iter().enumerate() {
                let Some(counts) = s.class_success.get(i).filter(|c| c.len() >= n) else {
                    continue;
                };
                let (color, dash) = class_styles[i % class_styles.len()];
                lines.push(Line {
                    label: format!("success: {}", class.name).into(),
                    color,
                    dash,
                    values: per_second(counts, w, n),
                });
            }
            lines
        }
        ChartKind::Dns => vec![
            line(
                "client cache",
                palette::GREEN,
                Dash::Solid,
                per_second(&s.dns_client_cache, w, n),
            ),
            line(
                "negative cached",
                palette::ORANGE,
                Dash::Dashed,
                per_second(&s.dns_negative_cached, w, n),
            ),
            line(
                "to resolver",
                palette::BLUE,
                Dash::Solid,
                per_second(&s.dns_to_resolver, w, n),
            ),
            line(
                "stale served",
                palette::SKY,
                Dash::Dotted,
                per_second(&s.dns_stale, w, n),
            ),
            line(
                "dropped",
                palette::VERMILLION,
                Dash::Dotted,
                per_second(&s.dns_dropped, w, n),
            ),
            line(
                "resolver capacity",
                palette::GREY,
                Dash::Dashed,
                per_second_f(&s.resolver_capacity, w, n),
            ),
        ]
        .into_iter()
        .chain(optional_line(
            "local override",
            palette::YELLOW,
            Dash::Dashed,
            &s.dns_overridden,
            w,
            n,
        ))
        .chain(optional_line(
            "prefetched",
            palette::PURPLE,
            Dash::Solid,
            &s.dns_prefetches,
            w,
            n,
        ))
        .collect(),
        ChartKind::Queue => vec![
            line(
                "queue length (max)",
                palette::BLUE,
                Dash::Solid,
                s.queue_len_max[..n].iter().map(|c| *c as f64).collect(),
            ),
            line(
                "wasted work /s",
                palette::VERMILLION,
                Dash::Dashed,
                per_second(&s.wasted, w, n),
            ),
        ]
        .into_iter()
        .chain((s.in_service_max.len() >= n).then(|| {
            line(
                "in service (max)",
                palette::GREEN,
                Dash::Dotted,
                s.in_service_max[..n].iter().map(|c| *c as f64).collect(),
            )
        }))
        .chain(optional_line(
            "throttled /s",
            palette::ORANGE,
            Dash::Dotted,
            &s.backend_throttled,
            w,
            n,
        ))
        .chain(optional_line(
            "lease re-establishments /s",
            palette::PURPLE,
            Dash::Solid,
            &s.lease_reestablished,
            w,
            n,
        ))
        .collect(),
        ChartKind::Breaker => {
            let mut lines = vec![
                line(
                    "open",
                    palette::VERMILLION,
                    Dash::Solid,
                    s.breaker_open_fraction[..n].to_vec(),
                ),
                line(
                    "half-open",
                    palette::ORANGE,
                    Dash::Dashed,
                    s.breaker_half_open_fraction[..n].to_vec(),
                ),
            ];
            let held = &s.leases_held_fraction;
            if held.len() >= n && held[..n].iter().any(|f| *f < 1.0) {
                lines.push(line(
                    "lease lapsed",
                    palette::PURPLE,
                    Dash::Dotted,
                    held[..n].iter().map(|f| 1.0 - f).collect(),
                ));
            }
            lines
        }
        ChartKind::Latency => vec![
            line(
                "p50",
                palette::GREEN,
                Dash::Solid,
                s.latency_p50_ms[..n].to_vec(),
            ),
            line(
                "p90",
                palette::ORANGE,
                Dash::Dashed,
                s.latency_p90_ms[..n].to_vec(),
            ),
            line(
                "p99",
                palette::VERMILLION,
                Dash::Dotted,
                s.latency_p99_ms[..n].to_vec(),
            ),
        ],
    }
}

/// Draws one chart of `report` on `root`. `cursor_s` draws the shared time cursor.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    kind: ChartKind,
    report: &Report,
    theme: Theme,
    cursor_s: Option<f64>,
) -> Result<(), String> {
    draw_compared(root, kind, report, None, theme, cursor_s)
}

/// The headline line of a chart for a baseline design, drawn under the current one so two
/// designs can be compared on one chart.
pub fn baseline_line(kind: ChartKind, baseline: &Report) -> Option<Line> {
    let (label, index) = match kind {
        ChartKind::Load => ("baseline: + retries", 1),
        ChartKind::Outcomes => ("baseline: success", 0),
        ChartKind::Dns => ("baseline: to resolver", 2),
        ChartKind::Queue => ("baseline: queue length", 0),
        ChartKind::Latency => ("baseline: p99", 2),
        ChartKind::Breaker => ("baseline: open", 0),
    };
    let mut line = lines(kind, baseline).into_iter().nth(index)?;
    line.label = label.into();
    line.color = palette::GREY;
    line.dash = Dash::Dotted;
    Some(line)
}

/// Like [`draw`], with an optional baseline design's headline line underneath.
pub fn draw_compared<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    kind: ChartKind,
    report: &Report,
    baseline: Option<&Report>,
    theme: Theme,
    cursor_s: Option<f64>,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&theme.background()).map_err(err)?;
    let horizon_of = |r: &Report| r.bucket_s * r.buckets_total as f64;
    let horizon_s = baseline.map_or(horizon_of(report), |b| {
        horizon_of(b).max(horizon_of(report))
    });
    let mut lines = lines(kind, report);
    let baseline_bucket_s = baseline.map(|b| b.bucket_s);
    if let Some(line) = baseline.and_then(|b| baseline_line(kind, b)) {
        lines.insert(0, line);
    }
    let (width_px, _) = root.dim_in_pixel();
    let y_max = lines
        .iter()
        .flat_map(|l| l.values.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.1;
    let fg = theme.foreground();
    let text = |size| ("sans-serif", size).into_font().color(&fg);
    let mut chart = ChartBuilder::on(root)
        .caption(kind.title(), text(16))
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..horizon_s.max(1.0), 0.0..y_max)
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
    for (start, end, label) in &report.fault_windows {
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
    let step = (report.buckets_done / (width_px as usize).max(1)).max(1);
    for (i, l) in lines.iter().enumerate() {
        let is_baseline = i == 0 && baseline_bucket_s.is_some();
        let bucket_s = if is_baseline {
            baseline_bucket_s.unwrap_or(report.bucket_s)
        } else {
            report.bucket_s
        };
        let points: Vec<(f64, f64)> = l
            .values
            .iter()
            .enumerate()
            .step_by(step)
            .filter(|(_, v)| v.is_finite())
            .map(|(b, v)| ((b as f64 + 0.5) * bucket_s, *v))
            .collect();
        let style = ShapeStyle::from(&l.color).stroke_width(if is_baseline { 3 } else { 2 });
        let series = match l.dash {
            Dash::Solid => chart.draw_series(LineSeries::new(points, style)),
            Dash::Dashed => chart.draw_series(DashedLineSeries::new(points, 8, 5, style)),
            Dash::Dotted => chart.draw_series(DashedLineSeries::new(points, 2, 4, style)),
        }
        .map_err(err)?;
        let legend = l.color;
        let dash = l.dash;
        series
            .label(l.label.as_ref())
            .legend(move |(x, y)| legend_mark(x, y, legend, dash));
    }
    if let Some(t) = cursor_s {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(t, 0.0), (t, y_max)],
                fg.mix(0.6),
            )))
            .map_err(err)?;
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

fn legend_mark(x: i32, y: i32, color: RGBColor, dash: Dash) -> PathElement<(i32, i32)> {
    let style = ShapeStyle::from(&color).stroke_width(2);
    match dash {
        Dash::Solid => PathElement::new(vec![(x, y), (x + 18, y)], style),
        Dash::Dashed => PathElement::new(vec![(x, y), (x + 7, y)], style),
        Dash::Dotted => PathElement::new(vec![(x, y), (x + 2, y)], style),
    }
}

/// 1234 → "1.2k", 2500000 → "2.5M".
pub fn short_number(v: f64) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || v == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Draws a chart to an SVG string of the given size.
pub fn to_svg(
    kind: ChartKind,
    report: &Report,
    theme: Theme,
    size_px: (u32, u32),
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size_px).into_drawing_area();
        draw(&root, kind, report, theme, None)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stampede_core::scenario::raw::{FaultKind, RawFault};

    fn report() -> Report {
        let mut raw = stampede_core::RawScenario::default();
        raw.run.duration_s = 120.0;
        raw.fleet.clients = 100;
        raw.faults = vec![RawFault {
            kind: FaultKind::DnsEmpty,
            start_s: 30.0,
            end_s: 60.0,
            ..RawFault::default()
        }];
        stampede_core::run(&stampede_core::Scenario::try_from(raw).unwrap())
    }

    #[test]
    fn every_chart_draws_valid_svg_with_its_lines() {
        let report = report();
        for kind in ChartKind::ALL {
            for dark in [false, true] {
                let svg = to_svg(kind, &report, Theme { dark }, (640, 320)).unwrap();
                assert!(
                    svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
                    "{kind:?}"
                );
                assert!(svg.contains("width=\"640\"") && svg.contains("height=\"320\""));
                assert!(svg.contains(kind.title().split(' ').next().unwrap()));
                for line in lines(kind, &report) {
                    assert!(
                        svg.contains(&*line.label),
                        "{kind:?} legend lacks {}",
                        line.label
                    );
                }
                assert!(svg.contains("DNS empty answer"), "fault window is labelled");
            }
        }
    }

    #[test]
    fn a_baseline_adds_its_headline_line_to_every_chart() {
        let report = report();
        for kind in ChartKind::ALL {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (640, 320)).into_drawing_area();
                draw_compared(
                    &root,
                    kind,
                    &report,
                    Some(&report),
                    Theme { dark: false },
                    None,
                )
                .unwrap();
            }
            let label = baseline_line(kind, &report).unwrap().label;
            assert!(
                svg.contains(&*label),
                "{kind:?} lacks the baseline legend {label}"
            );
        }
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(1234.0), "1.2k");
        assert_eq!(short_number(2_500_000.0), "2.5M");
        assert_eq!(short_number(0.5), "0.5");
        assert_eq!(short_number(0.0), "0");
    }
}
