//! `cargo xtask bench`: Stampede against the SimPy peer model, wasm against native, and the
//! million-client preset, measured side by side on this machine in one command.
//!
//! Owns: the peer's virtualenv (`target/peer-venv`), the bench builds (`stampede-bench` natively
//! and for wasm32 through wasm-bindgen into `target/bench-wasm`), the alternation of runs, the
//! agreement checks and the PASS/MISS line of every target.
//! Must not: fail because a speed target is missed (targets are reported, not enforced), or
//! compare absolute times across machines: every figure is a ratio measured in the same run.
//! It fails only when a run cannot be made or when the runs disagree (wrong counts, or wasm and
//! native giving different figures for one seed): then the speed figures mean nothing.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::bench_browser::{BrowserConfig, compare_in_browser};
use crate::cmd::{Cmd, Error, say};
use crate::paths::tool_path;
use crate::setup::{Needs, setup};
use crate::tools::{SIMPY_VERSION, WASM_TARGET};

/// Where the bench reads the peer model, relative to the repository root: an input location
/// outside the repository, not a citation (docs/sources.md E describes the workload).
const PEER_SCRIPT: &str = "../shared/peers/simpy_retry_fleet.py";
/// Native Stampede must simulate this many times more requests per wall-second than SimPy.
const TARGET_NATIVE_VS_SIMPY: f64 = 200.0;
/// The wasm build in Node must reach this fraction of native throughput.
const TARGET_WASM_VS_NATIVE: f64 = 0.85;
/// The million-client preset must run natively within this many wall-seconds.
const TARGET_MILLION_WALL_S: f64 = 5.0;
/// The preset timed for the fleet-size target (`stampede_bench::MILLION_PRESET`).
const MILLION_PRESET: &str = "million-clients";
/// Requests the steady workload offers: 1000 clients × 1 request/s × 600 s.
const STEADY_REQUESTS: f64 = 600_000.0;
/// Mean latency of the steady workload by the Erlang C formula (M/M/50, ρ = 0.8), ms.
const ERLANG_C_LATENCY_MS: f64 = 40.35;
/// Largest difference in mean latency called agreement, ms (the spread between seeds is ~0.2 ms).
const LATENCY_TOLERANCE_MS: f64 = 1.0;
/// Largest difference in success ratio called agreement.
const SUCCESS_RATIO_TOLERANCE: f64 = 0.001;
/// Timed runs per native process in the SimPy comparison: one run takes about 0.1 s, so a
/// scheduler hiccup would swing a single one; the mean of ten is compared with SimPy's one long run.
const NATIVE_REPEAT: u32 = 10;
/// Timed calls per process in the wasm-versus-native comparison (the first is the cold one).
const WASM_REPEAT: u32 = 5;

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchConfig {
    /// Seeds 1..=N for the peer and wasm comparisons.
    pub seeds: u64,
    /// Leave out the SimPy comparison.
    pub skip_peer: bool,
    /// Leave out the wasm build and comparison.
    pub skip_wasm: bool,
    /// Leave out the playground in headless Chromium.
    pub skip_browser: bool,
    /// Only the playground in headless Chromium (no SimPy, Node or million-client native runs).
    pub browser_only: bool,
    /// What the browser section measures.
    pub browser: BrowserConfig,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            seeds: 3,
            skip_peer: false,
            skip_wasm: false,
            skip_browser: false,
            browser_only: false,
            browser: BrowserConfig::default(),
        }
    }
}

/// The figures of one run, parsed from its JSON line.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Run {
    requests: f64,
    successes: f64,
    failures: f64,
    retries: f64,
    mean_latency_ms: f64,
    events: f64,
    wall_s: f64,
    wall_s_warm: f64,
    wall_s_mean: f64,
    peak_rss_kb: f64,
}

/// What the comparisons found: lines for the summary, and whether a correctness check failed.
#[derive(Debug, Default)]
struct Findings {
    lines: Vec<String>,
    disagreements: Vec<String>,
}

