//! The report of a run: time series per metric bucket and a summary.
//!
//! Owns: the series layout, the latency histogram, and the summary's definitions (availability,
//! peak amplification, time to recover, the metastable verdict, SLO burn, cost).
//! Must not: simulate. Everything here is computed from counts the engine recorded.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the report format (the JSON `stampede run --json` writes): raised whenever a field
/// is renamed, removed or changes meaning. Readers of reports (`stampede diff`, `merge`) refuse
/// another version. Reports without the field are from before the format was versioned (0).
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// Reads the summary of a report from its JSON text (what `stampede run --json` writes),
/// refusing a report of another format version with both versions named. The report writes
/// undefined numbers as `null`; they come back as NaN.
pub fn summary_from_report_json(text: &str) -> Result<Summary, String> {
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a report: {e}"))?;
    let found = value
        .get("format_version")
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    if found != u64::from(REPORT_FORMAT_VERSION) {
        let writer = match value.get("stampede_version").and_then(|v| v.as_str()) {
            Some(version) if !version.is_empty() => format!("Stampede {version}"),
            _ => "an older Stampede".to_string(),
        };
        return Err(format!(
            "report format version {found} (written by {writer}), but Stampede \
             {STAMPEDE_VERSION} reads version {REPORT_FORMAT_VERSION}: run the scenario again \
             to get a current report"
        ));
    }
    let mut summary = value
        .get_mut("summary")
        .map(serde_json::Value::take)
        .ok_or("not a report: no `summary`")?;
    nulls_to(&mut summary, NULL_SENTINEL);
    let mut summary: Summary = serde_json::from_value(summary)
        .map_err(|e| format!("not a report of version {REPORT_FORMAT_VERSION}: {e}"))?;
    let undefined = |v: &mut f64| {
        if *v == NULL_SENTINEL {
            *v = f64::NAN;
        }
    };
    undefined(&mut summary.baseline_goodput_per_s);
    undefined(&mut summary.latency_ms_mean);
    undefined(&mut summary.queue_wait_ms_mean);
    summary
        .latency_ms_p50_p90_p99
        .iter_mut()
        .for_each(undefined);
    Ok(summary)
}

/// Stands for `null` while a summary is decoded (no report figure is this value).
const NULL_SENTINEL: f64 = f64::MIN;

fn nulls_to(value: &mut serde_json::Value, number: f64) {
    match value {
        serde_json::Value::Null => {
            if let Some(n) = serde_json::Number::from_f64(number) {
                *value = serde_json::Value::Number(n);
            }
        }
        serde_json::Value::Array(list) => list.iter_mut().for_each(|v| nulls_to(v, number)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| nulls_to(v, number)),
        _ => {}
    }
}

/// The Stampede version that writes reports.
pub const STAMPEDE_VERSION: &str = env!("CARGO_PKG_VERSION");

mod latency;
mod outcome;
mod recovery;
mod series;

pub use latency::*;
use outcome::by_cause;
pub use outcome::*;
pub use recovery::*;
pub use series::*;

