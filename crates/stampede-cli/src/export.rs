//! Files written from one report: JSON (the report as is), CSV (one row per metric bucket) and
//! SVG or PNG charts (one file per chart kind, drawn by `stampede-charts`; PNGs are those SVGs
//! rasterised by [`crate::raster`]).
//!
//! Owns: the CSV column names and units, and file naming of the charts.
//! Must not: change a value. The JSON is the report's own serde form; the CSV prints each series
//! value with the shortest decimal that round-trips.

pub use stampede_cli::stdio::is_stdout;
use std::path::{Path, PathBuf};

use stampede_charts::{ChartKind, Theme};
use stampede_core::Report;
use stampede_core::report::{Outcome, Series};

use crate::error::{CliError, CliResult};
use crate::raster;

/// The report as pretty JSON (non-finite numbers become `null`).
pub fn report_json(report: &Report) -> CliResult<String> {
    serde_json::to_string_pretty(report)
        .map_err(|e| CliError::Runtime(format!("cannot encode the report as JSON: {e}")))
}

/// A count, or an empty cell for a series the run did not record.
fn count(v: &[u64], b: usize) -> String {
    v.get(b).map_or(String::new(), u64::to_string)
}

/// A real number, or an empty cell (not finite, or a series the run did not record).
fn real(v: &[f64], b: usize) -> String {
    match v.get(b) {
        // `+ 0.0` turns -0.0 into 0.0: no "-0" cells.
        Some(x) if x.is_finite() => format!("{}", x + 0.0),
        _ => String::new(),
    }
}

/// One CSV column: name with its unit last, and how to read bucket `b`.
type Column = (&'static str, fn(&Series, usize) -> String);

/// Every series column after `bucket` and `start_s`, in order. Failures follow [`Outcome::FAILURES`].
const COLUMNS: &[Column] = &[
    ("requests_per_bucket", |s, b| count(&s.requests, b)),
    ("attempts_first_per_bucket", |s, b| {
        count(&s.attempts_first, b)
    }),
    ("attempts_retry_per_bucket", |s, b| {
        count(&s.attempts_retry, b)
    }),
    ("backend_offered_per_bucket", |s, b| {
        count(&s.backend_offered, b)
    }),
    ("backend_capacity_per_bucket", |s, b| {
        real(&s.backend_capacity, b)
    }),
    ("success_per_bucket", |s, b| count(&s.success, b)),
    ("dns_client_cache_per_bucket", |s, b| {
        count(&s.dns_client_cache, b)
    }),
    ("dns_negative_cached_per_bucket", |s, b| {
        count(&s.dns_negative_cached, b)
    }),
    ("dns_to_resolver_per_bucket", |s, b| {
        count(&s.dns_to_resolver, b)
    }),
    ("dns_resolver_cache_per_bucket", |s, b| {
        count(&s.dns_resolver_cache, b)
    }),
    ("dns_stale_per_bucket", |s, b| count(&s.dns_stale, b)),
    ("dns_upstream_per_bucket", |s, b| count(&s.dns_upstream, b)),
    ("dns_dropped_per_bucket", |s, b| count(&s.dns_dropped, b)),
    ("resolver_capacity_per_bucket", |s, b| {
        real(&s.resolver_capacity, b)
    }),
    ("queue_len_max_requests", |s, b| count(&s.queue_len_max, b)),
    ("in_service_max_requests", |s, b| {
        count(&s.in_service_max, b)
    }),
    ("wasted_per_bucket", |s, b| count(&s.wasted, b)),
    ("service_started_per_bucket", |s, b| {
        count(&s.service_started, b)
    }),
    ("queue_wait_ms_sum", |s, b| real(&s.queue_wait_ms_sum, b)),
    ("latency_ms_sum", |s, b| real(&s.latency_ms_sum, b)),
    ("latency_p50_ms", |s, b| real(&s.latency_p50_ms, b)),
    ("latency_p90_ms", |s, b| real(&s.latency_p90_ms, b)),
    ("latency_p99_ms", |s, b| real(&s.latency_p99_ms, b)),
    ("attempts_later_call_per_bucket", |s, b| {
        count(&s.attempts_later_call, b)
    }),
    ("attempts_hedge_per_bucket", |s, b| {
        count(&s.attempts_hedge, b)
    }),
    ("refused_first_per_bucket", |s, b| {
        count(&s.refused_first, b)
    }),
    ("breaker_open_fraction", |s, b| {
        real(&s.breaker_open_fraction, b)
    }),
    ("breaker_half_open_fraction", |s, b| {
        real(&s.breaker_half_open_fraction, b)
    }),
    ("failover_fraction", |s, b| real(&s.failover_fraction, b)),
    ("dns_overridden_per_bucket", |s, b| {
        count(&s.dns_overridden, b)
    }),
    ("dns_prefetches_per_bucket", |s, b| {
        count(&s.dns_prefetches, b)
    }),
    ("backend_throttled_per_bucket", |s, b| {
        count(&s.backend_throttled, b)
    }),
    ("leases_held_fraction", |s, b| {
        real(&s.leases_held_fraction, b)
    }),
    ("lease_reestablished_per_bucket", |s, b| {
        count(&s.lease_reestablished, b)
    }),
];

/// Column name of the failures of one cause (every cause of [`Outcome::FAILURES`] has one).
fn failure_column(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Success => "success_per_bucket",
        Outcome::DnsEmpty => "failed_dns_empty_per_bucket",
        Outcome::DnsServfail => "failed_dns_servfail_per_bucket",
        Outcome::DnsTimeout => "failed_dns_timeout_per_bucket",
        Outcome::RequestTimeout => "failed_request_timeout_per_bucket",
        Outcome::Rejected => "failed_queue_full_per_bucket",
        Outcome::ServerError => "failed_server_error_per_bucket",
        Outcome::BudgetExhausted => "failed_budget_exhausted_per_bucket",
        Outcome::Throttled => "failed_throttled_per_bucket",
        Outcome::BreakerOpen => "failed_breaker_open_per_bucket",
        Outcome::DeadlineExceeded => "failed_deadline_exceeded_per_bucket",
        Outcome::DependencyFailed => "failed_dependency_per_bucket",
        Outcome::OperatorThrottled => "failed_operator_throttled_per_bucket",
    }
}

