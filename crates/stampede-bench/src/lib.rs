//! The benchmark workload: the SimPy peer model (docs/sources.md E) expressed
//! as a Stampede scenario, and the figures a run of it gives, in the peer's terms.
//!
//! Owns: the mapping from the peer's flags to scenario fields, and the one-line JSON of figures
//! that the native binary and the wasm export print and `cargo xtask bench` parses.
//! Must not: read a clock (callers time the runs) or change the model: it only builds scenarios.

use stampede_core::scenario::raw::{BackoffKind, ClientCacheMode, FaultKind, JitterKind};
use stampede_core::scenario::raw::{RawFault, ServiceTimeLaw};
use stampede_core::{RawScenario, Report, Scenario};

#[cfg(target_arch = "wasm32")]
mod wasm;

/// Name of the preset with a million clients, the fleet-size benchmark.
pub const MILLION_PRESET: &str = "million-clients";

/// Largest client-cache TTL validation accepts (a week), seconds: with it the name resolves from
/// the client cache for the whole run, as in the peer, which has no DNS.
const CACHE_FOREVER_S: f64 = 604_800.0;
/// Largest record TTL validation accepts, seconds, for the rare client that starts uncached.
const RECORD_TTL_FOREVER_S: f64 = 86_400.0;
/// The peer's unbounded FIFO, as the largest queue capacity validation accepts.
const QUEUE_UNBOUNDED: u32 = 10_000_000;

/// One of the peer's configurations (docs/sources.md E).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerConfig {
    /// The defaults: utilisation 0.8, unbounded queue, no trigger.
    Steady,
    /// `--trig_start 200 --trig_len 60 --trig_mult 2 --qcap 1000`.
    TriggerRecovers,
    /// `--trig_start 200 --trig_len 60 --trig_mult 2 --qcap 2000`.
    TriggerStaysDown,
}

impl PeerConfig {
    /// Every configuration, steady first.
    pub const ALL: [PeerConfig; 3] = [
        PeerConfig::Steady,
        PeerConfig::TriggerRecovers,
        PeerConfig::TriggerStaysDown,
    ];

    /// Stable name used on command lines.
    pub fn name(self) -> &'static str {
        match self {
            PeerConfig::Steady => "steady",
            PeerConfig::TriggerRecovers => "trigger-recovers",
            PeerConfig::TriggerStaysDown => "trigger-stays-down",
        }
    }

    /// The configuration called `name`, if any.
    pub fn from_name(name: &str) -> Option<PeerConfig> {
        PeerConfig::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The peer's command-line flags for this configuration (beyond `--seed`).
    pub fn peer_flags(self) -> &'static [&'static str] {
        match self {
            PeerConfig::Steady => &[],
            PeerConfig::TriggerRecovers => &[
                "--trig_start",
                "200",
                "--trig_len",
                "60",
                "--trig_mult",
                "2",
                "--qcap",
                "1000",
            ],
            PeerConfig::TriggerStaysDown => &[
                "--trig_start",
                "200",
                "--trig_len",
                "60",
                "--trig_mult",
                "2",
                "--qcap",
                "2000",
            ],
        }
    }

    /// Queue cap (`--qcap`), if the configuration has one.
    fn queue_cap(self) -> Option<u32> {
        match self {
            PeerConfig::Steady => None,
            PeerConfig::TriggerRecovers => Some(1000),
            PeerConfig::TriggerStaysDown => Some(2000),
        }
    }
}

/// The peer's steady workload as a scenario: 1000 clients × 1 request/s Poisson, 50 workers with
/// exponential 40 ms service, 1 s attempt timeout, 4 attempts, exponential backoff from 100 ms
/// capped at 5 s with full jitter, 600 s horizon, no DNS effects.
pub fn peer_scenario(seed: u64) -> Scenario {
    peer_scenario_with(PeerConfig::Steady, seed)
}

