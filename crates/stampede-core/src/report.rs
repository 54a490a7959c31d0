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

/// Why a user request failed (its last attempt's cause), or that it succeeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Served in time.
    Success,
    /// The name resolved to an empty answer (NODATA/NXDOMAIN), fresh or negatively cached.
    DnsEmpty,
    /// The resolver answered SERVFAIL.
    DnsServfail,
    /// The lookup timed out (dropped query, silent zone).
    DnsTimeout,
    /// The backend did not answer within the attempt timeout.
    RequestTimeout,
    /// The backend's queue was full.
    Rejected,
    /// The backend answered with an error (the `error_rate` fault).
    ServerError,
    /// A retry was due but the client's retry budget refused it; the last attempt's error surfaced.
    BudgetExhausted,
    /// Client-side adaptive throttling (SRE) rejected an attempt locally; nothing was sent.
    Throttled,
    /// The client's circuit breaker was open (or half-open with every probe out); nothing was sent.
    BreakerOpen,
    /// The next retry would have started after the request's overall deadline.
    DeadlineExceeded,
    /// A dependency the request needs failed: no identity token could be fetched (and no
    /// expired one may be used); nothing was sent.
    DependencyFailed,
    /// An operator's admission throttle (the `throttle` fault) turned the attempt away at the
    /// backend's door: a throttling error, retried as one.
    OperatorThrottled,
}

impl Outcome {
    /// Every failure cause, in display order.
    pub const FAILURES: [Outcome; FAILURE_CAUSES] = [
        Outcome::DnsEmpty,
        Outcome::DnsServfail,
        Outcome::DnsTimeout,
        Outcome::RequestTimeout,
        Outcome::Rejected,
        Outcome::ServerError,
        Outcome::BudgetExhausted,
        Outcome::Throttled,
        Outcome::BreakerOpen,
        Outcome::DeadlineExceeded,
        Outcome::DependencyFailed,
        Outcome::OperatorThrottled,
    ];

    /// Position in [`Outcome::FAILURES`]; `None` for success.
    pub fn failure_index(self) -> Option<usize> {
        Outcome::FAILURES.iter().position(|f| *f == self)
    }

    /// Label for people.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::DnsEmpty => "DNS empty answer",
            Outcome::DnsServfail => "DNS SERVFAIL",
            Outcome::DnsTimeout => "DNS timeout",
            Outcome::RequestTimeout => "request timeout",
            Outcome::Rejected => "queue full",
            Outcome::ServerError => "server error",
            Outcome::BudgetExhausted => "retry budget exhausted",
            Outcome::Throttled => "throttled by the client",
            Outcome::BreakerOpen => "circuit breaker open",
            Outcome::DeadlineExceeded => "deadline exceeded",
            Outcome::DependencyFailed => "dependency failed",
            Outcome::OperatorThrottled => "throttled by the operator",
        }
    }

    /// Name of the cause in reports (`failed_by_cause`, `series.failed`) and in CSV columns
    /// (`failed_<key>_per_bucket`): `dns_empty`, `queue_full`, `operator_throttled`, …
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::DnsEmpty => "dns_empty",
            Outcome::DnsServfail => "dns_servfail",
            Outcome::DnsTimeout => "dns_timeout",
            Outcome::RequestTimeout => "request_timeout",
            Outcome::Rejected => "queue_full",
            Outcome::ServerError => "server_error",
            Outcome::BudgetExhausted => "budget_exhausted",
            Outcome::Throttled => "throttled",
            Outcome::BreakerOpen => "breaker_open",
            Outcome::DeadlineExceeded => "deadline_exceeded",
            Outcome::DependencyFailed => "dependency",
            Outcome::OperatorThrottled => "operator_throttled",
        }
    }
}

/// Number of failure causes.
pub const FAILURE_CAUSES: usize = 12;

