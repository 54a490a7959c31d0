//! Deprecated spellings: old names of parameters and options that still work.
//!
//! Owns: the table of old spellings (a registry key that moved, an option renamed) with the name
//! that replaced each, the one-line deprecation notice they earn, and "did you mean" hints for a
//! setting written in the wrong section.
//! Must not: change what a scenario means. An old spelling decodes to exactly the scenario its
//! current name gives; only a notice (a warning, never an error) tells the user to update.

use super::Problem;

/// A parameter key that was renamed: `--set`, links and `fleets[].set` still take `old`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyAlias {
    /// The deprecated key.
    pub old: &'static str,
    /// The key that replaced it (a registry key, the field's path in TOML and JSON).
    pub new: &'static str,
}

/// An option name that was renamed: TOML, JSON, `--set` and links still take `old`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueAlias {
    /// The parameter key (the field path) the option belongs to.
    pub key: &'static str,
    /// The deprecated option name.
    pub old: &'static str,
    /// The option name that replaced it.
    pub new: &'static str,
}

/// Renamed keys. `client_dns.cold_start` was the `--set` and link name of the TOML field
/// `fleet.cold_start`; the field's path is the one name now.
pub const KEY_ALIASES: &[KeyAlias] = &[KeyAlias {
    old: "client_dns.cold_start",
    new: "fleet.cold_start",
}];

/// Renamed options. `aws_standard2026` was the TOML and JSON spelling of the budget kind the
/// registry, `--set` and links called `aws_standard_2026`.
pub const VALUE_ALIASES: &[ValueAlias] = &[ValueAlias {
    key: "retry_budget.kind",
    old: "aws_standard2026",
    new: "aws_standard_2026",
}];

/// The current key for `key`, with the deprecation notice when `key` is an old spelling.
pub fn canonical_key(key: &str) -> (&str, Option<Problem>) {
    match KEY_ALIASES.iter().find(|a| a.old == key) {
        Some(alias) => (alias.new, Some(key_notice(key, alias.new))),
        None => (key, None),
    }
}

/// The current option name for `value` of parameter `key`, with the deprecation notice when it
/// is an old spelling.
pub fn canonical_value<'a>(key: &str, value: &'a str) -> (&'a str, Option<Problem>) {
    let trimmed = value.trim();
    match VALUE_ALIASES
        .iter()
        .find(|a| a.key == key && a.old == trimmed)
    {
        Some(alias) => (alias.new, Some(value_notice(key, alias))),
        None => (value, None),
    }
}

fn key_notice(old: &str, new: &str) -> Problem {
    Problem {
        path: old.to_string(),
        message: format!("deprecated name, use `{new}` (the old name still works)"),
    }
}

fn value_notice(path: &str, alias: &ValueAlias) -> Problem {
    Problem {
        path: path.to_string(),
        message: format!(
            "`{}` is a deprecated spelling, use `{}` (the old one still works)",
            alias.old, alias.new
        ),
    }
}

/// Deprecation notices for a decoded file, read from its generic form (a TOML or JSON tree
/// turned into a `serde_json::Value`): every old option name at its field path, including the
/// budget kinds of `[[fleets]]` entries and the keys and values of their `set` tables.
pub fn file_notices(tree: &serde_json::Value) -> Vec<Problem> {
    let mut notices = Vec::new();
    for alias in VALUE_ALIASES {
        let (section, field) = alias.key.split_once('.').unwrap_or(("", alias.key));
        if tree
            .pointer(&format!("/{section}/{field}"))
            .and_then(|v| v.as_str())
            == Some(alias.old)
        {
            notices.push(value_notice(alias.key, alias));
        }
    }
    let Some(fleets) = tree.get("fleets").and_then(|f| f.as_array()) else {
        return notices;
    };
    for (i, class) in fleets.iter().enumerate() {
        let Some(set) = class.get("set").and_then(|s| s.as_object()) else {
            continue;
        };
        for (key, value) in set {
            let here = format!("fleets[{i}].set.{key}");
            if let (_, Some(mut notice)) = canonical_key(key) {
                notice.path = here.clone();
                notices.push(notice);
            }
            if let Some(text) = value.as_str()
                && let (_, Some(mut notice)) = canonical_value(canonical_key(key).0, text)
            {
                notice.path = here;
                notices.push(notice);
            }
        }
    }
    notices
}