/// Runs the whole benchmark and prints a summary.
pub fn bench(root: &Path, config: &BenchConfig) -> Result<(), Error> {
    if config.seeds == 0 {
        return Err("--seeds must be at least 1".into());
    }
    let load_before = load_average();
    let native = build_native(root)?;
    let mut findings = Findings::default();
    if !config.skip_peer && !config.browser_only {
        let python = ensure_peer_venv(root)?;
        compare_with_peer(root, &python, &native, config.seeds, &mut findings)?;
    }
    if !config.skip_wasm && !config.browser_only {
        let wasm_dir = build_wasm(root)?;
        compare_with_wasm(root, &wasm_dir, &native, config.seeds, &mut findings)?;
    }
    if !config.browser_only {
        time_million_preset(root, &native, &mut findings)?;
    }
    if !config.skip_browser {
        let lines = compare_in_browser(root, &native, &config.browser)?;
        findings.lines.extend(lines);
    }

    println!();
    say("benchmark summary");
    println!("machine: {}", machine());
    println!(
        "load average (1 min) before: {load_before}, after: {}",
        load_average()
    );
    println!("command: {}", command_line(config));
    for line in &findings.lines {
        println!("{line}");
    }
    if findings.disagreements.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the runs disagree, so the speed figures are not comparable:\n  {}",
            findings.disagreements.join("\n  ")
        ))
    }
}

/// The command that reproduces this benchmark.
fn command_line(config: &BenchConfig) -> String {
    let mut line = format!("cargo xtask bench --seeds {}", config.seeds);
    for (on, flag) in [
        (config.skip_peer, "--skip-peer"),
        (config.skip_wasm, "--skip-wasm"),
        (config.skip_browser, "--skip-browser"),
        (config.browser_only, "--browser-only"),
    ] {
        if on {
            line.push(' ');
            line.push_str(flag);
        }
    }
    if !config.browser.presets.is_empty() {
        line.push_str(&format!(" --presets {}", config.browser.presets.join(",")));
    }
    if config.browser.changes != BrowserConfig::default().changes {
        line.push_str(&format!(" --changes {}", config.browser.changes));
    }
    line
}

fn build_native(root: &Path) -> Result<PathBuf, Error> {
    Cmd::cargo(root)
        .args(["build", "--release", "-p", "stampede-bench", "--bin"])
        .args(["stampede-bench"])
        .run()?;
    Ok(root.join("target/release/stampede-bench"))
}

/// Builds the wasm module and its Node glue into `target/bench-wasm`.
fn build_wasm(root: &Path) -> Result<PathBuf, Error> {
    setup(
        root,
        Needs {
            wasm_target: true,
            wasm_bindgen: true,
            ..Needs::default()
        },
    )?;
    Cmd::cargo(root)
        .args(["build", "--release", "--target", WASM_TARGET])
        .args(["-p", "stampede-bench", "--lib"])
        .run()?;
    let out_dir = root.join("target/bench-wasm");
    let module = root.join(format!("target/{WASM_TARGET}/release/stampede_bench.wasm"));
    Cmd::new("wasm-bindgen", root)
        .env("PATH", tool_path(root))
        .args(["--target", "nodejs", "--out-dir"])
        .args([&out_dir, &module])
        .run()?;
    Ok(out_dir)
}

