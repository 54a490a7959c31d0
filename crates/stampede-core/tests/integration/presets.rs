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
        crate::support::check_peaks(&report, sc.seed);
        crate::support::check_names(&report, &sc);
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
fn percent_encoded_pairs_read_as_link_builders_write_them() {
    // `new URLSearchParams({"outage.target": "resolver:1"})` writes `outage.target=resolver%3A1`.
    let base = RawScenario::default();
    let (plain, plain_problems) = apply_query(&base, "outage.target=resolver:1&retry.jitter=full");
    let (encoded, encoded_problems) =
        apply_query(&base, "outage.target=resolver%3A1&retry%2Ejitter=full");
    assert!(plain_problems.is_empty(), "{plain_problems:?}");
    assert!(encoded_problems.is_empty(), "{encoded_problems:?}");
    assert_eq!(encoded, plain);
    let (_, broken) = apply_query(&base, "retry.attempts_max=%4");
    assert_eq!(broken.len(), 1, "a stray % is a bad value, never a panic");
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

    // A further resolver's keys: a resolver the scenario lacks, a malformed key, an unknown
    // setting and a bad value are each reported with their key; the good pair applies.
    let two = stampede_core::presets::find("two-resolvers")
        .unwrap()
        .raw()
        .unwrap();
    let (raw, problems) = apply_query(
        &two,
        "resolver:1.max_ttl_s=42&resolver:2.max_ttl_s=5&resolver:x.max_ttl_s=5\
         &resolver:1.bogus=1&resolver:1.max_ttl_s=-3",
    );
    assert_eq!(raw.resolvers[1].max_ttl_s, 42.0);
    assert_eq!(raw.resolvers[0], two.resolvers[0]);
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "resolver:2.max_ttl_s",
            "resolver:x.max_ttl_s",
            "resolver:1.bogus",
            "resolver:1.max_ttl_s"
        ]
    );
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

/// A link reproduces the design it was made from: every policy applied over every preset, and
/// each further resolver of a list edited on its own, come back whole from the link's query
/// (relative to the preset) — including a policy's `[resolver]` section, which changes every
/// resolver of a list while the `resolver.*` controls edit the first.
#[test]
fn a_link_reproduces_every_policy_over_every_preset() {
    use stampede_core::presets::POLICIES;
    use stampede_core::scenario::overlay;
    let mut lists_seen = 0;
    for preset in PRESETS {
        let base = preset.raw().unwrap();
        let mut designs: Vec<(String, RawScenario)> = POLICIES
            .iter()
            .map(|policy| {
                (
                    policy.name.to_string(),
                    overlay(&base, policy.toml).unwrap(),
                )
            })
            .collect();
        for index in 1..base.resolvers.len() {
            let mut edited = base.clone();
            edited.resolvers[index].max_ttl_s += 7.0;
            edited.resolvers[index].serve_stale = !edited.resolvers[index].serve_stale;
            designs.push((format!("resolver {index} edited"), edited));
            lists_seen += 1;
        }
        for (what, design) in designs {
            let query = to_query(&design, &base);
            let (back, problems) = apply_query(&base, &query);
            assert!(
                problems.is_empty(),
                "{} with {what}: {problems:?}",
                preset.name
            );
            assert_eq!(back, design, "{} with {what}: ?{query}", preset.name);
        }
    }
    assert!(lists_seen > 0, "some preset lists several resolvers");
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

/// Policy files deliberately left out of `POLICIES`, with the reason (none today).
const UNREGISTERED_POLICY_FILES: &[&str] = &[];

#[test]
fn a_resolver_policy_applies_to_every_listed_resolver() {
    let two = stampede_core::presets::find("two-resolvers").expect("preset");
    let base = stampede_core::scenario::raw_from_toml(two.toml).unwrap();
    assert!(base.resolvers.len() >= 2);
    let coredns = stampede_core::presets::find_policy("dns-coredns-cache30").unwrap();
    let applied = stampede_core::scenario::overlay(&base, coredns.toml).unwrap();
    for (before, after) in base.resolvers.iter().zip(&applied.resolvers) {
        assert_eq!((after.max_ttl_s, after.negative_ttl_s), (30.0, 30.0));
        assert_eq!(
            after.capacity_qps, before.capacity_qps,
            "other fields are kept"
        );
    }
    assert_eq!(
        applied.resolver, base.resolver,
        "no [resolver] section appears"
    );
    Scenario::try_from(applied).expect("valid");
}

#[test]
fn every_policy_file_is_registered_under_its_file_name() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../presets/policies");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.retain(|name| !UNREGISTERED_POLICY_FILES.contains(&name.as_str()));
    files.sort();
    for name in &files {
        let policy = stampede_core::presets::find_policy(name)
            .unwrap_or_else(|| panic!("presets/policies/{name}.toml is not in POLICIES"));
        let text = std::fs::read_to_string(dir.join(format!("{name}.toml"))).unwrap();
        assert_eq!(policy.toml, text, "{name} embeds its own file");
    }
    assert_eq!(
        files.len(),
        stampede_core::presets::POLICIES.len(),
        "every policy has a file"
    );
}

