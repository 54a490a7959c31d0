//! Policies applied on the scenario being edited: what each one set, so the page can show it as a
//! removable chip and undo it. Plain Rust, tested natively.
//!
//! Owns: the record of an applied policy (the registry values it changed, before and after) and
//! undoing it.
//! Must not: decide what a policy sets (the policy fragment does, through
//! `stampede_core::scenario::apply_policy`) or touch the DOM.

use stampede_core::RawScenario;
use stampede_core::scenario::params::{PARAMS, Param, find};

/// One registry value a policy changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Registry key.
    pub key: &'static str,
    /// Value before the policy, in the parameter's unit (a choice's index).
    pub before: f64,
    /// Value the policy set.
    pub after: f64,
}

/// A policy applied on the design being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// Policy name (`presets/policies/<name>.toml`).
    pub name: &'static str,
    /// What it changed, in registry order.
    pub changes: Vec<Change>,
}

impl Applied {
    /// The record of applying `name`, which turned `before` into `after`.
    pub fn new(name: &'static str, before: &RawScenario, after: &RawScenario) -> Applied {
        let changes = PARAMS
            .iter()
            .filter_map(|p| {
                let (b, a) = ((p.get)(before), (p.get)(after));
                (b != a).then_some(Change {
                    key: p.key,
                    before: b,
                    after: a,
                })
            })
            .collect();
        Applied { name, changes }
    }

    /// What the chip says it set: `Label value` for each change (`sets nothing new` when the
    /// scenario already had the policy's values).
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "sets nothing new".to_string();
        }
        self.changes
            .iter()
            .filter_map(|c| find(c.key).map(|p| describe(p, c.after)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Undoes the policy on `raw`: each value it set goes back to what it was before, unless it
    /// has been changed since (a later edit or policy wins).
    pub fn undo(&self, raw: &mut RawScenario) {
        for change in &self.changes {
            if let Some(p) = find(change.key)
                && (p.get)(raw) == change.after
            {
                (p.set)(raw, change.before);
            }
        }
    }
}

fn describe(param: &Param, value: f64) -> String {
    format!("{} {}", param.label.to_lowercase(), param.format(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(base: &RawScenario, name: &'static str) -> (Applied, RawScenario) {
        let mut after = base.clone();
        stampede_core::scenario::apply_policy(&mut after, name).unwrap();
        (Applied::new(name, base, &after), after)
    }

    /// presets/policies/dns-jvm.toml sets a fixed 30 s cache (the JVM's networkaddress.cache.ttl).
    #[test]
    fn a_chip_names_what_the_policy_set_and_removing_it_restores_the_values() {
        let base = RawScenario::default();
        let (chip, mut raw) = applied(&base, "dns-jvm");
        assert!(
            chip.changes
                .iter()
                .any(|c| c.key == "client_dns.cache" && c.after == 2.0),
            "{chip:?}"
        );
        let summary = chip.summary();
        assert!(summary.contains("client dns cache fixed"), "{summary}");
        chip.undo(&mut raw);
        assert_eq!(raw, base, "removing the chip restores every value");
    }

    #[test]
    fn a_value_changed_after_the_policy_is_kept_when_it_is_removed() {
        let base = RawScenario::default();
        let (chip, mut raw) = applied(&base, "retry-grpc-throttled");
        // The policy sets a 1 s backoff cap (the default is 5 s); the user then sets 2 s.
        let cap = find("retry.backoff_max_ms").unwrap();
        assert!(
            chip.changes
                .iter()
                .any(|c| c.key == cap.key && c.after == 1000.0)
        );
        (cap.set)(&mut raw, 2000.0);
        chip.undo(&mut raw);
        assert_eq!((cap.get)(&raw), 2000.0);
        assert_eq!(raw.retry_budget, base.retry_budget, "the rest is undone");
        let (again, _) = applied(&raw, "retry-grpc-throttled");
        let (twice, _) = applied(
            &applied(&raw, "retry-grpc-throttled").1,
            "retry-grpc-throttled",
        );
        assert!(!again.changes.is_empty());
        assert_eq!(twice.summary(), "sets nothing new");
    }
}
