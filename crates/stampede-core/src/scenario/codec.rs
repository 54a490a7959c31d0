//! The wire formats of a scenario: TOML and JSON text to and from [`RawScenario`], and the JSON
//! Schema of the format.
//!
//! Owns: decoding (syntax and type errors come back as one problem with the decoder's location)
//! and encoding. Must not: validate, or edit a scenario.

use super::decode::{decode_json, decode_toml};
use super::problem::ScenarioError;
use super::raw::RawScenario;

/// Decodes a scenario from TOML text. Every problem names its field path and its line and
/// column (see [`decode_toml`], which also returns deprecation notices).
pub fn raw_from_toml(text: &str) -> Result<RawScenario, ScenarioError> {
    decode_toml(text).map(|d| d.raw)
}

/// Decodes a scenario from JSON text (see [`decode_json`]).
pub fn raw_from_json(text: &str) -> Result<RawScenario, ScenarioError> {
    decode_json(text).map(|d| d.raw)
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