/// What docs/sources.md A1 says an AWS SDK does by default, copied from its tables as
/// literals, and the policy fragment that must follow it.
struct SdkDefaults {
    policy: &'static str,
    /// The source of the table row; the fragment's comment must cite it.
    cites: &'static str,
    attempts_max: u32,
    backoff_base_ms: f64,
    /// `None`: no retry quota. Otherwise the standard-mode quota as (capacity, cost per retry,
    /// after a timeout, after a throttling error), tokens.
    quota: Option<(u32, u32, u32, u32)>,
}

/// One row per SDK (and per era where the defaults differ), from the "Per-SDK default changes
/// announced for 2026" table and the standard-mode quota table of A1.
const SDK_DEFAULTS: &[SdkDefaults] = &[
    // C++: legacy before; transient base 25 ms; max attempts 11; quota none.
    SdkDefaults {
        policy: "retry-aws-cpp-legacy-pre-2026",
        cites: "aws-sdk-cpp#3832",
        attempts_max: 11,
        backoff_base_ms: 25.0,
        quota: None,
    },
    // Java v2 pre-2026 code: legacy 4 attempts, 500-token bucket, 5 per retry and 0 after
    // throttling, base 100 ms. Timeouts have no cost of their own.
    SdkDefaults {
        policy: "retry-aws-java-v2-legacy-pre-2026",
        cites: "SdkDefaultRetrySetting.java",
        attempts_max: 4,
        backoff_base_ms: 100.0,
        quota: Some((500, 5, 5, 0)),
    },
    // JS v3: standard; transient base 100 ms; 3 attempts; 500 tokens, 5 per retry, 10 after a
    // timeout (TIMEOUT_RETRY_COST). The generic pre-2026 fragment is JS v3's.
    SdkDefaults {
        policy: "retry-aws-standard-pre-2026",
        cites: "aws-sdk-js-v3#8037",
        attempts_max: 3,
        backoff_base_ms: 100.0,
        quota: Some((500, 5, 10, 5)),
    },
    // .NET v4: standard; transient base 1000 ms; 3 attempts; cost 5. Capacity 500 and the timeout
    // cost 10 are not in the table (the fragment reads them in StandardRetryPolicy.cs).
    SdkDefaults {
        policy: "retry-aws-dotnet-v4-standard-pre-2026",
        cites: "aws-sdk-net#4411",
        attempts_max: 3,
        backoff_base_ms: 1000.0,
        quota: Some((500, 5, 10, 5)),
    },
    // Go v2: standard; transient base 1000 ms; DefaultMaxAttempts 3; 500 tokens, cost 5,
    // timeout cost 10.
    SdkDefaults {
        policy: "retry-aws-go-v2-standard-pre-2026",
        cites: "aws-sdk-go-v2#3416",
        attempts_max: 3,
        backoff_base_ms: 1000.0,
        quota: Some((500, 5, 10, 5)),
    },
    // Python botocore: legacy, rand × 2^(n−1) s, 5 attempts, no quota.
    SdkDefaults {
        policy: "retry-aws-legacy-botocore",
        cites: "botocore data/_retry.json",
        attempts_max: 5,
        backoff_base_ms: 1000.0,
        quota: None,
    },
    // 2026, every SDK alike: non-throttling base 50 ms; 3 attempts; 500 tokens, 14 per retry and
    // no special case for timeouts.
    SdkDefaults {
        policy: "retry-aws-standard-2026",
        cites: "AWS_NEW_RETRIES_2026",
        attempts_max: 3,
        backoff_base_ms: 50.0,
        quota: Some((500, 14, 14, 5)),
    },
    // 2026 DynamoDB, every SDK alike: 4 attempts, base 25 ms.
    SdkDefaults {
        policy: "retry-aws-standard-2026-dynamodb",
        cites: "aws-sdk-java-v2 PR #6925",
        attempts_max: 4,
        backoff_base_ms: 25.0,
        quota: Some((500, 14, 14, 5)),
    },
];

#[test]
fn aws_sdk_policies_follow_the_reference_tables() {
    use stampede_core::scenario::{RetryBudget, overlay};
    for row in SDK_DEFAULTS {
        let policy = stampede_core::presets::find_policy(row.policy)
            .unwrap_or_else(|| panic!("{} is not in POLICIES", row.policy));
        assert!(
            policy.description().contains(row.cites),
            "{} cites {}",
            row.policy,
            row.cites
        );
        let raw = overlay(&RawScenario::default(), policy.toml).unwrap();
        let sc = Scenario::try_from(raw).unwrap_or_else(|e| panic!("{}: {e}", row.policy));
        assert_eq!(sc.attempts_max, row.attempts_max, "{} attempts", row.policy);
        assert_eq!(
            sc.backoff_base_ms, row.backoff_base_ms,
            "{} base",
            row.policy
        );
        let quota = match sc.retry_budget {
            RetryBudget::None => None,
            RetryBudget::Aws {
                capacity_tokens,
                retry_cost_tokens,
                timeout_retry_cost_tokens,
                throttle_retry_cost_tokens,
            } => Some((
                capacity_tokens,
                retry_cost_tokens,
                timeout_retry_cost_tokens,
                throttle_retry_cost_tokens,
            )),
            other => panic!("{}: not an AWS quota: {other:?}", row.policy),
        };
        assert_eq!(quota, row.quota, "{} quota", row.policy);
    }
}
