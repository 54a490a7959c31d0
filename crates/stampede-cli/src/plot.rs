//! The chart of a sweep: a KPI against one varied key (a line, mean over seeds, with each seed as
//! a dot) or against two (a heatmap of the mean, each cell labelled with its value).
//!
//! Owns: the layout and colours of sweep charts (Okabe–Ito colours from `stampede-charts`, a
//! sequential blue-to-yellow scale for the heatmap, values printed in cells so colour is never the
//! only cue).
//! Must not: compute model figures; values come from the sweep table.

use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;
use stampede_charts::palette;

use crate::error::{CliError, CliResult};
use crate::kpi::{Cell, Kpi};
use crate::summary::number;
use crate::sweep::Table;

/// Size of sweep charts, pixels.
pub const SIZE_PX: (u32, u32) = (900, 560);

/// Distinct values of a column in order of first appearance.
fn distinct(table: &Table, column: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, fields) in &table.rows {
        if !out.contains(&fields[column]) {
            out.push(fields[column].clone());
        }
    }
    out
}

/// Mean of the KPI over the rows matching `filter` (seeds), and the count of rows without a value.
fn mean(values: &[Option<f64>]) -> Option<f64> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    if present.is_empty() {
        None
    } else {
        Some(present.iter().sum::<f64>() / present.len() as f64)
    }
}

/// Draws the chart of `kpi` over the table's varied keys as SVG.
pub fn sweep_svg(table: &Table, kpi: &Kpi) -> CliResult<String> {
    let keys = table.varied_keys().to_vec();
    let kpi_col = table
        .column(kpi.name)
        .ok_or_else(|| CliError::invalid("--kpi", kpi.name, "not a column of this sweep"))?;
    let columns: Vec<usize> = keys.iter().filter_map(|k| table.column(k)).collect();
    let seeds = distinct(table, table.column("seed").unwrap_or(0))
        .len()
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE_PX).into_drawing_area();
        let result = match columns.as_slice() {
            [x] if distinct(table, *x)
                .iter()
                .any(|v| v.parse::<f64>().is_err()) =>
            {
                bars(&root, table, (*x, &keys[0]), kpi_col, kpi, seeds)
            }
            [x] => line_chart(&root, table, (*x, &keys[0]), kpi_col, kpi, seeds),
            [x, y] => heatmap(
                &root,
                table,
                [(*x, &keys[0]), (*y, &keys[1])],
                kpi_col,
                kpi,
                seeds,
            ),
            _ => {
                return Err(CliError::invalid(
                    "--chart",
                    "--vary",
                    format!(
                        "a chart needs one or two varied keys, this sweep has {}",
                        keys.len()
                    ),
                ));
            }
        };
        result.map_err(|e| CliError::Runtime(format!("cannot draw the sweep chart: {e}")))?;
    }
    Ok(svg)
}

/// The KPI column of the rows whose fields pass `keep` (one value per seed).
fn kpi_where(table: &Table, kpi_col: usize, keep: impl Fn(&[String]) -> bool) -> Vec<Option<f64>> {
    table
        .rows
        .iter()
        .filter(|(_, f)| keep(f))
        .map(|(_, f)| Cell::parse(&f[kpi_col]))
        .collect()
}

/// Width of a label area that fits the longest of `names` at 13 px (about 7 px a character).
fn label_area_px(names: &[String]) -> u32 {
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(4) as u32;
    (longest * 7 + 24).clamp(70, 320)
}

