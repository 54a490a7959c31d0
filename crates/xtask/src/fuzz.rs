//! `cargo xtask fuzz`: runs every cargo-fuzz target in `fuzz/` (its own workspace, nightly) for
//! a number of seconds each, from a corpus seeded with the presets, the policy fragments and the
//! seeds in `fuzz/seeds/` (real links, sweep specs, sweep CSVs), and prints how many inputs each
//! target ran and whether it found a failure.
//!
//! Owns: the list of targets, the seed corpus layout (`fuzz/corpus/<target>`, not committed)
//! and the summary of a fuzz run.
//! Must not: run in `cargo xtask test` (fuzzing takes minutes per target; its figures are
//! recorded in docs/testing.md), or install anything but cargo-fuzz's own use of the registry.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::cmd::{Error, say};

/// The fuzz targets, in the order they run.
pub const TARGETS: &[&str] = &[
    "scenario_toml",
    "scenario_json",
    "url_query",
    "sweep_spec",
    "merge_csv",
];

/// What `cargo xtask fuzz` was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuzzConfig {
    /// Seconds per target.
    pub seconds: u64,
    /// Only these targets (all when empty).
    pub only: Vec<String>,
}

impl Default for FuzzConfig {
    fn default() -> Self {
        FuzzConfig {
            seconds: 60,
            only: Vec::new(),
        }
    }
}

/// Runs the targets and prints one line per target: executions and the verdict.
pub fn fuzz(root: &Path, config: &FuzzConfig) -> Result<(), Error> {
    let targets: Vec<&str> = TARGETS
        .iter()
        .copied()
        .filter(|t| config.only.is_empty() || config.only.iter().any(|o| o == t))
        .collect();
    if targets.is_empty() {
        return Err(format!("no such target; targets: {}", TARGETS.join(", ")));
    }
    let fuzz_dir = root.join("fuzz");
    let logs = root.join("target").join("fuzz-logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let mut results = Vec::new();
    for target in targets {
        let corpus = seed_corpus(root, target)?;
        let log = logs.join(format!("{target}.log"));
        let log_file = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        say(&format!(
            "$ cargo +nightly fuzz run --sanitizer none {target} {} -- -max_total_time={} (log: {})",
            corpus.display(),
            config.seconds,
            log.display()
        ));
        // The rustup proxy picks nightly from `+nightly`; what the outer cargo set must not win.
        let status = Command::new("cargo")
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO")
            .current_dir(&fuzz_dir)
            // No sanitizer: the code is safe Rust (`unsafe_code = "forbid"`), so AddressSanitizer
            // would only halve the executions; panics, overflows and debug assertions still fail.
            .args(["+nightly", "fuzz", "run", "--sanitizer", "none", target])
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={}", config.seconds))
            .args([
                "-print_final_stats=1",
                "-max_len=65536",
                "-rss_limit_mb=4096",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .status()
            .map_err(|e| {
                format!("cannot start cargo +nightly fuzz (cargo install cargo-fuzz): {e}")
            })?;
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        results.push((target, executions(&text), status.success()));
    }
    println!("\n{:<16}{:>16}  result", "target", "executions");
    for (target, runs, ok) in &results {
        let runs = runs.map_or_else(|| "?".to_string(), |n| n.to_string());
        let verdict = if *ok {
            "no failure"
        } else {
            "FAILED (see its log and fuzz/artifacts/)"
        };
        println!("{target:<16}{runs:>16}  {verdict}");
    }
    if results.iter().all(|(_, _, ok)| *ok) {
        Ok(())
    } else {
        Err("a fuzz target failed: add its input as a regression test".into())
    }
}

/// `fuzz/corpus/<target>` with the target's seeds copied in (kept across runs, so later runs
/// start from what earlier ones found).
fn seed_corpus(root: &Path, target: &str) -> Result<std::path::PathBuf, Error> {
    let corpus = root.join("fuzz").join("corpus").join(target);
    std::fs::create_dir_all(&corpus)
        .map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
    let mut sources = vec![root.join("fuzz").join("seeds").join(target)];
    if target == "scenario_toml" {
        sources.push(root.join("presets"));
        sources.push(root.join("presets").join("policies"));
    }
    for dir in sources {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let name = format!("seed-{}", entry.file_name().to_string_lossy());
                std::fs::copy(&path, corpus.join(name))
                    .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
            }
        }
    }
    Ok(corpus)
}

/// The executions libFuzzer reports (`stat::number_of_executed_units: N`, or the last `#N`
/// status line when it stopped on a failure).
fn executions(log: &str) -> Option<u64> {
    log.lines()
        .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse().ok())
        .or_else(|| {
            log.lines()
                .rev()
                .filter_map(|l| l.strip_prefix('#'))
                .find_map(|l| l.split_whitespace().next()?.parse().ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_executions_from_the_final_stats_or_the_last_status_line() {
        let done = "#2\tINITED cov: 10\n#1024\tpulse\nstat::number_of_executed_units: 123456\n";
        assert_eq!(executions(done), Some(123_456));
        let crashed =
            "#2\tINITED cov: 10\n#4096\tNEW cov: 12\n==1== ERROR: libFuzzer: deadly signal\n";
        assert_eq!(executions(crashed), Some(4096));
        assert_eq!(executions("nothing"), None);
    }
}
