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
    /// The shading of fault windows: violet, a hue no series uses (the Okabe–Ito palette has
    /// none between its blue and its reddish purple).
    fn fault(self) -> RGBAColor {
        if self.dark {
            FAULT_DARK.mix(0.26)
        } else {
            FAULT_LIGHT.mix(0.14)
        }
    }
}

/// Fault shading on light pages (before its opacity).
const FAULT_LIGHT: RGBColor = RGBColor(0x6a, 0x3d, 0xe8);
/// Fault shading on dark pages (before its opacity).
const FAULT_DARK: RGBColor = RGBColor(0x9d, 0x7b, 0xff);

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

/// Every series of a chart for a pinned baseline design: its ghost of each line the current
/// design draws, matched by label, in the line's colour and dash (a series the baseline lacks,
/// such as a failure cause it never had, is zero throughout).
pub fn ghost_lines(kind: ChartKind, report: &Report, baseline: &Report) -> Vec<Line> {
    let theirs = lines(kind, baseline);
    lines(kind, report)
        .into_iter()
        .map(|mine| {
            let values = theirs
                .iter()
                .find(|l| l.label == mine.label)
                .map_or_else(|| vec![0.0; baseline.buckets_done], |l| l.values.clone());
            Line { values, ..mine }
        })
        .collect()
}

/// Stroke width of a series, px.
const LINE_PX: u32 = 2;
/// Stroke width of a baseline's ghost, px: wider and faded, so it reads as a halo under the
/// current design's line.
const GHOST_PX: u32 = 5;
/// Opacity of a ghost.
const GHOST_ALPHA: f64 = 0.35;
/// Length of a legend sample, px.
const SAMPLE_PX: i32 = 26;
/// Height of one legend row and of one fault-label lane, px.
const ROW_PX: i32 = 16;
/// Outer margin of a chart, px (the web app's cursor mapping assumes it, see `PLOT_LEFT_PX`).
const MARGIN_PX: i32 = 8;
/// Width of the y tick labels, px.
const Y_LABELS_PX: i32 = 56;
/// Height of the x tick labels and the axis title under them, px.
const X_LABELS_PX: i32 = 44;
/// Most lanes of fault labels; a label that fits in none is left out (its shading stays).
const LANES_MAX: usize = 4;

/// Estimated width of `text` in a sans-serif font of `size_px`, px (no font metrics here: the
/// same code draws to a canvas and to SVG; 0.6 em per character is wide for DejaVu Sans and
/// system-ui alike).
fn text_px(text: &str, size_px: f64) -> i32 {
    (text.chars().count() as f64 * size_px * 0.6).ceil() as i32
}

/// Rows of a legend `width_px` wide: the indices of the entries of `widths_px` in each row, in
/// order, each row as full as it fits (an entry wider than the legend gets a row of its own).
pub fn legend_rows(widths_px: &[i32], width_px: i32) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for (i, w) in widths_px.iter().enumerate() {
        match rows.last_mut() {
            Some(row) if used + w <= width_px => {
                row.push(i);
                used += w;
            }
            _ => {
                rows.push(vec![i]);
                used = *w;
            }
        }
    }
    rows
}

/// Lanes for labels at `(x_px, width_px)`, in order: each label goes in the first lane whose
/// previous label ends before it starts (4 px apart), so no two labels overlap; `None` when it
/// fits in none of `lanes_max`.
pub fn label_lanes(labels: &[(i32, i32)], lanes_max: usize) -> Vec<Option<usize>> {
    let mut ends: Vec<i32> = Vec::new();
    labels
        .iter()
        .map(|(x, w)| {
            if let Some(lane) = ends.iter().position(|end| *end + 4 <= *x) {
                ends[lane] = x + w;
                Some(lane)
            } else if ends.len() < lanes_max {
                ends.push(x + w);
                Some(ends.len() - 1)
            } else {
                None
            }
        })
        .collect()
}

