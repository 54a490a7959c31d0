//! `stampede-bench`: one timed native run, printed as one JSON line like the SimPy peer's.
//!
//! ```text
//! stampede-bench peer [--seed N] [--config steady|trigger-recovers|trigger-stays-down] [--repeat N]
//! stampede-bench preset NAME [--repeat N]
//! stampede-bench query 'preset=NAME&key=value…' [--repeat N]
//! ```
//! `query` runs the scenario a playground link describes (the browser benchmark's native side);
//! `stampede-bench presets` lists the presets' names, one a line.
//! Both print the first run's figures, `wall_s` (the first run), `wall_s_warm` (the mean of the
//! repeats after the first; the first when there are none), `wall_s_mean` (the mean of all runs),
//! `requests_per_s` and `events_per_s` (over `wall_s_mean`) and `peak_rss_kb` (VmHWM of this
//! process from `/proc/self/status`, 0 where it cannot be read).

use std::process::ExitCode;
use std::time::Instant;

use stampede_bench::{
    PeerConfig, peer_scenario_with, preset_scenario, query_scenario, run_figures,
};
use stampede_core::Scenario;

const USAGE: &str = "usage: stampede-bench peer [--seed N] [--config steady|trigger-recovers|trigger-stays-down] [--repeat N]\n       stampede-bench preset NAME [--repeat N]\n       stampede-bench query 'preset=NAME&key=value…' [--repeat N]\n       stampede-bench presets";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("stampede-bench: {message}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    if args.first().map(String::as_str) == Some("presets") {
        let names: Vec<&str> = stampede_core::presets::PRESETS
            .iter()
            .map(|p| p.name)
            .collect();
        return Ok(names.join("\n"));
    }
    let options = parse(args)?;
    let (head, build): (String, Box<dyn Fn() -> Result<Scenario, String>>) = match options.target {
        Target::Peer(config, seed) => (
            format!("\"config\":\"{}\",\"seed\":{seed}", config.name()),
            Box::new(move || Ok(peer_scenario_with(config, seed))),
        ),
        Target::Preset(name) => (
            format!("\"preset\":\"{name}\""),
            Box::new(move || preset_scenario(&name)),
        ),
        Target::Query(query) => (
            format!("\"query\":{query:?}"),
            Box::new(move || query_scenario(&query)),
        ),
    };
    let mut first = None;
    let mut later_s = Vec::new();
    for _ in 0..options.repeat {
        // Building the scenario is timed too: for a preset it includes decoding its TOML.
        let started = Instant::now();
        let figures = run_figures(&build()?);
        let wall_s = started.elapsed().as_secs_f64();
        match first {
            None => first = Some((figures, wall_s)),
            Some(_) => later_s.push(wall_s),
        }
    }
    let (figures, wall_s) = first.ok_or("--repeat must be at least 1")?;
    let later_total_s: f64 = later_s.iter().sum();
    let warm_s = if later_s.is_empty() {
        wall_s
    } else {
        later_total_s / later_s.len() as f64
    };
    let mean_s = (wall_s + later_total_s) / (later_s.len() + 1) as f64;
    Ok(format!(
        "{{\"impl\":\"stampede-native\",{head},{},\"wall_s\":{wall_s:.4},\"wall_s_warm\":{warm_s:.4},\"wall_s_mean\":{mean_s:.4},\"requests_per_s\":{:.0},\"events_per_s\":{:.0},\"peak_rss_kb\":{}}}",
        figures.json_members(),
        figures.requests as f64 / mean_s,
        figures.events as f64 / mean_s,
        peak_rss_kb()
    ))
}

enum Target {
    Peer(PeerConfig, u64),
    Preset(String),
    Query(String),
}

struct Options {
    target: Target,
    repeat: u32,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut args = args.iter();
    let mut target = match args.next().map(String::as_str) {
        Some("peer") => Target::Peer(PeerConfig::Steady, 1),
        Some("preset") => Target::Preset(args.next().ok_or("preset needs a name")?.clone()),
        Some("query") => Target::Query(args.next().ok_or("query needs a link query")?.clone()),
        _ => return Err("expected `peer`, `preset` or `query`".into()),
    };
    let mut repeat = 1;
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match (arg.as_str(), &mut target) {
            ("--repeat", _) => {
                repeat = value.parse().map_err(|_| format!("bad count `{value}`"))?;
            }
            ("--seed", Target::Peer(_, seed)) => {
                *seed = value.parse().map_err(|_| format!("bad seed `{value}`"))?;
            }
            ("--config", Target::Peer(config, _)) => {
                *config = PeerConfig::from_name(value)
                    .ok_or_else(|| format!("unknown configuration `{value}`"))?;
            }
            (other, _) => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(Options { target, repeat })
}

/// Peak resident set size of this process (VmHWM), kilobytes; 0 where `/proc` is absent.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}