/// One value per failure cause, keyed by the cause's name ([`Outcome::key`]): how the report
/// writes `failed_by_cause` and `series.failed` (the fields follow [`Outcome::FAILURES`]; in the
/// engine they are arrays in that order).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ByCause<T> {
    /// The name resolved to an empty answer (NODATA/NXDOMAIN), fresh or negatively cached.
    pub dns_empty: T,
    /// The resolver answered SERVFAIL.
    pub dns_servfail: T,
    /// The lookup timed out (dropped query, silent zone).
    pub dns_timeout: T,
    /// The backend did not answer within the attempt timeout.
    pub request_timeout: T,
    /// The backend's queue was full.
    pub queue_full: T,
    /// The backend answered with an error (the `error_rate` or `region_loss` fault).
    pub server_error: T,
    /// A retry was due but the retry budget refused it; the last attempt's error surfaced.
    pub budget_exhausted: T,
    /// Client-side adaptive throttling (SRE) rejected an attempt locally; nothing was sent.
    pub throttled: T,
    /// The client's circuit breaker was open; nothing was sent.
    pub breaker_open: T,
    /// The next retry would have started after the request's overall deadline.
    pub deadline_exceeded: T,
    /// No identity token could be fetched (and no expired one may be used); nothing was sent.
    pub dependency: T,
    /// An operator's admission throttle (the `throttle` fault) turned the attempt away.
    pub operator_throttled: T,
}

impl<T: Clone> ByCause<T> {
    /// From values in [`Outcome::FAILURES`] order.
    pub fn from_array(values: &[T; FAILURE_CAUSES]) -> ByCause<T> {
        let [a, b, c, d, e, f, g, h, i, j, k, l] = values.clone();
        ByCause {
            dns_empty: a,
            dns_servfail: b,
            dns_timeout: c,
            request_timeout: d,
            queue_full: e,
            server_error: f,
            budget_exhausted: g,
            throttled: h,
            breaker_open: i,
            deadline_exceeded: j,
            dependency: k,
            operator_throttled: l,
        }
    }

    /// The values in [`Outcome::FAILURES`] order.
    pub fn into_array(self) -> [T; FAILURE_CAUSES] {
        [
            self.dns_empty,
            self.dns_servfail,
            self.dns_timeout,
            self.request_timeout,
            self.queue_full,
            self.server_error,
            self.budget_exhausted,
            self.throttled,
            self.breaker_open,
            self.deadline_exceeded,
            self.dependency,
            self.operator_throttled,
        ]
    }
}

/// serde for `[T; FAILURE_CAUSES]` fields written as [`ByCause`].
mod by_cause {
    use super::{ByCause, FAILURE_CAUSES};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize + Clone>(
        values: &[T; FAILURE_CAUSES],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        ByCause::from_array(values).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de> + Clone>(
        deserializer: D,
    ) -> Result<[T; FAILURE_CAUSES], D::Error> {
        ByCause::<T>::deserialize(deserializer).map(ByCause::into_array)
    }
}

/// Bounds of the latency histogram: bin `i` holds latencies in [LOW·R^i, LOW·R^(i+1)) ms.
pub const LATENCY_BINS: usize = 96;
const LATENCY_LOW_MS: f64 = 0.1;
const LATENCY_RATIO: f64 = 1.2;

/// Histogram bin of a latency: bin `k` ≥ 1 holds [`latency_bin_upper_ms`]`(k − 1)` up to
/// [`latency_bin_upper_ms`]`(k)`, bin 0 everything below, the last bin everything above. Found by
/// binary search over the edges (computed once with `libm`), with no logarithm per call.
pub fn latency_bin(latency_ms: f64) -> usize {
    static EDGES: std::sync::OnceLock<[f64; LATENCY_BINS - 1]> = std::sync::OnceLock::new();
    let edges = EDGES.get_or_init(|| std::array::from_fn(latency_bin_upper_ms));
    edges.partition_point(|edge| *edge <= latency_ms)
}

/// Sub-ranges per power of two, as bits, in [`LatencyBinTable`]: a sub-range spans a ratio of at
/// most 9/8, below [`LATENCY_RATIO`], so it holds at most one bin edge.
const SUBRANGE_BITS: u32 = 3;

/// Finds the histogram bin of a latency in integer microseconds with one table look-up and one
/// comparison: no floating point and no search on the per-request path.
#[derive(Debug)]
pub struct LatencyBinTable {
    /// Per bin `k` < 95: the least latency, µs, that [`latency_bin`] puts above bin `k`; then
    /// `u64::MAX`.
    edges_us: [u64; 256],
    /// Per sub-range of the microseconds (see `subrange`): the bin of its smallest value.
    first_bin: [u8; 64 << SUBRANGE_BITS],
}

impl LatencyBinTable {
    /// The table, computed once.
    pub fn get() -> &'static LatencyBinTable {
        static TABLE: std::sync::OnceLock<LatencyBinTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let ms = |us: u64| crate::time::SimTime(us).as_ms();
            let mut edges_us = [u64::MAX; 256];
            for (bin, edge_us) in edges_us.iter_mut().take(LATENCY_BINS - 1).enumerate() {
                let edge_ms = latency_bin_upper_ms(bin);
                let mut us = libm::ceil(edge_ms * 1e3) as u64;
                while us > 0 && edge_ms <= ms(us - 1) {
                    us -= 1;
                }
                while edge_ms > ms(us) {
                    us += 1;
                }
                *edge_us = us;
            }
            let mut first_bin = [0; 64 << SUBRANGE_BITS];
            for (i, bin) in first_bin.iter_mut().enumerate() {
                let low_us = subrange_low(i);
                *bin = edges_us[..LATENCY_BINS - 1].partition_point(|e| *e <= low_us) as u8;
            }
            LatencyBinTable {
                edges_us,
                first_bin,
            }
        })
    }

    /// Equals [`latency_bin`] of the latency in milliseconds (`SimTime(latency_us).as_ms()`).
    pub fn bin(&self, latency_us: u64) -> usize {
        let bin = self.first_bin[subrange(latency_us)];
        let next = usize::from(latency_us >= self.edges_us[usize::from(bin)]);
        (usize::from(bin) + next).min(LATENCY_BINS - 1)
    }
}

