//! The key figures a sweep writes per point and `diff` compares, read from a report's summary.
//!
//! Owns: KPI names (the CSV column names and `--kpi` values), units and how each is read.
//! Must not: compute model figures; every value is a field of [`Summary`] or derived from one.

use std::borrow::Borrow;

use stampede_core::report::{ResolverSummary, resolver_name};
use stampede_core::{Recovery, Scenario, Summary};

/// One value of a KPI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell {
    /// A measured number.
    Number(f64),
    /// A count.
    Count(u64),
    /// A verdict.
    Flag(bool),
    /// No value (e.g. no recovery to time).
    Empty,
}

impl Cell {
    /// CSV text: shortest round-trip decimal, `true`/`false`, or empty.
    pub fn csv(self) -> String {
        match self {
            // `+ 0.0` turns -0.0 into 0.0: no "-0" cells.
            Cell::Number(v) if v.is_finite() => format!("{}", v + 0.0),
            Cell::Number(_) | Cell::Empty => String::new(),
            Cell::Count(n) => n.to_string(),
            Cell::Flag(b) => b.to_string(),
        }
    }

    /// Numeric value for charts and differences: flags are 0/1, empty is `None`.
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Number(v) if v.is_finite() => Some(v),
            Cell::Number(_) | Cell::Empty => None,
            Cell::Count(n) => Some(n as f64),
            Cell::Flag(b) => Some(f64::from(u8::from(b))),
        }
    }

    /// Parses CSV text back (`true`/`false`, a number, or empty).
    pub fn parse(text: &str) -> Option<f64> {
        match text.trim() {
            "" => None,
            "true" => Some(1.0),
            "false" => Some(0.0),
            t => t.parse().ok(),
        }
    }
}

/// One key figure.
#[derive(Clone, Copy, Debug)]
pub struct Kpi {
    /// Column name and `--kpi` value, unit last.
    pub name: &'static str,
    /// Label for people.
    pub label: &'static str,
    /// Reads the value.
    pub read: fn(&Summary) -> Cell,
}

/// Seconds from the last fault's end to sustained recovery; `None` unless recovered.
pub fn time_to_recover_s(summary: &Summary) -> Option<f64> {
    match summary.recovery {
        Recovery::Recovered { after_s } => Some(after_s),
        _ => None,
    }
}

/// The KPIs of a sweep row, in column order.
pub static SWEEP_KPIS: &[Kpi] = &[
    Kpi {
        name: "availability",
        label: "availability (ratio)",
        read: |s| Cell::Number(s.availability),
    },
    Kpi {
        name: "failed",
        label: "failed requests",
        read: |s| Cell::Count(s.failed),
    },
    Kpi {
        name: "peak_amplification",
        label: "peak amplification (attempts/request)",
        read: |s| Cell::Number(s.peak_amplification),
    },
    Kpi {
        name: "peak_backend_load_ratio",
        label: "peak backend load (× capacity)",
        read: |s| Cell::Number(s.peak_backend_load_ratio),
    },
    Kpi {
        name: "time_to_recover_s",
        label: "time to recover (s)",
        read: |s| time_to_recover_s(s).map_or(Cell::Empty, Cell::Number),
    },
    Kpi {
        name: "metastable",
        label: "metastable",
        read: |s| Cell::Flag(matches!(s.recovery, Recovery::Metastable { .. })),
    },
    Kpi {
        name: "slo_burn",
        label: "SLO burn (× error budget)",
        read: |s| Cell::Number(s.slo_burn),
    },
    Kpi {
        name: "cost",
        label: "cost of downtime",
        read: |s| Cell::Number(s.cost_of_downtime),
    },
];

/// The KPIs `diff` compares: the sweep's plus resolver load, wasted work and latency.
pub static DIFF_KPIS: &[Kpi] = &[
    Kpi {
        name: "peak_resolver_load_ratio",
        label: "peak resolver load (× capacity)",
        read: |s| Cell::Number(s.peak_resolver_load_ratio),
    },
    Kpi {
        name: "wasted_work",
        label: "wasted work (requests)",
        read: |s| Cell::Count(s.wasted_work),
    },
    Kpi {
        name: "latency_p50_ms",
        label: "latency p50 (ms)",
        read: |s| Cell::Number(s.latency_ms_p50_p90_p99[0]),
    },
    Kpi {
        name: "latency_p90_ms",
        label: "latency p90 (ms)",
        read: |s| Cell::Number(s.latency_ms_p50_p90_p99[1]),
    },
    Kpi {
        name: "latency_p99_ms",
        label: "latency p99 (ms)",
        read: |s| Cell::Number(s.latency_ms_p50_p90_p99[2]),
    },
];