/// Headline figures of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// User requests that ended (success or failure), requests.
    pub requests_finished: u64,
    /// User requests still in flight when the run stopped, requests.
    pub requests_in_flight: u64,
    /// Successful user requests, requests.
    pub success: u64,
    /// Failed user requests, requests.
    pub failed: u64,
    /// Failed user requests by cause, keyed by the cause's name ([`Outcome::key`]).
    #[serde(with = "by_cause")]
    #[schemars(with = "ByCause<u64>")]
    pub failed_by_cause: [u64; FAILURE_CAUSES],
    /// Successful ÷ ended user requests (1 when none ended), fraction from 0 to 1.
    pub availability: f64,
    /// Largest attempts (first attempts, retries and hedges) ÷ user requests started over the
    /// complete buckets with at least 10 requests, attempts per request (1 = no retry, no hedge).
    pub peak_amplification: f64,
    /// Start of the bucket where amplification peaked, seconds.
    pub peak_amplification_at_s: f64,
    /// Largest attempts reaching the main backend ÷ what its workers could serve, over complete
    /// buckets, dimensionless (1 = exactly at capacity).
    pub peak_backend_load_ratio: f64,
    /// Start of the bucket where backend load peaked, seconds.
    pub peak_backend_load_at_s: f64,
    /// Largest resolver queries ÷ capacity over complete buckets (every resolver together; each
    /// one on its own: [`Summary::resolvers`]), dimensionless.
    pub peak_resolver_load_ratio: f64,
    /// Start of the bucket where the resolvers' load together peaked, seconds (each one on its
    /// own: [`ResolverSummary::peak_load_at_s`]).
    #[serde(default)]
    pub peak_resolver_load_at_s: f64,
    /// Successes per second before the first fault (the recovery target), requests per second;
    /// null without a fault.
    pub baseline_goodput_per_s: f64,
    /// Recovery verdict after the last fault.
    pub recovery: Recovery,
    /// Window after the last fault within which goodput must return, seconds.
    pub recovery_window_s: f64,
    /// Requests the main service served after their client gave up (further services: in
    /// [`Summary::services`]), requests.
    pub wasted_work: u64,
    /// Error budget consumed: failed ÷ (ended × (1 − `cost.slo_target`)), dimensionless (1 = the
    /// whole budget).
    pub slo_burn: f64,
    /// failed × `cost.per_failed_request` + downtime minutes × `cost.per_minute_down`, in the
    /// currency of those settings.
    pub cost_of_downtime: f64,
    /// Minutes of metric buckets whose availability (by completion time) is below the SLO
    /// target, minutes.
    #[serde(default)]
    pub downtime_minutes: f64,
    /// Mean latency of successful user requests, ms (null when none succeeded).
    pub latency_ms_mean: f64,
    /// Mean wait in the backend queue of the attempts served, ms.
    pub queue_wait_ms_mean: f64,
    /// Latency of successful requests over the run: 50th, 90th, 99th percentile, ms.
    pub latency_ms_p50_p90_p99: [f64; 3],
    /// Events the engine processed, events.
    pub events: u64,
    /// Per service, the main backend first; empty with one service.
    #[serde(default)]
    pub services: Vec<ServiceSummary>,
    /// Per client class (`[[fleets]]`), in order; empty with one class.
    #[serde(default)]
    pub classes: Vec<ClassSummary>,
    /// Per DNS name, the main one first; empty with one name that does not fail over
    /// ([`Scenario::summarises_names`](crate::Scenario::summarises_names)).
    #[serde(default)]
    pub names: Vec<NameSummary>,
    /// Per resolver, in resolv.conf order (one entry with a single resolver).
    #[serde(default)]
    pub resolvers: Vec<ResolverSummary>,
    /// Totals over the run: requests, attempts, retries, hedges, lookups, resolver queries.
    #[serde(default)]
    pub totals: Totals,
}

/// Totals over every bucket of the run, each a count of the unit in its name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Totals {
    /// User requests started, requests.
    pub requests: u64,
    /// Attempts started: first attempts, retries and hedges (the numerator of amplification),
    /// attempts.
    pub attempts: u64,
    /// Retry attempts started (after a failed attempt), attempts.
    pub retries: u64,
    /// Hedged attempts started (while an earlier attempt of the request was in flight), attempts.
    pub hedges: u64,
    /// First attempts of a request's later calls (after the calls of `depends_on`), attempts;
    /// not counted in `attempts`.
    pub later_call_attempts: u64,
    /// Attempts (of every call) that needed the name's address: no live pooled connection and
    /// no local override; each answered by the client's cache or a lookup, lookups.
    pub dns_lookups: u64,
    /// Of them, answered by the client's own cache (fresh or negative), lookups.
    pub dns_client_cache_answers: u64,
    /// Queries clients sent to the resolvers (every try of a lookup, background refreshes
    /// included, dropped ones too), queries.
    pub resolver_queries: u64,
    /// Queries the resolvers sent to the authoritative zone, queries.
    pub upstream_queries: u64,
}

impl Totals {
    /// The totals of a run's series.
    pub fn of(series: &Series) -> Totals {
        let sum = |v: &[u64]| v.iter().sum::<u64>();
        let attempts =
            sum(&series.attempts_first) + sum(&series.attempts_retry) + sum(&series.attempts_hedge);
        let later = sum(&series.attempts_later_call);
        Totals {
            requests: sum(&series.requests),
            attempts,
            retries: sum(&series.attempts_retry),
            hedges: sum(&series.attempts_hedge),
            later_call_attempts: later,
            dns_lookups: (attempts + later)
                .saturating_sub(sum(&series.connection_reused))
                .saturating_sub(sum(&series.dns_overridden)),
            dns_client_cache_answers: sum(&series.dns_client_cache)
                + sum(&series.dns_negative_cached),
            resolver_queries: sum(&series.dns_to_resolver),
            upstream_queries: sum(&series.dns_upstream),
        }
    }
}

/// Attempts started in bucket `b`: first attempts, retries and hedges (the numerator of
/// amplification; a hedge is an attempt like any other).
pub fn attempts_in_bucket(series: &Series, b: usize) -> u64 {
    series.attempts_first[b]
        + series.attempts_retry[b]
        + series.attempts_hedge.get(b).copied().unwrap_or(0)
}