/// Columns that come right after `success_per_bucket`: one per failure cause.
const FAILURES_AFTER: &str = "success_per_bucket";

/// The time series as CSV: a header with units, then one row per completed bucket.
pub fn series_csv(report: &Report) -> String {
    let mut out = String::from("bucket,start_s");
    for (name, _) in COLUMNS {
        out.push(',');
        out.push_str(name);
        if *name == FAILURES_AFTER {
            for cause in Outcome::FAILURES {
                out.push(',');
                out.push_str(failure_column(cause));
            }
        }
    }
    out.push('\n');
    for b in 0..report.buckets_done {
        out.push_str(&format!("{b},{}", b as f64 * report.bucket_s));
        for (name, read) in COLUMNS {
            out.push(',');
            out.push_str(&read(&report.series, b));
            if *name == FAILURES_AFTER {
                for failed in &report.series.failed {
                    out.push(',');
                    out.push_str(&count(failed, b));
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Writes a file, naming it in the error; `-` ([`crate::input::STDIO_PATH`]) is standard output.
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>) -> CliResult<()> {
    if is_stdout(path) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        return out
            .write_all(contents.as_ref())
            .and_then(|()| out.flush())
            .map_err(|e| CliError::io("write", Path::new("standard output"), &e));
    }
    std::fs::write(path, contents).map_err(|e| CliError::io("write", path, &e))
}

/// How chart files are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartFormat {
    /// SVG, as plotters draws it.
    Svg,
    /// PNG of the SVG at `scale` device pixels per chart pixel (1 to [`raster::SCALE_MAX`]).
    Png {
        /// Device pixels per chart pixel.
        scale: u32,
    },
}

impl ChartFormat {
    /// File name extension.
    fn extension(self) -> &'static str {
        match self {
            ChartFormat::Svg => "svg",
            ChartFormat::Png { .. } => "png",
        }
    }

    /// The file contents of a chart drawn as `svg`; `what` names the chart in errors.
    pub fn encode(self, svg: &str, what: &str) -> CliResult<Vec<u8>> {
        match self {
            ChartFormat::Svg => Ok(svg.as_bytes().to_vec()),
            ChartFormat::Png { scale } => raster::svg_to_png(svg, scale)
                .map_err(|e| CliError::Runtime(format!("cannot make a PNG of {what}: {e}"))),
        }
    }
}

/// Writes one chart per kind, `size_px` (width, height) chart pixels, into `dir` (created if
/// missing) as `KIND.svg` or `KIND.png`; returns the paths written.
pub fn write_charts(
    dir: &Path,
    report: &Report,
    size_px: (u32, u32),
    format: ChartFormat,
) -> CliResult<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| CliError::io("create", dir, &e))?;
    let mut written = Vec::new();
    for kind in ChartKind::ALL {
        let what = format!("the {} chart", kind.id());
        let svg = stampede_charts::to_svg(kind, report, Theme { dark: false }, size_px)
            .map_err(|e| CliError::Runtime(format!("cannot draw {what}: {e}")))?;
        let path = dir.join(format!("{}.{}", kind.id(), format.extension()));
        write_file(&path, format.encode(&svg, &what)?)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One name per cause: the CSV column of a cause carries the key the JSON report uses.
    #[test]
    fn failure_columns_carry_the_report_keys() {
        for cause in Outcome::FAILURES {
            assert_eq!(
                failure_column(cause),
                format!("failed_{}_per_bucket", cause.key())
            );
        }
    }
}
