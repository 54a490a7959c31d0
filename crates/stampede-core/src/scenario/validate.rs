//! Validation: a [`RawScenario`] becomes a [`Scenario`] or a list of every problem found.
//!
//! Owns: range checks (from the parameter registry) and cross-field rules, unit conversion into
//! [`SimTime`], and the field path of every problem.
//! Must not: stop at the first problem, or panic on any input.

use super::params::PARAMS;
use super::raw::*;

use super::build::build;
pub use super::build::client_scale;
pub use super::classes::CLIENT_SECTIONS;
use super::classes::class_raw;
pub use super::problem::{Problem, ScenarioError};
pub use super::targets::{effective_target, resolve_target, service_target};
use super::targets::{raw_service_name, raw_service_regions};
pub use super::validated::*;

impl TryFrom<RawScenario> for Scenario {
    type Error = ScenarioError;

    fn try_from(raw: RawScenario) -> Result<Scenario, ScenarioError> {
        // Lists over their limits first: the checks below work per entry.
        super::bounds::check_lists(&raw)?;
        let mut problems = Vec::new();
        let mut problem = |path: String, message: String| {
            let message = super::decode::shorten_numbers(&message);
            problems.push(Problem { path, message });
        };

        if raw.version != FORMAT_VERSION {
            problem(
                "version".into(),
                format!(
                    "unsupported format version {}, expected {FORMAT_VERSION}",
                    raw.version
                ),
            );
        }
        // The outage keys edit `faults[0]` and the resolver count reads the list: both are checked
        // field by field below.
        for param in PARAMS
            .iter()
            .filter(|p| !p.key.starts_with("outage.") && p.key != "resolvers.count")
        {
            if let Err(message) = param.check((param.get)(&raw)) {
                // The first of a `[[resolvers]]` list is `resolvers[0]`, as the others are.
                let path = match param.key.strip_prefix("resolver.") {
                    Some(field) if !raw.resolvers.is_empty() => format!("resolvers[0].{field}"),
                    _ => param.key.to_string(),
                };
                problem(path, message);
            }
        }
        if raw.run.bucket_s.is_nan() || raw.run.bucket_s < 0.01 {
            problem(
                "run.bucket_s".into(),
                format!("must be at least 0.01 s, got {}", raw.run.bucket_s),
            );
        } else if raw.run.duration_s.is_finite()
            && raw.run.duration_s / raw.run.bucket_s > limits::BUCKETS_MAX as f64
        {
            problem(
                "run.bucket_s".into(),
                format!(
                    "{} s over {} s buckets gives more than {} buckets; widen the buckets",
                    raw.run.duration_s,
                    raw.run.bucket_s,
                    limits::BUCKETS_MAX
                ),
            );
        }
        if raw.run.event_budget == 0 || raw.run.event_budget > limits::EVENT_BUDGET_MAX {
            problem(
                "run.event_budget".into(),
                format!(
                    "must be between 1 and {}, got {}",
                    limits::EVENT_BUDGET_MAX,
                    raw.run.event_budget
                ),
            );
        }
        check_resolvers(&raw, &mut problem);
        check_services_and_names(&raw, &mut problem);
        check_forwarding(&raw, &mut problem);
        if raw.dns.routing == RoutingPolicy::Failover && raw.backend.regions < 2 {
            problem(
                "dns.routing".into(),
                "failover routing needs a secondary region: set backend.regions = 2".into(),
            );
        }
        if raw.retry.backoff_max_ms < raw.retry.backoff_base_ms {
            problem(
                "retry.backoff_max_ms".into(),
                format!(
                    "the cap ({} ms) is below the base ({} ms)",
                    raw.retry.backoff_max_ms, raw.retry.backoff_base_ms
                ),
            );
        }
        if raw.faults.len() > limits::FAULTS_MAX {
            problem(
                "faults".into(),
                format!(
                    "at most {} faults, got {}",
                    limits::FAULTS_MAX,
                    raw.faults.len()
                ),
            );
        }
        for (i, fault) in raw.faults.iter().enumerate() {
            let path = |field: &str| format!("faults[{i}].{field}");
            if !(fault.start_s.is_finite() && fault.start_s >= 0.0) {
                problem(
                    path("start_s"),
                    format!("must be a time ≥ 0 s, got {}", fault.start_s),
                );
            }
            if !(fault.end_s.is_finite() && fault.end_s >= fault.start_s) {
                problem(
                    path("end_s"),
                    format!(
                        "must not be before start_s ({} s), got {}",
                        fault.start_s, fault.end_s
                    ),
                );
            }
            if !(0.0..=1.0).contains(&fault.fraction) {
                problem(
                    path("fraction"),
                    format!("must be between 0 and 1, got {}", fault.fraction),
                );
            }
            if !(fault.latency_ms.is_finite() && (0.0..=60_000.0).contains(&fault.latency_ms)) {
                problem(
                    path("latency_ms"),
                    format!("must be between 0 and 60000 ms, got {}", fault.latency_ms),
                );
            }
            let period = fault.flap_period_s;
            if !(period == 0.0
                || (period.is_finite()
                    && (limits::FLAP_PERIOD_S_MIN..=limits::DURATION_S_MAX).contains(&period)))
            {
                problem(
                    path("flap_period_s"),
                    format!(
                        "must be 0 (steady) or between {} and {} s, got {period}",
                        limits::FLAP_PERIOD_S_MIN,
                        limits::DURATION_S_MAX
                    ),
                );
            }
            match resolve_target(&raw, &fault.target) {
                None => problem(
                    path("target"),
                    format!(
                        "must be \"zone\", \"resolver:<index>\", \"region:<index>\", \"name:<dns name>\", \"service:<name>\", \"service:<name>/region:<index>\", \"class:<name>\" (dns_override), \"identity\" or \"telemetry\", got \"{}\"",
                        fault.target
                    ),
                ),
                Some(_) if fault.target.starts_with("service:") && fault.kind.is_dns() => problem(
                    path("target"),
                    format!(
                        "a DNS fault strikes a name (\"name:<dns name>\"), not a service: \"{}\"",
                        fault.target
                    ),
                ),
                Some(_) if fault.target.starts_with("name:") && !fault.kind.is_dns() => problem(
                    path("target"),
                    format!(
                        "a {:?} fault strikes a service (\"service:<name>\"), not a name: \"{}\"",
                        fault.kind, fault.target
                    ),
                ),
                Some(FaultTarget::Class(_)) if fault.kind != FaultKind::DnsOverride => problem(
                    path("target"),
                    format!(
                        "only a dns_override aims at a client class: \"{}\"",
                        fault.target
                    ),
                ),
                Some(FaultTarget::Region(_)) if fault.target.starts_with("service:") => {
                    if let Some((service, region)) = service_target(&raw, &fault.target) {
                        let regions = raw_service_regions(&raw, service);
                        if region >= regions {
                            problem(
                                path("target"),
                                format!(
                                    "region {region} of service `{}` does not exist; it has {regions} region{}",
                                    raw_service_name(&raw, service),
                                    if regions == 1 { "" } else { "s" }
                                ),
                            );
                        }
                    }
                }
                Some(FaultTarget::Region(index)) if index >= raw.backend.regions as usize => {
                    problem(
                        path("target"),
                        format!(
                            "region {index} does not exist; backend.regions is {}",
                            raw.backend.regions
                        ),
                    )
                }
                Some(FaultTarget::Resolver(index)) if index >= raw.resolver_list().len() => {
                    problem(
                        path("target"),
                        format!(
                            "resolver {index} does not exist; the indices are 0 to {}",
                            raw.resolver_list().len() - 1
                        ),
                    )
                }
                Some(_) => {}
            }
            if !(fault.rate_per_s.is_finite() && (0.0..=1e7).contains(&fault.rate_per_s)) {
                problem(
                    path("rate_per_s"),
                    format!(
                        "must be between 0 and 10000000 requests/s, got {}",
                        fault.rate_per_s
                    ),
                );
            }
            if !(fault.factor.is_finite() && (1.0..=1000.0).contains(&fault.factor)) {
                problem(
                    path("factor"),
                    format!("must be between 1 and 1000, got {}", fault.factor),
                );
            }
        }
        if !problems.is_empty() {
            return Err(ScenarioError::capped(problems));
        }
        // Classes are checked once the top level is valid, so its problems are not repeated
        // under every class.
        let classes = fleet_classes(&raw, &mut |path, message| {
            problems.push(Problem { path, message })
        });
        if !problems.is_empty() {
            return Err(ScenarioError::capped(problems));
        }
        let mut scenario = build(raw);
        if !classes.is_empty() {
            // The classes' own super-client factors; the report shows the largest.
            scenario.client_scale = 1;
            let mut first_client = 0;
            let (mut clients, mut offered_per_s) = (0, 0.0);
            for (name, class) in classes {
                clients += class.clients;
                offered_per_s += class.offered_load_per_s();
                scenario.client_scale = scenario.client_scale.max(class.client_scale);
                let simulated = class.simulated_clients;
                scenario.fleets.push(FleetClass {
                    name,
                    scenario: Box::new(class),
                    first_client,
                });
                first_client += simulated;
            }
            scenario.clients = clients;
            scenario.simulated_clients = first_client;
            scenario.request_rate_per_client_per_s = offered_per_s / clients as f64;
        }
        Ok(scenario)
    }
}

