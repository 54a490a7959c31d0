//! `cargo xtask test`: the whole check that CI runs, as an ordered list of steps.
//!
//! Owns: the step list, their order, what each needs installed, and the summary table.
//! Must not: hide child output (it is inherited) or read stdin.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::cmd::{Cmd, Error, say};
use crate::paths::{artifacts_dir, dist_dir, tool_path};
use crate::setup::{Needs, setup};
use crate::tools::{CHROMEDRIVER, WASM_PACKAGES, WASM_TARGET};
use crate::trunk::build_release;

/// One step of `cargo xtask test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `cargo fmt --all -- --check`.
    Fmt,
    /// Clippy on the host, all targets, warnings denied.
    Clippy,
    /// Clippy on wasm32 for [`WASM_PACKAGES`].
    ClippyWasm,
    /// `cargo test --workspace` on the host.
    Test,
    /// `cargo test` on wasm32 for [`WASM_PACKAGES`] (Node and headless Chromium).
    TestWasm,
    /// `trunk build --release` into `dist/`.
    Build,
    /// `node --test e2e/` against `dist/`.
    E2e,
}

impl Step {
    /// All steps, in the order they run.
    pub const ALL: [Step; 7] = [
        Step::Fmt,
        Step::Clippy,
        Step::ClippyWasm,
        Step::Test,
        Step::TestWasm,
        Step::Build,
        Step::E2e,
    ];

    /// The name used by `--only` and in the summary.
    pub fn name(self) -> &'static str {
        match self {
            Step::Fmt => "fmt",
            Step::Clippy => "clippy",
            Step::ClippyWasm => "clippy-wasm",
            Step::Test => "test",
            Step::TestWasm => "test-wasm",
            Step::Build => "build",
            Step::E2e => "e2e",
        }
    }

    /// The step called `name`, if any.
    pub fn from_name(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.name() == name)
    }

    /// What must be installed before this step runs.
    fn needs(self) -> Needs {
        let none = Needs::default();
        match self {
            Step::Fmt | Step::Clippy | Step::Test => none,
            Step::ClippyWasm => Needs {
                wasm_target: true,
                ..none
            },
            Step::TestWasm => Needs {
                wasm_target: true,
                wasm_bindgen: true,
                browser: true,
                ..none
            },
            Step::Build => Needs {
                npm: true,
                ..Needs::TOOLS
            },
            Step::E2e => Needs {
                npm: true,
                browser: true,
                ..none
            },
        }
    }
}

/// Options of `cargo xtask test`.
#[derive(Debug, Clone, Default)]
pub struct TestConfig {
    /// Run only these steps (all when empty).
    pub only: Vec<Step>,
    /// Leave out the build and the end-to-end tests.
    pub skip_e2e: bool,
}

impl TestConfig {
    /// The steps to run, in order.
    fn steps(&self) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|step| self.only.is_empty() || self.only.contains(step))
            .filter(|step| !(self.skip_e2e && matches!(step, Step::Build | Step::E2e)))
            .collect()
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Pass,
    Fail,
    NotRun,
}

/// Runs the selected steps, stopping at the first failure, and prints a summary table.
pub fn test(root: &Path, config: &TestConfig) -> Result<(), Error> {
    let steps = config.steps();
    let mut rows: Vec<(&str, Outcome, Duration)> = Vec::new();
    let needs = steps
        .iter()
        .fold(Needs::default(), |needs, step| needs.or(step.needs()));
    let started = Instant::now();
    let mut failure = setup(root, needs).err().map(|error| ("setup", error));
    rows.push(("setup", outcome(failure.is_none()), started.elapsed()));
    for step in steps {
        if failure.is_some() {
            rows.push((step.name(), Outcome::NotRun, Duration::ZERO));
            continue;
        }
        say(&format!("step {}", step.name()));
        let started = Instant::now();
        let result = run_step(root, step);
        rows.push((step.name(), outcome(result.is_ok()), started.elapsed()));
        failure = result.err().map(|error| (step.name(), error));
    }
    print_summary(&rows);
    if failure.is_none() {
        say("all steps passed");
    }
    let passed = rows.iter().filter(|row| row.1 == Outcome::Pass).count();
    let failed = rows.iter().filter(|row| row.1 == Outcome::Fail).count();
    // The plain closing line CI reads, after the runners' own summaries above.
    println!("steps: {passed} passed, {failed} failed");
    match failure {
        None => Ok(()),
        Some((name, error)) => Err(format!("step {name} failed: {error}")),
    }
}

