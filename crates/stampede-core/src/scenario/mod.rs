//! Scenario: the input of a run, its wire formats and its validation.
//!
//! Owns: every wire format of a scenario (TOML, JSON, URL query), the parameter registry and the
//! two-stage raw → validated conversion.
//! Must not: run anything. Decoding never panics; every problem is reported with its field path.

pub mod params;
pub mod raw;
pub mod shadow;
pub mod validate;

pub use raw::RawScenario;
pub use validate::{Breaker, Fault, Problem, RetryBudget, Scenario, ScenarioError};

use params::{PARAMS, find, nearest};

/// Decodes a scenario from TOML text. Syntax and type errors come back as one problem with the
/// location the decoder reports.
pub fn raw_from_toml(text: &str) -> Result<RawScenario, ScenarioError> {
    toml::from_str(text).map_err(|e| one_problem("(toml)", e.to_string()))
}

/// Decodes a scenario from JSON text.
pub fn raw_from_json(text: &str) -> Result<RawScenario, ScenarioError> {
    serde_json::from_str(text).map_err(|e| one_problem("(json)", e.to_string()))
}

/// Decodes and validates TOML text.
pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::try_from(raw_from_toml(text)?)
}

/// Encodes a scenario as TOML.
pub fn to_toml(raw: &RawScenario) -> String {
    toml::to_string(raw).unwrap_or_else(|e| format!("# could not encode: {e}\n"))
}

/// The JSON Schema (draft 2020-12) of the scenario format, generated from [`RawScenario`], as
/// pretty-printed JSON: every section, field, default, option name and doc comment.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RawScenario);
    serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Encodes a scenario as JSON.