/// A line's dash pattern as (on, off) lengths, px, scaled with its width.
fn dash_px(dash: Dash) -> Option<(u32, u32)> {
    match dash {
        Dash::Solid => None,
        Dash::Dashed => Some((8, 5)),
        Dash::Dotted => Some((2, 4)),
    }
}

/// Like [`draw`], with an optional baseline design's ghost of every series underneath. The
/// legend sits under the plot area, fault labels in lanes of headroom at its top, and zero
/// values a little above the x axis.
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
    let horizon_s = baseline
        .map_or(horizon_of(report), |b| {
            horizon_of(b).max(horizon_of(report))
        })
        .max(1.0);
    let lines = lines(kind, report);
    let ghosts = baseline.map(|b| (b.bucket_s, ghost_lines(kind, report, b)));
    let (width_px, height_px) = root.dim_in_pixel();
    let (width_px, height_px) = (width_px as i32, height_px as i32);

    // The legend: one entry per line, and one saying what the faded lines are.
    let mut entries: Vec<(String, RGBColor, Dash, f64)> = lines
        .iter()
        .map(|l| (l.label.to_string(), l.color, l.dash, 1.0))
        .collect();
    if ghosts.is_some() {
        entries.push((
            "faded: pinned baseline".into(),
            palette::GREY,
            Dash::Solid,
            GHOST_ALPHA,
        ));
    }
    let widths: Vec<i32> = entries
        .iter()
        .map(|(label, ..)| SAMPLE_PX + 6 + text_px(label, 12.0) + 14)
        .collect();
    let legend_width = width_px - 2 * MARGIN_PX - Y_LABELS_PX;
    let rows = legend_rows(&widths, legend_width);
    let legend_px = rows.len() as i32 * ROW_PX + 4;
    let (chart_area, legend_area) = root.split_vertically((height_px - legend_px).max(1));

    // Fault labels in lanes over the plot area's top, where the y range leaves room for them.
    let plot_left = MARGIN_PX + Y_LABELS_PX;
    let plot_width = (width_px - plot_left - MARGIN_PX).max(1);
    let x_px = |t: f64| plot_left + (t / horizon_s * f64::from(plot_width)) as i32;
    let placed: Vec<(i32, i32)> = report
        .fault_windows
        .iter()
        .map(|(start, _, label)| {
            let w = text_px(label, 11.0);
            (
                (x_px(*start) + 3)
                    .min(plot_left + plot_width - w)
                    .max(plot_left),
                w,
            )
        })
        .collect();
    let lanes = label_lanes(&placed, LANES_MAX);
    let lanes_used = lanes.iter().flatten().max().map_or(0, |l| l + 1) as i32;

    let y_data = lines
        .iter()
        .chain(ghosts.iter().flat_map(|(_, g)| g.iter()))
        .flat_map(|l| l.values.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let plot_height = f64::from((height_px - legend_px - 2 * MARGIN_PX - 24 - X_LABELS_PX).max(40));
    let headroom = f64::from(lanes_used * (ROW_PX - 2) + 6).min(plot_height / 2.0);
    let y_max = y_data * 1.05 * plot_height / (plot_height - headroom);
    // Zero values sit 2 % of the height above the axis, not on it.
    let y_min = -y_max * 0.02;

    let fg = theme.foreground();
    let text = |size| ("sans-serif", size).into_font().color(&fg);
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(kind.title(), text(16))
        .margin(MARGIN_PX as u32)
        .x_label_area_size(X_LABELS_PX as u32)
        .y_label_area_size(Y_LABELS_PX as u32)
        .build_cartesian_2d(0.0..horizon_s, y_min..y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(theme.grid().mix(0.5))
        .bold_line_style(theme.grid())
        .axis_style(fg)
        .label_style(text(12))
        .axis_desc_style(text(12))
        .x_desc("time (s)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| {
            if *v < 0.0 {
                String::new()
            } else {
                short_number(*v)
            }
        })
        .draw()
        .map_err(err)?;
    for (start, end, _) in &report.fault_windows {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(*start, y_min), (end.min(horizon_s), y_max)],
                theme.fault().filled(),
            )))
            .map_err(err)?;
    }
    let (_, top_px) = chart.backend_coord(&(0.0, y_max));
    for ((_, _, label), (x, lane)) in report.fault_windows.iter().zip(placed.iter().zip(&lanes)) {
        if let Some(lane) = lane {
            let y = top_px + 2 + *lane as i32 * (ROW_PX - 2);
            chart_area
                .draw(&Text::new(label.clone(), (x.0, y), text(11)))
                .map_err(err)?;
        }
    }
    let step = (report.buckets_done / (plot_width as usize).max(1)).max(1);
    let series = |l: &Line, bucket_s: f64, width: u32, alpha: f64| {
        let points: Vec<(f64, f64)> = l
            .values
            .iter()
            .enumerate()
            .step_by(step)
            .filter(|(_, v)| v.is_finite())
            .map(|(b, v)| ((b as f64 + 0.5) * bucket_s, *v))
            .collect();
        (
            points,
            ShapeStyle::from(&l.color.mix(alpha)).stroke_width(width),
        )
    };
    if let Some((bucket_s, ghosts)) = &ghosts {
        for g in ghosts {
            let (points, style) = series(g, *bucket_s, GHOST_PX, GHOST_ALPHA);
            chart
                .draw_series(LineSeries::new(points, style))
                .map_err(err)?;
        }
    }
    for l in &lines {
        let (points, style) = series(l, report.bucket_s, LINE_PX, 1.0);
        match dash_px(l.dash) {
            None => chart.draw_series(LineSeries::new(points, style)),
            Some((on, off)) => chart.draw_series(DashedLineSeries::new(points, on, off, style)),
        }
        .map_err(err)?;
    }
    if let Some(t) = cursor_s {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(t, y_min), (t, y_max)],
                fg.mix(0.6),
            )))
            .map_err(err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let mut x = plot_left;
        let y = 2 + r as i32 * ROW_PX;
        for i in row {
            let (label, color, dash, alpha) = &entries[*i];
            let width = if *alpha < 1.0 { GHOST_PX } else { LINE_PX + 1 };
            legend_sample(
                &legend_area,
                (x, y + ROW_PX / 2),
                *color,
                *dash,
                *alpha,
                width,
            )
            .map_err(err)?;
            legend_area
                .draw(&Text::new(
                    label.clone(),
                    (x + SAMPLE_PX + 6, y + 1),
                    text(12),
                ))
                .map_err(err)?;
            x += widths[*i];
        }
    }
    root.present().map_err(err)
}