/// The Python of `target/peer-venv`, created with SimPy if it is missing or has another version.
fn ensure_peer_venv(root: &Path) -> Result<PathBuf, Error> {
    let venv = root.join("target/peer-venv");
    let python = venv.join("bin/python");
    let probe = || {
        Cmd::new(&python, root)
            .args(["-c", "import simpy; print(simpy.__version__)"])
            .read()
    };
    if probe().is_some_and(|v| v.trim() == SIMPY_VERSION) {
        say(&format!(
            "SimPy {SIMPY_VERSION} in {}: present",
            venv.display()
        ));
        return Ok(python);
    }
    Cmd::new("python3", root)
        .args(["-m", "venv"])
        .args([&venv])
        .run()
        .map_err(|e| format!("{e}\n(the SimPy peer needs python3 with the venv module)"))?;
    Cmd::new(venv.join("bin/pip"), root)
        .args(["install", "--quiet", &format!("simpy=={SIMPY_VERSION}")])
        .run()?;
    match probe() {
        Some(v) if v.trim() == SIMPY_VERSION => Ok(python),
        other => Err(format!(
            "{} has SimPy {other:?} after pip install, expected {SIMPY_VERSION}",
            venv.display()
        )),
    }
}

fn peer_script(root: &Path) -> Result<PathBuf, Error> {
    let script = root.join(PEER_SCRIPT);
    if script.is_file() {
        Ok(fs::canonicalize(&script).unwrap_or(script))
    } else {
        Err(format!(
            "the SimPy peer model is missing: expected {} (the workload is docs/sources.md E); run \
             with --skip-peer to benchmark without it",
            script.display()
        ))
    }
}

/// Steady workload, seeds 1..=N, SimPy and native Stampede alternated.
fn compare_with_peer(
    root: &Path,
    python: &Path,
    native: &Path,
    seeds: u64,
    findings: &mut Findings,
) -> Result<(), Error> {
    let script = peer_script(root)?;
    let repeat = NATIVE_REPEAT.to_string();
    let mut peer_runs = Vec::new();
    let mut native_runs = Vec::new();
    for seed in 1..=seeds {
        let seed_text = seed.to_string();
        let line = Cmd::new(python, root)
            .args([script.as_os_str()])
            .args(["--seed", &seed_text])
            .output()?;
        peer_runs.push(parse_peer(&line)?);
        let line = Cmd::new(native, root)
            .args(["peer", "--seed", &seed_text, "--repeat", &repeat])
            .output()?;
        native_runs.push(parse_run(&line)?);
    }
    let table = run_table(&[("simpy", &peer_runs), ("native", &native_runs)]);
    let python_version = version_of(python, root);
    findings.lines.push(format!(
        "\n== steady workload, SimPy {SIMPY_VERSION} vs native Stampede (seeds 1..={seeds}, alternated; native: mean of {NATIVE_REPEAT} runs per seed; {python_version}) ==\n{table}"
    ));
    let peer_rate = throughput(&peer_runs, |r| r.wall_s_mean);
    let native_rate = throughput(&native_runs, |r| r.wall_s_mean);
    let ratio = native_rate / peer_rate;
    findings.lines.push(format!(
        "throughput: SimPy {peer_rate:.0} requests/s, native {native_rate:.0} requests/s, ratio {ratio:.0}×"
    ));
    agreement(&peer_runs, &native_runs, findings);
    findings.lines.push(verdict(
        &format!("native ≥ {TARGET_NATIVE_VS_SIMPY:.0}× SimPy"),
        ratio >= TARGET_NATIVE_VS_SIMPY,
        &format!("{ratio:.0}×"),
    ));
    Ok(())
}

