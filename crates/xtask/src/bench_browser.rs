//! `cargo xtask bench`, browser section: the playground in headless Chromium against the native
//! run of the same scenario, for every preset (or those of `--presets`).
//!
//! Owns: building what the browser benchmark needs (the release `dist/`, e2e's npm tools,
//! Chromium) and running `e2e/bench-browser.mjs`, which alternates each browser measurement with
//! `stampede-bench query <the page's link>` and prints the figures, the worker's account of its
//! time and the traced main-thread tasks.
//! Must not: fail because a figure misses its goal (figures are printed, never asserted).

use std::path::Path;

use crate::cmd::{Cmd, Error};
use crate::paths::{artifacts_dir, dist_dir, tool_path};
use crate::setup::{Needs, setup};
use crate::trunk::build_release;

/// Presets whose streaming is also traced for main-thread responsiveness: the default preset
/// (`default`: the first one the page opens with) and the largest fleet.
const TRACED_PRESETS: &str = "default,million-clients";

/// Options of the browser section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserConfig {
    /// Presets to measure; every preset when empty.
    pub presets: Vec<String>,
    /// Control changes measured per preset (after the first load).
    pub changes: u32,
}

impl Default for BrowserConfig {
    fn default() -> Self {
        BrowserConfig {
            presets: Vec::new(),
            changes: 2,
        }
    }
}

/// Builds the release site and runs the browser benchmark; returns its printed figures.
pub fn compare_in_browser(
    root: &Path,
    native: &Path,
    config: &BrowserConfig,
) -> Result<Vec<String>, Error> {
    setup(
        root,
        Needs {
            npm: true,
            browser: true,
            ..Needs::TOOLS
        },
    )?;
    build_release(root)?;
    let artifacts = artifacts_dir(root);
    std::fs::create_dir_all(&artifacts)
        .map_err(|error| format!("cannot create {}: {error}", artifacts.display()))?;
    let mut cmd = Cmd::new("node", root)
        .env("PATH", tool_path(root))
        .args(["e2e/bench-browser.mjs", "--dist"])
        .args([dist_dir(root).as_os_str()])
        .args(["--native"])
        .args([native.as_os_str()])
        .args(["--changes", &config.changes.to_string()])
        .args(["--trace-presets", TRACED_PRESETS])
        .args(["--json"])
        .args([artifacts.join("bench-browser.json").as_os_str()]);
    if !config.presets.is_empty() {
        cmd = cmd.args(["--presets", &config.presets.join(",")]);
    }
    let output = cmd.output()?;
    Ok(output.lines().map(str::to_string).collect())
}