/// One categorical `--vary` (option or policy names): a horizontal bar per value, mean of the
/// seeds, with the value printed at the bar's end.
fn bars(
    root: &Root<'_>,
    table: &Table,
    (y_col, y_key): (usize, &str),
    kpi_col: usize,
    kpi: &Kpi,
    seeds: usize,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let names = distinct(table, y_col);
    let means: Vec<Option<f64>> = names
        .iter()
        .map(|name| mean(&kpi_where(table, kpi_col, |f| &f[y_col] == name)))
        .collect();
    let hi = means
        .iter()
        .flatten()
        .fold(0.0_f64, |a, b| a.max(*b))
        .max(1e-9)
        * 1.15;
    let mut chart = ChartBuilder::on(root)
        .caption(caption(kpi, y_key, seeds), text_style(18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(label_area_px(&names))
        .build_cartesian_2d(0.0..hi, (0..names.len() as i32 - 1).into_segmented())
        .map_err(err)?;
    let label = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(kpi.label)
        .y_desc(y_key)
        .label_style(text_style(13))
        .y_labels(names.len())
        .y_label_formatter(&label)
        .draw()
        .map_err(err)?;
    let blue = RGBColor(0x00, 0x72, 0xB2);
    for (j, value) in means.iter().enumerate() {
        let j = j as i32;
        let Some(v) = value else {
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("no {}", kpi.name),
                    (0.0, SegmentValue::CenterOf(j)),
                    text_style(13),
                )))
                .map_err(err)?;
            continue;
        };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(j)),
                    (*v, SegmentValue::Exact(j + 1)),
                ],
                blue.mix(0.8).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!(" {}", number(*v, 3)),
                (*v, SegmentValue::CenterOf(j)),
                text_style(13),
            )))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

fn text_style(size: u32) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .color(&RGBColor(0x22, 0x22, 0x22))
}

fn caption(kpi: &Kpi, over: &str, seeds: usize) -> String {
    let seeds = if seeds > 1 {
        format!(" (mean of {seeds} seeds)")
    } else {
        String::new()
    };
    format!("{} by {over}{seeds}", kpi.label)
}

type Root<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn line_chart(
    root: &Root<'_>,
    table: &Table,
    (x_col, x_key): (usize, &str),
    kpi_col: usize,
    kpi: &Kpi,
    seeds: usize,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let xs = distinct(table, x_col);
    // Only numeric keys come here; categorical ones are drawn by `bars`.
    let positions: Vec<f64> = xs.iter().map(|x| x.parse().unwrap_or(f64::NAN)).collect();
    let position = |i: usize| positions[i];
    let mut dots = Vec::new();
    let mut line = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        let values = kpi_where(table, kpi_col, |f| &f[x_col] == x);
        dots.extend(values.iter().flatten().map(|v| (position(i), *v)));
        if let Some(m) = mean(&values) {
            line.push((position(i), m));
        }
    }
    let (x_min, x_max) = (0..xs.len())
        .map(position)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let pad_x = ((x_max - x_min) * 0.05).max(0.5);
    let y_max = dots.iter().map(|d| d.1).fold(0.0_f64, f64::max);
    let y_min = dots.iter().map(|d| d.1).fold(0.0_f64, f64::min);
    let pad_y = ((y_max - y_min) * 0.1).max(1e-9);
    let mut chart = ChartBuilder::on(root)
        .caption(caption(kpi, x_key, seeds), text_style(18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d((x_min - pad_x)..(x_max + pad_x), y_min..(y_max + pad_y))
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(0xdd, 0xdd, 0xdd).mix(0.5))
        .x_desc(x_key)
        .y_desc(kpi.name)
        .label_style(text_style(13))
        .x_label_formatter(&|v| number(*v, 3))
        .y_label_formatter(&|v| number(*v, 4))
        .draw()
        .map_err(err)?;
    if seeds > 1 {
        chart
            .draw_series(
                dots.iter()
                    .map(|p| Circle::new(*p, 3, palette::SKY.filled())),
            )
            .map_err(err)?;
    }
    chart
        .draw_series(LineSeries::new(line.clone(), palette::BLUE.stroke_width(2)))
        .map_err(err)?;
    chart
        .draw_series(
            line.iter()
                .map(|p| Circle::new(*p, 4, palette::BLUE.filled())),
        )
        .map_err(err)?;
    let missing = xs.len() - line.len();
    if missing > 0 {
        root.draw(&Text::new(
            format!(
                "{missing} value(s) of {x_key} have no {} (e.g. not recovered)",
                kpi.name
            ),
            (80, SIZE_PX.1 as i32 - 14),
            text_style(12),
        ))
        .map_err(err)?;
    }
    root.present().map_err(err)
}