/// Checks that both implementations simulate the same system: request counts within 3σ of the
/// offered 600,000, success ratios and mean latencies close to each other and to Erlang C.
fn agreement(peer: &[Run], native: &[Run], findings: &mut Findings) {
    let sigma = STEADY_REQUESTS.sqrt();
    let mut check = |what: String, ok: bool| {
        findings.lines.push(format!(
            "  {} {what}",
            if ok { "agree   " } else { "DISAGREE" }
        ));
        if !ok {
            findings.disagreements.push(what);
        }
    };
    for (name, runs) in [("simpy", peer), ("native", native)] {
        let worst = runs
            .iter()
            .map(|r| (r.requests - STEADY_REQUESTS).abs() / sigma)
            .fold(0.0, f64::max);
        check(
            format!(
                "{name}: requests per run within 3σ (±{:.0}) of {STEADY_REQUESTS:.0}: worst {worst:.2}σ",
                3.0 * sigma
            ),
            worst <= 3.0,
        );
    }
    let success_ratio =
        |runs: &[Run]| runs.iter().map(|r| r.successes).sum::<f64>() / total(runs, |r| r.requests);
    let (peer_ok, native_ok) = (success_ratio(peer), success_ratio(native));
    check(
        format!(
            "success ratio: simpy {peer_ok:.5}, native {native_ok:.5} (tolerance {SUCCESS_RATIO_TOLERANCE})"
        ),
        (peer_ok - native_ok).abs() <= SUCCESS_RATIO_TOLERANCE,
    );
    let mean_latency = |runs: &[Run]| total(runs, |r| r.mean_latency_ms) / runs.len() as f64;
    let (peer_ms, native_ms) = (mean_latency(peer), mean_latency(native));
    check(
        format!(
            "mean latency: simpy {peer_ms:.2} ms, native {native_ms:.2} ms, Erlang C {ERLANG_C_LATENCY_MS} ms \
             (tolerance {LATENCY_TOLERANCE_MS} ms)"
        ),
        (peer_ms - native_ms).abs() <= LATENCY_TOLERANCE_MS
            && (native_ms - ERLANG_C_LATENCY_MS).abs() <= LATENCY_TOLERANCE_MS,
    );
    let retries = |runs: &[Run]| total(runs, |r| r.retries);
    let failures = |runs: &[Run]| total(runs, |r| r.failures);
    findings.lines.push(format!(
        "  info     retries: simpy {:.0}, native {:.0}; failures: simpy {:.0}, native {:.0} (all seeds)",
        retries(peer),
        retries(native),
        failures(peer),
        failures(native)
    ));
}

/// Steady workload, seeds 1..=N, wasm in Node and native alternated, each process timing
/// [`WASM_REPEAT`] calls: the first (cold) and the fastest later one (warm).
fn compare_with_wasm(
    root: &Path,
    wasm_dir: &Path,
    native: &Path,
    seeds: u64,
    findings: &mut Findings,
) -> Result<(), Error> {
    let runner = root.join("crates/stampede-bench/node/run.mjs");
    let repeat = WASM_REPEAT.to_string();
    let mut wasm_runs = Vec::new();
    let mut native_runs = Vec::new();
    for seed in 1..=seeds {
        let seed_text = seed.to_string();
        let line = Cmd::new("node", root)
            .args([runner.as_os_str(), wasm_dir.as_os_str()])
            .args(["peer", "--seed", &seed_text, "--repeat", &repeat])
            .output()?;
        wasm_runs.push(parse_run(&line)?);
        let line = Cmd::new(native, root)
            .args(["peer", "--seed", &seed_text, "--repeat", &repeat])
            .output()?;
        native_runs.push(parse_run(&line)?);
    }
    let table = run_table(&[("wasm", &wasm_runs), ("native", &native_runs)]);
    let node_version = version_of(Path::new("node"), root);
    findings.lines.push(format!(
        "\n== steady workload, wasm in Node vs native (seeds 1..={seeds}, alternated, {WASM_REPEAT} calls per process; Node {node_version}) ==\n{table}"
    ));
    for (seed, (w, n)) in (1..).zip(wasm_runs.iter().zip(&native_runs)) {
        let same = (
            w.requests,
            w.successes,
            w.retries,
            w.events,
            w.mean_latency_ms,
        ) == (
            n.requests,
            n.successes,
            n.retries,
            n.events,
            n.mean_latency_ms,
        );
        if !same {
            findings
                .disagreements
                .push(format!("seed {seed}: wasm {w:?} differs from native {n:?}"));
        }
    }
    if findings.disagreements.is_empty() {
        findings
            .lines
            .push("  agree    wasm and native give identical figures for every seed".into());
    }
    let cold = throughput(&wasm_runs, |r| r.wall_s) / throughput(&native_runs, |r| r.wall_s);
    let warm =
        throughput(&wasm_runs, |r| r.wall_s_warm) / throughput(&native_runs, |r| r.wall_s_warm);
    findings.lines.push(format!(
        "wasm/native throughput: cold (first call per process) {cold:.2}×, warm (mean of later calls) {warm:.2}×"
    ));
    findings.lines.push(verdict(
        &format!("wasm ≥ {TARGET_WASM_VS_NATIVE}× native (cold)"),
        cold >= TARGET_WASM_VS_NATIVE,
        &format!("{cold:.2}×"),
    ));
    findings.lines.push(verdict(
        &format!("wasm ≥ {TARGET_WASM_VS_NATIVE}× native (warm)"),
        warm >= TARGET_WASM_VS_NATIVE,
        &format!("{warm:.2}×"),
    ));
    Ok(())
}