/// Index of the sub-range of `us`: below 2^`SUBRANGE_BITS` the value itself, above it the
/// exponent and the next `SUBRANGE_BITS` bits after the leading one.
fn subrange(us: u64) -> usize {
    if us < 1 << SUBRANGE_BITS {
        return us as usize;
    }
    let exponent = 63 - us.leading_zeros();
    let mantissa = (us >> (exponent - SUBRANGE_BITS)) & ((1 << SUBRANGE_BITS) - 1);
    (((exponent + 1 - SUBRANGE_BITS) << SUBRANGE_BITS) as u64 | mantissa) as usize
}

/// The smallest value of sub-range `index` (the inverse of `subrange`).
fn subrange_low(index: usize) -> u64 {
    let (high, mantissa) = (
        index >> SUBRANGE_BITS,
        (index & ((1 << SUBRANGE_BITS) - 1)) as u64,
    );
    if high == 0 {
        return mantissa;
    }
    let exponent = high as u32 + SUBRANGE_BITS - 1;
    if exponent > 63 {
        return u64::MAX;
    }
    (1 << exponent) | (mantissa << (exponent - SUBRANGE_BITS))
}

/// Upper edge of a latency bin, ms.
pub fn latency_bin_upper_ms(bin: usize) -> f64 {
    LATENCY_LOW_MS * libm::pow(LATENCY_RATIO, (bin + 1) as f64)
}

/// The `q` quantile (0..1) of a histogram, as the upper edge of its bin; NaN when empty.
///
/// Out of line: `Engine::report` calls it three times per bucket, and inlined there its loop
/// made V8 recompile the whole report (16 kB of wasm, 30–50 ms of TurboFan) during the next run.
#[inline(never)]
pub fn histogram_quantile(histogram: &[u64], q: f64) -> f64 {
    let total: u64 = histogram.iter().sum();
    if total == 0 {
        return f64::NAN;
    }
    let rank = libm::ceil(q * total as f64).max(1.0) as u64;
    let mut seen = 0;
    for (bin, count) in histogram.iter().enumerate() {
        seen += count;
        if seen >= rank {
            return latency_bin_upper_ms(bin);
        }
    }
    latency_bin_upper_ms(histogram.len() - 1)
}

