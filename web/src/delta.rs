//! Report deltas: what changed in a streaming run's report since the worker's previous message.
//!
//! Owns: cutting a report into the buckets a message must carry ([`ReportDelta::between`]) and
//! appending them to the page's copy ([`ReportDelta::apply_to`]), column by column over every
//! series of [`Series`] (an exhaustive walk: a new series field does not compile until it is
//! listed here). The page's report after the last delta is the worker's final report, bit for bit.
//! Must not: compute figures (the summary travels whole, as the core computed it).

use serde::{Deserialize, Serialize};
use stampede_core::Report;
use stampede_core::report::{Series, Summary};

/// The buckets `[from_bucket, to_bucket)` of every series, plus the figures that describe the
/// whole run so far. A run's series have their full length from the start and a complete bucket
/// no longer changes, so each message carries the buckets completed since the previous one (the
/// bucket in progress is not drawn: charts and tables stop at `buckets_done`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportDelta {
    /// First bucket carried.
    pub from_bucket: u32,
    /// One past the last bucket carried.
    pub to_bucket: u32,
    /// Columns carried (every series of the report, nested ones flattened), for a shape check.
    pub columns: u32,
    /// The count series' values, column after column, `to_bucket - from_bucket` each.
    pub counts: Vec<u64>,
    /// The fractional series' values, column after column.
    pub values: Vec<f64>,
    /// Buckets completed, as in [`Report::buckets_done`].
    pub buckets_done: u32,
    /// Simulated time reached, seconds.
    pub now_s: f64,
    /// Whether the run has ended.
    pub finished: bool,
    /// The run's headline figures so far.
    pub summary: Summary,
    /// The report's diagnostics so far.
    pub diagnostics: Vec<String>,
}

/// Why a delta does not fit the report it is applied to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeltaError {
    /// The delta's buckets or columns are not the report's (another run, or another scenario).
    Shape(String),
}

impl std::fmt::Display for DeltaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeltaError::Shape(what) => write!(f, "report delta does not fit: {what}"),
        }
    }
}

impl ReportDelta {
    /// What a message sends of `report` when the previous one was cut with `sent` buckets done:
    /// the buckets completed since, and once the run has ended every bucket from `sent` on (a
    /// run stopped by its budget leaves later buckets as they are, and they are sent as such).
    pub fn since(report: Report, sent: usize) -> ReportDelta {
        let to = if report.finished {
            report.buckets_total
        } else {
            report.buckets_done
        };
        ReportDelta::between(report, sent, to)
    }

    /// The buckets `[from, to)` of `report` (clamped to its length) and its running figures.
    pub fn between(mut report: Report, from: usize, to: usize) -> ReportDelta {
        let to = to.min(report.buckets_total);
        let from = from.min(to);
        let mut cut = Cut {
            from,
            to,
            columns: 0,
            counts: Vec::new(),
            values: Vec::new(),
        };
        walk(&mut report.series, &mut cut);
        ReportDelta {
            from_bucket: from as u32,
            to_bucket: to as u32,
            columns: cut.columns,
            counts: cut.counts,
            values: cut.values,
            buckets_done: report.buckets_done as u32,
            now_s: report.now_s,
            finished: report.finished,
            summary: report.summary,
            diagnostics: report.diagnostics,
        }
    }

    /// Writes the delta into `report` (the run's earlier report, kept by the page).
    pub fn apply_to(self, report: &mut Report) -> Result<(), DeltaError> {
        let (from, to) = (self.from_bucket as usize, self.to_bucket as usize);
        if from > to || to > report.buckets_total {
            return Err(DeltaError::Shape(format!(
                "buckets {from}..{to} of a report of {}",
                report.buckets_total
            )));
        }
        let mut paste = Paste {
            from,
            to,
            columns: 0,
            counts: &self.counts,
            values: &self.values,
            short: false,
        };
        // Sizes first, so that a delta that does not fit leaves the report as it was.
        let mut sizes = Sizes::default();
        walk(&mut report.series, &mut sizes);
        let width = to - from;
        if sizes.columns != self.columns
            || sizes.counts * width != self.counts.len()
            || sizes.values * width != self.values.len()
            || sizes.shortest < to
        {
            return Err(DeltaError::Shape(format!(
                "{} columns ({} counts, {} values) for a report of {} columns ({} count and {} value series, the shortest {} buckets)",
                self.columns,
                self.counts.len(),
                self.values.len(),
                sizes.columns,
                sizes.counts,
                sizes.values,
                sizes.shortest
            )));
        }
        walk(&mut report.series, &mut paste);
        debug_assert!(!paste.short && paste.columns == self.columns);
        report.buckets_done = self.buckets_done as usize;
        report.now_s = self.now_s;
        report.finished = self.finished;
        report.summary = self.summary;
        report.diagnostics = self.diagnostics;
        Ok(())
    }
}

/// Something done to every column of a [`Series`].
trait Column {
    fn counts(&mut self, column: &mut Vec<u64>);
    fn values(&mut self, column: &mut Vec<f64>);
}