/// Each client class as a scenario of its own: the top level with the class's size and rate, its
/// policies and its `set` entries applied, validated as a whole. Problems are reported under
/// `fleets[i]`.
fn fleet_classes(
    raw: &RawScenario,
    problem: &mut impl FnMut(String, String),
) -> Vec<(String, Scenario)> {
    if raw.fleets.len() > limits::FLEETS_MAX {
        problem(
            "fleets".into(),
            format!(
                "at most {} client classes, got {}",
                limits::FLEETS_MAX,
                raw.fleets.len()
            ),
        );
        return Vec::new();
    }
    let mut classes = Vec::new();
    for (i, class) in raw.fleets.iter().enumerate() {
        let path = |field: &str| format!("fleets[{i}].{field}");
        let before = classes.len();
        if class.name.trim().is_empty() {
            problem(path("name"), "give the class a name".into());
        } else if !class
            .name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            problem(
                path("name"),
                format!(
                    "`{}`: use letters, digits, `-`, `_` or `.` (it names CSV columns)",
                    class.name
                ),
            );
        } else if raw.fleets[..i].iter().any(|c| c.name == class.name) {
            problem(path("name"), format!("`{}` names two classes", class.name));
        }
        if class.clients == 0 {
            problem(path("clients"), "a class has at least 1 client".into());
        }
        let calls = called_name(raw, &class.calls);
        if calls.is_none() {
            let known: Vec<&str> = std::iter::once(raw.dns.name.as_str())
                .chain(raw.names.iter().map(|n| n.name.as_str()))
                .collect();
            problem(
                path("calls"),
                format!(
                    "no name `{}`; the names are {}",
                    class.calls,
                    known.join(", ")
                ),
            );
        }
        let (each, mut ok) = class_raw(raw, class, i, problem);
        let mut dependencies = Vec::new();
        for (j, dependency) in class.depends_on.iter().enumerate() {
            match called_name(raw, &dependency.name).filter(|_| !dependency.name.is_empty()) {
                Some(name) => dependencies.push(Dependency {
                    name,
                    required: dependency.required,
                }),
                None => {
                    problem(
                        format!("fleets[{i}].depends_on[{j}].name"),
                        format!("no name `{}`", dependency.name),
                    );
                    ok = false;
                }
            }
        }
        if dependencies.len() > limits::DEPENDENCIES_MAX {
            problem(
                path("depends_on"),
                format!(
                    "at most {} calls before the main one, got {}",
                    limits::DEPENDENCIES_MAX,
                    dependencies.len()
                ),
            );
            ok = false;
        }
        let Some(calls) = calls.filter(|_| ok) else {
            continue;
        };
        match Scenario::try_from(each) {
            Ok(mut sc) => {
                sc.calls = calls;
                sc.dependencies = dependencies;
                // A client that honours the record TTL keeps the TTL of the name it calls.
                if sc.client_cache == ClientCacheMode::RecordTtl {
                    sc.client_ttl = sc.names[calls].record_ttl;
                }
                classes.push((class.name.clone(), sc))
            }
            Err(e) => {
                for p in e.problems {
                    problem(format!("fleets[{i}].{}", p.path), p.message);
                }
            }
        }
        debug_assert!(classes.len() <= before + 1);
    }
    classes
}

