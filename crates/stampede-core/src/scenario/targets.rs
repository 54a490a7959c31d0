//! Fault targets as written (`zone`, `resolver:<i>`, `region:<i>`, `name:<dns name>`,
//! `service:<name>[/region:<i>]`, `class:<name>`, `identity`, `telemetry`) resolved against a raw
//! scenario's names and services.
//!
//! Must not: report problems (validation does, with these answers) or edit the scenario.

use super::raw::*;
use super::validated::{FaultTarget, limits};

/// Resolves a target written with names (`name:<dns name>`, `service:<name>`) against the
/// scenario's names and services; other targets parse as [`FaultTarget::parse`] does.
pub fn resolve_target(raw: &RawScenario, text: &str) -> Option<FaultTarget> {
    if let Some(name) = text.strip_prefix("name:") {
        if name == raw.dns.name {
            return Some(FaultTarget::Zone);
        }
        return raw
            .names
            .iter()
            .position(|n| n.name == name)
            .map(|i| FaultTarget::Name(i + 1));
    }
    if let Some(name) = text.strip_prefix("class:") {
        return raw
            .fleets
            .iter()
            .position(|c| c.name == name)
            .map(FaultTarget::Class);
    }
    if text.starts_with("service:") {
        let (service, region) = service_target(raw, text)?;
        // A region index past any service's regions is a problem reported with the target, not
        // an overflow here.
        return raw_service_slot(raw, service)
            .checked_add(region)
            .map(FaultTarget::Region);
    }
    FaultTarget::parse(text)
}

/// The service (index: 0 = the main backend, then `[[services]]`) and region a
/// `"service:<name>"` or `"service:<name>/region:<index>"` target names; the region is not
/// checked against the service's regions.
pub fn service_target(raw: &RawScenario, text: &str) -> Option<(usize, usize)> {
    let rest = text.strip_prefix("service:")?;
    let find = |name: &str| {
        if name == raw.backend.name {
            return Some(0);
        }
        raw.services
            .iter()
            .position(|s| s.name == name)
            .map(|i| i + 1)
    };
    // A service whose name contains `/region:` is found by its whole name first.
    if let Some(service) = find(rest) {
        return Some((service, 0));
    }
    let (name, region) = rest.rsplit_once("/region:")?;
    Some((find(name)?, region.parse::<usize>().ok()?))
}

/// Name of a service of the raw scenario (0 = the main backend).
pub(super) fn raw_service_name(raw: &RawScenario, service: usize) -> &str {
    if service == 0 {
        &raw.backend.name
    } else {
        raw.services
            .get(service - 1)
            .map_or("", |s| s.name.as_str())
    }
}

/// Regions of a service of the raw scenario (0 = the main backend), at least 1.
pub(super) fn raw_service_regions(raw: &RawScenario, service: usize) -> usize {
    let regions = if service == 0 {
        raw.backend.regions
    } else {
        raw.services.get(service - 1).map_or(1, |s| s.regions)
    };
    regions.clamp(1, limits::REGIONS_MAX) as usize
}

/// First backend slot of a service of the raw scenario (its primary region): the main backend's
/// regions come first, then each further service's.
fn raw_service_slot(raw: &RawScenario, service: usize) -> usize {
    (0..service).map(|s| raw_service_regions(raw, s)).sum()
}

/// Where a fault of `kind` written with `target` strikes: a dependency target whatever the kind;
/// otherwise DNS kinds strike the zone, a name or a resolver and backend kinds a backend slot
/// (the primary unless a region or service is named); a target that does not apply to the kind
/// is ignored.
pub fn effective_target(raw: &RawScenario, kind: FaultKind, target: &str) -> FaultTarget {
    let parsed = resolve_target(raw, target);
    match parsed {
        Some(t @ (FaultTarget::Identity | FaultTarget::Telemetry)) => t,
        Some(t @ FaultTarget::Class(_)) if kind == FaultKind::DnsOverride => t,
        Some(t @ (FaultTarget::Zone | FaultTarget::Resolver(_) | FaultTarget::Name(_)))
            if kind.is_dns() =>
        {
            t
        }
        Some(t @ FaultTarget::Region(_)) if !kind.is_dns() => t,
        _ if kind.is_dns() => FaultTarget::Zone,
        _ => FaultTarget::Region(0),
    }
}
