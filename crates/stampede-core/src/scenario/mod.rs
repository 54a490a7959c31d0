//! Scenario: the input of a run, its wire formats and its validation.
//!
//! Owns: every wire format of a scenario (TOML, JSON, URL query), the parameter registry and the
//! two-stage raw → validated conversion.
//! Must not: run anything. Decoding never panics; every problem is reported with its field path.

pub mod aliases;
pub mod bounds;
pub mod build;
pub mod catalogue;
pub mod classes;
pub mod codec;
pub mod decode;
pub mod edit;
pub mod params;
pub mod problem;
pub mod raw;
pub mod shadow;
pub mod targets;
pub mod validate;
pub mod validated;

pub use codec::{json_schema, raw_from_json, raw_from_toml, to_json, to_toml};
pub use decode::{Decoded, decode_json, decode_toml};
pub use edit::{
    FURTHER_RESOLVER_PREFIX, POLICY_KEY, apply_policy, apply_query, overlay, percent_decode,
    set_param, set_param_noting, to_query,
};
pub use problem::{Problem, ScenarioError};
pub use raw::RawScenario;
pub use validate::{Breaker, Fault, RetryBudget, Scenario};

/// Decodes and validates TOML text.
pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::try_from(raw_from_toml(text)?)
}