/// A hint for a field written in the wrong section: `fleet.cold_start` for `client_dns.cold_start`
/// in a file, where `field` is unknown in `section` but a registry key ends with it.
pub fn moved_field_hint(section: &str, field: &str) -> Option<String> {
    let wanted = format!("{section}.{field}");
    if let (new, Some(_)) = canonical_key(&wanted) {
        return Some(new.to_string());
    }
    super::params::PARAMS
        .iter()
        .map(|p| p.key)
        .find(|k| {
            k.rsplit_once('.')
                .is_some_and(|(s, f)| f == field && s != section)
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::params::find;

    #[test]
    fn every_alias_points_at_a_current_name() {
        for alias in KEY_ALIASES {
            assert!(
                find(alias.new).is_some(),
                "{} names no parameter",
                alias.new
            );
            assert!(
                find(alias.old).is_none(),
                "{} is still a parameter",
                alias.old
            );
        }
        for alias in VALUE_ALIASES {
            let param = find(alias.key).expect("value alias of a known parameter");
            assert!(
                param.parse(alias.new).is_ok(),
                "{} is not an option",
                alias.new
            );
            assert!(
                param.parse(alias.old).is_err(),
                "{} is still an option",
                alias.old
            );
        }
    }

    /// The value at a registry key's path in the TOML form of `raw` (`outage.*` is the first
    /// fault's field).
    fn toml_at(raw: &crate::RawScenario, key: &str) -> Option<toml::Value> {
        let table = toml::Table::try_from(raw).expect("a scenario encodes");
        let (section, field) = key.split_once('.')?;
        let section = match section {
            "outage" => table.get("faults")?.as_array()?.first()?,
            other => table.get(other)?,
        };
        section.get(field).cloned()
    }

    /// One name per thing: a registry key (`--set`, links, docs) is the field's path in TOML and
    /// JSON, and each option the registry lists is the name the file format writes. Keys that are
    /// no field (`resolvers.count`) are left out.
    #[test]
    fn every_registry_key_and_option_is_the_file_spelling() {
        use crate::scenario::params::{PARAMS, ParamKind};
        let mut base = crate::RawScenario::default();
        base.faults.push(crate::scenario::raw::RawFault::default());
        let mut wrong = Vec::new();
        for param in PARAMS.iter().filter(|p| !SYNTHETIC_KEYS.contains(&p.key)) {
            let values: Vec<f64> = match param.kind {
                ParamKind::Choice(options) => (0..options.len()).map(|i| i as f64).collect(),
                ParamKind::Bool => vec![0.0, 1.0],
                _ => vec![param.min, param.max],
            };
            for value in values {
                let mut raw = base.clone();
                (param.set)(&mut raw, value);
                let Some(written) = toml_at(&raw, param.key) else {
                    wrong.push(format!("{} is not a field path", param.key));
                    break;
                };
                if let ParamKind::Choice(_) = param.kind {
                    let name = param.wire(value);
                    let file = written.as_str().map(str::to_string).unwrap_or_default();
                    if file != name {
                        wrong.push(format!("{}: `{name}` is written `{file}`", param.key));
                    }
                }
                let changed = toml_at(&raw, param.key) != toml_at(&base, param.key);
                if !changed && (param.get)(&base) != value {
                    wrong.push(format!("{} = {value} is written elsewhere", param.key));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    /// Registry keys that are no field of the file: the resolver count (the length of
    /// `[[resolvers]]`) and the first fault's duration (`end_s − start_s`).
    const SYNTHETIC_KEYS: &[&str] = &["resolvers.count", "outage.duration_s"];

    #[test]
    fn old_spellings_decode_to_the_same_scenario_with_a_notice() {
        let old = "[retry_budget]\nkind = \"aws_standard2026\"\n\n[[fleets]]\nname = \"a\"\n\
                   set = { \"client_dns.cold_start\" = true }\n";
        let new = "[retry_budget]\nkind = \"aws_standard_2026\"\n\n[[fleets]]\nname = \"a\"\n\
                   set = { \"fleet.cold_start\" = true }\n";
        let (old, new) = (
            crate::scenario::decode_toml(old).expect("old spellings decode"),
            crate::scenario::decode_toml(new).expect("new spellings decode"),
        );
        assert!(new.notices.is_empty(), "{:?}", new.notices);
        let paths: Vec<&str> = old.notices.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(
            paths,
            ["retry_budget.kind", "fleets[0].set.client_dns.cold_start"]
        );
        assert!(old.notices[0].message.contains("use `aws_standard_2026`"));
        assert_eq!(
            crate::Scenario::try_from(old.raw)
                .expect("valid")
                .raw
                .retry_budget,
            crate::Scenario::try_from(new.raw.clone())
                .expect("valid")
                .raw
                .retry_budget
        );
        let json =
            crate::scenario::decode_json(r#"{"retry_budget": {"kind": "aws_standard2026"}}"#)
                .expect("old spelling in JSON");
        assert_eq!(json.notices.len(), 1);
        assert_eq!(json.raw.retry_budget, new.raw.retry_budget);

        let mut raw = crate::RawScenario::default();
        let mut notices = Vec::new();
        crate::scenario::set_param_noting(&mut raw, "client_dns.cold_start", "true", &mut notices)
            .expect("old key works");
        crate::scenario::set_param_noting(
            &mut raw,
            "retry_budget.kind",
            "aws_standard2026",
            &mut notices,
        )
        .expect("old option works");
        assert!(raw.fleet.cold_start);
        assert_eq!(raw.retry_budget, new.raw.retry_budget);
        assert_eq!(notices.len(), 2, "{notices:?}");
    }

    #[test]
    fn a_field_in_the_wrong_section_gets_its_place() {
        assert_eq!(
            moved_field_hint("client_dns", "cold_start").as_deref(),
            Some("fleet.cold_start")
        );
        assert_eq!(
            moved_field_hint("retry", "deadline_ms").as_deref(),
            Some("fleet.deadline_ms")
        );
        assert_eq!(moved_field_hint("retry", "no_such_field"), None);
    }
}