/// Time series, one element per metric bucket. Counts are per bucket, not per second.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Series {
    /// User requests started.
    pub requests: Vec<u64>,
    /// First attempts started.
    pub attempts_first: Vec<u64>,
    /// Retry attempts started.
    pub attempts_retry: Vec<u64>,
    /// First attempts of a request's later calls (after a call it makes before its main one).
    #[serde(default)]
    pub attempts_later_call: Vec<u64>,
    /// Attempts that reached the backend (queued, served at once, or rejected).
    pub backend_offered: Vec<u64>,
    /// What the backend could serve in the bucket with its workers in force.
    pub backend_capacity: Vec<f64>,
    /// User requests refused on the client before their first attempt (breaker open, throttled,
    /// no identity token).
    pub refused_first: Vec<u64>,
    /// Attempts sent on a live pooled connection, without a DNS lookup.
    pub connection_reused: Vec<u64>,
    /// User requests that succeeded, by completion time.
    pub success: Vec<u64>,
    /// User requests that failed, by completion time, one series per cause, keyed by the cause's
    /// name ([`Outcome::key`]).
    #[serde(with = "by_cause")]
    #[schemars(with = "ByCause<Vec<u64>>")]
    pub failed: [Vec<u64>; FAILURE_CAUSES],
    /// Lookups answered from a fresh client cache entry.
    pub dns_client_cache: Vec<u64>,
    /// Lookups answered from a client's negative cache entry.
    pub dns_negative_cached: Vec<u64>,
    /// Queries sent to the resolver.
    pub dns_to_resolver: Vec<u64>,
    /// Resolver answers from its cache.
    pub dns_resolver_cache: Vec<u64>,
    /// Resolver answers served stale.
    pub dns_stale: Vec<u64>,
    /// Queries the resolver sent to the authoritative zone.
    pub dns_upstream: Vec<u64>,
    /// Queries the resolver dropped (over capacity, or silent zone).
    pub dns_dropped: Vec<u64>,
    /// Answers the resolvers together could give in the bucket.
    pub resolver_capacity: Vec<f64>,
    /// Queries dropped by a resolver's per-client rate limit (included in `dns_dropped`).
    #[serde(default)]
    pub dns_client_limited: Vec<u64>,
    /// Queries sent to each resolver, one series per resolver in resolv.conf order.
    #[serde(default)]
    pub resolver_queries: Vec<Vec<u64>>,
    /// Queries each resolver dropped (over capacity, per-client limit, down, or silent zone).
    #[serde(default)]
    pub resolver_dropped: Vec<Vec<u64>>,
    /// Answers each resolver could give in the bucket.
    #[serde(default)]
    pub resolver_capacities: Vec<Vec<f64>>,
    /// Hedged attempts started (sent while an earlier attempt of the same request was in flight).
    #[serde(default)]
    pub attempts_hedge: Vec<u64>,
    /// Attempts that reached each region's backend, one series per region (0 = primary).
    #[serde(default)]
    pub region_offered: Vec<Vec<u64>>,
    /// Fraction of the bucket during which the name answered the secondary region (failover).
    #[serde(default)]
    pub failover_fraction: Vec<f64>,
    /// Identity-token fetches started.
    #[serde(default)]
    pub identity_fetches: Vec<u64>,
    /// Identity-token fetches that failed.
    #[serde(default)]
    pub identity_fetch_failed: Vec<u64>,
    /// Requests sent with an expired token after a failed fetch (`fallback = "cached"`).
    #[serde(default)]
    pub identity_expired_used: Vec<u64>,
    /// Telemetry calls made (one per ended user request).
    #[serde(default)]
    pub telemetry_calls: Vec<u64>,
    /// Telemetry calls that failed (never a request failure: fail-open).
    #[serde(default)]
    pub telemetry_failed: Vec<u64>,
    /// Lookups that had to wait for a free place under `client_dns.lookups_in_flight_max`.
    #[serde(default)]
    pub dns_lookups_queued: Vec<u64>,
    /// Attempts that took the name from a client's local override (`dns_override`) instead of
    /// DNS (counted by attempts that needed an answer, as the client cache's are).
    #[serde(default)]
    pub dns_overridden: Vec<u64>,
    /// Background refreshes of client cache entries (`client_dns.prefetch_s`) started.
    #[serde(default)]
    pub dns_prefetches: Vec<u64>,
    /// Attempts an operator's throttle rejected at the backend's door (counted among the
    /// attempts that reached the backend).
    #[serde(default)]
    pub backend_throttled: Vec<u64>,
    /// Fraction of clients holding a lease at the end of the bucket (1 without leases).
    #[serde(default)]
    pub leases_held_fraction: Vec<f64>,
    /// Attempts a worker started serving that re-establish a lapsed lease.
    #[serde(default)]
    pub lease_reestablished: Vec<u64>,
    /// Attempts that reached each service, one series per service (`Scenario::services`, the
    /// main backend first); empty with one service.
    #[serde(default)]
    pub service_offered: Vec<Vec<u64>>,
    /// What each service could serve in the bucket with its workers in force; empty with one.
    #[serde(default)]
    pub service_capacity: Vec<Vec<f64>>,
    /// Largest queue length of each service in the bucket; empty with one service.
    #[serde(default)]
    pub service_queue_len_max: Vec<Vec<u64>>,
    /// Most attempts in service at once on each service in the bucket; empty with one service.
    #[serde(default)]
    pub service_in_service_max: Vec<Vec<u64>>,
    /// Work each service served after its client gave up; empty with one service.
    #[serde(default)]
    pub service_wasted: Vec<Vec<u64>>,
    /// Attempts that reached each region of each service: per service (the main backend
    /// first), one series per region (0 = primary); empty with one service.
    #[serde(default)]
    pub service_region_offered: Vec<Vec<Vec<u64>>>,
    /// Per DNS name (the main one first, then `[[names]]`): fraction of the bucket during which
    /// it answered its service's secondary region (failover); empty with one name.
    #[serde(default)]
    pub name_failover_fraction: Vec<Vec<f64>>,
    /// User requests started, one series per client class (`[[fleets]]`); empty with one class.
    #[serde(default)]
    pub class_requests: Vec<Vec<u64>>,
    /// User requests that succeeded, per client class; empty with one class.
    #[serde(default)]
    pub class_success: Vec<Vec<u64>>,
    /// User requests that failed (any cause), per client class; empty with one class.
    #[serde(default)]
    pub class_failed: Vec<Vec<u64>>,
    /// Largest backend queue length seen in the bucket.
    pub queue_len_max: Vec<u64>,
    /// Most attempts in service at once on the backend (busy workers, all regions) in the bucket.
    #[serde(default)]
    pub in_service_max: Vec<u64>,
    /// Requests served after their client gave up (wasted work).
    pub wasted: Vec<u64>,
    /// Queued requests the backend dropped unserved: their client had given up
    /// (`drop_abandoned`), or an operator's throttle flushed the queue (`flush_queue`).
    pub dropped_abandoned: Vec<u64>,
    /// Fraction of clients whose breaker is open, time-weighted over the bucket (0 without breakers).
    pub breaker_open_fraction: Vec<f64>,
    /// Fraction of clients whose breaker is half-open, time-weighted over the bucket; closed is the rest.
    pub breaker_half_open_fraction: Vec<f64>,
    /// Attempts a worker started serving.
    pub service_started: Vec<u64>,
    /// Sum of their waits in the queue, ms.
    pub queue_wait_ms_sum: Vec<f64>,
    /// Sum of the latencies of successful user requests, ms.
    pub latency_ms_sum: Vec<f64>,
    /// Latency of successful user requests: 50th percentile, ms (NaN when none).
    pub latency_p50_ms: Vec<f64>,
    /// 90th percentile, ms.
    pub latency_p90_ms: Vec<f64>,
    /// 99th percentile, ms.
    pub latency_p99_ms: Vec<f64>,
}

