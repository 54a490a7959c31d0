//! The parameter registry: every scenario parameter a person can tune, defined once.
//!
//! Owns: key, label, unit, range, step, help text and category of each parameter, and how to read
//! and write it on a [`RawScenario`]. Sliders, tooltips, the URL codec, `--set`, the docs table
//! and range validation are all generated from [`PARAMS`].
//! Must not: hold model logic. Cross-field rules live in `validate.rs`.

mod scale;

pub use scale::{FINE, Ladder, NINES, ONE_TWO_FIVE, SECONDS, Scale};

use super::raw::{
    BackoffKind, BreakerKind, ClientCacheMode, FaultKind, JitterKind, QueueDiscipline, RawFault,
    RawScenario, RetryBudgetKind, RoutingPolicy, ServiceTimeLaw, TelemetryMode, TokenFallback,
};

/// Group a parameter is shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// The timed fault.
    Outage,
    /// DNS caching in the clients.
    ClientDns,
    /// Recursive resolvers and the record.
    Resolvers,
    /// Retries, backoff and retry budgets.
    Retries,
    /// Circuit breakers.
    CircuitBreaker,
    /// The backend service.
    Backend,
    /// Regions, DNS failover and per-request dependencies (identity, telemetry).
    Topology,
    /// Fleet size and load.
    Fleet,
    /// Horizon, seed and costs.
    Run,
}

impl Category {
    /// All categories in display order.
    pub const ALL: [Category; 9] = [
        Category::Outage,
        Category::ClientDns,
        Category::Resolvers,
        Category::Retries,
        Category::CircuitBreaker,
        Category::Backend,
        Category::Topology,
        Category::Fleet,
        Category::Run,
    ];

    /// Heading shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Category::Outage => "Outage",
            Category::ClientDns => "Client DNS cache",
            Category::Resolvers => "Resolvers",
            Category::Retries => "Retries and budgets",
            Category::CircuitBreaker => "Circuit breaker",
            Category::Backend => "Backend",
            Category::Topology => "Regions and dependencies",
            Category::Fleet => "Fleet",
            Category::Run => "Run",
        }
    }
}

/// What kind of value a parameter takes. Every value travels as an `f64`; a choice is its index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// A number in `[min, max]`, a multiple of `step` from `min` when shown as a slider.
    Number,
    /// An integer in `[min, max]`.
    Integer,
    /// One of the listed options (wire names); the value is the index.
    Choice(&'static [&'static str]),
    /// 0 or 1.
    Bool,
}

/// One tunable parameter.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Stable key, used in URLs, `--set` and docs; the dotted path of the field where there is one.
    pub key: &'static str,
    /// Short label.
    pub label: &'static str,
    /// Unit shown after the value ("" when none).
    pub unit: &'static str,
    /// Kind of value.
    pub kind: ParamKind,
    /// Smallest accepted value.
    pub min: f64,
    /// Largest accepted value.
    pub max: f64,
    /// Step of a linear scale (see [`Scale`]), in the unit.
    pub step: f64,
    /// Where a slider's stops lie and which part of the range it covers.
    pub scale: Scale,
    /// One-line help.
    pub help: &'static str,
    /// Why it matters, with the source of its default.
    pub why: &'static str,
    /// Group.
    pub category: Category,
    /// Reads the value.
    pub get: fn(&RawScenario) -> f64,
    /// Writes the value; the caller has checked the range.
    pub set: fn(&mut RawScenario, f64),
}

impl Param {
    /// The value of this parameter in the default scenario.
    pub fn default_value(&self) -> f64 {
        (self.get)(&RawScenario::default())
    }

    /// Formats a value for people, with its unit.
    pub fn format(&self, value: f64) -> String {
        match self.kind {
            ParamKind::Choice(options) => options
                .get(value as usize)
                .copied()
                .unwrap_or("?")
                .to_string(),
            ParamKind::Bool => if value != 0.0 { "on" } else { "off" }.to_string(),
            ParamKind::Integer => format!("{}{}", value as i64, unit_suffix(self.unit)),
            ParamKind::Number => format!("{}{}", trim_number(value), unit_suffix(self.unit)),
        }
    }

    /// Parses a value as written in a URL or on the command line (a number, or an option name).
    pub fn parse(&self, text: &str) -> Result<f64, String> {
        let text = text.trim();
        let value = match self.kind {
            ParamKind::Choice(options) => match options.iter().position(|o| *o == text) {
                Some(index) => index as f64,
                None => {
                    return Err(format!("`{text}` is not one of: {}", options.join(", ")));
                }
            },
            ParamKind::Bool => match text {
                "1" | "true" | "on" => 1.0,
                "0" | "false" | "off" => 0.0,
                _ => return Err(format!("`{text}` is not true or false")),
            },
            ParamKind::Integer | ParamKind::Number => text
                .parse::<f64>()
                .map_err(|_| format!("`{text}` is not a number"))?,
        };
        self.check(value)?;
        Ok(value)
    }

    /// Checks a value against the kind and range.
    pub fn check(&self, value: f64) -> Result<(), String> {
        if !value.is_finite() {
            return Err("must be a finite number".to_string());
        }
        if matches!(
            self.kind,
            ParamKind::Integer | ParamKind::Choice(_) | ParamKind::Bool
        ) && value.fract() != 0.0
        {
            return Err(format!("must be a whole number, got {value}"));
        }
        if value < self.min || value > self.max {
            return Err(format!(
                "must be between {} and {}, got {}",
                self.format(self.min),
                self.format(self.max),
                self.format(value)
            ));
        }
        Ok(())
    }

    /// Wire name of a value: the option name for choices, else the number.
    pub fn wire(&self, value: f64) -> String {
        match self.kind {
            ParamKind::Choice(options) => options
                .get(value as usize)
                .copied()
                .unwrap_or("?")
                .to_string(),
            ParamKind::Bool => if value != 0.0 { "true" } else { "false" }.to_string(),
            _ => trim_number(value),
        }
    }
}

fn unit_suffix(unit: &str) -> String {
    if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    }
}

/// Shortest decimal form of a number (no trailing zeros).
pub fn trim_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else if value.abs() >= 1e15 {
        // Short form: `1e308`, not 309 digits.
        format!("{value:e}")
    } else {
        let s = format!("{value:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Finds a parameter by key.
pub fn find(key: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.key == key)
}

/// The known key closest to `key` (for "did you mean" messages).
pub fn nearest(key: &str) -> Option<&'static str> {
    PARAMS
        .iter()
        .map(|p| (edit_distance(key, p.key), p.key))
        .min()
        .filter(|(d, k)| *d <= k.len() / 2)
        .map(|(_, k)| k)
}

/// Levenshtein distance between two keys, in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

const CACHE_MODES: &[&str] = &["none", "record_ttl", "fixed"];
const BACKOFFS: &[&str] = &["constant", "linear", "exponential"];
const JITTERS: &[&str] = &["none", "full", "equal", "decorrelated", "proportional"];
const SERVICE_LAWS: &[&str] = &["constant", "exponential", "log_normal"];
const QUEUE_DISCIPLINES: &[&str] = &["fifo", "lifo"];
const BUDGET_KINDS: &[&str] = &[
    "none",
    "aws_standard",
    "aws_standard_2026",
    "grpc_throttling",
    "envoy",
    "finagle",
    "sre_adaptive",
    "aws_adaptive",
];
const BREAKER_KINDS: &[&str] = &[
    "none",
    "consecutive_failures",
    "count_window",
    "time_window",
];
const FAULT_KINDS: &[&str] = &[
    "dns_timeout",
    "dns_servfail",
    "dns_empty",
    "service_slowdown",
    "capacity_loss",
    "error_rate",
    "dns_latency",
    "region_loss",
    "load_spike",
    "throttle",
    "health_check_flapping",
    "dns_override",
];
const FAULT_TARGETS: &[&str] = &[
    "zone",
    "resolver:0",
    "resolver:1",
    "resolver:2",
    "region:0",
    "region:1",
    "identity",
    "telemetry",
];
const ROUTING_POLICIES: &[&str] = &["simple", "failover"];
const TOKEN_FALLBACKS: &[&str] = &["none", "cached"];
const TELEMETRY_MODES: &[&str] = &["off", "async", "sync"];

fn routing_index(policy: RoutingPolicy) -> f64 {
    match policy {
        RoutingPolicy::Simple => 0.0,
        RoutingPolicy::Failover => 1.0,
    }
}

fn routing_from(index: f64) -> RoutingPolicy {
    match index as usize {
        1 => RoutingPolicy::Failover,
        _ => RoutingPolicy::Simple,
    }
}

fn fallback_index(fallback: TokenFallback) -> f64 {
    match fallback {
        TokenFallback::None => 0.0,
        TokenFallback::Cached => 1.0,
    }
}

fn fallback_from(index: f64) -> TokenFallback {
    match index as usize {
        1 => TokenFallback::Cached,
        _ => TokenFallback::None,
    }
}

fn telemetry_index(mode: TelemetryMode) -> f64 {
    match mode {
        TelemetryMode::Off => 0.0,
        TelemetryMode::Async => 1.0,
        TelemetryMode::Sync => 2.0,
    }
}

fn telemetry_from(index: f64) -> TelemetryMode {
    match index as usize {
        1 => TelemetryMode::Async,
        2 => TelemetryMode::Sync,
        _ => TelemetryMode::Off,
    }
}

fn cache_mode_index(mode: ClientCacheMode) -> f64 {
    match mode {
        ClientCacheMode::None => 0.0,
        ClientCacheMode::RecordTtl => 1.0,
        ClientCacheMode::Fixed => 2.0,
    }
}

fn cache_mode_from(index: f64) -> ClientCacheMode {
    match index as usize {
        0 => ClientCacheMode::None,
        2 => ClientCacheMode::Fixed,
        _ => ClientCacheMode::RecordTtl,
    }
}

fn backoff_index(kind: BackoffKind) -> f64 {
    match kind {
        BackoffKind::Constant => 0.0,
        BackoffKind::Linear => 1.0,
        BackoffKind::Exponential => 2.0,
    }
}

fn backoff_from(index: f64) -> BackoffKind {
    match index as usize {
        0 => BackoffKind::Constant,
        1 => BackoffKind::Linear,
        _ => BackoffKind::Exponential,
    }
}

fn jitter_index(kind: JitterKind) -> f64 {
    match kind {
        JitterKind::None => 0.0,
        JitterKind::Full => 1.0,
        JitterKind::Equal => 2.0,
        JitterKind::Decorrelated => 3.0,
        JitterKind::Proportional => 4.0,
    }
}