pub fn to_json(raw: &RawScenario) -> String {
    serde_json::to_string_pretty(raw).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn one_problem(path: &str, message: String) -> ScenarioError {
    ScenarioError {
        problems: vec![Problem {
            path: path.to_string(),
            message,
        }],
    }
}

/// Sets one parameter from `key=value` text (the `--set` and URL form).
pub fn set_param(raw: &mut RawScenario, key: &str, value: &str) -> Result<(), Problem> {
    if key == POLICY_KEY {
        return apply_policy(raw, value.trim());
    }
    let problem = |message: String| Problem {
        path: key.to_string(),
        message,
    };
    let (param, resolver) = match key.strip_prefix(FURTHER_RESOLVER_PREFIX) {
        Some(rest) => resolver_param(raw, rest).map_err(problem)?,
        None => {
            let param = find(key).ok_or_else(|| {
                let hint = nearest(key).map_or(String::new(), |k| format!("; did you mean `{k}`?"));
                problem(format!("unknown parameter{hint}"))
            })?;
            (param, 0)
        }
    };
    let parsed = param.parse(value).map_err(problem)?;
    // The `resolver.*` parameters edit the first resolver: another one is swapped there.
    if resolver > 0 {
        raw.resolvers.swap(0, resolver);
    }
    (param.set)(raw, parsed);
    if resolver > 0 {
        raw.resolvers.swap(0, resolver);
    }
    Ok(())
}

/// Prefix of the keys of one resolver's settings in a list of several: `resolver:1.max_ttl_s` is
/// the `resolver.max_ttl_s` of the second resolver in resolv.conf order (`resolver.*` keys edit
/// the first, as the playground's controls do).
pub const FURTHER_RESOLVER_PREFIX: &str = "resolver:";

/// `raw` with its resolver `index` swapped into first place, where the `resolver.*` parameters
/// read and write.
fn with_resolver_first(raw: &RawScenario, index: usize) -> RawScenario {
    let mut swapped = raw.clone();
    swapped.resolvers.swap(0, index);
    swapped
}

/// The parameter and the resolver index of a key `resolver:<index>.<setting>`, given the part
/// after [`FURTHER_RESOLVER_PREFIX`].
fn resolver_param(
    raw: &RawScenario,
    rest: &str,
) -> Result<(&'static params::Param, usize), String> {
    let (index, setting) = rest
        .split_once('.')
        .and_then(|(index, setting)| Some((index.parse::<usize>().ok()?, setting)))
        .ok_or("expected resolver:<index>.<setting>")?;
    let count = raw.resolver_list().len();
    if index >= count {
        return Err(format!(
            "no resolver {index}: the scenario has {count} (numbered from 0)"
        ));
    }
    let param = find(&format!("resolver.{setting}"))
        .ok_or_else(|| format!("unknown resolver setting `{setting}`"))?;
    Ok((param, index))
}

/// The URL query form of a scenario relative to a base (usually a preset): only the parameters
/// that differ, as `key=value` pairs joined by `&`, in registry order; then, with several
/// resolvers, each further resolver's settings that differ from what those pairs give
/// (`resolver:<i>.<setting>`), so that a link keeps every resolver (a policy's `[resolver]`
/// section changes them all).
pub fn to_query(raw: &RawScenario, base: &RawScenario) -> String {
    let mut pairs: Vec<String> = PARAMS
        .iter()
        .filter(|p| (p.get)(raw) != (p.get)(base))
        .map(|p| format!("{}={}", p.key, p.wire((p.get)(raw))))
        .collect();
    if raw.resolvers.len() > 1 {
        let (staged, _) = apply_query(base, &pairs.join("&"));
        for index in 1..raw.resolvers.len() {
            let ours = with_resolver_first(raw, index);
            let theirs =
                (index < staged.resolvers.len()).then(|| with_resolver_first(&staged, index));
            for param in PARAMS.iter().filter(|p| p.key.starts_with("resolver.")) {
                let value = (param.get)(&ours);
                if theirs.as_ref().is_none_or(|t| (param.get)(t) != value) {
                    let setting = &param.key["resolver.".len()..];
                    pairs.push(format!(
                        "{FURTHER_RESOLVER_PREFIX}{index}.{setting}={}",
                        param.wire(value)
                    ));
                }
            }
        }
    }
    pairs.join("&")
}

/// Reverses percent-encoding (`resolver%3A1` → `resolver:1`), as link builders such as
/// `URLSearchParams` write keys and values; a `%` without two hex digits after it stays as it is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Applies a URL query to a base scenario. Returns the scenario with every valid pair applied and
/// the problems of the others (unknown keys, bad values), so nothing the user wrote is lost silently.
/// Keys and values may be percent-encoded ([`percent_decode`]).
pub fn apply_query(base: &RawScenario, query: &str) -> (RawScenario, Vec<Problem>) {
    let mut raw = base.clone();
    let mut problems = Vec::new();
    for pair in query
        .trim_start_matches('?')
        .split('&')
        .filter(|s| !s.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if let Err(p) = set_param(&mut raw, &percent_decode(key), &percent_decode(value)) {
            problems.push(p);
        }
    }
    (raw, problems)
}

/// The `--set`/`--vary` key that applies a policy fragment by name (`policy=dns-jvm`).
pub const POLICY_KEY: &str = "policy";

/// Applies the policy fragment `name` (see [`crate::presets::POLICIES`]) to `raw`.
pub fn apply_policy(raw: &mut RawScenario, name: &str) -> Result<(), Problem> {
    let Some(policy) = crate::presets::find_policy(name) else {
        let names: Vec<&str> = crate::presets::POLICIES.iter().map(|p| p.name).collect();
        return Err(Problem {
            path: POLICY_KEY.to_string(),
            message: format!("no policy named `{name}`; known: {}", names.join(", ")),
        });
    };
    let applied = overlay(raw, policy.toml).map_err(|e| Problem {
        path: POLICY_KEY.to_string(),
        message: e.to_string(),
    })?;
    *raw = applied;
    Ok(())
}

/// Applies a partial scenario (a policy fragment: any subset of sections and fields, in TOML) over
/// `base`: fields the fragment names replace the base's, lists (such as `faults`) are replaced
/// whole, everything else is kept. A fragment's `[resolver]` section applies to every resolver
/// of a base that lists them in `[[resolvers]]` (a resolver policy such as CoreDNS `cache 30`
/// describes each of them). Problems come back with the decoder's location.
pub fn overlay(base: &RawScenario, fragment_toml: &str) -> Result<RawScenario, ScenarioError> {
    let mut fragment: toml::Table =
        toml::from_str(fragment_toml).map_err(|e| one_problem("(policy)", e.to_string()))?;
    let mut merged =
        toml::Table::try_from(base).map_err(|e| one_problem("(scenario)", e.to_string()))?;
    if let Some(toml::Value::Array(list)) = merged.get_mut("resolvers")
        && !list.is_empty()
        && let Some(toml::Value::Table(resolver)) = fragment.remove("resolver")
    {
        for entry in list.iter_mut() {
            if let toml::Value::Table(each) = entry {
                merge_tables(each, resolver.clone());
            }
        }
    }
    merge_tables(&mut merged, fragment);
    toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| one_problem("(policy)", e.to_string()))
}

fn merge_tables(into: &mut toml::Table, from: toml::Table) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(toml::Value::Table(existing)), toml::Value::Table(incoming)) => {
                merge_tables(existing, incoming);
            }
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}