/// Further services and names: unique names, sane ranges, names answering existing services.
fn check_services_and_names(raw: &RawScenario, problem: &mut impl FnMut(String, String)) {
    if raw.services.len() > limits::SERVICES_MAX {
        problem(
            "services".into(),
            format!(
                "at most {} further services, got {}",
                limits::SERVICES_MAX,
                raw.services.len()
            ),
        );
    }
    if raw.names.len() > limits::NAMES_MAX {
        problem(
            "names".into(),
            format!(
                "at most {} further names, got {}",
                limits::NAMES_MAX,
                raw.names.len()
            ),
        );
    }
    for (i, s) in raw.services.iter().enumerate() {
        let path = |field: &str| format!("services[{i}].{field}");
        if s.name.trim().is_empty() {
            problem(path("name"), "give the service a name".into());
        } else if s.name == raw.backend.name || raw.services[..i].iter().any(|o| o.name == s.name) {
            problem(path("name"), format!("`{}` names two services", s.name));
        }
        if !(1..=100_000).contains(&s.workers) {
            problem(
                path("workers"),
                format!("must be between 1 and 100000, got {}", s.workers),
            );
        }
        if !(s.service_ms_mean.is_finite() && (0.01..=60_000.0).contains(&s.service_ms_mean)) {
            problem(
                path("service_ms_mean"),
                format!(
                    "must be between 0.01 and 60000 ms, got {}",
                    s.service_ms_mean
                ),
            );
        }
        if !(s.service_sigma.is_finite() && (0.0..=4.0).contains(&s.service_sigma)) {
            problem(
                path("service_sigma"),
                format!("must be between 0 and 4, got {}", s.service_sigma),
            );
        }
        if s.queue_capacity > 10_000_000 {
            problem(
                path("queue_capacity"),
                format!("must be at most 10000000, got {}", s.queue_capacity),
            );
        }
        if !(1..=limits::REGIONS_MAX).contains(&s.regions) {
            problem(
                path("regions"),
                format!(
                    "must be between 1 and {}, got {}",
                    limits::REGIONS_MAX,
                    s.regions
                ),
            );
        }
    }
    let services: Vec<&str> = std::iter::once(raw.backend.name.as_str())
        .chain(raw.services.iter().map(|s| s.name.as_str()))
        .collect();
    for (i, n) in raw.names.iter().enumerate() {
        let path = |field: &str| format!("names[{i}].{field}");
        if n.name.trim().is_empty() {
            problem(path("name"), "give the name".into());
        } else if n.name == raw.dns.name || raw.names[..i].iter().any(|o| o.name == n.name) {
            problem(path("name"), format!("`{}` is listed twice", n.name));
        }
        if !services.contains(&n.service.as_str()) {
            problem(
                path("service"),
                format!(
                    "no service `{}`; the services are {}",
                    n.service,
                    services.join(", ")
                ),
            );
        }
        if !(n.record_ttl_s.is_finite() && (0.0..=604_800.0).contains(&n.record_ttl_s)) {
            problem(
                path("record_ttl_s"),
                format!("must be between 0 and 604800 s, got {}", n.record_ttl_s),
            );
        }
        check_name_routing(raw, i, problem);
    }
}

