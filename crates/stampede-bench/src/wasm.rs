//! The wasm exports (`wasm-bindgen --target nodejs`), timed by `node/run.mjs`.
//!
//! Owns: the JavaScript-facing names. Must not: time anything (Node does, with `performance.now()`).

use wasm_bindgen::prelude::wasm_bindgen;

use crate::PeerConfig;

/// Runs one peer configuration (`steady`, `trigger-recovers`, `trigger-stays-down`) and returns
/// the figures as a JSON line; an unknown name gives `{"error": …}`.
#[wasm_bindgen]
pub fn run_peer_json(seed: u64, config: &str) -> String {
    match PeerConfig::from_name(config) {
        Some(config) => crate::run_peer_json(config, seed),
        None => format!("{{\"error\":\"unknown configuration `{config}`\"}}"),
    }
}

/// Runs a preset by name and returns its figures as a JSON line.
#[wasm_bindgen]
pub fn run_preset_json(name: &str) -> String {
    match crate::preset_scenario(name) {
        Ok(sc) => format!(
            "{{\"preset\":\"{name}\",{}}}",
            crate::run_figures(&sc).json_members()
        ),
        Err(e) => format!("{{\"error\":\"{}\"}}", e.replace('"', "'")),
    }
}
