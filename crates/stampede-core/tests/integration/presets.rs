//! Every preset loads, validates, runs, and its URL form round-trips.

use stampede_core::presets::PRESETS;
use stampede_core::scenario::{apply_query, to_query};
use stampede_core::{RawScenario, Scenario};

#[test]
fn every_preset_validates_and_runs() {
    for preset in PRESETS {
        let raw = preset
            .raw()
            .unwrap_or_else(|e| panic!("{}: {e}", preset.name));
        assert!(!raw.title.is_empty(), "{} has a title", preset.name);
        assert!(
            preset.description().len() > 40,
            "{} explains itself",
            preset.name
        );
        let sc = Scenario::try_from(raw).unwrap_or_else(|e| panic!("{}: {e}", preset.name));
        let report = stampede_core::run(&sc);
        crate::support::check_accounting(&report, sc.seed);
        assert!(
            report.finished && report.diagnostics.is_empty(),
            "{}: {:?}",
            preset.name,
            report.diagnostics
        );
    }
}

#[test]
fn url_form_round_trips_against_the_defaults() {
    for preset in PRESETS {
        let raw = preset.raw().unwrap();
        let base = RawScenario::default();
        let query = to_query(&raw, &base);
        let (back, problems) = apply_query(&base, &query);
        assert!(problems.is_empty(), "{}: {problems:?}", preset.name);
        assert_eq!(to_query(&back, &base), query, "{}", preset.name);
    }
}

#[test]
fn bad_query_pairs_are_reported_and_good_ones_kept() {
    let base = RawScenario::default();
    let (raw, problems) = apply_query(
        &base,
        "retry.attempts_max=7&retry.atempts_max=3&dns.record_ttl_s=-4",
    );
    assert_eq!(raw.retry.attempts_max, 7);
    assert_eq!(problems.len(), 2);
    assert!(
        problems[0]
            .message
            .contains("did you mean `retry.attempts_max`")
    );
    assert_eq!(problems[1].path, "dns.record_ttl_s");
}

#[test]
fn json_schema_lists_every_section_and_accepts_every_preset() {
    let schema: serde_json::Value =
        serde_json::from_str(&stampede_core::scenario::json_schema()).expect("schema is JSON");
    let properties = schema["properties"]
        .as_object()
        .expect("top-level properties");
    let defaults = serde_json::to_value(RawScenario::default()).unwrap();
    for key in defaults.as_object().unwrap().keys() {
        assert!(properties.contains_key(key), "schema lacks section `{key}`");
    }
    // The fields of a section, following its `$ref` into `$defs`.
    let fields = |section: &str| -> Vec<String> {
        let reference = properties[section]["$ref"].as_str().unwrap_or_default();
        let name = reference.rsplit('/').next().unwrap_or_default();
        schema["$defs"][name]["properties"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    for preset in PRESETS {
        let table: toml::Table = toml::from_str(preset.toml).expect("preset parses");
        for (key, value) in &table {
            assert!(properties.contains_key(key), "{}: `{key}`", preset.name);
            if let toml::Value::Table(section) = value {
                let known = fields(key);
                for field in section.keys() {
                    assert!(known.contains(field), "{}: `{key}.{field}`", preset.name);
                }
            }
        }
    }
}

#[test]
fn every_policy_applies_over_every_preset_and_changes_only_its_sections() {
    use stampede_core::presets::POLICIES;
    use stampede_core::scenario::overlay;
    for policy in POLICIES {
        assert!(
            policy.description().len() > 40,
            "{} cites its source",
            policy.name
        );
        let fragment: toml::Table = toml::from_str(policy.toml).unwrap();
        for preset in PRESETS {
            let base = preset.raw().unwrap();
            let applied = overlay(&base, policy.toml)
                .unwrap_or_else(|e| panic!("{} over {}: {e}", policy.name, preset.name));
            Scenario::try_from(applied.clone())
                .unwrap_or_else(|e| panic!("{} over {}: {e}", policy.name, preset.name));
            // Sections the fragment does not name are untouched.
            assert_eq!(applied.fleet, base.fleet, "{} touched [fleet]", policy.name);
            assert_eq!(
                applied.faults, base.faults,
                "{} touched faults",
                policy.name
            );
            assert!(!fragment.contains_key("fleet") && !fragment.contains_key("faults"));
        }
    }
}

#[test]
fn a_policy_overrides_exactly_the_fields_it_names() {
    let base = stampede_core::presets::find("naive-retry-storm")
        .unwrap()
        .raw()
        .unwrap();
    let jvm = stampede_core::presets::find_policy("dns-jvm").unwrap();
    let applied = stampede_core::scenario::overlay(&base, jvm.toml).unwrap();
    assert_eq!(applied.client_dns.fixed_ttl_s, 30.0);
    assert_eq!(
        applied.client_dns.lookup_timeout_ms,
        base.client_dns.lookup_timeout_ms
    );
    assert!(stampede_core::scenario::overlay(&base, "[retry]\nattempts_max = \"x\"").is_err());
}