/// A further name's routing: failover needs a service with a secondary region, and its
/// health-check settings have the main name's ranges (from the registry).
fn check_name_routing(raw: &RawScenario, i: usize, problem: &mut impl FnMut(String, String)) {
    let n = &raw.names[i];
    let path = |field: &str| format!("names[{i}].{field}");
    for (field, value) in [
        ("health_check_interval_s", n.health_check_interval_s),
        (
            "health_check_failure_threshold",
            n.health_check_failure_threshold.map(f64::from),
        ),
        ("propagation_s", n.propagation_s),
    ] {
        if let Some(value) = value
            && let Some(param) = super::params::find(&format!("dns.{field}"))
            && let Err(message) = param.check(value)
        {
            problem(path(field), message);
        }
    }
    if n.routing != RoutingPolicy::Failover {
        return;
    }
    let service = if n.service == raw.backend.name {
        Some(0)
    } else {
        raw.services
            .iter()
            .position(|s| s.name == n.service)
            .map(|s| s + 1)
    };
    if let Some(service) = service
        && raw_service_regions(raw, service) < 2
    {
        let field = if service == 0 {
            "backend.regions".to_string()
        } else {
            format!("services[{}].regions", service - 1)
        };
        problem(
            path("routing"),
            format!(
                "failover routing needs a secondary region of service `{}`: set {field} = 2",
                n.service
            ),
        );
    }
}

/// Conditional-forwarding lists (`dns.resolvers`, `names[i].resolvers`): when given, at least
/// one resolver, each an index into the resolver list, none twice.
fn check_forwarding(raw: &RawScenario, problem: &mut impl FnMut(String, String)) {
    let count = raw.resolver_list().len();
    let lists = std::iter::once(("dns.resolvers".to_string(), &raw.dns.resolvers)).chain(
        raw.names
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("names[{i}].resolvers"), &n.resolvers)),
    );
    for (path, list) in lists {
        let Some(list) = list else {
            continue;
        };
        if list.is_empty() {
            problem(
                path.clone(),
                "give at least one resolver, or leave the list out to use every resolver".into(),
            );
        }
        for (j, &resolver) in list.iter().enumerate() {
            if resolver >= count {
                problem(
                    format!("{path}[{j}]"),
                    format!(
                        "no resolver {resolver}: the scenario has {count} (indices 0 to {})",
                        count - 1
                    ),
                );
            } else if list[..j].contains(&resolver) {
                problem(
                    format!("{path}[{j}]"),
                    format!("resolver {resolver} is listed twice"),
                );
            }
        }
    }
}