fn jitter_from(index: f64) -> JitterKind {
    match index as usize {
        0 => JitterKind::None,
        2 => JitterKind::Equal,
        3 => JitterKind::Decorrelated,
        4 => JitterKind::Proportional,
        _ => JitterKind::Full,
    }
}

fn law_index(law: ServiceTimeLaw) -> f64 {
    match law {
        ServiceTimeLaw::Constant => 0.0,
        ServiceTimeLaw::Exponential => 1.0,
        ServiceTimeLaw::LogNormal => 2.0,
    }
}

fn law_from(index: f64) -> ServiceTimeLaw {
    match index as usize {
        0 => ServiceTimeLaw::Constant,
        2 => ServiceTimeLaw::LogNormal,
        _ => ServiceTimeLaw::Exponential,
    }
}

fn discipline_index(discipline: QueueDiscipline) -> f64 {
    match discipline {
        QueueDiscipline::Fifo => 0.0,
        QueueDiscipline::Lifo => 1.0,
    }
}

fn discipline_from(index: f64) -> QueueDiscipline {
    match index as usize {
        1 => QueueDiscipline::Lifo,
        _ => QueueDiscipline::Fifo,
    }
}

const BUDGET_KIND_ORDER: [RetryBudgetKind; 8] = [
    RetryBudgetKind::None,
    RetryBudgetKind::AwsStandard,
    RetryBudgetKind::AwsStandard2026,
    RetryBudgetKind::GrpcThrottling,
    RetryBudgetKind::Envoy,
    RetryBudgetKind::Finagle,
    RetryBudgetKind::SreAdaptive,
    RetryBudgetKind::AwsAdaptive,
];

fn budget_kind_index(kind: RetryBudgetKind) -> f64 {
    BUDGET_KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0) as f64
}

fn budget_kind_from(index: f64) -> RetryBudgetKind {
    BUDGET_KIND_ORDER
        .get(index as usize)
        .copied()
        .unwrap_or(RetryBudgetKind::None)
}

const BREAKER_KIND_ORDER: [BreakerKind; 4] = [
    BreakerKind::None,
    BreakerKind::ConsecutiveFailures,
    BreakerKind::CountWindow,
    BreakerKind::TimeWindow,
];

fn breaker_kind_index(kind: BreakerKind) -> f64 {
    BREAKER_KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0) as f64
}

fn breaker_kind_from(index: f64) -> BreakerKind {
    BREAKER_KIND_ORDER
        .get(index as usize)
        .copied()
        .unwrap_or(BreakerKind::None)
}

fn fault_kind_index(kind: FaultKind) -> f64 {
    match kind {
        FaultKind::DnsTimeout => 0.0,
        FaultKind::DnsServfail => 1.0,
        FaultKind::DnsEmpty => 2.0,
        FaultKind::ServiceSlowdown => 3.0,
        FaultKind::CapacityLoss => 4.0,
        FaultKind::ErrorRate => 5.0,
        FaultKind::DnsLatency => 6.0,
        FaultKind::RegionLoss => 7.0,
        FaultKind::LoadSpike => 8.0,
        FaultKind::Throttle => 9.0,
        FaultKind::HealthCheckFlapping => 10.0,
        FaultKind::DnsOverride => 11.0,
    }
}

fn fault_kind_from(index: f64) -> FaultKind {
    match index as usize {
        0 => FaultKind::DnsTimeout,
        1 => FaultKind::DnsServfail,
        3 => FaultKind::ServiceSlowdown,
        4 => FaultKind::CapacityLoss,
        5 => FaultKind::ErrorRate,
        6 => FaultKind::DnsLatency,
        7 => FaultKind::RegionLoss,
        8 => FaultKind::LoadSpike,
        9 => FaultKind::Throttle,
        10 => FaultKind::HealthCheckFlapping,
        11 => FaultKind::DnsOverride,
        _ => FaultKind::DnsEmpty,
    }
}

/// The first fault: the outage the playground's Outage panel edits. Created on first write.
fn outage_mut(raw: &mut RawScenario) -> &mut RawFault {
    if raw.faults.is_empty() {
        raw.faults.push(RawFault {
            start_s: 60.0,
            end_s: 180.0,
            ..RawFault::default()
        });
    }
    &mut raw.faults[0]
}

fn outage(raw: &RawScenario) -> Option<&RawFault> {
    raw.faults.first()
}

