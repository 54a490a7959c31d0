//! Text tables for people: the summary of one run and the side-by-side of two.
//!
//! Owns: wording, number formatting and column layout of what `run` and `diff` print.
//! Must not: compute model figures; everything comes from a [`Report`] and its scenario.

use std::fmt::Write as _;

use stampede_core::report::{FAILURE_CAUSES, Outcome, peak_load_text};
use stampede_core::{Recovery, Report, Scenario};

use crate::kpi::{Cell, DIFF_KPIS, SWEEP_KPIS, entry_columns};

/// Width of the label column.
const LABEL_WIDTH: usize = 28;

pub use stampede_core::report::{number, thousands};

/// The recovery verdict in words.
pub fn recovery_text(recovery: &Recovery, window_s: f64) -> String {
    match recovery {
        Recovery::NoFault => "no fault in the scenario".to_string(),
        Recovery::FaultStillActive => "fault still active when the run ended".to_string(),
        Recovery::Recovered { after_s } => {
            format!(
                "recovered {} s after the last fault ended",
                number(*after_s, 1)
            )
        }
        Recovery::Metastable { observed_s } => format!(
            "METASTABLE: not recovered within {} s (observed {} s after the fault)",
            number(window_s, 0),
            number(*observed_s, 0)
        ),
        Recovery::Undetermined { observed_s } => format!(
            "not recovered yet; run ended {} s after the fault (window {} s)",
            number(*observed_s, 0),
            number(window_s, 0)
        ),
    }
}

fn row(out: &mut String, label: &str, value: impl AsRef<str>) {
    let _ = writeln!(out, "  {label:<LABEL_WIDTH$}{}", value.as_ref());
}

/// The summary of a run, as a two-column table.
pub fn summary_table(scenario: &Scenario, report: &Report) -> String {
    let s = &report.summary;
    let raw = &scenario.raw;
    let mut out = String::new();
    let title = if report.title.is_empty() {
        "(untitled scenario)"
    } else {
        &report.title
    };
    let _ = writeln!(out, "{title}");
    let _ = writeln!(
        out,
        "  seed {} · {} s simulated in {} buckets of {} s{}",
        report.seed,
        number(report.now_s, 1),
        report.buckets_done,
        number(report.bucket_s, 3),
        if report.finished {
            ""
        } else {
            " (stopped early)"
        }
    );
    if report.stopped_early() {
        let _ = writeln!(
            out,
            "  PARTIAL: the run stopped at its budget; every figure covers only the first {} s",
            number(report.now_s, 1)
        );
    }
    let _ = writeln!(out);
    row(
        &mut out,
        "availability",
        format!(
            "{} %  ({} of {} requests succeeded, {} in flight at the end)",
            number(s.availability * 100.0, 3),
            thousands(s.success),
            thousands(s.requests_finished),
            thousands(s.requests_in_flight)
        ),
    );
    for class in &s.classes {
        row(
            &mut out,
            &format!("  class {}", class.name),
            format!(
                "{} %  ({} of {})",
                number(class.availability * 100.0, 3),
                thousands(class.success),
                thousands(class.requests_finished)
            ),
        );
    }
    row(&mut out, "failed requests", thousands(s.failed));
    for i in 0..FAILURE_CAUSES {
        if s.failed_by_cause[i] > 0 {
            row(
                &mut out,
                &format!("  {}", Outcome::FAILURES[i].label()),
                thousands(s.failed_by_cause[i]),
            );
        }
    }
    row(
        &mut out,
        "peak amplification",
        format!(
            "{} attempts per request, at {} s",
            number(s.peak_amplification, 2),
            number(s.peak_amplification_at_s, 1)
        ),
    );
    let capacity_at = |ratio: f64, at_s: f64| {
        format!("{} × capacity, at {} s", number(ratio, 2), number(at_s, 1))
    };
    row(
        &mut out,
        "peak backend load",
        capacity_at(s.peak_backend_load_ratio, s.peak_backend_load_at_s),
    );
    row(
        &mut out,
        "peak resolver load",
        capacity_at(s.peak_resolver_load_ratio, s.peak_resolver_load_at_s),
    );
    // Each resolver on its own only when there are several: one resolver's row would repeat
    // the line above.
    if s.resolvers.len() > 1 {
        for resolver in &s.resolvers {
            row(
                &mut out,
                &format!("  {}", resolver.name),
                format!(
                    "{}; {} queries, {} dropped",
                    resolver.peak_text(),
                    thousands(resolver.queries),
                    thousands(resolver.dropped)
                ),
            );
        }
    }
    for service in &s.services {
        row(
            &mut out,
            &format!("  service {}", service.name),
            format!(
                "{}; {} attempts, {} wasted",
                peak_load_text(service.peak_load_ratio, service.peak_load_at_s),
                thousands(service.offered),
                thousands(service.wasted_work)
            ),
        );
    }
    for name in s.names.iter().filter(|n| n.failover) {
        row(
            &mut out,
            &format!("  name {}", name.name),
            name.failover_text(),
        );
    }
    row(
        &mut out,
        "recovery",
        recovery_text(&s.recovery, s.recovery_window_s),
    );
    row(
        &mut out,
        "SLO burn",
        format!(
            "{} × the error budget (SLO {} %)",
            number(s.slo_burn, 2),
            number(raw.cost.slo_target * 100.0, 3)
        ),
    );
    row(
        &mut out,
        "cost of downtime",
        format!(
            "{} ({} per failed request, {} per minute down)",
            number(s.cost_of_downtime, 2),
            number(raw.cost.per_failed_request, 4),
            number(raw.cost.per_minute_down, 2)
        ),
    );
    row(
        &mut out,
        "downtime",
        format!(
            "{} min below the {} % SLO (metric buckets)",
            number(s.downtime_minutes, 2),
            number(raw.cost.slo_target * 100.0, 3)
        ),
    );
    let [p50, p90, p99] = s.latency_ms_p50_p90_p99;
    row(
        &mut out,
        "latency p50 / p90 / p99",
        format!(
            "{} / {} / {} ms (successes)",
            number(p50, 1),
            number(p90, 1),
            number(p99, 1)
        ),
    );
    row(
        &mut out,
        "wasted work",
        format!("{} requests", thousands(s.wasted_work)),
    );
    row(&mut out, "events", thousands(s.events));
    row(&mut out, "seed", report.seed.to_string());
    for d in &report.diagnostics {
        let _ = writeln!(out, "  note: {d}");
    }
    out
}