/// A legend sample: the line's own dash pattern, at least as thick as the line.
fn legend_sample<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    color: RGBColor,
    dash: Dash,
    alpha: f64,
    width: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = ShapeStyle::from(&color.mix(alpha)).stroke_width(width);
    let Some((on, off)) = dash_px(dash) else {
        return area.draw(&PathElement::new(vec![(x, y), (x + SAMPLE_PX, y)], style));
    };
    let (on, off) = (on as i32, off as i32);
    let mut start = x;
    while start < x + SAMPLE_PX {
        let end = (start + on).min(x + SAMPLE_PX);
        area.draw(&PathElement::new(vec![(start, y), (end, y)], style))?;
        start = end + off;
    }
    Ok(())
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

    fn svg_compared(kind: ChartKind, report: &Report, baseline: Option<&Report>) -> String {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (640, 320)).into_drawing_area();
            draw_compared(&root, kind, report, baseline, Theme { dark: false }, None).unwrap();
        }
        svg
    }

    /// Every series of the current design has its ghost, matched by label; a series the
    /// baseline lacks is zero (drawn a little above the axis, not on it).
    #[test]
    fn a_baseline_adds_a_ghost_of_every_series_to_every_chart() {
        let report = report();
        let mut quiet = report.clone();
        quiet.series.attempts_retry.iter_mut().for_each(|c| *c = 0);
        for kind in ChartKind::ALL {
            let ghosts = ghost_lines(kind, &report, &report);
            let mine = lines(kind, &report);
            assert_eq!(ghosts.len(), mine.len(), "{kind:?}");
            for (g, l) in ghosts.iter().zip(&mine) {
                assert_eq!((&g.label, &g.values), (&l.label, &l.values), "{kind:?}");
            }
            let svg = svg_compared(kind, &report, Some(&report));
            assert!(svg.contains("faded: pinned baseline"), "{kind:?}");
            // A ghost per series and the legend's sample, each at the ghost's width (no other
            // stroke is that wide).
            let ghost = format!("stroke-width=\"{GHOST_PX}\"");
            assert_eq!(svg.matches(&ghost).count(), mine.len() + 1, "{kind:?}");
            assert_eq!(svg_compared(kind, &report, None).matches(&ghost).count(), 0);
        }
        // Outcomes of a design with a failure cause the baseline never had: a zero ghost.
        let mut none_failed = report.clone();
        none_failed
            .series
            .failed
            .iter_mut()
            .for_each(|f| f.iter_mut().for_each(|c| *c = 0));
        let mut failing = none_failed.clone();
        failing.series.failed[0].iter_mut().for_each(|c| *c = 3);
        let ghosts = ghost_lines(ChartKind::Outcomes, &failing, &none_failed);
        assert_eq!(ghosts.len(), 2, "success and one failure cause");
        assert!(ghosts[1].values.iter().all(|v| *v == 0.0));
        assert_eq!(ghosts[1].values.len(), none_failed.buckets_done);
    }

    #[test]
    fn legend_rows_fill_the_width_in_order() {
        assert_eq!(
            legend_rows(&[100, 100, 100], 250),
            vec![vec![0, 1], vec![2]]
        );
        assert_eq!(legend_rows(&[300, 50], 250), vec![vec![0], vec![1]]);
        assert_eq!(legend_rows(&[], 250), Vec::<Vec<usize>>::new());
    }

    #[test]
    fn fault_labels_never_overlap() {
        // Three labels starting 10 px apart, 80 px wide: each needs its own lane; a fourth far
        // to the right goes back to the first lane.
        let labels = [(0, 80), (10, 80), (20, 80), (200, 80)];
        let lanes = label_lanes(&labels, 4);
        assert_eq!(lanes, [Some(0), Some(1), Some(2), Some(0)]);
        for (i, a) in labels.iter().enumerate() {
            for (j, b) in labels.iter().enumerate().skip(i + 1) {
                if lanes[i] == lanes[j] {
                    assert!(a.0 + a.1 <= b.0 || b.0 + b.1 <= a.0, "{a:?} {b:?}");
                }
            }
        }
        assert_eq!(label_lanes(&labels, 2)[2], None, "no third lane: left out");
    }

    fn hue(c: RGBColor) -> f64 {
        let (r, g, b) = (f64::from(c.0), f64::from(c.1), f64::from(c.2));
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        let d = max - min;
        let h = if max == r {
            ((g - b) / d).rem_euclid(6.0)
        } else if max == g {
            (b - r) / d + 2.0
        } else {
            (r - g) / d + 4.0
        };
        h * 60.0
    }

    /// The fault shading's hue is at least 30° from every palette colour's (grey has none).
    #[test]
    fn fault_shading_uses_a_hue_no_series_uses() {
        use palette::*;
        for fault in [FAULT_LIGHT, FAULT_DARK] {
            for c in [ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE] {
                let d = (hue(fault) - hue(c)).abs();
                let d = d.min(360.0 - d);
                assert!(d >= 30.0, "{fault:?} vs {c:?}: {d}°");
            }
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
