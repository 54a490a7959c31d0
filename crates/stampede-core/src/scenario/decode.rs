//! Decoding scenario text (TOML, JSON) into a [`RawScenario`], with errors a user can act on.
//!
//! Owns: the wording of decoding problems, the same for both formats: the field path
//! (`retry_budget.kind`, `resolvers[0].capacity_qps`, tracked by `serde_path_to_error`), the
//! allowed values of an option (read from the generated JSON Schema), the line and column of
//! the problem, numbers and echoed text in short form, and never an internal type name; and the
//! deprecation notices of old spellings ([`super::aliases`]).
//! Must not: validate ranges or cross-field rules (`validate.rs` does), or read files.

use super::aliases;
use super::{Problem, RawScenario, ScenarioError};

/// A decoded scenario with the deprecation notices its text earned (warnings, not errors).
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// The scenario as written.
    pub raw: RawScenario,
    /// One notice per old spelling used, with its field path.
    pub notices: Vec<Problem>,
}

/// Path shown for a problem of the document as a whole (a top-level value of the wrong type).
pub const ROOT_PATH: &str = "(scenario)";

/// Decodes TOML text. A problem names its field path, its line and column, and for an option
/// the allowed names.
pub fn decode_toml(text: &str) -> Result<Decoded, ScenarioError> {
    super::bounds::check_text(text, "(toml)")?;
    let located = |path: &str, e: &toml::de::Error| {
        let at = e.span().map(|s| location(text, s.start));
        problem(path, e.message(), at)
    };
    let deserializer = toml::Deserializer::parse(text).map_err(|e| located("(toml)", &e))?;
    let raw: RawScenario = serde_path_to_error::deserialize(deserializer)
        .map_err(|e| located(&path_text(e.path()), e.inner()))?;
    let notices = if mentions_an_alias(text) {
        toml::from_str::<serde_json::Value>(text)
            .map(|tree| aliases::file_notices(&tree))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(Decoded { raw, notices })
}

/// Decodes JSON text, with the same wording of problems as [`decode_toml`].
pub fn decode_json(text: &str) -> Result<Decoded, ScenarioError> {
    super::bounds::check_text(text, "(json)")?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let raw: RawScenario = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let inner = e.inner();
        let at = (inner.line() > 0).then(|| (inner.line(), inner.column()));
        // A syntax error inside a field still names the field (an option given a number is a
        // "syntax" error to serde_json); one at the top level is the document's.
        let path = match path_text(e.path()) {
            root if root == ROOT_PATH && inner.classify() != serde_json::error::Category::Data => {
                "(json)".to_string()
            }
            path => path,
        };
        problem(&path, &json_message(inner), at)
    })?;
    deserializer
        .end()
        .map_err(|e| problem("(json)", &json_message(&e), Some((e.line(), e.column()))))?;
    let notices = if mentions_an_alias(text) {
        serde_json::from_str(text)
            .map(|tree| aliases::file_notices(&tree))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(Decoded { raw, notices })
}

fn mentions_an_alias(text: &str) -> bool {
    aliases::VALUE_ALIASES.iter().any(|a| text.contains(a.old))
        || aliases::KEY_ALIASES.iter().any(|a| text.contains(a.old))
}