/// Every tunable parameter, in display order within each category.
pub static PARAMS: &[Param] = &[
    // Outage
    Param {
        key: "outage.kind",
        label: "Fault",
        unit: "",
        kind: ParamKind::Choice(FAULT_KINDS),
        min: 0.0,
        max: 11.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "What breaks: DNS timeout, SERVFAIL, empty answer (NODATA, as in Oct 2025), slow or lost backend capacity, backend errors, slow DNS answers, a whole region lost, a load spike, an operator's admission throttle, or load-balancer health checks that fail on workers able to serve; or a mitigation: a class of clients resolving the name from a local override.",
        why: "An empty answer from a healthy zone is fast and negatively cached; a timeout makes clients wait timeout × attempts on every new lookup (docs/sources.md B2).",
        category: Category::Outage,
        get: |r| outage(r).map_or(2.0, |f| fault_kind_index(f.kind)),
        set: |r, v| outage_mut(r).kind = fault_kind_from(v),
    },
    Param {
        key: "outage.start_s",
        label: "Outage starts at",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 86_400.0,
        step: 5.0,
        scale: Scale::seconds().typical(0.0, 600.0).marks(&[200.0]),
        help: "When the fault begins, seconds after the run starts.",
        why: "Leave enough steady state before it for the baseline goodput that recovery is measured against.",
        category: Category::Outage,
        get: |r| outage(r).map_or(60.0, |f| f.start_s),
        set: |r, v| {
            let f = outage_mut(r);
            let length_s = (f.end_s - f.start_s).max(0.0);
            f.start_s = v;
            f.end_s = v + length_s;
        },
    },
    Param {
        key: "outage.duration_s",
        label: "Outage lasts",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 86_400.0,
        step: 5.0,
        scale: Scale::seconds()
            .typical(0.0, 600.0)
            .marks(&[157.0, 246.0, 400.0, 700.0]),
        help: "How long the fault lasts, seconds (Oct 2025: DynamoDB's record was empty for 2 h 37 min).",
        why: "Long outages outlast every client cache; short ones may be hidden by them.",
        category: Category::Outage,
        get: |r| outage(r).map_or(120.0, |f| f.end_s - f.start_s),
        set: |r, v| {
            let f = outage_mut(r);
            f.end_s = f.start_s + v;
        },
    },
    Param {
        key: "outage.fraction",
        label: "Affected fraction",
        unit: "",
        kind: ParamKind::Number,
        min: 0.0,
        max: 1.0,
        step: 0.05,
        scale: Scale::LINEAR,
        help: "Fraction of DNS queries failing, of backend workers lost, or of the clients a DNS override covers.",
        why: "Partial faults let retries succeed, so they show how retries amplify load without total failure.",
        category: Category::Outage,
        get: |r| outage(r).map_or(1.0, |f| f.fraction),
        set: |r, v| outage_mut(r).fraction = v,
    },
    Param {
        key: "outage.factor",
        label: "Factor",
        unit: "×",
        kind: ParamKind::Number,
        min: 1.0,
        max: 100.0,
        step: 0.5,
        scale: Scale::decades(FINE, 1.0),
        help: "Service-time multiplier of a backend slowdown, or request-rate multiplier of a load spike.",
        why: "A slowdown that pushes utilisation above 1 builds a queue; with short timeouts the queue may never drain (metastable).",
        category: Category::Outage,
        get: |r| outage(r).map_or(1.0, |f| f.factor),
        set: |r, v| outage_mut(r).factor = v,
    },
    Param {
        key: "outage.latency_ms",
        label: "Added DNS latency",
        unit: "ms",
        kind: ParamKind::Number,
        min: 0.0,
        max: 60_000.0,
        step: 50.0,
        scale: Scale::decades(FINE, 1.0).typical(0.0, 10_000.0),
        help: "Latency a dns_latency fault adds to answers from the zone (or, with a resolver target, to every answer of that resolver).",
        why: "Answers slower than the client's lookup timeout (resolv.conf 5 s) act as drops; slower than the RFC 8767 1.8 s client timer, they let serve-stale answer.",
        category: Category::Outage,
        get: |r| outage(r).map_or(0.0, |f| f.latency_ms),
        set: |r, v| outage_mut(r).latency_ms = v,
    },
    Param {
        key: "outage.rate_per_s",
        label: "Throttle rate",
        unit: "requests/s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 10_000_000.0,
        step: 10.0,
        scale: Scale::decades(FINE, 1.0).typical(0.0, 100_000.0),
        help: "Admissions per second a throttle lets into the backend; attempts above it are rejected at once as throttling errors.",
        why: "In October 2025 engineers throttled incoming work to EC2's DropletWorkflow Manager at T+4:26 to end its congestive collapse (AWS post-event summary; docs/sources.md C, P4).",
        category: Category::Outage,
        get: |r| outage(r).map_or(0.0, |f| f.rate_per_s),
        set: |r, v| outage_mut(r).rate_per_s = v,
    },
    Param {
        key: "outage.flap_period_s",
        label: "Flapping period",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 86_400.0,
        step: 5.0,
        scale: Scale::seconds().typical(0.0, 600.0),
        help: "The fault is in force for the first half of each period (0 = steady), like NLB health checks alternating in October 2025.",
        why: "The AWS post-event summary of 19–20 October 2025 describes health-check results that alternated, removing and returning capacity; flapping halves the affected time but keeps caches and breakers churning.",
        category: Category::Outage,
        get: |r| outage(r).map_or(0.0, |f| f.flap_period_s),
        set: |r, v| outage_mut(r).flap_period_s = v,
    },
    Param {
        key: "outage.target",
        label: "DNS fault target",
        unit: "",
        kind: ParamKind::Choice(FAULT_TARGETS),
        min: 0.0,
        max: 7.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Where the fault strikes: for DNS faults the authoritative zone (every resolver sees it) or one resolver (dns_timeout = that resolver is down); for backend faults a region (the primary by default); or the identity or telemetry dependency, whatever the kind. A dns_servfail or dns_empty at the zone is hidden by each resolver's cache until its entry expires (up to a record TTL, `resolver.max_ttl_s` at most): aim it at `resolver:<i>` to fail lookups at once.",
        why: "With resolv.conf semantics one resolver down costs each lookup a timeout (5 s) before the next is tried, unless `rotate` spreads the first tries (docs/sources.md B1, B4).",
        category: Category::Outage,
        get: |r| {
            outage(r).map_or(0.0, |f| {
                FAULT_TARGETS
                    .iter()
                    .position(|t| *t == f.target)
                    .unwrap_or(0) as f64
            })
        },
        set: |r, v| {
            outage_mut(r).target = FAULT_TARGETS
                .get(v as usize)
                .copied()
                .unwrap_or(FAULT_TARGETS[0])
                .to_string()
        },
    },
    // Client DNS cache
    Param {
        key: "client_dns.cache",
        label: "Client DNS cache",
        unit: "",
        kind: ParamKind::Choice(CACHE_MODES),
        min: 0.0,
        max: 2.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "none (glibc, Go, Node.js), record_ttl (honour the TTL), fixed (JVM 30 s). record_ttl takes the TTL the resolver has left, so clients behind one resolver expire together and re-resolve in the same moment.",
        why: "Without a client cache every new connection needs the resolver; with one, the fleet rides out outages shorter than the TTL.",
        category: Category::ClientDns,
        get: |r| cache_mode_index(r.client_dns.cache),
        set: |r, v| r.client_dns.cache = cache_mode_from(v),
    },
    Param {
        key: "client_dns.fixed_ttl_s",
        label: "Fixed client TTL",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 604_800.0,
        step: 5.0,
        scale: Scale::seconds().typical(0.0, 3600.0),
        help: "TTL used by a fixed cache (JVM networkaddress.cache.ttl: 30 s).",
        why: "The JVM ignores the record TTL and keeps answers 30 s when a security manager is absent.",
        category: Category::ClientDns,
        get: |r| r.client_dns.fixed_ttl_s,
        set: |r, v| r.client_dns.fixed_ttl_s = v,
    },
    Param {
        key: "client_dns.negative_ttl_s",
        label: "Negative cache TTL",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 3600.0,
        step: 1.0,
        scale: Scale::seconds(),
        help: "How long a client keeps an empty answer (JVM networkaddress.cache.negative.ttl: 10 s).",
        why: "Negative caching shields the resolver during an outage but delays recovery after the fix by up to this TTL.",
        category: Category::ClientDns,
        get: |r| r.client_dns.negative_ttl_s,
        set: |r, v| r.client_dns.negative_ttl_s = v,
    },
    Param {
        key: "client_dns.lookup_timeout_ms",
        label: "Lookup timeout",
        unit: "ms",
        kind: ParamKind::Number,
        min: 1.0,
        max: 60_000.0,
        step: 100.0,
        scale: Scale::decades(FINE, 1.0),
        help: "How long a lookup waits for the resolver (resolv.conf timeout: 5 s).",
        why: "When the resolver drops queries, each new connection waits timeout × attempts.",
        category: Category::ClientDns,
        get: |r| r.client_dns.lookup_timeout_ms,
        set: |r, v| r.client_dns.lookup_timeout_ms = v,
    },
    Param {
        key: "client_dns.lookup_attempts",
        label: "Lookup attempts",
        unit: "",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 5.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Tries per lookup (resolv.conf attempts: 2, glibc caps it at 5).",
        why: "Each extra try adds a full timeout to a lookup that the resolver drops.",
        category: Category::ClientDns,
        get: |r| f64::from(r.client_dns.lookup_attempts),
        set: |r, v| r.client_dns.lookup_attempts = v as u32,
    },
    Param {
        key: "client_dns.rotate",
        label: "Rotate resolvers",
        unit: "",
        kind: ParamKind::Bool,
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Start each lookup at the next resolver in turn instead of always the first (resolv.conf `rotate`; Go's resolver does the same).",
        why: "Without rotate every lookup asks the first resolver first, so when it is down every lookup waits one timeout; with rotate only the lookups that start there do.",
        category: Category::ClientDns,
        get: |r| f64::from(u8::from(r.client_dns.rotate)),
        set: |r, v| r.client_dns.rotate = v != 0.0,
    },
    Param {
        key: "fleet.cold_start",
        label: "Cold start",
        unit: "",
        kind: ParamKind::Bool,
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Start every client with an empty cache (thundering herd) instead of the steady state.",
        why: "A fleet that restarts at once re-resolves in lockstep; a fleet in steady state spreads its expiries over the TTL.",
        category: Category::ClientDns,
        get: |r| f64::from(u8::from(r.fleet.cold_start)),
        set: |r, v| r.fleet.cold_start = v != 0.0,
    },
    // Resolvers
    Param {
        key: "dns.record_ttl_s",
        label: "Record TTL",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 86_400.0,
        step: 5.0,
        scale: Scale::seconds().typical(0.0, 3600.0),
        help: "TTL the zone sets on the service's record (ELB alias records: 60 s). No effect while it is at most `fleet.connection_lifetime_s` (and the clients cache it): only a new connection resolves, and by then a TTL that short has expired anyway.",
        why: "The hit ratio of a TTL cache is λT/(1+λT) (Jung et al. 2003): longer TTLs shield the resolver and ride out short outages.",
        category: Category::Resolvers,
        get: |r| r.dns.record_ttl_s,
        set: |r, v| r.dns.record_ttl_s = v,
    },
    Param {
        key: "resolver.capacity_qps",
        label: "Resolver capacity",
        unit: "queries/s",
        kind: ParamKind::Number,
        min: 1.0,
        max: 10_000_000.0,
        step: 100.0,
        scale: Scale::decades(FINE, 1.0)
            .typical(100.0, 100_000.0)
            .marks(&[1024.0, 2048.0, 65_536.0]),
        help: "Answers per second; queries above it are dropped and the client times out (AmazonProvidedDNS: 1024 packets/s per interface).",
        why: "A retry storm of lookups can exceed the resolver's rate limit and turn fast failures into slow timeouts.",
        category: Category::Resolvers,
        get: |r| r.resolver_list()[0].capacity_qps,
        set: |r, v| r.first_resolver_mut().capacity_qps = v,
    },
    Param {
        key: "resolver.negative_ttl_s",
        label: "Resolver negative TTL cap",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 10_800.0,
        step: 5.0,
        scale: Scale::seconds(),
        help: "How long the resolver caches an empty answer (SOA minimum, capped: BIND 3 h, Unbound 1 h).",
        why: "After the zone is fixed, clients keep getting the cached empty answer until this expires.",
        category: Category::Resolvers,
        get: |r| r.resolver_list()[0].negative_ttl_s,
        set: |r, v| r.first_resolver_mut().negative_ttl_s = v,
    },
    Param {
        key: "resolver.max_ttl_s",
        label: "Resolver TTL cap",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 604_800.0,
        step: 5.0,
        scale: Scale::seconds(),
        help: "Longest the resolver caches a positive answer; the record TTL counts only up to it (CoreDNS `cache 30`: 30 s; Unbound 1 day; BIND 1 week).",
        why: "A low cap (Kubernetes CoreDNS) re-asks the zone often, so the resolver sees an outage sooner but also recovers sooner.",
        category: Category::Resolvers,
        get: |r| r.resolver_list()[0].max_ttl_s,
        set: |r, v| r.first_resolver_mut().max_ttl_s = v,
    },
    Param {
        key: "resolver.serve_stale",
        label: "Resolver serve-stale",
        unit: "",
        kind: ParamKind::Bool,
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Serve an expired answer when refreshing fails (RFC 8767); never masks an empty answer.",
        why: "Serve-stale rides out timeouts and SERVFAIL but not a NODATA answer from a healthy zone, as in October 2025.",
        category: Category::Resolvers,
        get: |r| f64::from(u8::from(r.resolver_list()[0].serve_stale)),
        set: |r, v| r.first_resolver_mut().serve_stale = v != 0.0,
    },
    Param {
        key: "resolver.stale_answer_ttl_s",
        label: "Stale answer TTL",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 86_400.0,
        step: 5.0,
        scale: Scale::seconds().typical(0.0, 3600.0),
        help: "TTL the resolver puts on a stale answer it serves; clients that honour the record TTL keep it that long.",
        why: "RFC 8767 §4 recommends 30 s (Unbound serve-expired-reply-ttl, BIND stale-answer-ttl): long enough to spare the resolver, short enough to pick up the fix.",
        category: Category::Resolvers,
        get: |r| r.resolver_list()[0].stale_answer_ttl_s,
        set: |r, v| r.first_resolver_mut().stale_answer_ttl_s = v,
    },
    Param {
        key: "resolver.per_client_qps_limit",
        label: "Per-client query limit",
        unit: "queries/s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 100_000.0,
        step: 64.0,
        scale: Scale::decades(FINE, 1.0).marks(&[1024.0]),
        help: "Queries per second one client may send a resolver; more are dropped silently (AmazonProvidedDNS: 1024 packets/s per network interface, Amazon VPC user guide \"DNS quotas\"; A + AAAA = 2 packets per lookup). 0 = no limit.",
        why: "An uncached per-request lookup above about 500 requests/s per interface gets silent drops that become 5 s client timeouts (docs/sources.md B3, B4).",
        category: Category::Resolvers,
        get: |r| r.resolver_list()[0].per_client_qps_limit,
        set: |r, v| r.first_resolver_mut().per_client_qps_limit = v,
    },
    Param {
        key: "resolvers.count",
        label: "Resolvers",
        unit: "",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 3.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Nameservers in each client's resolv.conf, tried in order on timeouts (copies of the first; glibc and Go use at most 3).",
        why: "A second resolver turns a resolver outage into one extra lookup timeout per lookup instead of a failure (resolv.conf(5); Go src/net/dnsconfig.go).",
        category: Category::Resolvers,
        get: |r| r.resolver_list().len() as f64,
        set: |r, v| r.set_resolver_count(v as usize),
    },
    // Retries
    Param {
        key: "retry.attempts_max",
        label: "Max attempts",
        unit: "",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 20.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Attempts per request including the first (AWS SDK standard: 3; DynamoDB 2026: 4).",
        why: "Under total failure every request makes exactly this many attempts: the load multiplier of a retry storm.",
        category: Category::Retries,
        get: |r| f64::from(r.retry.attempts_max),
        set: |r, v| r.retry.attempts_max = v as u32,
    },
    Param {
        key: "retry.backoff",
        label: "Backoff",
        unit: "",
        kind: ParamKind::Choice(BACKOFFS),
        min: 0.0,
        max: 2.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "How the delay grows between retries.",
        why: "Exponential backoff spreads retries out as failures persist.",
        category: Category::Retries,
        get: |r| backoff_index(r.retry.backoff),
        set: |r, v| r.retry.backoff = backoff_from(v),
    },
    Param {
        key: "retry.backoff_base_ms",
        label: "Backoff base",
        unit: "ms",
        kind: ParamKind::Number,
        min: 0.0,
        max: 60_000.0,
        step: 10.0,
        scale: Scale::decades(FINE, 1.0).typical(0.0, 5000.0),
        help: "First backoff delay (AWS SDK 2026: 50 ms; botocore before: 1 s; gRPC example: 100 ms).",
        why: "Zero means immediate retries: the classic retry storm.",
        category: Category::Retries,
        get: |r| r.retry.backoff_base_ms,
        set: |r, v| r.retry.backoff_base_ms = v,
    },
    Param {
        key: "retry.backoff_max_ms",
        label: "Backoff cap",
        unit: "ms",
        kind: ParamKind::Number,
        min: 0.0,
        max: 300_000.0,
        step: 100.0,
        scale: Scale::decades(FINE, 1.0).typical(0.0, 60_000.0),
        help: "Largest backoff delay (AWS SDKs: 20 s).",
        why: "The cap bounds how long a client waits between tries once failures persist.",
        category: Category::Retries,
        get: |r| r.retry.backoff_max_ms,
        set: |r, v| r.retry.backoff_max_ms = v,
    },
    Param {
        key: "retry.jitter",
        label: "Jitter",
        unit: "",
        kind: ParamKind::Choice(JITTERS),
        min: 0.0,
        max: 4.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Randomisation of the delay: full (AWS), proportional ±20 % (gRPC since 2024), equal, decorrelated.",
        why: "Without jitter, clients that failed together retry together (Brooker 2015).",
        category: Category::Retries,
        get: |r| jitter_index(r.retry.jitter),
        set: |r, v| r.retry.jitter = jitter_from(v),
    },
    Param {
        key: "retry.on_dns_failure",
        label: "Retry DNS failures",
        unit: "",
        kind: ParamKind::Bool,
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Retry an attempt that failed to resolve the name (empty answer, SERVFAIL, lookup timeout).",
        why: "AWS SDKs retry a failed connection, whatever failed; a policy that retries only server responses (gRPC `retryableStatusCodes` without UNAVAILABLE) gives up on the first DNS failure.",
        category: Category::Retries,
        get: |r| f64::from(u8::from(r.retry.on_dns_failure)),
        set: |r, v| r.retry.on_dns_failure = v != 0.0,
    },
    Param {
        key: "retry.on_timeout",
        label: "Retry timeouts",
        unit: "",
        kind: ParamKind::Bool,
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Retry an attempt that hit its timeout.",
        why: "Retrying timeouts doubles the work of an overloaded backend; gRPC service configs often list only UNAVAILABLE, not DEADLINE_EXCEEDED.",
        category: Category::Retries,
        get: |r| f64::from(u8::from(r.retry.on_timeout)),
        set: |r, v| r.retry.on_timeout = v != 0.0,
    },
    Param {
        key: "retry.on_rejected",
        label: "Retry rejections",
        unit: "",
        kind: ParamKind::Bool,
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Retry an attempt the backend refused or throttled (queue full, operator throttle).",
        why: "AWS SDKs retry throttling errors (with their own quota cost); retrying a full queue keeps it full.",
        category: Category::Retries,
        get: |r| f64::from(u8::from(r.retry.on_rejected)),
        set: |r, v| r.retry.on_rejected = v != 0.0,
    },
    Param {
        key: "retry.on_server_error",
        label: "Retry server errors",
        unit: "",
        kind: ParamKind::Bool,
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Retry an attempt the backend answered with an error (5xx).",
        why: "Every retry library retries transient 5xx errors by default; turning it off shows what retries add under a partial error rate.",
        category: Category::Retries,
        get: |r| f64::from(u8::from(r.retry.on_server_error)),
        set: |r, v| r.retry.on_server_error = v != 0.0,
    },
    Param {
        key: "fleet.attempt_timeout_ms",
        label: "Attempt timeout",
        unit: "ms",
        kind: ParamKind::Number,
        min: 1.0,
        max: 120_000.0,
        step: 50.0,
        scale: Scale::decades(FINE, 1.0).marks(&[12_000.0]),
        help: "How long a client waits for one attempt (lookup plus call) before giving up.",
        why: "When the queue's wait exceeds this, every served request is already abandoned: wasted work that can sustain an outage.",
        category: Category::Retries,
        get: |r| r.fleet.attempt_timeout_ms,
        set: |r, v| r.fleet.attempt_timeout_ms = v,
    },
    // Retry budgets
    Param {
        key: "retry_budget.kind",
        label: "Retry budget",
        unit: "",
        kind: ParamKind::Choice(BUDGET_KINDS),
        min: 0.0,
        max: 7.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Per-client limit on retries: AWS standard quota (pre-2026 or 2026 costs), gRPC retryThrottling, Envoy retry_budget, Finagle RetryBudget, SRE adaptive throttling, AWS adaptive mode (standard quota plus a CUBIC rate limiter on every attempt).",
        why: "A budget caps the retry storm: under total failure a full AWS bucket allows 500/5 = 100 retries, then every failure surfaces at once.",
        category: Category::Retries,
        get: |r| budget_kind_index(r.retry_budget.kind),
        set: |r, v| r.retry_budget.kind = budget_kind_from(v),
    },
    Param {
        key: "retry_budget.aws_capacity_tokens",
        label: "AWS quota capacity",
        unit: "tokens",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 100_000.0,
        step: 10.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Size and initial level of the AWS SDK retry quota (botocore INITIAL_CAPACITY = 500, JS INITIAL_RETRY_TOKENS = 500).",
        why: "A first-try success refunds 1 token and a retry costs 5: retries are sustainable only while under about 1/6 of first tries fail.",
        category: Category::Retries,
        get: |r| r.retry_budget.aws_capacity_tokens,
        set: |r, v| r.retry_budget.aws_capacity_tokens = v,
    },
    Param {
        key: "retry_budget.aws_retry_cost_tokens",
        label: "AWS retry cost",
        unit: "tokens",
        kind: ParamKind::Integer,
        min: 0.0,
        max: 1000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0).marks(&[14.0]),
        help: "Tokens a retry after a generic error costs in aws_standard (botocore _RETRY_COST = 5); aws_standard_2026 always costs 14.",
        why: "The 2026 cost of 14 cuts a full bucket to about 35 retries and the sustainable failure fraction to about 1/15.",
        category: Category::Retries,
        get: |r| r.retry_budget.aws_retry_cost_tokens,
        set: |r, v| r.retry_budget.aws_retry_cost_tokens = v,
    },
    Param {
        key: "retry_budget.aws_timeout_retry_cost_tokens",
        label: "AWS timeout retry cost",
        unit: "tokens",
        kind: ParamKind::Integer,
        min: 0.0,
        max: 1000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0).marks(&[14.0]),
        help: "Tokens a retry after a request timeout costs in aws_standard (botocore _TIMEOUT_RETRY_REQUEST = 10).",
        why: "Timeouts signal overload, so they drain the quota twice as fast before 2026.",
        category: Category::Retries,
        get: |r| r.retry_budget.aws_timeout_retry_cost_tokens,
        set: |r, v| r.retry_budget.aws_timeout_retry_cost_tokens = v,
    },
    Param {
        key: "retry_budget.aws_throttle_retry_cost_tokens",
        label: "AWS throttling retry cost",
        unit: "tokens",
        kind: ParamKind::Integer,
        min: 0.0,
        max: 1000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Tokens a retry after a throttling error (queue full, an operator's throttle) costs in aws_standard and aws_adaptive (botocore _THROTTLING_RETRY_COST = 5; Java v2 legacy 0); aws_standard_2026 uses 5.",
        why: "The 2026 defaults discount throttling retries (5 instead of 14), so a throttled fleet keeps retrying longer than a failing one.",
        category: Category::Retries,
        get: |r| r.retry_budget.aws_throttle_retry_cost_tokens,
        set: |r, v| r.retry_budget.aws_throttle_retry_cost_tokens = v,
    },
    Param {
        key: "retry_budget.grpc_max_tokens",
        label: "gRPC maxTokens",
        unit: "tokens",
        kind: ParamKind::Number,
        min: 0.001,
        max: 1000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 0.001),
        help: "gRPC retryThrottling maxTokens, in (0, 1000] (gRFC A6 example: 10); retries stop while tokens ≤ maxTokens/2.",
        why: "A failed attempt costs 1 token: from full, about maxTokens/2 net failures disable retries.",
        category: Category::Retries,
        get: |r| r.retry_budget.grpc_max_tokens,
        set: |r, v| r.retry_budget.grpc_max_tokens = v,
    },
    Param {
        key: "retry_budget.grpc_token_ratio",
        label: "gRPC tokenRatio",
        unit: "tokens",
        kind: ParamKind::Number,
        min: 0.001,
        max: 1000.0,
        step: 0.01,
        scale: Scale::decades(FINE, 0.001),
        help: "Tokens a successful attempt adds (gRFC A6 example: 0.1).",
        why: "Retries stay on only while the failure fraction f < ratio/(1+ratio): about 9.1 % at 0.1.",
        category: Category::Retries,
        get: |r| r.retry_budget.grpc_token_ratio,
        set: |r, v| r.retry_budget.grpc_token_ratio = v,
    },
    Param {
        key: "retry_budget.envoy_budget_fraction",
        label: "Envoy budget",
        unit: "fraction",
        kind: ParamKind::Number,
        min: 0.0,
        max: 1.0,
        step: 0.05,
        scale: Scale::LINEAR,
        help: "Envoy retry_budget.budget_percent as a fraction of the client's active requests (default 20 % = 0.2).",
        why: "Envoy allows retries in flight up to max(min_retry_concurrency, budget × active requests).",
        category: Category::Retries,
        get: |r| r.retry_budget.envoy_budget_fraction,
        set: |r, v| r.retry_budget.envoy_budget_fraction = v,
    },
    Param {
        key: "retry_budget.envoy_min_retry_concurrency",
        label: "Envoy min retry concurrency",
        unit: "retries",
        kind: ParamKind::Integer,
        min: 0.0,
        max: 10_000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Retries in flight Envoy always allows (min_retry_concurrency, default 3).",
        why: "For a client with few requests in flight, this floor, not the percentage, sets the limit.",
        category: Category::Retries,
        get: |r| f64::from(r.retry_budget.envoy_min_retry_concurrency),
        set: |r, v| r.retry_budget.envoy_min_retry_concurrency = v as u32,
    },
    Param {
        key: "retry_budget.finagle_ttl_s",
        label: "Finagle budget TTL",
        unit: "s",
        kind: ParamKind::Number,
        min: 1.0,
        max: 60.0,
        step: 1.0,
        scale: Scale::seconds(),
        help: "How long Finagle RetryBudget deposits and withdrawals count (ttl, default 10 s, allowed 1–60 s).",
        why: "The budget is a sliding window: it allows percentCanRetry of the requests of the last ttl, plus a reserve.",
        category: Category::Retries,
        get: |r| r.retry_budget.finagle_ttl_s,
        set: |r, v| r.retry_budget.finagle_ttl_s = v,
    },
    Param {
        key: "retry_budget.finagle_retry_fraction",
        label: "Finagle percentCanRetry",
        unit: "fraction",
        kind: ParamKind::Number,
        min: 0.0,
        max: 1000.0,
        step: 0.01,
        scale: Scale::decades(FINE, 0.01),
        help: "Retries allowed per request in Finagle's RetryBudget (percentCanRetry, default 0.2).",
        why: "Caps steady retry load at about 20 % of requests on top of the reserve.",
        category: Category::Retries,
        get: |r| r.retry_budget.finagle_retry_fraction,
        set: |r, v| r.retry_budget.finagle_retry_fraction = v,
    },
    Param {
        key: "retry_budget.finagle_min_retries_per_s",
        label: "Finagle minRetriesPerSec",
        unit: "retries/s",
        kind: ParamKind::Integer,
        min: 0.0,
        max: 10_000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Retries per second Finagle always allows (minRetriesPerSec, default 10; reserve = rate × ttl).",
        why: "A client with little traffic still gets 10 retries per second: many small clients multiply this floor.",
        category: Category::Retries,
        get: |r| r.retry_budget.finagle_min_retries_per_s,
        set: |r, v| r.retry_budget.finagle_min_retries_per_s = v,
    },
    Param {
        key: "retry_budget.sre_multiplier",
        label: "SRE throttling K",
        unit: "",
        kind: ParamKind::Number,
        min: 1.0,
        max: 10.0,
        step: 0.25,
        scale: Scale::LINEAR,
        help: "Google SRE client-side throttling multiplier K: reject locally with P = max(0, (requests − K·accepts)/(requests + 1)); the book prefers 2.",
        why: "Lower K rejects more on the client; K = 1.1 lets about one request in ten be rejected by the backend.",
        category: Category::Retries,
        get: |r| r.retry_budget.sre_multiplier,
        set: |r, v| r.retry_budget.sre_multiplier = v,
    },
    Param {
        key: "retry_budget.sre_window_s",
        label: "SRE throttling window",
        unit: "s",
        kind: ParamKind::Number,
        min: 1.0,
        max: 3600.0,
        step: 10.0,
        scale: Scale::seconds(),
        help: "History of requests and accepts the throttle uses (SRE book: the last two minutes).",
        why: "A long window keeps throttling for a while after the backend recovers.",
        category: Category::Retries,
        get: |r| r.retry_budget.sre_window_s,
        set: |r, v| r.retry_budget.sre_window_s = v,
    },
    Param {
        key: "retry_budget.aws_adaptive_min_rate_per_s",
        label: "AWS adaptive min rate",
        unit: "tokens/s",
        kind: ParamKind::Number,
        min: 0.01,
        max: 10_000.0,
        step: 0.1,
        scale: Scale::decades(FINE, 0.01),
        help: "aws_adaptive: lowest fill rate of the client's send-rate limiter (botocore retries/bucket.py TokenBucket._MIN_RATE = 0.5). The limiter starts at max_rate 1 and is off until the first throttling response, which here is a backend queue-full rejection (the SlowDown / 503-with-throttle-code the backend sends when its queue is full); timeouts and 5xx errors are not throttles. A paced attempt waits for its token (it is not failed); one whose token comes after the request's deadline ends as DeadlineExceeded.",
        why: "After throttles the bucket can fall to this floor: each client then sends one attempt every 2 s, first attempts included, until CUBIC grows the rate back.",
        category: Category::Retries,
        get: |r| r.retry_budget.aws_adaptive_min_rate_per_s,
        set: |r, v| r.retry_budget.aws_adaptive_min_rate_per_s = v,
    },
    Param {
        key: "retry_budget.aws_adaptive_smoothing",
        label: "AWS adaptive smoothing",
        unit: "fraction",
        kind: ParamKind::Number,
        min: 0.0,
        max: 1.0,
        step: 0.05,
        scale: Scale::LINEAR,
        help: "aws_adaptive: EMA weight of the newest bucket in the measured rate of responses (botocore retries/adaptive.py RateClocker _DEFAULT_SMOOTHING = 0.8).",
        why: "The limiter never allows more than 2 × the measured rate, and a throttle cuts it to 0.7 × the measured rate.",
        category: Category::Retries,
        get: |r| r.retry_budget.aws_adaptive_smoothing,
        set: |r, v| r.retry_budget.aws_adaptive_smoothing = v,
    },
    Param {
        key: "retry_budget.aws_adaptive_bucket_s",
        label: "AWS adaptive rate bucket",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.01,
        max: 60.0,
        step: 0.1,
        scale: Scale::seconds(),
        help: "aws_adaptive: width of the time buckets the measured rate is counted in (botocore RateClocker _TIME_BUCKET_RANGE = 0.5 s).",
        why: "The measured rate only updates when a bucket closes, so the limiter reacts with this delay.",
        category: Category::Retries,
        get: |r| r.retry_budget.aws_adaptive_bucket_s,
        set: |r, v| r.retry_budget.aws_adaptive_bucket_s = v,
    },
    Param {
        key: "retry_budget.aws_adaptive_cubic_scale",
        label: "AWS adaptive CUBIC C",
        unit: "tokens/s⁴",
        kind: ParamKind::Number,
        min: 0.001,
        max: 100.0,
        step: 0.1,
        scale: Scale::decades(FINE, 0.001),
        help: "aws_adaptive: CUBIC scale constant C (botocore retries/throttling.py CubicCalculator _SCALE_CONSTANT = 0.4): after a throttle at rate W_max, rate = C·(t − t_fail − K)³ + W_max with K = cbrt(W_max·(1 − β)/C).",
        why: "The rate regains W_max K seconds after the throttle: about 3.3 s from 50 tokens/s, 7.2 s from 500.",
        category: Category::Retries,
        get: |r| r.retry_budget.aws_adaptive_cubic_scale,
        set: |r, v| r.retry_budget.aws_adaptive_cubic_scale = v,
    },
    Param {
        key: "retry_budget.aws_adaptive_beta",
        label: "AWS adaptive CUBIC β",
        unit: "fraction",
        kind: ParamKind::Number,
        min: 0.01,
        max: 0.99,
        step: 0.05,
        scale: Scale::LINEAR,
        help: "aws_adaptive: CUBIC multiplicative decrease (botocore CubicCalculator _BETA = 0.7): a throttle sets the rate to β × the measured rate.",
        why: "Lower β backs off harder on each throttle and takes longer to recover.",
        category: Category::Retries,
        get: |r| r.retry_budget.aws_adaptive_beta,
        set: |r, v| r.retry_budget.aws_adaptive_beta = v,
    },
    Param {
        key: "fleet.deadline_ms",
        label: "Request deadline",
        unit: "ms",
        kind: ParamKind::Number,
        min: 0.0,
        max: 3_600_000.0,
        step: 100.0,
        scale: Scale::decades(FINE, 1.0).typical(0.0, 60_000.0),
        help: "Overall deadline of a user request; no retry starts after it (gRPC deadlines bound the whole chain of attempts). 0 = none.",
        why: "A deadline stops retries that would answer a caller who has already given up.",
        category: Category::Retries,
        get: |r| r.fleet.deadline_ms,
        set: |r, v| r.fleet.deadline_ms = v,
    },
    Param {
        key: "hedging.max_attempts",
        label: "Hedged attempts",
        unit: "attempts",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 5.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "gRPC hedgingPolicy maxAttempts, the first included (clamped to 5 by gRPC); above 1, hedging replaces retries. 1 = off.",
        why: "Hedges cut tail latency but multiply load by up to maxAttempts when the backend slows down (gRFC A6).",
        category: Category::Retries,
        get: |r| f64::from(r.hedging.max_attempts),
        set: |r, v| r.hedging.max_attempts = v as u32,
    },
    Param {
        key: "hedging.delay_ms",
        label: "Hedging delay",
        unit: "ms",
        kind: ParamKind::Number,
        min: 0.0,
        max: 60_000.0,
        step: 10.0,
        scale: Scale::decades(FINE, 1.0).typical(0.0, 5000.0),
        help: "gRPC hedgingDelay: attempts go out at 0, d, 2d, … until one succeeds (example 0.5 s; 0 sends all at once); a failure sends the next at once.",
        why: "A delay near the latency's high percentile hedges only the slow tail; a short one multiplies every request.",
        category: Category::Retries,
        get: |r| r.hedging.delay_ms,
        set: |r, v| r.hedging.delay_ms = v,
    },
    // Circuit breaker
    Param {
        key: "breaker.kind",
        label: "Circuit breaker",
        unit: "",
        kind: ParamKind::Choice(BREAKER_KINDS),
        min: 0.0,
        max: 3.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Per-client breaker around each attempt: consecutive failures (Finagle FailureAccrual), a count window or a time window (resilience4j).",
        why: "An open breaker fails requests at once without sending anything: it sheds load but turns partial failures into complete ones (Brooker 2022).",
        category: Category::CircuitBreaker,
        get: |r| breaker_kind_index(r.breaker.kind),
        set: |r, v| r.breaker.kind = breaker_kind_from(v),
    },
    Param {
        key: "breaker.failure_ratio_threshold",
        label: "Failure ratio threshold",
        unit: "fraction",
        kind: ParamKind::Number,
        min: 0.01,
        max: 1.0,
        step: 0.05,
        scale: Scale::LINEAR,
        help: "Failure ratio of the window at or above which the breaker opens (resilience4j failureRateThreshold 50 %; Polly FailureRatio 0.1).",
        why: "Low thresholds trip on small blips; high ones let most of an outage through.",
        category: Category::CircuitBreaker,
        get: |r| r.breaker.failure_ratio_threshold,
        set: |r, v| r.breaker.failure_ratio_threshold = v,
    },
    Param {
        key: "breaker.minimum_calls",
        label: "Minimum calls",
        unit: "attempts",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 10_000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Attempts in the window before the ratio is evaluated (resilience4j minimumNumberOfCalls 100; Hystrix 20).",
        why: "A client with little traffic may never reach it, so its breaker never opens.",
        category: Category::CircuitBreaker,
        get: |r| f64::from(r.breaker.minimum_calls),
        set: |r, v| r.breaker.minimum_calls = v as u32,
    },
    Param {
        key: "breaker.window_calls",
        label: "Count window",
        unit: "attempts",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 1000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Size of a count-based window (resilience4j slidingWindowSize 100).",
        why: "A short window reacts fast and also forgets fast.",
        category: Category::CircuitBreaker,
        get: |r| f64::from(r.breaker.window_calls),
        set: |r, v| r.breaker.window_calls = v as u32,
    },
    Param {
        key: "breaker.window_s",
        label: "Time window",
        unit: "s",
        kind: ParamKind::Number,
        min: 1.0,
        max: 3600.0,
        step: 1.0,
        scale: Scale::seconds().marks(&[100.0]),
        help: "Length of a time-based window (resilience4j slidingWindowSize 100 read as seconds; Polly SamplingDuration 30 s; Hystrix 10 s).",
        why: "The breaker trips on the failures of this recent past, counted in 10 slices.",
        category: Category::CircuitBreaker,
        get: |r| r.breaker.window_s,
        set: |r, v| r.breaker.window_s = v,
    },
    Param {
        key: "breaker.consecutive_failures",
        label: "Consecutive failures",
        unit: "attempts",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 1000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Failures in a row that open a consecutive-failures breaker (Finagle FailureAccrual: 5).",
        why: "Simple and fast, but one success resets the count.",
        category: Category::CircuitBreaker,
        get: |r| f64::from(r.breaker.consecutive_failures),
        set: |r, v| r.breaker.consecutive_failures = v as u32,
    },
    Param {
        key: "breaker.open_s",
        label: "Open duration",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 3600.0,
        step: 1.0,
        scale: Scale::seconds(),
        help: "Time the breaker stays open before it lets probes through (resilience4j waitDurationInOpenState 60 s; Polly BreakDuration 5 s; Hystrix 5 s).",
        why: "Long open periods delay recovery after the dependency is fixed.",
        category: Category::CircuitBreaker,
        get: |r| r.breaker.open_s,
        set: |r, v| r.breaker.open_s = v,
    },
    Param {
        key: "breaker.half_open_calls",
        label: "Half-open probes",
        unit: "attempts",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 1000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Probe attempts let through when half-open; their failure ratio closes or re-opens the breaker (resilience4j 10; Polly and Hystrix 1).",
        why: "Calls beyond the probes fail fast while the probes are out.",
        category: Category::CircuitBreaker,
        get: |r| f64::from(r.breaker.half_open_calls),
        set: |r, v| r.breaker.half_open_calls = v as u32,
    },
    // Backend
    Param {
        key: "backend.workers",
        label: "Workers",
        unit: "",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 100_000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0).marks(&[64.0]),
        help: "Requests the backend serves at once.",
        why: "Capacity is workers ÷ mean service time; utilisation near 1 leaves no room for retries.",
        category: Category::Backend,
        get: |r| f64::from(r.backend.workers),
        set: |r, v| r.backend.workers = v as u32,
    },
    Param {
        key: "backend.service_ms_mean",
        label: "Mean service time",
        unit: "ms",
        kind: ParamKind::Number,
        min: 0.01,
        max: 60_000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 0.01),
        help: "Mean time a worker spends on one request.",
        why: "With the workers, it sets the backend's capacity.",
        category: Category::Backend,
        get: |r| r.backend.service_ms_mean,
        set: |r, v| r.backend.service_ms_mean = v,
    },
    Param {
        key: "backend.service_time",
        label: "Service-time law",
        unit: "",
        kind: ParamKind::Choice(SERVICE_LAWS),
        min: 0.0,
        max: 2.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Constant, exponential or log-normal (heavy-tailed, spread set by the sigma) service times.",
        why: "Variability lengthens queues at the same utilisation (Erlang C vs M/D/c).",
        category: Category::Backend,
        get: |r| law_index(r.backend.service_time),
        set: |r, v| r.backend.service_time = law_from(v),
    },
    Param {
        key: "backend.queue_capacity",
        label: "Queue capacity",
        unit: "requests",
        kind: ParamKind::Integer,
        min: 0.0,
        max: 10_000_000.0,
        step: 100.0,
        scale: Scale::decades(FINE, 1.0).typical(0.0, 100_000.0),
        help: "Waiting requests beyond which new ones are rejected at once.",
        why: "A queue longer than timeout × capacity only holds work that clients have abandoned (Bronson et al. 2021).",
        category: Category::Backend,
        get: |r| f64::from(r.backend.queue_capacity),
        set: |r, v| r.backend.queue_capacity = v as u32,
    },
    Param {
        key: "backend.service_sigma",
        label: "Log-normal sigma",
        unit: "",
        kind: ParamKind::Number,
        min: 0.0,
        max: 4.0,
        step: 0.1,
        scale: Scale::LINEAR,
        help: "Spread of the log-normal service time: standard deviation of its logarithm; the mean stays the configured mean.",
        why: "A heavy tail makes queues and timeouts worse at the same mean.",
        category: Category::Backend,
        get: |r| r.backend.service_sigma,
        set: |r, v| r.backend.service_sigma = v,
    },
    Param {
        key: "backend.queue_discipline",
        label: "Queue discipline",
        unit: "",
        kind: ParamKind::Choice(QUEUE_DISCIPLINES),
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Serve the oldest waiting request first (FIFO) or the newest (LIFO).",
        why: "Under overload LIFO serves requests whose clients still wait, while FIFO serves the abandoned ones first.",
        category: Category::Backend,
        get: |r| discipline_index(r.backend.queue_discipline),
        set: |r, v| r.backend.queue_discipline = discipline_from(v),
    },
    Param {
        key: "backend.drop_abandoned",
        label: "Drop abandoned work",
        unit: "",
        kind: ParamKind::Bool,
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Skip queued requests whose client already gave up (a server-side deadline) instead of serving them.",
        why: "Serving abandoned work is the sustaining loop of a metastable failure (Bronson et al. 2021).",
        category: Category::Backend,
        get: |r| f64::from(u8::from(r.backend.drop_abandoned)),
        set: |r, v| r.backend.drop_abandoned = v != 0.0,
    },
    Param {
        key: "backend.health_check_removal_max_fraction",
        label: "Health-check velocity control",
        unit: "",
        kind: ParamKind::Number,
        min: 0.0,
        max: 1.0,
        step: 0.05,
        scale: Scale::LINEAR,
        help: "Largest fraction of the workers the load balancer's failing health checks may take out of service (1 = no limit); applies to health_check_flapping faults.",
        why: "After October 2025 AWS added velocity control to NLB to limit the capacity health checks can remove (AWS post-event summary; docs/sources.md C, P5).",
        category: Category::Backend,
        get: |r| r.backend.health_check_removal_max_fraction,
        set: |r, v| r.backend.health_check_removal_max_fraction = v,
    },
    Param {
        key: "lease.lifetime_s",
        label: "Lease lifetime",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 86_400.0,
        step: 5.0,
        scale: Scale::seconds().typical(0.0, 3600.0),
        help: "Clients hold leases with the backend (a control plane and its hosts): each request renews the client's lease for this long; a request after it lapsed re-establishes it. 0 = no leases.",
        why: "EC2's DropletWorkflow Manager lost its droplet leases while DynamoDB's name was empty and collapsed re-establishing them, because the work took longer than the lease timeout (AWS post-event summary; docs/sources.md C, P4).",
        category: Category::Backend,
        get: |r| r.lease.lifetime_s,
        set: |r, v| r.lease.lifetime_s = v,
    },
    Param {
        key: "lease.reestablish_work_factor",
        label: "Re-establishment work",
        unit: "×",
        kind: ParamKind::Number,
        min: 1.0,
        max: 1000.0,
        step: 0.5,
        scale: Scale::decades(FINE, 1.0),
        help: "Backend work to re-establish a lapsed lease, as a multiple of a renewal's service time.",
        why: "When lapsed leases cost more work than capacity allows, renewals wait past their timeout and more leases lapse: the loop that sustains the collapse.",
        category: Category::Backend,
        get: |r| r.lease.reestablish_work_factor,
        set: |r, v| r.lease.reestablish_work_factor = v,
    },
    // Regions and dependencies
    Param {
        key: "backend.regions",
        label: "Regions",
        unit: "regions",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 2.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Identical copies of the backend in separate regions; region 0 is the primary, region 1 the failover secondary.",
        why: "\"Spread essential applications across different availability zones and, if possible, different regions\" (the October 2025 lessons); a second region helps only if clients are sent there.",
        category: Category::Topology,
        get: |r| f64::from(r.backend.regions),
        set: |r, v| r.backend.regions = v as u32,
    },
    Param {
        key: "dns.routing",
        label: "DNS routing policy",
        unit: "",
        kind: ParamKind::Choice(ROUTING_POLICIES),
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "simple: the name always answers the primary region; failover: Route 53 answers the secondary once health checks find the primary unhealthy (needs 2 regions).",
        why: "Failover takes about interval × threshold + propagation + TTL: 30×3 + 60 + 60 ≈ 3.5 min with Route 53 defaults (docs/sources.md B3); simple routing keeps clients on a lost region for the whole fault.",
        category: Category::Topology,
        get: |r| routing_index(r.dns.routing),
        set: |r, v| r.dns.routing = routing_from(v),
    },
    Param {
        key: "dns.health_check_interval_s",
        label: "Health-check interval",
        unit: "s",
        kind: ParamKind::Number,
        min: 10.0,
        max: 30.0,
        step: 20.0,
        scale: Scale::LINEAR,
        help: "Route 53 health-check RequestInterval: 30 s (default) or 10 s (fast).",
        why: "Route 53 DG \"How Route 53 determines whether a health check is healthy\"; HealthCheckConfig.RequestInterval defaults to 30 (docs/sources.md B3).",
        category: Category::Topology,
        get: |r| r.dns.health_check_interval_s,
        set: |r, v| r.dns.health_check_interval_s = v,
    },
    Param {
        key: "dns.health_check_failure_threshold",
        label: "Health-check failure threshold",
        unit: "checks",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 10.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "Consecutive checks that must fail (or pass) before Route 53 changes the primary's status (FailureThreshold 1–10, default 3).",
        why: "Route 53 API HealthCheckConfig.FailureThreshold: \"If you don't specify a value … the default value is three health checks\" (docs/sources.md B3).",
        category: Category::Topology,
        get: |r| f64::from(r.dns.health_check_failure_threshold),
        set: |r, v| r.dns.health_check_failure_threshold = v as u32,
    },
    Param {
        key: "dns.propagation_s",
        label: "DNS change propagation",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 600.0,
        step: 5.0,
        scale: Scale::seconds(),
        help: "Time for a changed answer to reach every Route 53 name server (60 s).",
        why: "ELB \"Delete a load balancer\" docs: changes take 60 s to reach all Route 53 name servers (docs/sources.md B3).",
        category: Category::Topology,
        get: |r| r.dns.propagation_s,
        set: |r, v| r.dns.propagation_s = v,
    },
    Param {
        key: "identity.token_lifetime_s",
        label: "Identity token lifetime",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 43_200.0,
        step: 60.0,
        scale: Scale::seconds(),
        help: "Lifetime of the identity token every request needs, fetched from an identity service and cached per client; 0 = no identity dependency (STS AssumeRole DurationSeconds default 3600 s, 900 s–12 h).",
        why: "\"Verify that identity and telemetry paths have fallbacks\" (the October 2025 lessons): when the identity service is down, clients fail as their tokens expire. STS figures from the AssumeRole API reference, not re-checked (○).",
        category: Category::Topology,
        get: |r| r.identity.token_lifetime_s,
        set: |r, v| r.identity.token_lifetime_s = v,
    },
    Param {
        key: "identity.fetch_latency_ms",
        label: "Token fetch latency",
        unit: "ms",
        kind: ParamKind::Number,
        min: 0.0,
        max: 60_000.0,
        step: 10.0,
        scale: Scale::decades(FINE, 1.0).typical(0.0, 5000.0),
        help: "Time to fetch a token (lookup of the identity name plus the call); the request waits for it.",
        why: "Fetches are rare (one per lifetime per client) but sit in front of the request that triggers them.",
        category: Category::Topology,
        get: |r| r.identity.fetch_latency_ms,
        set: |r, v| r.identity.fetch_latency_ms = v,
    },
    Param {
        key: "identity.fallback",
        label: "Token fallback",
        unit: "",
        kind: ParamKind::Choice(TOKEN_FALLBACKS),
        min: 0.0,
        max: 1.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "none: a failed fetch fails the request; cached: keep using the expired token for the grace period.",
        why: "The AWS SDKs' static stability for instance credentials keeps using expired credentials while the credential endpoint is unreachable (AWS SDKs and Tools guide, not re-checked ○).",
        category: Category::Topology,
        get: |r| fallback_index(r.identity.fallback),
        set: |r, v| r.identity.fallback = fallback_from(v),
    },
    Param {
        key: "identity.grace_s",
        label: "Expired-token grace",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 86_400.0,
        step: 60.0,
        scale: Scale::seconds(),
        help: "With the cached fallback: how long after expiry an expired token is still used when fetches fail.",
        why: "The AWS SDKs extend expired instance credentials by 5–15 minutes per failed refresh (not re-checked ○); a grace longer than the identity outage hides it.",
        category: Category::Topology,
        get: |r| r.identity.grace_s,
        set: |r, v| r.identity.grace_s = v,
    },
    Param {
        key: "telemetry.mode",
        label: "Telemetry call",
        unit: "",
        kind: ParamKind::Choice(TELEMETRY_MODES),
        min: 0.0,
        max: 2.0,
        step: 1.0,
        scale: Scale::LINEAR,
        help: "off; async (exported in the background, adds nothing); sync (made inline: adds its latency, or its timeout when the collector does not answer). It never fails a request (fail-open).",
        why: "OpenTelemetry's BatchSpanProcessor exports asynchronously; an inline call to a dead collector adds its timeout to every request.",
        category: Category::Topology,
        get: |r| telemetry_index(r.telemetry.mode),
        set: |r, v| r.telemetry.mode = telemetry_from(v),
    },
    Param {
        key: "telemetry.latency_ms",
        label: "Telemetry latency",
        unit: "ms",
        kind: ParamKind::Number,
        min: 0.0,
        max: 60_000.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0).typical(0.0, 10_000.0),
        help: "Time of a successful telemetry call (and of one that fails fast).",
        why: "A sync call adds it to every request, outage or not.",
        category: Category::Topology,
        get: |r| r.telemetry.latency_ms,
        set: |r, v| r.telemetry.latency_ms = v,
    },
    Param {
        key: "telemetry.timeout_ms",
        label: "Telemetry timeout",
        unit: "ms",
        kind: ParamKind::Number,
        min: 0.0,
        max: 60_000.0,
        step: 100.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Longest a sync telemetry call waits for a collector that does not answer (OTLP exporter OTEL_EXPORTER_OTLP_TIMEOUT: 10 s).",
        why: "OpenTelemetry specification, OTLP exporter configuration: timeout default 10 s (not re-checked ○); it becomes every request's added latency while the collector is black-holed.",
        category: Category::Topology,
        get: |r| r.telemetry.timeout_ms,
        set: |r, v| r.telemetry.timeout_ms = v,
    },
    Param {
        key: "client_dns.lookups_in_flight_max",
        label: "Lookups in flight per client",
        unit: "lookups",
        kind: ParamKind::Integer,
        min: 0.0,
        max: 1024.0,
        step: 1.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Lookups one client runs at once; more wait in a queue (Node.js dns.lookup runs on the libuv pool: UV_THREADPOOL_SIZE 4, max 1024). 0 = unlimited.",
        why: "With the resolver dropping queries each lookup holds its thread for timeout × attempts, so 4 threads give about 0.4 lookups/s per process and every other lookup waits behind them (docs/sources.md B1, B4).",
        category: Category::ClientDns,
        get: |r| f64::from(r.client_dns.lookups_in_flight_max),
        set: |r, v| r.client_dns.lookups_in_flight_max = v as u32,
    },
    Param {
        key: "client_dns.stale_max_s",
        label: "Client serve-stale",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 604_800.0,
        step: 10.0,
        scale: Scale::seconds(),
        help: "When a lookup fails (SERVFAIL or a timed-out try), use the cached answer if it expired less than this long ago; never for an empty answer (Cronet StaleDnsOptions maxExpiredDelay). 0 = off.",
        why: "A client that keeps its last good answer rides out resolver outages and SERVFAIL, but not a healthy zone answering NODATA, as in October 2025 (RFC 8767 serves stale only when a refresh fails).",
        category: Category::ClientDns,
        get: |r| r.client_dns.stale_max_s,
        set: |r, v| r.client_dns.stale_max_s = v,
    },
    Param {
        key: "client_dns.prefetch_s",
        label: "Client prefetch window",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 86_400.0,
        step: 1.0,
        scale: Scale::seconds().typical(0.0, 600.0),
        help: "When a request uses a cached answer that expires within this long, refresh it in the background (one lookup at a time per client). 0 = off.",
        why: "Refresh-ahead keeps busy clients from ever waiting on an expired entry (Unbound `prefetch` refreshes at 90 % of the TTL); during an outage the refresh fails quietly and the entry still expires on time.",
        category: Category::ClientDns,
        get: |r| r.client_dns.prefetch_s,
        set: |r, v| r.client_dns.prefetch_s = v,
    },
    // Fleet
    Param {
        key: "fleet.clients",
        label: "Clients",
        unit: "",
        kind: ParamKind::Integer,
        min: 1.0,
        max: 1_000_000.0,
        step: 100.0,
        scale: Scale::decades(FINE, 1.0),
        help: "Number of client instances, each with its own DNS cache.",
        why: "Caches, budgets and breakers are per client: many small clients each with a full budget retry more than one big one.",
        category: Category::Fleet,
        get: |r| r.fleet.clients as f64,
        set: |r, v| r.fleet.clients = v as u64,
    },
    Param {
        key: "fleet.request_rate_per_client_per_s",
        label: "Requests per client",
        unit: "req/s",
        kind: ParamKind::Number,
        min: 0.001,
        max: 10_000.0,
        step: 0.1,
        scale: Scale::decades(FINE, 0.001),
        help: "Open-loop Poisson request rate of one client.",
        why: "Total offered load is clients × rate; it does not slow down when the backend does.",
        category: Category::Fleet,
        get: |r| r.fleet.request_rate_per_client_per_s,
        set: |r, v| r.fleet.request_rate_per_client_per_s = v,
    },
    Param {
        key: "fleet.connection_lifetime_s",
        label: "Connection lifetime",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.0,
        max: 86_400.0,
        step: 10.0,
        scale: Scale::seconds().typical(0.0, 3600.0),
        help: "Maximum lifetime of a client's pooled connection; only opening one needs a DNS lookup, so DNS settings act only when connections are opened. 0 = a new connection per attempt.",
        why: "Established connections do not re-resolve: during the October 2025 outage existing connections lived on while new ones failed.",
        category: Category::Fleet,
        get: |r| r.fleet.connection_lifetime_s,
        set: |r, v| r.fleet.connection_lifetime_s = v,
    },
    Param {
        key: "fleet.scale_max_clients",
        label: "Most clients simulated",
        unit: "clients",
        kind: ParamKind::Integer,
        min: 10.0,
        max: 10_000_000.0,
        step: 1000.0,
        scale: Scale::decades(FINE, 10.0),
        help: "Larger fleets are simulated as super-clients of k real clients each (k = ⌈clients ÷ this⌉), each sending k× the requests and sharing one DNS cache, connection, retry budget and breaker.",
        why: "Keeps memory and time bounded for million-client fleets; the approximation merges the per-client state of k clients (Report.client_scale_factor says when it applied).",
        category: Category::Fleet,
        get: |r| r.fleet.scale_max_clients as f64,
        set: |r, v| r.fleet.scale_max_clients = v as u64,
    },
    // Run
    Param {
        key: "run.duration_s",
        label: "Horizon",
        unit: "s",
        kind: ParamKind::Number,
        min: 1.0,
        max: 172_800.0,
        step: 30.0,
        scale: Scale::seconds().marks(&[660.0]),
        help: "Simulated time.",
        why: "Leave time after the outage to see whether the system recovers.",
        category: Category::Run,
        get: |r| r.run.duration_s,
        set: |r, v| r.run.duration_s = v,
    },
    Param {
        key: "run.bucket_s",
        label: "Metric bucket",
        unit: "s",
        kind: ParamKind::Number,
        min: 0.01,
        max: 3600.0,
        step: 1.0,
        scale: Scale::seconds(),
        help: "Width of one metric bucket of the time series (at most 20,000 buckets per run).",
        why: "Recovery is judged on 3 consecutive buckets at 95 % of the baseline, so the bucket width sets the resolution of the time to recover.",
        category: Category::Run,
        get: |r| r.run.bucket_s,
        set: |r, v| r.run.bucket_s = v,
    },
    Param {
        key: "run.seed",
        label: "Seed",
        unit: "",
        kind: ParamKind::Integer,
        min: 0.0,
        max: 4_294_967_295.0,
        step: 1.0,
        scale: Scale::ENTRY,
        help: "Seed of every random stream; the same seed gives the same result.",
        why: "Change it to see the run-to-run noise; keep it to compare two designs fairly.",
        category: Category::Run,
        get: |r| r.run.seed as f64,
        set: |r, v| r.run.seed = v as u64,
    },
    Param {
        key: "run.recovery_window_s",
        label: "Recovery window",
        unit: "s",
        kind: ParamKind::Number,
        min: 1.0,
        max: 86_400.0,
        step: 10.0,
        scale: Scale::seconds(),
        help: "Goodput must return to 95 % of its pre-fault level within this long after the fault ends, or the run is metastable.",
        why: "A metastable failure persists after its trigger is gone (Bronson et al. 2021).",
        category: Category::Run,
        get: |r| r.run.recovery_window_s,
        set: |r, v| r.run.recovery_window_s = v,
    },
    Param {
        key: "cost.slo_target",
        label: "SLO target",
        unit: "",
        kind: ParamKind::Number,
        min: 0.0,
        max: 0.99999,
        step: 0.0001,
        scale: Scale::list(NINES),
        help: "Availability objective; the SLO burn is failures divided by what it allows.",
        why: "A burn above 1 means this outage alone spent more than the error budget of the requests it covered.",
        category: Category::Run,
        get: |r| r.cost.slo_target,
        set: |r, v| r.cost.slo_target = v,
    },
    Param {
        key: "cost.per_failed_request",
        label: "Cost per failed request",
        unit: "$",
        kind: ParamKind::Number,
        min: 0.0,
        max: 1_000_000.0,
        step: 0.01,
        scale: Scale::decades(ONE_TWO_FIVE, 0.001).typical(0.0, 100.0),
        help: "What one failed user request costs you, for the downtime estimate.",
        why: "Turns failed requests into a figure a business review can weigh.",
        category: Category::Run,
        get: |r| r.cost.per_failed_request,
        set: |r, v| r.cost.per_failed_request = v,
    },
    Param {
        key: "cost.per_minute_down",
        label: "Cost per minute down",
        unit: "$/min",
        kind: ParamKind::Number,
        min: 0.0,
        max: 100_000_000.0,
        step: 100.0,
        scale: Scale::decades(ONE_TWO_FIVE, 1.0).typical(0.0, 1_000_000.0),
        help: "What one minute of downtime costs you: every metric bucket whose availability is below the SLO target counts as down.",
        why: "Outage costs are often quoted per minute or hour (the widely repeated $75 M/hour for October 2025 is a third-party estimate, docs/sources.md C).",
        category: Category::Run,
        get: |r| r.cost.per_minute_down,
        set: |r, v| r.cost.per_minute_down = v,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique() {
        for (i, a) in PARAMS.iter().enumerate() {
            for b in &PARAMS[i + 1..] {
                assert_ne!(a.key, b.key, "duplicate parameter key");
            }
        }
    }

    #[test]
    fn defaults_are_in_range_and_round_trip() {
        for p in PARAMS {
            let default = p.default_value();
            p.check(default)
                .unwrap_or_else(|e| panic!("{}: default {e}", p.key));
            for value in [p.min, p.max, default] {
                let mut raw = RawScenario::default();
                (p.set)(&mut raw, value);
                assert_eq!((p.get)(&raw), value, "{} does not read back {value}", p.key);
                assert_eq!(p.parse(&p.wire(value)), Ok(value), "{} wire form", p.key);
            }
        }
    }

    fn numeric() -> impl Iterator<Item = &'static Param> {
        PARAMS
            .iter()
            .filter(|p| matches!(p.kind, ParamKind::Number | ParamKind::Integer))
    }

    /// The value of every numeric parameter in every preset, and on the default scenario with
    /// each policy applied (what "Apply policy" sets).
    fn designs() -> Vec<(String, RawScenario)> {
        let presets = crate::presets::PRESETS
            .iter()
            .map(|p| (p.name.to_string(), p.raw().expect("preset decodes")));
        let policies = crate::presets::POLICIES.iter().map(|p| {
            let mut raw = RawScenario::default();
            crate::scenario::apply_policy(&mut raw, p.name).expect("policy applies");
            (format!("policy {}", p.name), raw)
        });
        presets.chain(policies).collect()
    }

    #[test]
    fn every_numeric_parameter_has_a_scale_over_its_range() {
        for p in numeric() {
            let steps = p.steps();
            assert_eq!(steps.first(), Some(&p.min), "{}: first stop", p.key);
            assert_eq!(steps.last(), Some(&p.max), "{}: last stop", p.key);
            assert!(
                steps.windows(2).all(|w| w[0] < w[1]),
                "{}: ascending",
                p.key
            );
            if p.kind == ParamKind::Integer {
                assert!(steps.iter().all(|s| s.fract() == 0.0), "{}: whole", p.key);
            }
            // Linear only where the range is small; times and wide ranges by ratios.
            if p.scale.ladder == Ladder::Linear {
                assert!(steps.len() <= 80, "{}: {} linear stops", p.key, steps.len());
            }
            let wide = p.max / p.min.max(p.step) >= 1000.0;
            if wide && p.scale.ladder != Ladder::Entry {
                assert!(
                    p.scale.is_logarithmic(),
                    "{}: a wide range is logarithmic",
                    p.key
                );
            }
            for s in &steps {
                assert_eq!(p.check(*s), Ok(()), "{}: stop {s} is valid", p.key);
            }
        }
        assert_eq!(find("run.seed").unwrap().scale.ladder, Ladder::Entry);
    }

    #[test]
    fn the_stops_include_the_default_and_every_preset_value() {
        let designs = designs();
        for p in numeric().filter(|p| p.scale.ladder != Ladder::Entry) {
            let steps = p.steps();
            let default = p.default_value();
            assert!(steps.contains(&default), "{}: default {default}", p.key);
            for (name, raw) in &designs {
                let value = (p.get)(raw);
                assert!(steps.contains(&value), "{}: {name} sets {value}", p.key);
            }
        }
    }

    #[test]
    fn stepping_from_a_stop_and_back_returns_to_it() {
        let designs = designs();
        let seed = find("run.seed").unwrap();
        assert_eq!(
            (seed.step_from(7.0, 1), seed.step_from(7.0, -1)),
            (8.0, 6.0)
        );
        for p in numeric().filter(|p| p.scale.ladder != Ladder::Entry) {
            let steps = p.steps();
            for (i, s) in steps.iter().enumerate() {
                let up = p.step_from(*s, 1);
                let down = p.step_from(*s, -1);
                assert_eq!(
                    up,
                    steps[(i + 1).min(steps.len() - 1)],
                    "{}: up from {s}",
                    p.key
                );
                assert_eq!(down, steps[i.saturating_sub(1)], "{}: down from {s}", p.key);
                if i + 1 < steps.len() {
                    assert_eq!(p.step_from(up, -1), *s, "{}: {s} up and down", p.key);
                }
                if i > 0 {
                    assert_eq!(p.step_from(down, 1), *s, "{}: {s} down and up", p.key);
                }
            }
            for (name, raw) in &designs {
                let value = (p.get)(raw);
                if value < p.max {
                    let there = p.step_from(value, 1);
                    assert_eq!(p.step_from(there, -1), value, "{}: {name}'s {value}", p.key);
                }
            }
        }
    }

    /// The examples of issue 19: round values are reachable with the keyboard, and a value
    /// between stops steps onto its neighbours.
    #[test]
    fn arrows_move_between_round_values() {
        let timeout = find("client_dns.lookup_timeout_ms").unwrap();
        assert_eq!(timeout.step_from(5000.0, 1), 6000.0);
        assert_eq!(timeout.step_from(6000.0, -1), 5000.0);
        assert_eq!(timeout.step_from(5001.0, 1), 6000.0);
        assert_eq!(timeout.step_from(5001.0, -1), 5000.0);
        let attempt = find("fleet.attempt_timeout_ms").unwrap();
        assert_eq!(attempt.step_from(2000.0, 1), 2500.0);
        assert_eq!(attempt.step_from(2500.0, -1), 2000.0);
        let base = find("retry.backoff_base_ms").unwrap();
        assert_eq!(base.step_from(25.0, 1), 30.0);
        assert_eq!(base.step_from(30.0, -1), 25.0);
        let attempts = find("retry.attempts_max").unwrap();
        assert_eq!(attempts.step_from(3.0, 1), 4.0);
        assert_eq!(attempts.step_from(20.0, 1), 20.0, "clamped at the end");
        assert_eq!(attempts.step_from(1.0, -3), 1.0, "clamped at the start");
    }

    #[test]
    fn sliders_cover_the_useful_values_of_each_preset() {
        for (name, raw) in designs() {
            for p in numeric().filter(|p| p.scale.ladder != Ladder::Entry) {
                let value = (p.get)(&raw);
                let (low, high) = p.slider_range(value);
                assert!(
                    p.min <= low && low <= value && value <= high && high <= p.max,
                    "{}: {name}'s {value} outside its slider {low}..{high}",
                    p.key
                );
                let stops = p.slider_steps(value);
                // A 314 px track gives each stop at least 4 px.
                assert!(
                    stops.len() >= 2 && stops.len() <= 80,
                    "{}: {} stops for {name}",
                    p.key,
                    stops.len()
                );
                assert_eq!(stops[p.position(value, &stops)], value, "{}: {name}", p.key);
            }
        }
        // Issue 19: a 60 s outage start on a 0–86,400 s track sat at the far left.
        let start = find("outage.start_s").unwrap();
        let stops = start.slider_steps(60.0);
        let at = start.position(60.0, &stops) as f64 / (stops.len() - 1) as f64;
        assert!(at > 0.25, "60 s sits at {at} of the track");
        assert!(*stops.last().unwrap() < 86_400.0);
        // A value typed outside the slider's range sits at its end and is not changed.
        let stops = start.slider_steps(60.0);
        assert_eq!(start.position(40_000.0, &stops), stops.len() - 1);
    }

    #[test]
    fn nearest_suggests_a_close_key() {
        assert_eq!(nearest("retry.attempt_max"), Some("retry.attempts_max"));
        assert_eq!(nearest("zzzzzzzzzzzzzzzzzzzzzzzz"), None);
    }

    #[test]
    fn parse_rejects_out_of_range_and_garbage() {
        let p = find("retry.attempts_max").unwrap();
        assert!(p.parse("0").is_err());
        assert!(p.parse("2.5").is_err());
        assert!(p.parse("abc").is_err());
        assert!(p.parse("NaN").is_err());
        assert_eq!(p.parse("3"), Ok(3.0));
    }
}