impl Series {
    /// Empty series for `buckets` buckets, `resolvers` resolvers, `regions` regions, and
    /// per-class and per-service series for `classes` client classes and `services` services
    /// (0 each when there is only one).
    pub fn empty(
        buckets: usize,
        resolvers: usize,
        regions: usize,
        classes: usize,
        services: usize,
    ) -> Series {
        let zeros = || vec![0u64; buckets];
        Series {
            service_offered: vec![zeros(); services],
            service_capacity: vec![vec![0.0; buckets]; services],
            service_queue_len_max: vec![zeros(); services],
            service_in_service_max: vec![zeros(); services],
            service_wasted: vec![zeros(); services],
            service_region_offered: Vec::new(),
            name_failover_fraction: Vec::new(),
            class_requests: vec![zeros(); classes],
            class_success: vec![zeros(); classes],
            class_failed: vec![zeros(); classes],
            requests: zeros(),
            attempts_first: zeros(),
            attempts_retry: zeros(),
            attempts_later_call: zeros(),
            backend_offered: zeros(),
            backend_capacity: vec![0.0; buckets],
            refused_first: zeros(),
            connection_reused: zeros(),
            success: zeros(),
            failed: std::array::from_fn(|_| zeros()),
            dns_client_cache: zeros(),
            dns_negative_cached: zeros(),
            dns_to_resolver: zeros(),
            dns_resolver_cache: zeros(),
            dns_stale: zeros(),
            dns_upstream: zeros(),
            dns_dropped: zeros(),
            resolver_capacity: vec![0.0; buckets],
            dns_client_limited: zeros(),
            resolver_queries: vec![zeros(); resolvers],
            resolver_dropped: vec![zeros(); resolvers],
            resolver_capacities: vec![vec![0.0; buckets]; resolvers],
            attempts_hedge: zeros(),
            region_offered: vec![zeros(); regions],
            failover_fraction: vec![0.0; buckets],
            identity_fetches: zeros(),
            identity_fetch_failed: zeros(),
            identity_expired_used: zeros(),
            telemetry_calls: zeros(),
            telemetry_failed: zeros(),
            dns_lookups_queued: zeros(),
            dns_prefetches: zeros(),
            dns_overridden: zeros(),
            backend_throttled: zeros(),
            in_service_max: zeros(),
            leases_held_fraction: vec![1.0; buckets],
            lease_reestablished: zeros(),
            queue_len_max: zeros(),
            wasted: zeros(),
            dropped_abandoned: zeros(),
            breaker_open_fraction: vec![0.0; buckets],
            breaker_half_open_fraction: vec![0.0; buckets],
            service_started: zeros(),
            queue_wait_ms_sum: vec![0.0; buckets],
            latency_ms_sum: vec![0.0; buckets],
            latency_p50_ms: vec![f64::NAN; buckets],
            latency_p90_ms: vec![f64::NAN; buckets],
            latency_p99_ms: vec![f64::NAN; buckets],
        }
    }