/// serde_json's message without its own " at line L column C" (the problem carries it).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// A path as people write it: `resolvers[0].capacity_qps`, or [`ROOT_PATH`] for the document.
fn path_text(path: &serde_path_to_error::Path) -> String {
    // `?` stands for a map key the decoder had not read yet (a syntax error): drop it.
    let text = path
        .to_string()
        .split('.')
        .filter(|s| *s != "?")
        .collect::<Vec<_>>()
        .join(".");
    if text == "." || text.is_empty() {
        ROOT_PATH.to_string()
    } else {
        text
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn location(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn problem(path: &str, message: &str, at: Option<(usize, usize)>) -> ScenarioError {
    let mut message = plain_message(path, message);
    if let Some((line, column)) = at {
        message.push_str(&format!(" (line {line}, column {column})"));
    }
    ScenarioError {
        problems: vec![Problem {
            path: path.to_string(),
            message,
        }],
    }
}

/// The decoder's message in the project's words: allowed values for options, a "did you mean"
/// for a field that lives elsewhere, no internal type names, echoed text cut short.
fn plain_message(path: &str, message: &str) -> String {
    let message = message.trim().lines().next().unwrap_or("").trim();
    if let Some(field) = quoted_after(message, "unknown field `") {
        return unknown_field(path, field, message);
    }
    if let Some(options) = enum_options(path) {
        let got = quoted_after(message, "unknown variant `")
            .map(|v| format!("`{}` is not an option", shorten(v)))
            .unwrap_or_else(|| "not an option name".to_string());
        return format!("{got}; expected one of: {}", options.join(", "));
    }
    shorten_echoes(&internal_names_replaced(message))
}

/// `unknown field `x`` with where the field lives when it exists elsewhere, else the nearest
/// field of this section.
fn unknown_field(path: &str, field: &str, message: &str) -> String {
    let section = path
        .rsplit_once('.')
        .map_or("", |(section, _)| section)
        .trim_end_matches(|c: char| c == ']' || c.is_ascii_digit())
        .trim_end_matches('[');
    let section_key = section.rsplit('.').next().unwrap_or(section);
    let expected: Vec<&str> = message
        .split_once("expected ")
        .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    let hint = aliases::moved_field_hint(section_key, field)
        .map(|key| format!("; did you mean `{key}`?"))
        .or_else(|| {
            expected
                .iter()
                .map(|k| (super::params::edit_distance(field, k), *k))
                .min()
                .filter(|(d, k)| *d <= k.len() / 2)
                .map(|(_, k)| format!("; did you mean `{k}`?"))
        })
        .unwrap_or_default();
    let known = if expected.is_empty() {
        String::new()
    } else {
        format!(" Known here: {}.", expected.join(", "))
    };
    format!("unknown field `{}`{hint}{known}", shorten(field))
}

fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let start = message.find(prefix)? + prefix.len();
    let rest = &message[start..];
    Some(&rest[..rest.find('`').unwrap_or(rest.len())])
}

/// serde names the Rust type it wanted (`struct RawScenario`, `enum FaultKind`): people see
/// what the format calls it.
fn internal_names_replaced(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut words = message.split(' ').peekable();
    let mut first = true;
    while let Some(word) = words.next() {
        let next_is_internal = words.peek().is_some_and(|n| {
            n.starts_with("Raw") || n.ends_with("Kind") || n.ends_with("Mode") || n.ends_with("Law")
        });
        let (bare, tail) = word.split_at(word.trim_end_matches([',', '.', ')']).len());
        let number = match bare {
            "u8" | "u16" | "u32" | "u64" | "usize" => Some("a whole number from 0"),
            "i8" | "i16" | "i32" | "i64" => Some("a whole number"),
            "f32" | "f64" => Some("a number"),
            _ => None,
        };
        if let Some(number) = number {
            if !first {
                out.push(' ');
            }
            first = false;
            out.push_str(number);
            out.push_str(tail);
            continue;
        }
        let replacement = match word {
            "struct" if next_is_internal => {
                words.next();
                Some("a table of settings")
            }
            "enum" if next_is_internal => {
                words.next();
                Some("an option name")
            }
            _ => None,
        };
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(replacement.unwrap_or(word));
    }
    out
}

/// Longest echoed text kept whole, characters.
const ECHO_MAX_CHARS: usize = 40;

/// Echoed values in short form: a long integer as `1e308`-style, long text cut with its length.
fn shorten_echoes(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                shorten(part)
            } else {
                (*part).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// One echoed value in short form.
pub fn shorten(text: &str) -> String {
    let count = text.chars().count();
    if count <= ECHO_MAX_CHARS {
        return text.to_string();
    }
    if let Ok(number) = text.parse::<f64>() {
        return format!("{number:e}");
    }
    let head: String = text.chars().take(20).collect();
    format!("{head}… ({count} characters)")
}

/// Longest run of digits a message keeps as written.
const DIGITS_MAX: usize = 15;

/// A message with every number of more than [`DIGITS_MAX`] digits in short form (`1e308`, not
/// 309 digits): Rust prints large floats in full.
pub fn shorten_numbers(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        let number = tail[..end].trim_end_matches('.');
        let digits = number.chars().filter(char::is_ascii_digit).count();
        match number.parse::<f64>() {
            Ok(value) if digits > DIGITS_MAX => out.push_str(&format!("{value:e}")),
            _ => out.push_str(number),
        }
        rest = &tail[number.len()..];
    }
    out.push_str(rest);
    out
}

/// The option names allowed at a field path, from the generated JSON Schema, if the field is an
/// option (an enum).
pub fn enum_options(path: &str) -> Option<Vec<String>> {
    let schema: serde_json::Value = serde_json::from_str(&super::json_schema()).ok()?;
    let mut node = &schema;
    for segment in path_segments(path) {
        node = resolve(&schema, node);
        node = match segment {
            Segment::Key(key) => node.get("properties")?.get(key)?,
            Segment::Index => node.get("items")?,
        };
    }
    let node = resolve(&schema, node);
    let consts: Vec<String> = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|v| {
                    v.get("const")
                        .or_else(|| v.get("enum").and_then(|e| e.get(0)))
                        .and_then(|c| c.as_str())
                        .map(str::to_string)
                })
                .collect()
        })
        .or_else(|| {
            node.get("enum")?.as_array().map(|e| {
                e.iter()
                    .filter_map(|c| c.as_str().map(str::to_string))
                    .collect()
            })
        })?;
    (!consts.is_empty()).then_some(consts)
}