fn time_million_preset(root: &Path, native: &Path, findings: &mut Findings) -> Result<(), Error> {
    let line = Cmd::new(native, root)
        .args(["preset", MILLION_PRESET])
        .output()?;
    let run = parse_run(&line)?;
    findings.lines.push(format!(
        "\n== preset {MILLION_PRESET}, native ==\n{:.0} requests, {:.0} events in {:.2} s \
         ({:.0} events/s), peak RSS {:.1} MB",
        run.requests,
        run.events,
        run.wall_s,
        run.events / run.wall_s,
        run.peak_rss_kb / 1024.0
    ));
    findings.lines.push(verdict(
        &format!("{MILLION_PRESET} ≤ {TARGET_MILLION_WALL_S} s natively"),
        run.wall_s <= TARGET_MILLION_WALL_S,
        &format!("{:.2} s", run.wall_s),
    ));
    Ok(())
}

fn verdict(target: &str, met: bool, measured: &str) -> String {
    format!("{} {target}: {measured}", if met { "PASS" } else { "MISS" })
}

fn total(runs: &[Run], field: impl Fn(&Run) -> f64) -> f64 {
    runs.iter().map(field).sum()
}

/// Simulated requests per wall-second over all runs (total requests over total time).
fn throughput(runs: &[Run], wall: impl Fn(&Run) -> f64) -> f64 {
    total(runs, |r| r.requests) / total(runs, wall)
}

fn run_table(groups: &[(&str, &[Run])]) -> String {
    let mut table = format!(
        "{:<8} {:>4} {:>9} {:>9} {:>7} {:>9} {:>8} {:>8} {:>8} {:>11}\n",
        "impl",
        "seed",
        "requests",
        "successes",
        "retries",
        "latency",
        "first_s",
        "warm_s",
        "mean_s",
        "requests/s"
    );
    for (name, runs) in groups {
        for (seed, r) in (1..).zip(runs.iter()) {
            let _ = writeln!(
                table,
                "{name:<8} {seed:>4} {:>9.0} {:>9.0} {:>7.0} {:>6.2} ms {:>8.3} {:>8.3} {:>8.3} {:>11.0}",
                r.requests,
                r.successes,
                r.retries,
                r.mean_latency_ms,
                r.wall_s,
                r.wall_s_warm,
                r.wall_s_mean,
                r.requests / r.wall_s_mean
            );
        }
    }
    table.trim_end().to_string()
}

/// The last line of a child's stdout that looks like a JSON object.
fn json_line(output: &str) -> Result<&str, Error> {
    output
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .ok_or_else(|| format!("no JSON line in the output:\n{output}"))
}