/// Visits every series column in a fixed order. The destructuring names every field, so a field
/// added to [`Series`] fails to compile here until it is walked too.
fn walk(series: &mut Series, c: &mut impl Column) {
    let Series {
        requests,
        attempts_first,
        attempts_retry,
        attempts_later_call,
        backend_offered,
        backend_capacity,
        refused_first,
        connection_reused,
        success,
        failed,
        dns_client_cache,
        dns_negative_cached,
        dns_to_resolver,
        dns_resolver_cache,
        dns_stale,
        dns_upstream,
        dns_dropped,
        resolver_capacity,
        dns_client_limited,
        resolver_queries,
        resolver_dropped,
        resolver_capacities,
        attempts_hedge,
        region_offered,
        failover_fraction,
        identity_fetches,
        identity_fetch_failed,
        identity_expired_used,
        telemetry_calls,
        telemetry_failed,
        dns_lookups_queued,
        dns_overridden,
        dns_prefetches,
        backend_throttled,
        leases_held_fraction,
        lease_reestablished,
        service_offered,
        service_capacity,
        service_queue_len_max,
        service_in_service_max,
        service_wasted,
        service_region_offered,
        name_failover_fraction,
        class_requests,
        class_success,
        class_failed,
        queue_len_max,
        in_service_max,
        wasted,
        dropped_abandoned,
        breaker_open_fraction,
        breaker_half_open_fraction,
        service_started,
        queue_wait_ms_sum,
        latency_ms_sum,
        latency_p50_ms,
        latency_p90_ms,
        latency_p99_ms,
    } = series;
    for column in [
        requests,
        attempts_first,
        attempts_retry,
        attempts_later_call,
        backend_offered,
        refused_first,
        connection_reused,
        success,
    ] {
        c.counts(column);
    }
    failed.iter_mut().for_each(|column| c.counts(column));
    for column in [
        dns_client_cache,
        dns_negative_cached,
        dns_to_resolver,
        dns_resolver_cache,
        dns_stale,
        dns_upstream,
        dns_dropped,
        dns_client_limited,
        attempts_hedge,
        identity_fetches,
        identity_fetch_failed,
        identity_expired_used,
        telemetry_calls,
        telemetry_failed,
        dns_lookups_queued,
        dns_overridden,
        dns_prefetches,
        backend_throttled,
        lease_reestablished,
        queue_len_max,
        in_service_max,
        wasted,
        dropped_abandoned,
        service_started,
    ] {
        c.counts(column);
    }
    for nested in [
        resolver_queries,
        resolver_dropped,
        region_offered,
        service_offered,
        service_queue_len_max,
        service_in_service_max,
        service_wasted,
        class_requests,
        class_success,
        class_failed,
    ] {
        nested.iter_mut().for_each(|column| c.counts(column));
    }
    service_region_offered
        .iter_mut()
        .flatten()
        .for_each(|column| c.counts(column));
    for column in [
        backend_capacity,
        resolver_capacity,
        failover_fraction,
        leases_held_fraction,
        breaker_open_fraction,
        breaker_half_open_fraction,
        queue_wait_ms_sum,
        latency_ms_sum,
        latency_p50_ms,
        latency_p90_ms,
        latency_p99_ms,
    ] {
        c.values(column);
    }
    for nested in [
        resolver_capacities,
        service_capacity,
        name_failover_fraction,
    ] {
        nested.iter_mut().for_each(|column| c.values(column));
    }
}

/// Copies buckets `[from, to)` of every column out.
struct Cut {
    from: usize,
    to: usize,
    columns: u32,
    counts: Vec<u64>,
    values: Vec<f64>,
}

impl Column for Cut {
    fn counts(&mut self, column: &mut Vec<u64>) {
        self.columns += 1;
        self.counts
            .extend_from_slice(&column[self.from.min(column.len())..self.to.min(column.len())]);
    }
    fn values(&mut self, column: &mut Vec<f64>) {
        self.columns += 1;
        self.values
            .extend_from_slice(&column[self.from.min(column.len())..self.to.min(column.len())]);
    }
}

/// Counts the columns of a report and finds the shortest.
struct Sizes {
    columns: u32,
    counts: usize,
    values: usize,
    shortest: usize,
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes {
            columns: 0,
            counts: 0,
            values: 0,
            shortest: usize::MAX,
        }
    }
}

impl Column for Sizes {
    fn counts(&mut self, column: &mut Vec<u64>) {
        self.columns += 1;
        self.counts += 1;
        self.shortest = self.shortest.min(column.len());
    }
    fn values(&mut self, column: &mut Vec<f64>) {
        self.columns += 1;
        self.values += 1;
        self.shortest = self.shortest.min(column.len());
    }
}

/// Writes buckets `[from, to)` of every column from the delta's values, in walk order.
struct Paste<'a> {
    from: usize,
    to: usize,
    columns: u32,
    counts: &'a [u64],
    values: &'a [f64],
    short: bool,
}