    /// These series with per-region series for services of `service_regions` regions each (the
    /// main backend first; none with one service) and per-name series for `names` DNS names
    /// (none with one name).
    pub fn with_topology(mut self, service_regions: &[usize], names: usize) -> Series {
        let buckets = self.requests.len();
        if service_regions.len() > 1 {
            self.service_region_offered = service_regions
                .iter()
                .map(|regions| vec![vec![0; buckets]; *regions])
                .collect();
        }
        if names > 1 {
            self.name_failover_fraction = vec![vec![0.0; buckets]; names];
        }
        self
    }

    /// Failed user requests in bucket `b`, all causes.
    pub fn failed_total(&self, b: usize) -> u64 {
        self.failed.iter().map(|s| s[b]).sum()
    }
}

/// Whether and when the system recovered after the last fault ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Recovery {
    /// The scenario has no fault.
    NoFault,
    /// The run ended before the last fault did.
    FaultStillActive,
    /// Goodput returned to the baseline this many seconds after the last fault ended.
    Recovered {
        /// Seconds from the end of the last fault to the start of sustained recovered goodput.
        after_s: f64,
    },
    /// Goodput had not returned within the recovery window: a metastable failure.
    Metastable {
        /// Seconds observed after the last fault ended.
        observed_s: f64,
    },
    /// Not recovered yet, but the run ended before the recovery window did.
    Undetermined {
        /// Seconds observed after the last fault ended.
        observed_s: f64,
    },
}

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