/// The raw scenario of one peer configuration.
pub fn peer_raw(config: PeerConfig, seed: u64) -> RawScenario {
    let mut raw = RawScenario {
        title: format!("SimPy peer workload, {}", config.name()),
        ..RawScenario::default()
    };
    raw.run.duration_s = 600.0;
    raw.run.seed = seed;
    raw.fleet.clients = 1000;
    raw.fleet.request_rate_per_client_per_s = 1.0;
    raw.fleet.attempt_timeout_ms = 1000.0;
    raw.fleet.cold_start = false;
    // No DNS in the peer: every client keeps the name for longer than the run.
    raw.client_dns.cache = ClientCacheMode::Fixed;
    raw.client_dns.fixed_ttl_s = CACHE_FOREVER_S;
    raw.client_dns.negative_ttl_s = 0.0;
    raw.dns.record_ttl_s = RECORD_TTL_FOREVER_S;
    raw.resolver.latency_ms = 0.0;
    raw.resolver.upstream_latency_ms = 0.0;
    raw.resolver.capacity_qps = 1_000_000.0;
    raw.retry.attempts_max = 4;
    raw.retry.backoff = BackoffKind::Exponential;
    raw.retry.backoff_base_ms = 100.0;
    raw.retry.backoff_max_ms = 5000.0;
    raw.retry.jitter = JitterKind::Full;
    raw.backend.workers = 50;
    raw.backend.service_time = ServiceTimeLaw::Exponential;
    raw.backend.service_ms_mean = 40.0;
    raw.backend.queue_capacity = config.queue_cap().unwrap_or(QUEUE_UNBOUNDED);
    if config != PeerConfig::Steady {
        raw.faults.push(RawFault {
            kind: FaultKind::ServiceSlowdown,
            start_s: 200.0,
            end_s: 260.0,
            fraction: 1.0,
            factor: 2.0,
            ..RawFault::default()
        });
    }
    raw
}

/// One peer configuration as a validated scenario.
pub fn peer_scenario_with(config: PeerConfig, seed: u64) -> Scenario {
    Scenario::try_from(peer_raw(config, seed))
        .unwrap_or_else(|e| panic!("the peer scenario ({}) is valid: {e}", config.name()))
}

/// A preset by name, validated.
pub fn preset_scenario(name: &str) -> Result<Scenario, String> {
    let preset =
        stampede_core::presets::find(name).ok_or_else(|| format!("no preset named `{name}`"))?;
    let raw = preset.raw().map_err(|e| format!("{name}: {e}"))?;
    Scenario::try_from(raw).map_err(|e| format!("{name}: {e}"))
}

/// The scenario of a playground link's query (`preset=NAME&key=value…`, the page's address
/// without `?`), validated: the preset with the link's parameters applied, as the page builds it.
pub fn query_scenario(query: &str) -> Result<Scenario, String> {
    let mut name = None;
    let mut rest = Vec::new();
    for pair in query.trim_start_matches('?').split('&') {
        match pair.strip_prefix("preset=") {
            Some(preset) => name = Some(preset),
            None if !pair.is_empty() => rest.push(pair),
            None => {}
        }
    }
    let name = name.ok_or_else(|| format!("the query `{query}` names no preset"))?;
    let preset =
        stampede_core::presets::find(name).ok_or_else(|| format!("no preset named `{name}`"))?;
    let base = preset.raw().map_err(|e| format!("{name}: {e}"))?;
    let (raw, problems) = stampede_core::scenario::apply_query(&base, &rest.join("&"));
    if let Some(problem) = problems.first() {
        return Err(format!("{query}: {problem}"));
    }
    Scenario::try_from(raw).map_err(|e| format!("{query}: {e}"))
}