/// Headline figures of one resolver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResolverSummary {
    /// The resolver as fault targets name it: `resolver:<index>`, 0-based in resolv.conf order.
    pub name: String,
    /// Queries clients sent it (every try of a lookup that reached it, dropped ones included).
    pub queries: u64,
    /// Of them, queries it dropped (over capacity, per-client limit, down, or silent zone).
    pub dropped: u64,
    /// Largest queries ÷ capacity over complete buckets.
    pub peak_load_ratio: f64,
    /// Start of the bucket where it peaked, seconds.
    pub peak_load_at_s: f64,
}

/// A peak load in words: `peak 0.61 × capacity at 265 s`, as the CLI's per-resolver and
/// per-service rows and the playground's summary sentence say it.
pub fn peak_load_text(ratio: f64, at_s: f64) -> String {
    format!(
        "peak {} × capacity at {} s",
        number(ratio, 2),
        number(at_s, 1)
    )
}

impl ResolverSummary {
    /// Its peak in words ([`peak_load_text`]).
    pub fn peak_text(&self) -> String {
        peak_load_text(self.peak_load_ratio, self.peak_load_at_s)
    }
}

/// Of several resolvers' summaries ([`Summary::resolvers`]), the one with the highest peak load
/// (the first in resolv.conf order of equals); `None` with one, whose peak is the overall
/// resolver load.
pub fn busiest_resolver(resolvers: &[ResolverSummary]) -> Option<&ResolverSummary> {
    if resolvers.len() < 2 {
        return None;
    }
    resolvers.iter().reduce(|busiest, r| {
        if r.peak_load_ratio > busiest.peak_load_ratio {
            r
        } else {
            busiest
        }
    })
}

/// Headline figures of one DNS name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NameSummary {
    /// The name.
    pub name: String,
    /// The service it answers.
    pub service: String,
    /// Whether it uses failover routing (a Route 53 health check of its service's primary).
    pub failover: bool,
    /// When its answer changed, in order: seconds from the run's start and the region (0 =
    /// primary) it answered from then on.
    pub switches: Vec<AnswerSwitch>,
    /// Time it answered a region other than its service's primary, up to the end of the last
    /// complete bucket, seconds.
    #[serde(default)]
    pub time_on_secondary_s: f64,
}

impl NameSummary {
    /// When its answer moved between regions, in words: `region 1 from 331.2 s, primary from
    /// 1021.2 s`, or `answered its primary throughout`. The CLI and the playground both say it.
    pub fn answer_history(&self) -> String {
        if self.switches.is_empty() {
            return "answered its primary throughout".to_string();
        }
        let changes: Vec<String> = self
            .switches
            .iter()
            .map(|w| {
                let region = if w.region == 0 {
                    "primary".to_string()
                } else {
                    format!("region {}", w.region)
                };
                format!("{region} from {} s", number(w.at_s, 1))
            })
            .collect();
        changes.join(", ")
    }

    /// Its routing and answer history in words: `failover routing to sts: region 1 from 331.2
    /// s, primary from 1021.2 s`.
    pub fn failover_text(&self) -> String {
        format!(
            "failover routing to {}: {}",
            self.service,
            self.answer_history()
        )
    }
}

/// A change of a name's answer (failover or failback).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnswerSwitch {
    /// When the new answer reached every name server, seconds from the run's start.
    pub at_s: f64,
    /// The region answered from then on (0 = primary).
    pub region: u8,
}

/// Headline figures of one service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceSummary {
    /// The service's name.
    pub name: String,
    /// Attempts that reached it.
    pub offered: u64,
    /// Largest offered ÷ capacity over buckets.
    pub peak_load_ratio: f64,
    /// Start of the bucket where it peaked, seconds.
    pub peak_load_at_s: f64,
    /// Work it served after the client gave up.
    pub wasted_work: u64,
}

/// The highest load of the complete buckets, `offered / capacity`, and when its bucket starts,
/// s; buckets without capacity have no ratio. `(0, 0)` when no bucket had load.
pub fn peak_load(
    offered: &[u64],
    capacity: &[f64],
    buckets_done: usize,
    bucket_s: f64,
) -> (f64, f64) {
    let mut peak = (0.0, 0.0);
    for b in 0..buckets_done {
        if capacity[b] <= 0.0 {
            continue;
        }
        let load = offered[b] as f64 / capacity[b];
        if load > peak.0 {
            peak = (load, b as f64 * bucket_s);
        }
    }
    peak
}

/// The name of the resolver at `index` in resolv.conf order, as fault targets and reports name
/// it: `resolver:<index>`.
pub fn resolver_name(index: usize) -> String {
    format!("resolver:{index}")
}

