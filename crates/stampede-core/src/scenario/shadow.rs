//! Which top-level settings the client classes override, so a control can say that it does
//! nothing (or acts on some classes only) instead of looking live.
//!
//! Owns: the question "does changing this key at the top level change what class c runs with?",
//! answered by changing it and building each class's settings the way validation does
//! (`classes::class_raw`: the class's size, rate, policies and `set` entries).
//! Must not: know any key or policy by name; every answer comes from the registry and the
//! class's own settings.

use super::params::{PARAMS, Param, ParamKind};
use super::raw::{RawFleetClass, RawScenario};

/// A registry key some client classes override.
#[derive(Clone, Debug, PartialEq)]
pub struct Shadowed {
    /// Registry key.
    pub key: &'static str,
    /// Names of the classes that set their own value, in class order.
    pub classes: Vec<String>,
    /// Whether every class does (the top-level value then acts on no client).
    pub all: bool,
}

/// The settings class `class` runs with when the top level is `top`.
fn class_settings(top: &RawScenario, class: &RawFleetClass) -> RawScenario {
    // Problems are validation's to report; here a setting that fails simply does not apply.
    super::classes::class_raw(top, class, 0, &mut |_, _| {}).0
}

/// Another valid value of `param`, next to `value`.
fn other_value(param: &Param, value: f64) -> f64 {
    match param.kind {
        ParamKind::Choice(options) => ((value as usize + 1) % options.len().max(1)) as f64,
        ParamKind::Bool => 1.0 - value.clamp(0.0, 1.0),
        ParamKind::Number | ParamKind::Integer => {
            let up = param.step_from(value, 1);
            if up != value {
                up
            } else {
                param.step_from(value, -1)
            }
        }
    }
}

/// Every registry key that at least one client class of `raw` overrides, in registry order; empty
/// without `[[fleets]]`. A class overrides a key when changing the key at the top level leaves
/// the value the class runs with unchanged.
pub fn class_overrides(raw: &RawScenario) -> Vec<Shadowed> {
    if raw.fleets.is_empty() {
        return Vec::new();
    }
    let as_is: Vec<RawScenario> = raw.fleets.iter().map(|c| class_settings(raw, c)).collect();
    let mut out = Vec::new();
    for param in PARAMS {
        let value = (param.get)(raw);
        let changed = other_value(param, value);
        let mut top = raw.clone();
        (param.set)(&mut top, changed);
        if (param.get)(&top) == value {
            continue;
        }
        let classes: Vec<String> = raw
            .fleets
            .iter()
            .zip(&as_is)
            .filter(|(class, before)| {
                (param.get)(&class_settings(&top, class)) == (param.get)(before)
            })
            .map(|(class, _)| class.name.clone())
            .collect();
        if !classes.is_empty() {
            out.push(Shadowed {
                key: param.key,
                all: classes.len() == raw.fleets.len(),
                classes,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::raw::SetValue;

    fn preset(name: &str) -> RawScenario {
        crate::presets::find(name).unwrap().raw().unwrap()
    }

    fn find<'a>(shadowed: &'a [Shadowed], key: &str) -> Option<&'a Shadowed> {
        shadowed.iter().find(|s| s.key == key)
    }

    /// mixed-runtimes: every class applies a DNS policy and a retry library (presets/policies),
    /// so the top-level cache mode and attempts act on nobody; the outage and the backend are
    /// shared and stay live; the class size always comes from the class.
    #[test]
    fn classes_with_their_own_policies_shadow_those_settings() {
        let raw = preset("mixed-runtimes");
        let shadowed = class_overrides(&raw);
        for key in ["client_dns.cache", "retry.attempts_max", "fleet.clients"] {
            let s = find(&shadowed, key).unwrap_or_else(|| panic!("{key} shadowed"));
            assert!(s.all, "{key}: {s:?}");
            assert_eq!(s.classes, ["jvm", "go", "nodejs"]);
        }
        for key in ["outage.start_s", "backend.workers", "resolver.capacity_qps"] {
            assert!(find(&shadowed, key).is_none(), "{key} is shared");
        }
        // Only Node.js's policy caps lookups in flight (dns-nodejs: the libuv pool of 4).
        let lookups = find(&shadowed, "client_dns.lookups_in_flight_max").unwrap();
        assert!(!lookups.all);
        assert!(lookups.classes.contains(&"nodejs".to_string()));
    }

    #[test]
    fn a_class_set_entry_shadows_its_key_and_no_classes_shadow_nothing() {
        assert!(class_overrides(&RawScenario::default()).is_empty());
        let raw = RawScenario {
            fleets: vec![
                RawFleetClass {
                    name: "a".into(),
                    clients: 10,
                    set: [("retry.attempts_max".to_string(), SetValue::Number(2.0))].into(),
                    ..RawFleetClass::default()
                },
                RawFleetClass {
                    name: "b".into(),
                    clients: 10,
                    ..RawFleetClass::default()
                },
            ],
            ..RawScenario::default()
        };
        let shadowed = class_overrides(&raw);
        let attempts = find(&shadowed, "retry.attempts_max").unwrap();
        assert_eq!(
            (attempts.classes.clone(), attempts.all),
            (vec!["a".into()], false)
        );
        assert!(find(&shadowed, "retry.backoff_base_ms").is_none());
    }
}
