//! Client classes (`[[fleets]]`) as raw scenarios: a class's scenario is the top level with its
//! size, rate, policies (client sections only) and `set` entries applied, raw → raw.
//!
//! Owns: which sections may differ between classes, and the expansion of one class.
//! Must not: validate (validation checks the result), or name presets.

use super::catalogue::find_policy;
use super::edit::{overlay, set_param};
use super::raw::{FAULT_TARGET_ZONE, RawFleetClass, RawScenario};

/// Sections of a scenario that may differ between client classes.
pub const CLIENT_SECTIONS: [&str; 6] = [
    "fleet",
    "client_dns",
    "retry",
    "retry_budget",
    "breaker",
    "hedging",
];

/// The raw scenario of class `i` of `raw`: the top level without `[[fleets]]` (faults aimed at a
/// class aimed at the zone instead: they are checked at the top level), with the class's size,
/// rate, policies and `set` entries. False when a policy or `set` entry is a problem (reported
/// under `fleets[i]`).
pub fn class_raw(
    raw: &RawScenario,
    class: &RawFleetClass,
    i: usize,
    problem: &mut impl FnMut(String, String),
) -> (RawScenario, bool) {
    let mut each = raw.clone();
    each.fleets.clear();
    // Faults are the top level's (checked there); a class's copy must not name classes.
    for fault in &mut each.faults {
        if fault.target.starts_with("class:") {
            fault.target = FAULT_TARGET_ZONE.into();
        }
    }
    each.fleet.clients = class.clients.max(1);
    if let Some(rate) = class.request_rate_per_client_per_s {
        each.fleet.request_rate_per_client_per_s = rate;
    }
    let ok = apply_class_settings(&mut each, class, i, problem);
    (each, ok)
}

/// Applies a class's policies (client sections only) and `set` entries to its copy of the top
/// level; false when any of them is a problem (reported under `fleets[i]`).
fn apply_class_settings(
    each: &mut RawScenario,
    class: &RawFleetClass,
    i: usize,
    problem: &mut impl FnMut(String, String),
) -> bool {
    let mut ok = true;
    for (j, name) in class.policies.iter().enumerate() {
        let here = format!("fleets[{i}].policies[{j}]");
        let Some(policy) = find_policy(name) else {
            problem(
                here,
                format!("no policy named `{name}` (see `stampede presets`)"),
            );
            ok = false;
            continue;
        };
        let sections: Vec<String> = toml::from_str::<toml::Table>(policy.toml)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        if let Some(other) = sections
            .iter()
            .find(|s| !CLIENT_SECTIONS.contains(&s.as_str()))
        {
            problem(
                here,
                format!(
                    "`{name}` sets [{other}], which is shared by every class; apply it to the whole scenario instead"
                ),
            );
            ok = false;
            continue;
        }
        match overlay(each, policy.toml) {
            Ok(applied) => *each = applied,
            Err(e) => {
                problem(here, e.to_string());
                ok = false;
            }
        }
    }
    for (key, value) in &class.set {
        let here = format!("fleets[{i}].set.{key}");
        let section = key.split('.').next().unwrap_or("");
        let global = key == "fleet.clients" || key == "fleet.scale_max_clients";
        if !CLIENT_SECTIONS.contains(&section) || global {
            problem(
                here,
                format!(
                    "only client settings ({}) differ between classes{}",
                    CLIENT_SECTIONS.join(", "),
                    if key == "fleet.clients" {
                        "; give the class's size as `clients`"
                    } else {
                        ""
                    }
                ),
            );
            ok = false;
            continue;
        }
        if let Err(p) = set_param(each, key, &value.to_string()) {
            problem(here, p.message);
            ok = false;
        }
    }
    ok
}
