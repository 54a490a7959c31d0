//! Input bounds: what any decoder of outside input (scenario TOML and JSON, a URL query) checks
//! before it does work per entry, so that no input, however large, long or deep, costs more
//! than a bounded time and memory before it is refused with a message naming the limit.
//!
//! Owns: the size, nesting-depth, list-length and key-length limits of scenario input, and the
//! cap on how many problems are listed.
//! Must not: check values (that is `validate.rs`, which runs only once these bounds hold), or
//! decode anything itself.

use super::raw::RawScenario;
use super::validate::limits;
use super::validate::{Problem, ScenarioError};

/// Largest scenario file (TOML or JSON), bytes: every preset is under 4 kB, so 1 MiB leaves room
/// for any hand-written scenario and refuses generated floods before the decoder reads them.
pub const INPUT_BYTES_MAX: usize = 1 << 20;
/// Deepest nesting of arrays and tables (`[`, `{`) in a scenario file: the format itself nests
/// at most 4 deep (`fleets[i].depends_on[j]`, a forwarding list).
pub const NESTING_DEPTH_MAX: usize = 32;
/// Most parts of one dotted key (`a.b.c = 1` has 3): the longest key of the format has 3.
pub const DOTTED_KEY_PARTS_MAX: usize = 8;
/// Largest URL query, bytes (a link with every setting changed is under 8 kB; `vs=` carries a
/// second design).
pub const QUERY_BYTES_MAX: usize = 32 * 1024;
/// Most `key=value` pairs in a URL query (the registry has fewer than 200 keys).
pub const QUERY_PAIRS_MAX: usize = 512;
/// Longest parameter key (`--set`, a URL pair), bytes: longer keys name no parameter, and are not
/// compared against the registry for a suggestion.
pub const KEY_BYTES_MAX: usize = 128;
/// Longest parameter value (`--set`, a URL pair), bytes.
pub const VALUE_BYTES_MAX: usize = 1024;
/// Most policy fragments a client class applies (`fleets[i].policies`): one per runtime, retry
/// library, budget and breaker is four.
pub const CLASS_POLICIES_MAX: usize = 16;
/// Most `set` entries of a client class (fewer than the registry's keys).
pub const CLASS_SETTINGS_MAX: usize = 256;
/// Most problems listed; the rest are counted in one last line.
pub const PROBLEMS_LISTED_MAX: usize = 50;

/// The problem of a text over [`INPUT_BYTES_MAX`] or nested deeper than [`NESTING_DEPTH_MAX`],
/// found in one pass over its bytes before any decoding. `what` names the input (`(toml)`).
pub fn check_text(text: &str, what: &str) -> Result<(), ScenarioError> {
    let fail = |message: String| {
        Err(ScenarioError {
            problems: vec![Problem {
                path: what.to_string(),
                message,
            }],
        })
    };
    if text.len() > INPUT_BYTES_MAX {
        return fail(format!(
            "the input is {} bytes; the limit is {INPUT_BYTES_MAX} bytes (1 MiB)",
            text.len()
        ));
    }
    let (depth, parts) = nesting(text);
    if depth > NESTING_DEPTH_MAX {
        return fail(format!(
            "arrays and tables nest more than {NESTING_DEPTH_MAX} deep (the format needs 4)"
        ));
    }
    if parts > DOTTED_KEY_PARTS_MAX {
        return fail(format!(
            "a dotted key has more than {DOTTED_KEY_PARTS_MAX} parts (the format needs 3)"
        ));
    }
    Ok(())
}

/// The deepest bracket nesting of `text` and the most dots in one bare key, outside strings
/// and comments (TOML's `"…"`, `'…'`, `"""…"""` and `# …`; JSON's `"…"`). The counts are what a
/// recursive decoder would recurse through; a miscounted corner (brackets in a comment after a
/// string) can only make the check stricter on text the format does not need.
fn nesting(text: &str) -> (usize, usize) {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut parts, mut most_parts) = (1usize, 1usize);
    let mut quote: Option<u8> = None;
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match (quote, b) {
            (Some(b'"'), b'\\') => {
                bytes.next();
            }
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'#') => {
                for c in bytes.by_ref() {
                    if c == b'\n' {
                        break;
                    }
                }
                parts = 1;
            }
            (None, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            (None, b'.') => {
                parts += 1;
                most_parts = most_parts.max(parts);
            }
            // A number's decimal point is a dot too: key characters and blanks keep the count,
            // anything else (`=`, `,`, a newline) ends the key.
            (None, c) if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b' ' | b'\t') => {}
            (None, _) => parts = 1,
        }
    }
    (deepest, most_parts)
}