/// Each resolver's summary from the per-resolver series over the first `buckets_done` buckets
/// of `bucket_s` seconds: buckets without capacity have no ratio, as for the backend.
pub fn resolver_summaries(
    series: &Series,
    buckets_done: usize,
    bucket_s: f64,
) -> Vec<ResolverSummary> {
    series
        .resolver_queries
        .iter()
        .zip(&series.resolver_dropped)
        .zip(&series.resolver_capacities)
        .enumerate()
        .map(|(i, ((queries, dropped), capacity))| {
            let peak = peak_load(queries, capacity, buckets_done, bucket_s);
            ResolverSummary {
                name: resolver_name(i),
                queries: queries[..buckets_done].iter().sum(),
                dropped: dropped[..buckets_done].iter().sum(),
                peak_load_ratio: peak.0,
                peak_load_at_s: peak.1,
            }
        })
        .collect()
}

/// Headline figures of one client class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClassSummary {
    /// The class's name.
    pub name: String,
    /// User requests of the class that ended.
    pub requests_finished: u64,
    /// Of them, successes.
    pub success: u64,
    /// success / finished (1 when none finished).
    pub availability: f64,
}

/// The result of a run so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// Version of this format ([`REPORT_FORMAT_VERSION`]); 0 for reports written before it was
    /// versioned.
    #[serde(default)]
    pub format_version: u32,
    /// The Stampede version that wrote the report.
    #[serde(default)]
    pub stampede_version: String,
    /// Scenario title.
    pub title: String,
    /// Seed of the run.
    pub seed: u64,
    /// Bucket width, seconds.
    pub bucket_s: f64,
    /// Buckets in the whole run.
    pub buckets_total: usize,
    /// Buckets completed so far (the series hold this many meaningful values).
    pub buckets_done: usize,
    /// Simulated time reached, seconds.
    pub now_s: f64,
    /// Whether the run reached its horizon or stopped.
    pub finished: bool,
    /// Fault windows (start, end, label), seconds, for shading charts.
    pub fault_windows: Vec<(f64, f64, String)>,
    /// The time series.
    pub series: Series,
    /// Headline figures.
    pub summary: Summary,
    /// Things the reader must know (event budget reached, scaling used).
    pub diagnostics: Vec<String>,
    /// Real clients each simulated client stood for (1 = every client simulated; see
    /// `fleet.scale_max_clients`), clients.
    #[serde(default = "one")]
    pub client_scale_factor: u64,
}

fn one() -> u64 {
    1
}

/// The JSON Schema (draft 2020-12) of the report format (what `stampede run --json` writes),
/// generated from [`Report`], as pretty-printed JSON: every field with its documentation and unit.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

impl Report {
    /// Whether the run stopped before its horizon at its event budget or memory bound (the
    /// diagnostics say which): its figures cover only the simulated part.
    pub fn stopped_early(&self) -> bool {
        self.finished && self.buckets_done < self.buckets_total
    }

    /// Whether the figures are partial: the run is still going, or it stopped early.
    pub fn is_partial(&self) -> bool {
        !self.finished || self.stopped_early()
    }
}

/// `1234567` as `1,234,567`: counts in reports, the CLI and the playground.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number with at most `decimals` decimals and no trailing zeros; `—` when not finite: figures
/// in the CLI's tables and in wording both front ends share.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    // -0.0, or a small negative rounded to zero, reads as a plain zero.
    if s == "-0" { "0".to_string() } else { s }
}

/// A 64-bit fingerprint of a report (FNV-1a over its `Debug` text, which prints every float with
/// the shortest digits that round-trip, so two reports have the same fingerprint exactly when
/// every number is bit-identical). Used to compare native and wasm runs.
pub fn fingerprint(report: &Report) -> u64 {
    let text = format!("{report:?}");
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_never_writes_minus_zero() {
        assert_eq!(number(-0.0, 2), "0");
        assert_eq!(number(-0.004, 2), "0");
        assert_eq!(number(-0.4, 0), "0");
        assert_eq!(number(-1.26, 1), "-1.3");
        assert_eq!(number(0.0, 3), "0");
    }

    #[test]
    fn the_busiest_resolver_is_the_first_with_the_highest_peak() {
        let resolver = |i: usize, peak_load_ratio: f64| ResolverSummary {
            name: resolver_name(i),
            queries: 0,
            dropped: 0,
            peak_load_ratio,
            peak_load_at_s: 0.0,
        };
        let busiest = |peaks: &[f64]| {
            let resolvers: Vec<ResolverSummary> = peaks
                .iter()
                .enumerate()
                .map(|(i, p)| resolver(i, *p))
                .collect();
            busiest_resolver(&resolvers).map(|r| r.name.clone())
        };
        assert_eq!(
            busiest(&[0.5]),
            None,
            "one resolver: the overall load says it"
        );
        assert_eq!(busiest(&[0.2, 0.7, 0.1]).as_deref(), Some("resolver:1"));
        assert_eq!(busiest(&[0.4, 0.4]).as_deref(), Some("resolver:0"));
        assert_eq!(busiest(&[0.0, 0.0]).as_deref(), Some("resolver:0"));
    }
}