impl Column for Paste<'_> {
    fn counts(&mut self, column: &mut Vec<u64>) {
        self.columns += 1;
        let width = self.to - self.from;
        match (
            self.counts.split_at_checked(width),
            column.get_mut(self.from..self.to),
        ) {
            (Some((head, rest)), Some(target)) => {
                target.copy_from_slice(head);
                self.counts = rest;
            }
            _ => self.short = true,
        }
    }
    fn values(&mut self, column: &mut Vec<f64>) {
        self.columns += 1;
        let width = self.to - self.from;
        match (
            self.values.split_at_checked(width),
            column.get_mut(self.from..self.to),
        ) {
            (Some((head, rest)), Some(target)) => {
                target.copy_from_slice(head);
                self.values = rest;
            }
            _ => self.short = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stampede_core::presets::PRESETS;
    use stampede_core::{Scenario, SimTime, Simulation};

    /// Streams `scenario` in steps of `step`, the page side appending each delta as the worker
    /// would cut it, and checks the page's copy against the engine's report after every step.
    fn stream(scenario: &Scenario, step: SimTime) -> usize {
        let mut sim = Simulation::new(scenario);
        let mut page = sim.report();
        let mut sent_done = page.buckets_done;
        let mut messages = 0;
        while !sim.is_finished() {
            let next = sim.now().after(step);
            sim.advance_to(next);
            let report = sim.report();
            let done = report.buckets_done;
            let delta = ReportDelta::since(report.clone(), sent_done);
            sent_done = done;
            delta
                .apply_to(&mut page)
                .expect("the delta fits its run's report");
            messages += 1;
            let done = report.buckets_done;
            assert_eq!(
                bits(&page, done),
                bits(&report, done),
                "{}: the page's buckets before {done} differ from the engine's at {:?}",
                scenario.raw.title,
                sim.now()
            );
            // Debug text: NaN figures (no baseline yet) compare equal to themselves.
            assert_eq!(
                format!("{:?}", page.summary),
                format!("{:?}", report.summary)
            );
        }
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            serde_json::to_string(&sim.report()).unwrap(),
            "{}: the final report differs",
            scenario.raw.title
        );
        assert_eq!(
            bits(&page, page.buckets_total),
            bits(&sim.report(), page.buckets_total)
        );
        messages
    }

    /// Every value of every column up to bucket `n`, as bits (NaN compares equal to itself).
    fn bits(report: &Report, n: usize) -> Vec<u64> {
        struct Bits(usize, Vec<u64>);
        impl Column for Bits {
            fn counts(&mut self, column: &mut Vec<u64>) {
                self.1
                    .extend_from_slice(&column[..self.0.min(column.len())]);
            }
            fn values(&mut self, column: &mut Vec<f64>) {
                self.1.extend(
                    column[..self.0.min(column.len())]
                        .iter()
                        .map(|v| v.to_bits()),
                );
            }
        }
        let mut b = Bits(n, Vec::new());
        walk(&mut report.series.clone(), &mut b);
        b.1
    }

    fn scenario(name: &str) -> Scenario {
        let preset = PRESETS.iter().find(|p| p.name == name).expect("preset");
        Scenario::try_from(preset.raw().unwrap()).unwrap()
    }

    /// The page's report equals the engine's at every step, for presets of every shape: one
    /// fleet, client classes with dependencies, two regions with failover, leases, breakers.
    #[test]
    fn appending_deltas_rebuilds_the_engines_report_bit_for_bit() {
        for name in [
            "naive-retry-storm",
            "october-2025-control-plane",
            "circuit-breaker",
            "mixed-runtimes",
            "dependency-failover",
            "two-resolvers",
        ] {
            let mut sc = scenario(name);
            // Steps smaller than a bucket, as the worker's slices are, and a shortened run.
            let messages = stream(&sc, SimTime::from_s(sc.bucket.as_s() * 0.7));
            assert!(messages > 3, "{name}: {messages} messages");
            sc = scenario(name);
            stream(&sc, SimTime::from_s(sc.bucket.as_s() * 3.0));
        }
    }

    /// A run its event budget stops ends with buckets never reached: the last delta carries
    /// them as the engine left them.
    #[test]
    fn a_run_stopped_by_its_budget_rebuilds_too() {
        let preset = PRESETS
            .iter()
            .find(|p| p.name == "naive-retry-storm")
            .unwrap();
        let mut raw = preset.raw().unwrap();
        raw.run.event_budget = 300_000;
        let sc = Scenario::try_from(raw).unwrap();
        stream(&sc, SimTime::from_s(sc.bucket.as_s() * 0.7));
        let report = stampede_core::run(&sc);
        assert!(
            report.buckets_done < report.buckets_total,
            "the budget stops the run"
        );
    }

    #[test]
    fn a_delta_of_another_scenario_is_refused() {
        let mut one = Simulation::new(&scenario("naive-retry-storm")).report();
        let other = Simulation::new(&scenario("mixed-runtimes")).report();
        let delta = ReportDelta::between(other, 0, 2);
        assert!(matches!(
            delta.apply_to(&mut one),
            Err(DeltaError::Shape(_))
        ));
        let past_the_end = ReportDelta {
            to_bucket: one.buckets_total as u32 + 1,
            ..ReportDelta::between(one.clone(), 0, 1)
        };
        assert!(past_the_end.apply_to(&mut one).is_err());
    }
}