/// Every list of `raw` longer than its limit, checked before any per-entry work (validation
/// compares entries with each other, and each class is validated as a whole scenario).
pub fn check_lists(raw: &RawScenario) -> Result<(), ScenarioError> {
    let mut problems = Vec::new();
    let mut over = |path: String, what: &str, len: usize, max: usize| {
        if len > max {
            problems.push(Problem {
                path,
                message: format!("at most {max} {what}, got {len}"),
            });
        }
    };
    over(
        "resolvers".into(),
        "resolvers (glibc MAXNS)",
        raw.resolvers.len(),
        limits::RESOLVERS_MAX,
    );
    over(
        "services".into(),
        "further services",
        raw.services.len(),
        limits::SERVICES_MAX,
    );
    over(
        "names".into(),
        "further names",
        raw.names.len(),
        limits::NAMES_MAX,
    );
    over(
        "fleets".into(),
        "client classes",
        raw.fleets.len(),
        limits::FLEETS_MAX,
    );
    over(
        "faults".into(),
        "faults",
        raw.faults.len(),
        limits::FAULTS_MAX,
    );
    let forwarding = |list: &Option<Vec<usize>>| list.as_ref().map_or(0, Vec::len);
    over(
        "dns.resolvers".into(),
        "resolvers in a forwarding list",
        forwarding(&raw.dns.resolvers),
        limits::RESOLVERS_MAX,
    );
    for (i, name) in raw.names.iter().take(limits::NAMES_MAX).enumerate() {
        over(
            format!("names[{i}].resolvers"),
            "resolvers in a forwarding list",
            forwarding(&name.resolvers),
            limits::RESOLVERS_MAX,
        );
    }
    for (i, class) in raw.fleets.iter().take(limits::FLEETS_MAX).enumerate() {
        over(
            format!("fleets[{i}].policies"),
            "policies",
            class.policies.len(),
            CLASS_POLICIES_MAX,
        );
        over(
            format!("fleets[{i}].set"),
            "settings",
            class.set.len(),
            CLASS_SETTINGS_MAX,
        );
        over(
            format!("fleets[{i}].depends_on"),
            "calls before the main one",
            class.depends_on.len(),
            limits::DEPENDENCIES_MAX,
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError { problems })
    }
}

/// The problem of a parameter key or value over [`KEY_BYTES_MAX`] or [`VALUE_BYTES_MAX`].
pub fn check_pair(key: &str, value: &str) -> Result<(), Problem> {
    let shown: String = key.chars().take(40).collect();
    let fail = |message: String| {
        Err(Problem {
            path: shown.clone(),
            message,
        })
    };
    if key.len() > KEY_BYTES_MAX {
        return fail(format!(
            "a key of {} bytes names no parameter (keys are at most {KEY_BYTES_MAX} bytes)",
            key.len()
        ));
    }
    if value.len() > VALUE_BYTES_MAX {
        return fail(format!(
            "a value of {} bytes; values are at most {VALUE_BYTES_MAX} bytes",
            value.len()
        ));
    }
    Ok(())
}

/// The problem of a URL query over [`QUERY_BYTES_MAX`] or [`QUERY_PAIRS_MAX`] pairs, found
/// before any pair is read.
pub fn check_query(query: &str) -> Result<(), Problem> {
    let fail = |message: String| {
        Err(Problem {
            path: "(link)".into(),
            message,
        })
    };
    if query.len() > QUERY_BYTES_MAX {
        return fail(format!(
            "the link's settings are {} bytes; the limit is {QUERY_BYTES_MAX} bytes, so none \
             were applied",
            query.len()
        ));
    }
    let pairs = query.split('&').filter(|p| !p.is_empty()).count();
    if pairs > QUERY_PAIRS_MAX {
        return fail(format!(
            "the link has {pairs} settings; the limit is {QUERY_PAIRS_MAX}, so none were applied"
        ));
    }
    Ok(())
}

/// `problems` with at most [`PROBLEMS_LISTED_MAX`] listed and one last line counting the rest.
pub fn cap_problems(mut problems: Vec<Problem>) -> Vec<Problem> {
    if problems.len() > PROBLEMS_LISTED_MAX {
        let more = problems.len() - PROBLEMS_LISTED_MAX;
        problems.truncate(PROBLEMS_LISTED_MAX);
        problems.push(Problem {
            path: "…".into(),
            message: format!("and {more} more problems"),
        });
    }
    problems
}

impl ScenarioError {
    /// The error of `problems`, capped as [`cap_problems`] does.
    pub fn capped(problems: Vec<Problem>) -> ScenarioError {
        ScenarioError {
            problems: cap_problems(problems),
        }
    }
}