/// Text of a KPI cell for people.
fn cell_text(cell: Cell) -> String {
    match cell {
        Cell::Number(v) => number(v, 4),
        Cell::Count(n) => thousands(n),
        Cell::Flag(b) => if b { "yes" } else { "no" }.to_string(),
        Cell::Empty => "—".to_string(),
    }
}

/// Difference B − A as text, with the relative change where it means something.
fn difference_text(a: Cell, b: Cell) -> String {
    match (a.value(), b.value()) {
        (Some(x), Some(y)) => {
            let d = y - x;
            let sign = if d > 0.0 { "+" } else { "" };
            let relative = if x != 0.0 && d != 0.0 {
                format!(" ({sign}{} %)", number(d / x.abs() * 100.0, 1))
            } else {
                String::new()
            };
            format!("{sign}{}{relative}", number(d, 4))
        }
        _ if a == b => "0".to_string(),
        _ => "changed".to_string(),
    }
}

/// KPIs of two runs side by side, with B − A.
pub fn diff_table(
    (a_label, sc_a, a): (&str, &Scenario, &Report),
    (b_label, sc_b, b): (&str, &Scenario, &Report),
) -> String {
    diff_reports(
        &format!("seed {} for both runs", a.seed),
        (a_label, &a.summary),
        (b_label, &b.summary),
        entry_columns([sc_a, sc_b]),
    )
}

/// [`diff_table`] of two reports, with the per-entry rows of `entries` (none for saved reports,
/// whose scenarios are not at hand: their lists are in the JSON).
pub fn diff_reports(
    heading: &str,
    (a_label, a): (&str, &stampede_core::Summary),
    (b_label, b): (&str, &stampede_core::Summary),
    entries: Vec<(&'static crate::kpi::EntryKpi, String)>,
) -> String {
    let mut rows: Vec<[String; 4]> = SWEEP_KPIS
        .iter()
        .chain(DIFF_KPIS)
        .map(|k| {
            let (ca, cb) = ((k.read)(a), (k.read)(b));
            [
                k.name.to_string(),
                cell_text(ca),
                cell_text(cb),
                difference_text(ca, cb),
            ]
        })
        .collect();
    // Per class, resolver and failover name of either scenario, as the sweep's columns.
    rows.extend(entries.into_iter().map(|(kpi, entry)| {
        let read = |s: &stampede_core::Summary| (kpi.read)(s, &entry).unwrap_or(Cell::Empty);
        let (ca, cb) = (read(a), read(b));
        [
            format!("{}.{entry}", kpi.name),
            cell_text(ca),
            cell_text(cb),
            difference_text(ca, cb),
        ]
    }));
    let header = [
        "kpi".to_string(),
        format!("A: {a_label}"),
        format!("B: {b_label}"),
        "B − A".to_string(),
    ];
    let mut widths = [0usize; 4];
    for r in rows.iter().chain(std::iter::once(&header)) {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "{heading}");
    for r in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (c, w)) in r.iter().zip(widths).enumerate() {
            let pad = w - c.chars().count();
            if i == 0 {
                let _ = write!(line, "{c}{}", " ".repeat(pad));
            } else {
                let _ = write!(line, "  {}{c}", " ".repeat(pad));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(number(2.500, 2), "2.5");
        assert_eq!(number(f64::NAN, 2), "—");
        assert_eq!(
            difference_text(Cell::Count(10), Cell::Count(15)),
            "+5 (+50 %)"
        );
        assert_eq!(difference_text(Cell::Empty, Cell::Empty), "0");
    }
}
