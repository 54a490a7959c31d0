//! `stampede reference --report`: the report reference (every field of the JSON report with its
//! meaning and unit) as Markdown, generated from the report's JSON Schema (the core's types and
//! their documentation). `docs/report-reference.md` is this output; a test keeps it current.
//! Must not: describe a field by hand; the words come from the types' doc comments.

use serde_json::Value;
use stampede_core::report::{Outcome, REPORT_FORMAT_VERSION};

fn resolve<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..8 {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/$defs/");
            node = &schema["$defs"][name];
        } else if let Some(list) = node.get("anyOf").and_then(Value::as_array)
            && let Some(first) = list.iter().find(|v| v.get("type") != Some(&"null".into()))
        {
            node = first;
        } else {
            break;
        }
    }
    node
}

/// Table cell text: rustdoc links (`[`Summary::resolvers`]`, `(crate::…)` targets) read as
/// plain code, no pipes or line breaks.
fn cell(text: &str) -> String {
    let mut out = text.replace("[`", "`").replace("`]", "`");
    while let Some(start) = out.find("(crate::") {
        let end = out[start..].find(')').map_or(out.len(), |e| start + e + 1);
        out.replace_range(start..end, "");
    }
    out.replace('|', "\\|").replace('\n', " ")
}

fn type_of(schema: &Value, node: &Value) -> String {
    let target = resolve(schema, node);
    match target.get("type") {
        Some(Value::String(t)) if t == "array" => match target.get("items") {
            Some(Value::Array(_)) | None => "list".to_string(),
            Some(items) => format!("list of {}", type_of(schema, items)),
        },
        Some(Value::String(t)) if t == "object" && target.get("properties").is_some() => {
            "object (below)".to_string()
        }
        Some(Value::String(t)) => t.clone(),
        Some(other) => other.to_string(),
        None if target.get("oneOf").is_some() => "one of (below)".to_string(),
        None => "value".to_string(),
    }
}

/// Rows for every field of `object`, descending into nested objects and lists of objects.
fn rows(out: &mut String, schema: &Value, prefix: &str, object: &Value, depth: usize) {
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, node) in properties {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let doc = node
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        out.push_str(&format!(
            "| `{path}` | {} | {} |\n",
            type_of(schema, node),
            cell(doc)
        ));
        let target = resolve(schema, node);
        if depth > 4 {
            continue;
        }
        if target.get("properties").is_some() {
            rows(out, schema, &path, target, depth + 1);
        } else if let Some(items) = target.get("items").filter(|i| i.is_object()) {
            let item = resolve(schema, items);
            if item.get("properties").is_some() {
                rows(out, schema, &format!("{path}[]"), item, depth + 1);
            }
        }
    }
}