/// Sequential colour scale from dark blue (0) to yellow (1), readable with the cell text.
fn scale(t: f64) -> RGBColor {
    let stops = [
        (0x0d, 0x2f, 0x6b),
        (0x00, 0x72, 0xB2),
        (0x00, 0x9E, 0x73),
        (0xF0, 0xE4, 0x42),
    ];
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f64;
    let i = (t.floor() as usize).min(stops.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (stops[i], stops[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

fn heatmap(
    root: &Root<'_>,
    table: &Table,
    [(x_col, x_key), (y_col, y_key)]: [(usize, &str); 2],
    kpi_col: usize,
    kpi: &Kpi,
    seeds: usize,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (xs, ys) = (distinct(table, x_col), distinct(table, y_col));
    let mut cells = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        for (j, y) in ys.iter().enumerate() {
            let values = kpi_where(table, kpi_col, |f| &f[x_col] == x && &f[y_col] == y);
            cells.push((i as i32, j as i32, mean(&values)));
        }
    }
    let present = cells.iter().filter_map(|c| c.2);
    let (lo, hi) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(
            caption(kpi, &format!("{x_key} × {y_key}"), seeds),
            text_style(18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(label_area_px(&ys))
        .build_cartesian_2d(
            // plotters' integer ranges include their end: n values are 0..n-1.
            (0..xs.len() as i32 - 1).into_segmented(),
            (0..ys.len() as i32 - 1).into_segmented(),
        )
        .map_err(err)?;
    let label = |names: &[String], v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x_key)
        .y_desc(y_key)
        .label_style(text_style(13))
        .x_labels(xs.len())
        .y_labels(ys.len())
        .x_label_formatter(&|v| label(&xs, v))
        .y_label_formatter(&|v| label(&ys, v))
        .draw()
        .map_err(err)?;
    let grey = RGBColor(0xcc, 0xcc, 0xcc);
    chart
        .draw_series(cells.iter().map(|&(i, j, v)| {
            let color = v.map_or(grey, |v| scale((v - lo) / span));
            Rectangle::new(
                [
                    (SegmentValue::Exact(i), SegmentValue::Exact(j)),
                    (SegmentValue::Exact(i + 1), SegmentValue::Exact(j + 1)),
                ],
                color.filled(),
            )
        }))
        .map_err(err)?;
    for &(i, j, v) in &cells {
        let light_cell = v.is_none_or(|v| (v - lo) / span > 0.6);
        let color = if light_cell { BLACK } else { WHITE };
        let text = v.map_or("—".to_string(), |v| number(v, 3));
        let style = ("sans-serif", 13).into_font().color(&color).pos(
            plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ),
        );
        chart
            .draw_series(std::iter::once(Text::new(
                text,
                (SegmentValue::CenterOf(i), SegmentValue::CenterOf(j)),
                style,
            )))
            .map_err(err)?;
    }
    let mut note = format!(
        "colour: low {} (dark blue) → high {} (yellow)",
        number(lo, 3),
        number(hi, 3)
    );
    if cells.iter().any(|c| c.2.is_none()) {
        note.push_str(&format!(
            "; grey cells (—) have no {} (e.g. not recovered)",
            kpi.name
        ));
    }
    {
        root.draw(&Text::new(
            note,
            (80, SIZE_PX.1 as i32 - 14),
            text_style(12),
        ))
        .map_err(err)?;
    }
    root.present().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_runs_blue_to_yellow() {
        assert_eq!(scale(0.0), RGBColor(0x0d, 0x2f, 0x6b));
        assert_eq!(scale(1.0), RGBColor(0xF0, 0xE4, 0x42));
    }
}
