//! Edits of a raw scenario, raw → raw: one parameter from `key=value` text, a URL query and its
//! inverse, a policy fragment by name, and the overlay of any partial scenario.
//!
//! Owns: the `--set`/URL key syntax (registry keys, `resolver:<i>.<setting>`, `policy=`).
//! Must not: validate (an edit may leave a scenario invalid: validation says so) or name presets.

use super::aliases;
use super::bounds;
use super::catalogue::{POLICIES, find_policy};
use super::params::{PARAMS, Param, find, nearest};
use super::problem::{Problem, ScenarioError};
use super::raw::RawScenario;

/// Sets one parameter from `key=value` text (the `--set` and URL form). Old spellings of keys
/// and options work ([`aliases`]); [`set_param_noting`] also returns their deprecation notices.
pub fn set_param(raw: &mut RawScenario, key: &str, value: &str) -> Result<(), Problem> {
    set_param_noting(raw, key, value, &mut Vec::new())
}

/// [`set_param`], pushing a deprecation notice onto `notices` for each old spelling used.
pub fn set_param_noting(
    raw: &mut RawScenario,
    key: &str,
    value: &str,
    notices: &mut Vec<Problem>,
) -> Result<(), Problem> {
    bounds::check_pair(key, value)?;
    if key.trim().is_empty() {
        return Err(Problem {
            path: "(key)".to_string(),
            message: format!("the parameter name is empty in `={value}`; write key=value"),
        });
    }
    let (key, key_notice) = aliases::canonical_key(key);
    let (value, value_notice) = aliases::canonical_value(key, value);
    notices.extend(key_notice.into_iter().chain(value_notice));
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
fn resolver_param(raw: &RawScenario, rest: &str) -> Result<(&'static Param, usize), String> {
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
/// `URLSearchParams` write keys and values; a `%` without two hex digits after it stays as it is
/// (the `percent-encoding` crate's decoder), and bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Applies a URL query to a base scenario. Returns the scenario with every valid pair applied and
/// the problems of the others (unknown keys, bad values), so nothing the user wrote is lost silently.
/// Keys and values may be percent-encoded ([`percent_decode`]). A query over the
/// [`bounds`] is not applied at all (one problem says why); problems are capped
/// ([`bounds::cap_problems`]).
pub fn apply_query(base: &RawScenario, query: &str) -> (RawScenario, Vec<Problem>) {
    let mut raw = base.clone();
    if let Err(p) = bounds::check_query(query) {
        return (raw, vec![p]);
    }
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
    (raw, bounds::cap_problems(problems))
}

/// The `--set`/`--vary` key that applies a policy fragment by name (`policy=dns-jvm`).
pub const POLICY_KEY: &str = "policy";

/// Applies the policy fragment `name` (see [`POLICIES`]) to `raw`.
pub fn apply_policy(raw: &mut RawScenario, name: &str) -> Result<(), Problem> {
    let Some(policy) = find_policy(name) else {
        let names: Vec<&str> = POLICIES.iter().map(|p| p.name).collect();
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
        toml::from_str(fragment_toml).map_err(|e| ScenarioError::one("(policy)", e.to_string()))?;
    let mut merged =
        toml::Table::try_from(base).map_err(|e| ScenarioError::one("(scenario)", e.to_string()))?;
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
        .map_err(|e: toml::de::Error| ScenarioError::one("(policy)", e.to_string()))
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

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding_follows_rfc_3986() {
        // RFC 3986 §2.1: `%` and two hex digits (either case) stand for one octet; the octets of
        // a multi-byte character are each encoded (UTF-8 of € is E2 82 AC).
        assert_eq!(percent_decode("resolver%3a1%2Ettl"), "resolver:1.ttl");
        assert_eq!(percent_decode("%E2%82%AC"), "€");
        // Not an escape: kept as written. A lone octet that is not UTF-8: U+FFFD.
        assert_eq!(percent_decode("50%"), "50%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz+"), "%zz+");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }
}