/// A key figure with one value per entry of a list in the summary (a client class, a resolver, a
/// failover name): a sweep writes it as column `{name}.{entry}`, as `diff` names its rows.
#[derive(Clone, Copy, Debug)]
pub struct EntryKpi {
    /// Name before the dot, unit last.
    pub name: &'static str,
    /// Reads the entry's value; `None` when the run has no such entry.
    pub read: fn(&Summary, &str) -> Option<Cell>,
}

/// Per client class (`[[fleets]]`).
pub static CLASS_KPIS: &[EntryKpi] = &[EntryKpi {
    name: "availability",
    read: |s, entry| {
        s.classes
            .iter()
            .find(|c| c.name == entry)
            .map(|c| Cell::Number(c.availability))
    },
}];

/// Per resolver (`resolver:<i>`, resolv.conf order).
pub static RESOLVER_KPIS: &[EntryKpi] = &[
    EntryKpi {
        name: "peak_resolver_load_ratio",
        read: |s, entry| resolver(s, entry).map(|r| Cell::Number(r.peak_load_ratio)),
    },
    EntryKpi {
        name: "dns_dropped",
        read: |s, entry| resolver(s, entry).map(|r| Cell::Count(r.dropped)),
    },
];

/// Per DNS name with failover routing.
pub static FAILOVER_NAME_KPIS: &[EntryKpi] = &[EntryKpi {
    name: "time_on_secondary_s",
    read: |s, entry| {
        s.names
            .iter()
            .find(|n| n.name == entry)
            .map(|n| Cell::Number(n.time_on_secondary_s))
    },
}];

fn resolver<'s>(s: &'s Summary, name: &str) -> Option<&'s ResolverSummary> {
    s.resolvers.iter().find(|r| r.name == name)
}

/// A list in the summary with one entry per client class, resolver or failover name: the
/// entries a scenario's runs report, and the KPIs read per entry.
#[derive(Clone, Copy, Debug)]
pub struct EntryList {
    /// The entries a run of the scenario reports, in order.
    pub entries: fn(&Scenario) -> Vec<String>,
    /// The KPIs of each entry.
    pub kpis: &'static [EntryKpi],
}

/// The per-entry lists, in column order: each client class's availability; with several
/// resolvers, each resolver's peak load, then each one's dropped queries; each failover name's
/// time on its secondary region.
pub static ENTRY_LISTS: &[EntryList] = &[
    EntryList {
        entries: |sc| sc.raw.fleets.iter().map(|c| c.name.clone()).collect(),
        kpis: CLASS_KPIS,
    },
    EntryList {
        // One resolver's columns would repeat the overall resolver load.
        entries: |sc| {
            let count = sc.resolvers.len();
            (0..if count > 1 { count } else { 0 })
                .map(resolver_name)
                .collect()
        },
        kpis: RESOLVER_KPIS,
    },
    EntryList {
        // A failover name always has a summary (`Scenario::summarises_names`).
        entries: |sc| {
            sc.names
                .iter()
                .filter(|n| n.failover.is_some())
                .map(|n| n.name.clone())
                .collect()
        },
        kpis: FAILOVER_NAME_KPIS,
    },
];

/// The per-entry KPIs of runs of `scenarios`: for each list of [`ENTRY_LISTS`], each of its
/// KPIs for every entry any of the scenarios reports (the first one's entries first), as
/// `(kpi, entry)` in column order. A run without an entry reads nothing for it.
pub fn entry_columns(
    scenarios: impl IntoIterator<Item = impl Borrow<Scenario>>,
) -> Vec<(&'static EntryKpi, String)> {
    let mut entries: Vec<Vec<String>> = vec![Vec::new(); ENTRY_LISTS.len()];
    for scenario in scenarios {
        for (list, seen) in ENTRY_LISTS.iter().zip(&mut entries) {
            for entry in (list.entries)(scenario.borrow()) {
                if !seen.contains(&entry) {
                    seen.push(entry);
                }
            }
        }
    }
    let mut columns = Vec::new();
    for (list, entries) in ENTRY_LISTS.iter().zip(entries) {
        for kpi in list.kpis {
            columns.extend(entries.iter().map(|entry| (kpi, entry.clone())));
        }
    }
    columns
}

/// Finds a sweep KPI by name.
pub fn find(name: &str) -> Option<&'static Kpi> {
    SWEEP_KPIS.iter().find(|k| k.name == name)
}

/// Every sweep KPI name, for messages.
pub fn names() -> String {
    SWEEP_KPIS
        .iter()
        .map(|k| k.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip_through_csv() {
        for cell in [
            Cell::Number(0.1 + 0.2),
            Cell::Count(42),
            Cell::Flag(true),
            Cell::Empty,
            Cell::Number(f64::NAN),
        ] {
            assert_eq!(Cell::parse(&cell.csv()), cell.value(), "{cell:?}");
        }
    }
}