/// The number after `"key":` in a flat JSON line (the peer's and the bench's are flat enough).
fn json_number(line: &str, key: &str) -> Option<f64> {
    let pattern = format!("\"{key}\":");
    let rest = line[line.find(&pattern)? + pattern.len()..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn field(line: &str, key: &str) -> Result<f64, Error> {
    json_number(line, key).ok_or_else(|| format!("no number `{key}` in {line}"))
}

/// A line of the stampede-bench binary or of `node/run.mjs`.
fn parse_run(output: &str) -> Result<Run, Error> {
    let line = json_line(output)?;
    Ok(Run {
        requests: field(line, "requests")?,
        successes: field(line, "successes")?,
        failures: field(line, "failures")?,
        retries: field(line, "retries")?,
        mean_latency_ms: field(line, "mean_latency_ms")?,
        events: field(line, "events")?,
        wall_s: field(line, "wall_s")?,
        wall_s_warm: field(line, "wall_s_warm")?,
        wall_s_mean: field(line, "wall_s_mean")?,
        peak_rss_kb: field(line, "peak_rss_kb")?,
    })
}

/// A line of the SimPy peer (`retries_sent` for retries; one run, so warm = mean = first).
fn parse_peer(output: &str) -> Result<Run, Error> {
    let line = json_line(output)?;
    let wall_s = field(line, "wall_s")?;
    Ok(Run {
        requests: field(line, "requests")?,
        successes: field(line, "successes")?,
        failures: field(line, "failures")?,
        retries: field(line, "retries_sent")?,
        mean_latency_ms: field(line, "mean_latency_ms")?,
        events: field(line, "engine_steps")?,
        wall_s,
        wall_s_warm: wall_s,
        wall_s_mean: wall_s,
        peak_rss_kb: 0.0,
    })
}

/// The first line of `<program> --version`, or `unknown version`.
fn version_of(program: &Path, root: &Path) -> String {
    Cmd::new(program, root)
        .args(["--version"])
        .read()
        .and_then(|out| out.lines().next().map(|l| l.trim().to_string()))
        .unwrap_or_else(|| "unknown version".into())
}

/// CPU model and core count, for the record.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            let line = info.lines().find(|l| l.starts_with("model name"))?;
            Some(line.split_once(':')?.1.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{model}, {cores} cores available")
}

/// The one-minute load average, or `?`: other work on the machine skews every timing.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_from_both_json_styles() {
        let peer = r#"{"impl": "simpy-4.1.2", "requests": 600123, "requests_per_s": 20700, "mean_latency_ms": 40.41, "x": [1, 2]}"#;
        assert_eq!(json_number(peer, "requests"), Some(600_123.0));
        assert_eq!(json_number(peer, "requests_per_s"), Some(20_700.0));
        assert_eq!(json_number(peer, "mean_latency_ms"), Some(40.41));
        assert_eq!(json_number(peer, "missing"), None);
        let ours = r#"{"impl":"stampede-native","requests":5,"wall_s":0.0930,"events":1e3}"#;
        assert_eq!(json_number(ours, "wall_s"), Some(0.093));
        assert_eq!(json_number(ours, "events"), Some(1000.0));
    }

    #[test]
    fn takes_the_last_json_line() {
        let output = "warming up\n{\"requests\":1}\nnoise\n{\"requests\":2}\n";
        assert_eq!(json_line(output).unwrap(), "{\"requests\":2}");
        assert!(json_line("no json here").is_err());
    }

    #[test]
    fn throughput_is_total_requests_over_total_time() {
        let run = |requests, wall_s| Run {
            requests,
            wall_s,
            ..Run::default()
        };
        let runs = [run(100.0, 1.0), run(300.0, 1.0)];
        assert_eq!(throughput(&runs, |r| r.wall_s), 200.0);
    }

    #[test]
    fn agreement_flags_a_wrong_request_count() {
        let good = Run {
            requests: STEADY_REQUESTS,
            successes: STEADY_REQUESTS,
            mean_latency_ms: ERLANG_C_LATENCY_MS,
            ..Run::default()
        };
        let bad = Run {
            requests: STEADY_REQUESTS * 0.9,
            ..good
        };
        let mut findings = Findings::default();
        agreement(&[good], &[good], &mut findings);
        assert!(findings.disagreements.is_empty(), "{findings:?}");
        agreement(&[good], &[bad], &mut findings);
        assert!(!findings.disagreements.is_empty());
    }
}