/// What a run gives, in the peer's terms. Counts are user requests unless named otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    /// Requests that arrived before the horizon.
    pub requests: u64,
    /// Requests that succeeded.
    pub successes: u64,
    /// Requests that failed after their last attempt.
    pub failures: u64,
    /// Retry attempts started (the peer's `retries_sent`, minus backoffs cut by the horizon).
    pub retries: u64,
    /// Attempts that failed (timed out or rejected): the peer's `timeouts + rejected`.
    pub failed_attempts: u64,
    /// Attempts served after their client gave up (the peer's `wasted`).
    pub wasted: u64,
    /// Mean latency of successful requests, first try to answer, milliseconds.
    pub mean_latency_ms: f64,
    /// Events the engine processed.
    pub events: u64,
}

impl Figures {
    /// The figures of a finished run.
    pub fn from_report(report: &Report) -> Figures {
        let s = &report.summary;
        let retries: u64 = report.series.attempts_retry.iter().sum();
        Figures {
            requests: report.series.requests.iter().sum(),
            successes: s.success,
            failures: s.failed,
            retries,
            failed_attempts: retries + s.failed,
            wasted: s.wasted_work,
            mean_latency_ms: s.latency_ms_mean,
            events: s.events,
        }
    }

    /// The figures as JSON object members (no braces), for callers to add their own.
    pub fn json_members(&self) -> String {
        format!(
            "\"requests\":{},\"successes\":{},\"failures\":{},\"retries\":{},\"failed_attempts\":{},\"wasted\":{},\"mean_latency_ms\":{:.4},\"events\":{}",
            self.requests,
            self.successes,
            self.failures,
            self.retries,
            self.failed_attempts,
            self.wasted,
            self.mean_latency_ms,
            self.events
        )
    }
}

/// Runs a scenario to its horizon and returns its figures.
pub fn run_figures(scenario: &Scenario) -> Figures {
    Figures::from_report(&stampede_core::run(scenario))
}

/// Runs one peer configuration and returns a JSON line without timings.
pub fn run_peer_json(config: PeerConfig, seed: u64) -> String {
    let figures = run_figures(&peer_scenario_with(config, seed));
    format!(
        "{{\"config\":\"{}\",\"seed\":{seed},{}}}",
        config.name(),
        figures.json_members()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_peer_configuration_validates() {
        for config in PeerConfig::ALL {
            let sc = peer_scenario_with(config, 7);
            assert_eq!(sc.seed, 7);
            assert_eq!(PeerConfig::from_name(config.name()), Some(config));
            assert_eq!(sc.faults.len(), usize::from(config != PeerConfig::Steady));
        }
    }

    /// A shortened steady run lands where queueing theory puts the peer: about 1000 requests/s,
    /// all served, mean latency near the Erlang C figure of 40.35 ms.
    #[test]
    fn short_steady_run_matches_the_peer_model() {
        let mut raw = peer_raw(PeerConfig::Steady, 1);
        raw.run.duration_s = 60.0;
        let figures = run_figures(&Scenario::try_from(raw).unwrap());
        let sigma = 60_000f64.sqrt();
        assert!(
            (figures.requests as f64 - 60_000.0).abs() < 4.0 * sigma,
            "{figures:?}"
        );
        assert!(figures.failures == 0 && figures.retries < 10, "{figures:?}");
        assert!((figures.mean_latency_ms - 40.35).abs() < 2.0, "{figures:?}");
        assert!(run_peer_json(PeerConfig::Steady, 3).starts_with("{\"config\":\"steady\""));
    }

    /// A link's query gives the preset with the link's values, as the page builds it.
    #[test]
    fn a_query_applies_its_values_to_its_preset() {
        let plain = query_scenario("preset=naive-retry-storm").unwrap();
        let preset = preset_scenario("naive-retry-storm").unwrap();
        assert_eq!(plain.raw, preset.raw);
        let changed = query_scenario("preset=naive-retry-storm&retry.attempts_max=7").unwrap();
        assert_eq!(changed.raw.retry.attempts_max, 7);
        assert!(query_scenario("retry.attempts_max=7").is_err(), "no preset");
        assert!(query_scenario("preset=nope").is_err());
        assert!(query_scenario("preset=naive-retry-storm&retry.attempts_maxx=7").is_err());
    }
}