/// Index of the name a class calls (`""` = the main name), if it exists.
fn called_name(raw: &RawScenario, calls: &str) -> Option<usize> {
    if calls.is_empty() || calls == raw.dns.name {
        return Some(0);
    }
    raw.names
        .iter()
        .position(|n| n.name == calls)
        .map(|i| i + 1)
}

/// Range checks of every resolver (the registry checks the first one) and the list rules.
fn check_resolvers(raw: &RawScenario, problem: &mut impl FnMut(String, String)) {
    if !raw.resolvers.is_empty() && raw.resolver != RawResolver::default() {
        problem(
            "resolver".into(),
            "give either the [resolver] section or a [[resolvers]] list, not both".into(),
        );
    }
    if raw.resolvers.len() > limits::RESOLVERS_MAX {
        problem(
            "resolvers".into(),
            format!(
                "at most {} resolvers (glibc MAXNS), got {}",
                limits::RESOLVERS_MAX,
                raw.resolvers.len()
            ),
        );
    }
    let section = |i: usize| {
        if raw.resolvers.is_empty() {
            "resolver".to_string()
        } else {
            format!("resolvers[{i}]")
        }
    };
    for (i, r) in raw.resolver_list().iter().enumerate() {
        for (field, value) in [
            ("capacity_qps", r.capacity_qps),
            ("negative_ttl_s", r.negative_ttl_s),
            ("max_ttl_s", r.max_ttl_s),
            ("per_client_qps_limit", r.per_client_qps_limit),
            ("stale_answer_ttl_s", r.stale_answer_ttl_s),
        ] {
            // The registry's range for the first resolver applies to every one.
            if let Some(param) = super::params::find(&format!("resolver.{field}"))
                && let Err(message) = param.check(value)
                && i > 0
            {
                problem(format!("{}.{field}", section(i)), message);
            }
        }
        for (field, value) in [
            ("latency_ms", r.latency_ms),
            ("upstream_latency_ms", r.upstream_latency_ms),
        ] {
            if !(value.is_finite() && (0.0..=60_000.0).contains(&value)) {
                problem(
                    format!("{}.{field}", section(i)),
                    format!("must be between 0 and 60000 ms, got {value}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimTime;

    fn flapping(start_s: f64, end_s: f64, period_s: f64) -> Fault {
        Fault {
            kind: FaultKind::ErrorRate,
            start: SimTime::from_s(start_s),
            end: SimTime::from_s(end_s),
            fraction: 1.0,
            factor: 1.0,
            latency: SimTime::ZERO,
            flap_period: SimTime::from_s(period_s),
            target: FaultTarget::Zone,
            rate_per_s: 0.0,
            flush_queue: false,
        }
    }

    #[test]
    fn a_flapping_fault_is_on_in_the_first_half_of_each_period() {
        let f = flapping(10.0, 35.0, 10.0);
        let on = |s: f64| f.active(SimTime::from_s(s));
        assert!(!on(9.999) && on(10.0) && on(14.999) && !on(15.0) && !on(19.999));
        assert!(on(20.0) && !on(25.0) && on(30.0) && on(34.999) && !on(35.0));
        let mut edges = Vec::new();
        let mut t = f.start;
        while let Some(next) = f.next_flap_edge(t) {
            edges.push(next.as_s());
            t = next;
        }
        assert_eq!(edges, [15.0, 20.0, 25.0, 30.0]);
        let windows: Vec<(f64, f64)> = f
            .active_windows()
            .map(|(a, b)| (a.as_s(), b.as_s()))
            .collect();
        assert_eq!(windows, [(10.0, 15.0), (20.0, 25.0), (30.0, 35.0)]);
    }

    #[test]
    fn scale_factor_keeps_at_most_the_maximum() {
        assert_eq!(client_scale(100_000, 100_000), 1);
        assert_eq!(client_scale(1_000_000, 100_000), 10);
        assert_eq!(client_scale(1_000_001, 100_000), 11);
        assert_eq!(1_000_001_u64.div_ceil(11), 90_910);
    }
}
