//! The raw faults and operator actions: what each [`FaultKind`] does, which fields it reads,
//! which kinds act on DNS ([`FaultKind::DNS`]), and where a fault aims.
//!
//! Owns: the fault wire layout and defaults. Must not: be read by the engine.

use super::*;

/// The default fault target: the authoritative zone.
pub const FAULT_TARGET_ZONE: &str = "zone";

/// What a fault does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The authoritative zone does not answer: resolvers time out (clients wait timeout × attempts).
    DnsTimeout,
    /// The resolver answers SERVFAIL at once (serve-stale may apply).
    DnsServfail,
    /// The zone answers NOERROR with no records (NODATA), as in October 2025; negatively cached.
    DnsEmpty,
    /// Backend service times multiplied by `factor`.
    ServiceSlowdown,
    /// A fraction `fraction` of the backend's workers is lost.
    CapacityLoss,
    /// The backend answers a fraction `fraction` of attempts with an error at once.
    ErrorRate,
    /// Answers from the authoritative zone (or, with a resolver target, every answer of that
    /// resolver) arrive `latency_ms` later, for a fraction `fraction` of queries.
    DnsLatency,
    /// A region is lost: attempts sent to its backend fail at once (connections refused), for a
    /// fraction `fraction` of attempts; its health check fails. Strikes the primary unless
    /// `target = "region:1"`.
    RegionLoss,
    /// Every client's request rate is multiplied by `factor`: a traffic surge (a backlog replayed
    /// after an outage, a fleet re-establishing leases, a failback). Ignores `target`.
    LoadSpike,
    /// An operator throttles the backend's admissions to `rate_per_s` (a token bucket with a
    /// tenth of a second of burst); attempts above it are rejected at once, as throttling errors.
    /// With `flush_queue` the work waiting when it starts is dropped (hosts restarted).
    Throttle,
    /// The load balancer's health checks of a fraction `fraction` of the workers fail although
    /// the workers could serve (October 2025: new instances lacked network state), so it takes
    /// them out of service, at most `backend.health_check_removal_max_fraction` (velocity
    /// control). Usually flapping.
    HealthCheckFlapping,
    /// A mitigation, not a fault: a class of clients, the first `fraction` of the fleet (an
    /// "internal" class), resolves the name from a local override (a hosts-file entry or a
    /// pinned address) while it is in force, so its new connections need no DNS answer (October
    /// 2025, T+1:27: "temporary mitigations let some internal services connect"). With
    /// `target = "class:<name>"` the share is of that `[[fleets]]` class's clients.
    DnsOverride,
}

impl FaultKind {
    /// The kinds that act on DNS (the zone, a further name's zone or one resolver): the one
    /// place that says which they are; validation, the engine and the web controls ask here.
    pub const DNS: [FaultKind; 4] = [
        FaultKind::DnsTimeout,
        FaultKind::DnsServfail,
        FaultKind::DnsEmpty,
        FaultKind::DnsLatency,
    ];

    /// Whether this kind acts on DNS (and so targets a zone or a resolver, not a region).
    pub fn is_dns(self) -> bool {
        FaultKind::DNS.contains(&self)
    }
}

/// One timed fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawFault {
    /// What the fault does.
    pub kind: FaultKind,
    /// Start, seconds from the run's start.
    pub start_s: f64,
    /// End, seconds from the run's start.
    pub end_s: f64,
    /// Fraction of queries (DNS faults) or of workers (capacity loss) affected, 0..=1.
    pub fraction: f64,
    /// Multiplier for `service_slowdown`.
    pub factor: f64,
    /// Added latency of `dns_latency`, milliseconds.
    pub latency_ms: f64,
    /// Flapping period, seconds: the fault is in force during the first half of each period from
    /// `start_s` until `end_s`. 0 = steady.
    pub flap_period_s: f64,
    /// Where a DNS fault strikes: `"zone"` (the authoritative zone, seen by every resolver) or
    /// `"resolver:<index>"` (that resolver, 0-based in the resolver list, fails every query it
    /// receives, cached or not: `dns_timeout` = down). Backend faults (`capacity_loss`,
    /// `error_rate`, `service_slowdown`, `region_loss`) strike `"region:<index>"`, the primary
    /// (region 0) by default. `"name:<dns name>"` aims a DNS fault at a `[[names]]` name,
    /// `"service:<name>"` a backend fault at a `[[services]]` service's primary region and
    /// `"service:<name>/region:<index>"` at one of its regions, `"class:<name>"` a
    /// `dns_override` at a `[[fleets]]` class. `"identity"` or `"telemetry"` aim any kind at that
    /// dependency.
    /// A target that does not apply to the kind is ignored.
    pub target: String,
    /// Admissions per second a `throttle` lets through, requests per second.
    pub rate_per_s: f64,
    /// With `throttle`: drop the work waiting in the queue when the throttle starts (an operator
    /// restarting the hosts); their clients time out.
    pub flush_queue: bool,
}

impl Default for RawFault {
    fn default() -> Self {
        RawFault {
            kind: FaultKind::DnsEmpty,
            start_s: 0.0,
            end_s: 0.0,
            fraction: 1.0,
            factor: 1.0,
            latency_ms: 0.0,
            flap_period_s: 0.0,
            target: FAULT_TARGET_ZONE.to_string(),
            rate_per_s: 0.0,
            flush_queue: false,
        }
    }
}