fn outcome(passed: bool) -> Outcome {
    if passed { Outcome::Pass } else { Outcome::Fail }
}

fn run_step(root: &Path, step: Step) -> Result<(), Error> {
    let wasm_packages = WASM_PACKAGES.iter().flat_map(|package| ["-p", package]);
    match step {
        Step::Fmt => Cmd::cargo(root)
            .args(["fmt", "--all", "--", "--check"])
            .run(),
        Step::Clippy => Cmd::cargo(root)
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .run(),
        Step::ClippyWasm => Cmd::cargo(root)
            .args(["clippy"])
            .args(wasm_packages)
            .args(["--target", WASM_TARGET, "--", "-D", "warnings"])
            .run(),
        Step::Test => Cmd::cargo(root).args(["test", "--workspace"]).run(),
        Step::TestWasm => Cmd::cargo(root)
            .env("PATH", tool_path(root))
            .env("STAMPEDE_NATIVE_FINGERPRINTS", native_fingerprints(root)?)
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .args(["test"])
            .args(wasm_packages)
            .args(["--target", WASM_TARGET])
            .run(),
        Step::Build => build_release(root),
        Step::E2e => end_to_end(root),
    }
}

/// Fingerprints of the determinism probes computed natively, for the wasm tests to compare.
fn native_fingerprints(root: &Path) -> Result<String, Error> {
    Cmd::cargo(root)
        .args([
            "run",
            "--quiet",
            "-p",
            "stampede-core",
            "--example",
            "fingerprints",
        ])
        .read()
        .filter(|text| !text.trim().is_empty())
        .ok_or_else(|| {
            "could not compute the native fingerprints (cargo run --example fingerprints)"
                .to_string()
        })
}

/// `node --test e2e/` with the built site and an artifacts directory.
fn end_to_end(root: &Path) -> Result<(), Error> {
    let dist = dist_dir(root);
    if !dist.join("index.html").exists() {
        return Err(format!(
            "{} has no index.html: run the build step first",
            dist.display()
        ));
    }
    // The tests compare the page with the native core through `cargo run --example kpis`; built
    // here, so no test's time limit includes a compilation (minutes on a loaded machine).
    Cmd::cargo(root)
        .args([
            "build",
            "--quiet",
            "-p",
            "stampede-web",
            "--example",
            "kpis",
        ])
        .run()?;
    let artifacts = artifacts_dir(root);
    fs::create_dir_all(&artifacts)
        .map_err(|error| format!("cannot create {}: {error}", artifacts.display()))?;
    let mut node = Cmd::new("node", root)
        .env("PATH", tool_path(root))
        .env("STAMPEDE_DIST", &dist)
        .env("STAMPEDE_ARTIFACTS", &artifacts);
    // The documentation site's test needs mdBook; installing it stays out of this step (it
    // compiles for minutes): `cargo xtask docs` installs it, and from then on the site is tested.
    if crate::docs::mdbook_present(root) {
        node = node.env("STAMPEDE_BOOK", crate::docs::build_book(root)?);
    } else {
        say(
            "mdbook is not installed: the documentation site's e2e test is skipped (`cargo xtask docs` installs it)",
        );
    }
    node.args(["--test", "e2e/"]).run()
}

fn print_summary(rows: &[(&str, Outcome, Duration)]) {
    println!();
    println!("xtask: summary");
    println!("  {:<12} {:<7} {:>8}", "step", "result", "time");
    for (name, outcome, elapsed) in rows {
        let result = match outcome {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::NotRun => "-",
        };
        let time = format!("{:.1}s", elapsed.as_secs_f64());
        println!("  {name:<12} {result:<7} {time:>8}");
    }
    println!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_round_trip() {
        for step in Step::ALL {
            assert_eq!(Step::from_name(step.name()), Some(step));
        }
        assert_eq!(Step::from_name("nope"), None);
    }

    #[test]
    fn selects_steps() {
        let all = TestConfig::default().steps();
        assert_eq!(all, Step::ALL);
        let skip = TestConfig {
            skip_e2e: true,
            ..TestConfig::default()
        };
        assert!(!skip.steps().contains(&Step::E2e));
        assert!(!skip.steps().contains(&Step::Build));
        let only = TestConfig {
            only: vec![Step::E2e, Step::Fmt],
            skip_e2e: false,
        };
        assert_eq!(only.steps(), [Step::Fmt, Step::E2e]);
    }
}