fn variants(out: &mut String, schema: &Value, name: &str) {
    let Some(list) = schema["$defs"][name]["oneOf"].as_array() else {
        return;
    };
    for variant in list {
        let doc = variant
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        let shape = match (variant.get("const"), variant.get("properties")) {
            (Some(Value::String(c)), _) => format!("`\"{c}\"`"),
            (_, Some(Value::Object(props))) => props
                .iter()
                .map(|(key, inner)| {
                    let fields: Vec<String> = resolve(schema, inner)
                        .get("properties")
                        .and_then(Value::as_object)
                        .map(|f| {
                            f.iter()
                                .map(|(k, v)| {
                                    let d = v.get("description").and_then(Value::as_str);
                                    format!("`{k}`: {}", cell(d.unwrap_or("")))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let names: Vec<String> = fields
                        .iter()
                        .map(|f| {
                            f.split(':')
                                .next()
                                .unwrap_or("")
                                .trim_matches('`')
                                .to_string()
                        })
                        .map(|f| format!("\"{f}\": …"))
                        .collect();
                    format!(
                        "`{{\"{key}\": {{{}}}}}` ({})",
                        names.join(", "),
                        fields.join("; ")
                    )
                })
                .collect(),
            _ => String::new(),
        };
        out.push_str(&format!("- {shape}: {}\n", cell(doc)));
    }
}

/// The report reference as Markdown.
pub fn markdown() -> String {
    let schema: Value = serde_json::from_str(&stampede_core::report::json_schema())
        .expect("the core's report schema is valid JSON");
    let mut out = format!(
        "# Report reference\n\n\
         Generated by `stampede reference --report` from the report types (field documentation \
         and units); do not edit by hand. This is the JSON that `stampede run --json FILE` writes, \
         format version {REPORT_FORMAT_VERSION} (`format_version`); its JSON Schema is printed by \
         `stampede schema --report`. A reader should check `format_version`: a new version \
         renames, removes or changes the meaning of a field. Numbers that are undefined (a \
         percentile of no request, a baseline without a fault) are `null`.\n\n\
         ## Definitions\n\n\
         - **Availability**: successful user requests ÷ user requests that ended.\n\
         - **Amplification**: attempts started (first attempts, retries and hedges) ÷ user \
         requests started, per metric bucket; the peak is over complete buckets with at least 10 \
         requests.\n\
         - **Time to recover** (`summary.recovery`): baseline goodput is the mean successes per \
         bucket before the first fault (first bucket skipped). Recovery is the first bucket \
         starting at or after the last fault's end from which 3 consecutive buckets reach 95 % of \
         the baseline; the time to recover is that bucket's start minus the fault's end.\n\
         - **Metastable**: not recovered within `run.recovery_window_s` after the last fault ended.\n\
         - **SLO burn**: failed ÷ (ended × (1 − `cost.slo_target`)).\n\
         - **Peak load** (backend, resolver, service): the largest offered ÷ capacity over \
         complete buckets, with the start of the first bucket that reached it.\n\n\
         ## Failure causes\n\n\
         `summary.failed_by_cause` and `series.failed` are keyed by cause:\n\n",
    );
    for cause in Outcome::FAILURES {
        out.push_str(&format!("- `{}`: {}\n", cause.key(), cause.label()));
    }
    out.push_str("\n## `summary.recovery`\n\nOne of:\n\n");
    variants(&mut out, &schema, "Recovery");
    out.push_str("\n## Fields\n\n| field | type | meaning and unit |\n|---|---|---|\n");
    rows(&mut out, &schema, "", &schema, 0);
    out
}

#[cfg(test)]
mod tests {
    /// The committed reference matches what the types generate (on a mismatch the file is
    /// rewritten, so committing it fixes the test).
    #[test]
    fn docs_report_reference_is_up_to_date() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/report-reference.md");
        let generated = super::markdown();
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != generated {
            std::fs::write(&path, &generated).expect("write docs/report-reference.md");
            panic!("docs/report-reference.md was out of date and has been regenerated: commit it");
        }
    }

    /// Every field of a real report is in the reference, so a reader can look each one up.
    #[test]
    fn every_report_field_is_documented() {
        let text = super::markdown();
        let report = stampede_core::run(
            &stampede_core::Scenario::try_from(stampede_core::RawScenario::default())
                .expect("the default scenario is valid"),
        );
        let json = serde_json::to_value(&report).expect("a report encodes");
        let mut missing = Vec::new();
        collect(&json, "", &text, &mut missing);
        assert!(missing.is_empty(), "undocumented: {missing:?}");
    }

    fn collect(value: &serde_json::Value, path: &str, text: &str, missing: &mut Vec<String>) {
        if let Some(object) = value.as_object() {
            for (key, inner) in object {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                // Keyed lists (causes) and variant payloads are described in their own sections.
                if path.ends_with("failed") || path.ends_with("failed_by_cause") {
                    continue;
                }
                if !text.contains(&format!("`{here}`")) && !path.contains("recovery") {
                    missing.push(here.clone());
                }
                collect(inner, &here, text, missing);
            }
        } else if let Some(first) = value.as_array().and_then(|a| a.first())
            && first.is_object()
        {
            collect(first, &format!("{path}[]"), text, missing);
        }
    }
}