/// Fraction of baseline goodput that counts as recovered.
pub const RECOVERED_GOODPUT_FRACTION: f64 = 0.95;
/// Consecutive recovered buckets needed to call recovery sustained.
pub const RECOVERED_BUCKETS_HELD: usize = 3;

/// Inputs of [`recovery_verdict`].
#[derive(Clone, Copy, Debug)]
pub struct RecoveryInput<'a> {
    /// Successes per bucket.
    pub success: &'a [u64],
    /// Buckets completed.
    pub buckets_done: usize,
    /// Bucket width, s.
    pub bucket_s: f64,
    /// First fault start, s.
    pub first_fault_start_s: Option<f64>,
    /// Last fault end, s.
    pub last_fault_end_s: Option<f64>,
    /// Recovery window, s.
    pub window_s: f64,
}

/// Baseline goodput (per bucket) and the recovery verdict.
///
/// Baseline: mean successes per bucket over the complete buckets before the first fault, skipping
/// the first bucket (warm-up). Recovered: the first bucket starting at or after the last fault's
/// end from which [`RECOVERED_BUCKETS_HELD`] consecutive buckets (or all remaining ones) each reach
/// [`RECOVERED_GOODPUT_FRACTION`] of the baseline. Time to recover is that bucket's start minus
/// the fault's end. Metastable: not recovered within `window_s` after the fault's end.
pub fn recovery_verdict(input: RecoveryInput<'_>) -> (f64, Recovery) {
    let (Some(start_s), Some(end_s)) = (input.first_fault_start_s, input.last_fault_end_s) else {
        return (f64::NAN, Recovery::NoFault);
    };
    let pre_buckets = (start_s / input.bucket_s) as usize;
    let pre = &input.success[..pre_buckets.min(input.buckets_done)];
    let pre = if pre.len() > 1 { &pre[1..] } else { pre };
    let baseline = if pre.is_empty() {
        f64::NAN
    } else {
        pre.iter().sum::<u64>() as f64 / pre.len() as f64
    };
    let done_s = input.buckets_done as f64 * input.bucket_s;
    if done_s < end_s {
        return (baseline, Recovery::FaultStillActive);
    }
    if baseline.is_nan() {
        // No complete bucket before the first fault: nothing to recover to.
        return (
            baseline,
            Recovery::Undetermined {
                observed_s: done_s - end_s,
            },
        );
    }
    let first = libm::ceil(end_s / input.bucket_s - 1e-9) as usize;
    let ok = |b: usize| {
        baseline.is_nan() || input.success[b] as f64 >= RECOVERED_GOODPUT_FRACTION * baseline
    };
    let mut b = first;
    while b < input.buckets_done {
        let held_end = (b + RECOVERED_BUCKETS_HELD).min(input.buckets_done);
        match (b..held_end).find(|&k| !ok(k)) {
            None => {
                let after_s = (b as f64 * input.bucket_s - end_s).max(0.0);
                if after_s > input.window_s {
                    return (
                        baseline,
                        Recovery::Metastable {
                            observed_s: done_s - end_s,
                        },
                    );
                }
                return (baseline, Recovery::Recovered { after_s });
            }
            Some(bad) => b = bad + 1,
        }
    }
    let observed_s = done_s - end_s;
    if observed_s >= input.window_s {
        (baseline, Recovery::Metastable { observed_s })
    } else {
        (baseline, Recovery::Undetermined { observed_s })
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

    fn verdict(success: &[u64], start: f64, end: f64, window: f64) -> Recovery {
        recovery_verdict(RecoveryInput {
            success,
            buckets_done: success.len(),
            bucket_s: 10.0,
            first_fault_start_s: Some(start),
            last_fault_end_s: Some(end),
            window_s: window,
        })
        .1
    }

    /// The report's keyed causes follow [`Outcome::FAILURES`] and [`Outcome::key`]: a value
    /// put at a cause's index comes back under that cause's name.
    #[test]
    fn zero_is_never_negative_in_words() {
        let empty: f64 = Vec::<f64>::new().iter().sum();
        assert_eq!(number(empty, 2), "0");
        assert_eq!(number(-0.001, 2), "0");
        assert_eq!(number(-1.5, 1), "-1.5");
    }

    #[test]
    fn causes_are_keyed_by_name_in_order() {
        let values: [u64; FAILURE_CAUSES] = std::array::from_fn(|i| i as u64 * 10);
        let json = serde_json::to_value(ByCause::from_array(&values)).expect("encodes");
        for (i, cause) in Outcome::FAILURES.iter().enumerate() {
            assert_eq!(json[cause.key()], values[i], "{}", cause.key());
        }
        assert_eq!(json.as_object().map(|o| o.len()), Some(FAILURE_CAUSES));
        let back: ByCause<u64> = serde_json::from_value(json).expect("decodes");
        assert_eq!(back.into_array(), values);
    }

    #[test]
    fn recovery_cases() {
        // Buckets of 10 s; fault 30..50 s; baseline (buckets 1, 2) is 100.
        let recovered = [90, 100, 100, 0, 0, 10, 96, 100, 99, 100];
        assert_eq!(
            verdict(&recovered, 30.0, 50.0, 100.0),
            Recovery::Recovered { after_s: 10.0 }
        );
        let blip = [90, 100, 100, 0, 0, 96, 10, 97, 100, 100];
        assert_eq!(
            verdict(&blip, 30.0, 50.0, 100.0),
            Recovery::Recovered { after_s: 20.0 }
        );
        let stuck = [90, 100, 100, 0, 0, 10, 10, 10, 10, 10];
        assert_eq!(
            verdict(&stuck, 30.0, 50.0, 30.0),
            Recovery::Metastable { observed_s: 50.0 }
        );
        assert_eq!(
            verdict(&stuck, 30.0, 50.0, 300.0),
            Recovery::Undetermined { observed_s: 50.0 }
        );
        assert_eq!(
            verdict(&stuck, 30.0, 200.0, 30.0),
            Recovery::FaultStillActive
        );
        // A fault from t = 0 leaves no baseline to recover to: never "recovered" by default.
        assert_eq!(
            verdict(&stuck, 0.0, 50.0, 30.0),
            Recovery::Undetermined { observed_s: 50.0 }
        );
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

    #[test]
    fn quantiles_come_from_the_right_bins() {
        let mut h = vec![0u64; LATENCY_BINS];
        for (latency_ms, bin) in [
            (0.05, 0),
            (0.1, 0),
            (0.11, 0),
            (0.12, 1),
            (0.13, 1),
            (1e9, 95),
        ] {
            assert_eq!(latency_bin(latency_ms), bin, "{latency_ms} ms");
        }
        for bin in 0..LATENCY_BINS - 1 {
            let upper = latency_bin_upper_ms(bin);
            assert_eq!(latency_bin(upper * 0.999_999), bin);
            assert_eq!(latency_bin(upper), bin + 1);
        }
        let table = LatencyBinTable::get();
        let us_max = if cfg!(debug_assertions) {
            1 << 20
        } else {
            1 << 25
        };
        let mut draws = crate::rng::Rng::stream(1, crate::rng::StreamId::Arrivals);
        let wide = (0..100_000).map(|_| draws.next_u64() >> (draws.next_u64() % 64));
        for us in (0..us_max).chain(wide).chain([u64::MAX - 1, u64::MAX]) {
            let ms = crate::time::SimTime(us).as_ms();
            assert_eq!(table.bin(us), latency_bin(ms), "{us} µs");
        }
        for i in 1..=subrange(u64::MAX) {
            assert_eq!(subrange(subrange_low(i)), i);
            assert!(subrange_low(i) > subrange_low(i - 1));
        }
        h[latency_bin(1.0)] += 50;
        h[latency_bin(100.0)] += 50;
        assert!(histogram_quantile(&h, 0.5) <= 1.0 * LATENCY_RATIO);
        assert!(histogram_quantile(&h, 0.9) > 100.0);
        assert!(histogram_quantile(&[0; 4], 0.5).is_nan());
    }
}