enum Segment<'a> {
    Key(&'a str),
    Index,
}

fn path_segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, indexes) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        for _ in indexes.split('[').filter(|s| !s.is_empty()) {
            out.push(Segment::Index);
        }
    }
    out
}

fn resolve<'a>(
    schema: &'a serde_json::Value,
    node: &'a serde_json::Value,
) -> &'a serde_json::Value {
    let mut node = node;
    for _ in 0..8 {
        if let Some(reference) = node.get("$ref").and_then(|r| r.as_str()) {
            match reference
                .strip_prefix("#/")
                .and_then(|p| schema.pointer(&format!("/{p}")))
            {
                Some(target) => node = target,
                None => return node,
            }
        } else if let Some(first) = node
            .get("anyOf")
            .and_then(|a| a.as_array())
            .and_then(|a| a.iter().find(|v| v.get("$ref").is_some()))
        {
            node = first;
        } else {
            return node;
        }
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters() {
        assert_eq!(location("a\nbé c", 5), (2, 3));
        assert_eq!(location("abc", 0), (1, 1));
    }

    #[test]
    fn long_echoes_are_cut() {
        assert_eq!(shorten(&format!("1{}", "0".repeat(308))), "1e308");
        assert!(shorten(&"x".repeat(10_000)).ends_with("(10000 characters)"));
        assert_eq!(shorten("short"), "short");
        let long = format!("must be at most 3600 s, got {}.5", "9".repeat(40));
        assert_eq!(shorten_numbers(&long), "must be at most 3600 s, got 1e40");
        assert_eq!(shorten_numbers("v1.2 at 0.25 s"), "v1.2 at 0.25 s");
    }

    #[test]
    fn options_come_from_the_schema() {
        let kinds = enum_options("retry_budget.kind").expect("an option");
        assert!(
            kinds.contains(&"aws_standard_2026".to_string()),
            "{kinds:?}"
        );
        assert!(enum_options("faults[0].kind").is_some());
        assert!(enum_options("client_dns.cache").is_some());
        assert!(enum_options("faults[2].kind").is_some());
        assert_eq!(enum_options("run.seed"), None);
    }
}
