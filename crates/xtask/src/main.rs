//! `cargo xtask`: the project's automation, in Rust rather than shell scripts.
//!
//! Owns: the command line (`setup`, `serve`, `test`, `bench`, `fuzz`, `swarm`) and dispatch to the modules below.
//! Must not: pin tool versions anywhere but `tools`.

mod bench;
mod bench_browser;
mod ci;
mod cmd;
mod docs;
mod fuzz;
mod paths;
mod setup;
mod swarm;
mod tidy;
mod tools;
mod trunk;

use std::process::ExitCode;

use bench::BenchConfig;
use ci::{Step, TestConfig};
use cmd::Error;
use docs::DocsConfig;
use fuzz::FuzzConfig;
use setup::Needs;
use swarm::SwarmConfig;
use trunk::ServeConfig;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup                      install what is missing: wasm32 target, Trunk, wasm-bindgen-cli,
                             npm tools in e2e/ (wasm-opt, playwright-core)
  serve [--port N] [--debug] build and serve the web app on http://127.0.0.1:N/ (default 8080),
                             rebuilding on change; release build unless --debug
  serve --docs [--port N]    build the documentation site (as `docs`) and serve it there
  docs [--reuse-dist]        build the documentation site from docs/ with mdBook into
                             target/book/, the playground under playground/ (installs mdBook;
                             --reuse-dist keeps the dist/ already built)
  test [--skip-e2e] [--only STEP[,STEP...]]
                             setup (plus Chromium), then run the steps in order, stopping at
                             the first failure: fmt, clippy, clippy-wasm, test, test-wasm,
                             build, e2e. --skip-e2e leaves out build and e2e.
  bench [--seeds N] [--skip-peer] [--skip-wasm] [--skip-browser] [--browser-only]
        [--presets A,B] [--changes N]
                             time the steady workload against the SimPy peer
                             (docs/sources.md E) and wasm in Node against native, seeds 1..=N
                             (default 3), then the million-clients preset, then the playground
                             in headless Chromium against native for every preset (or those
                             of --presets; first load and N control changes each, default 2);
                             prints PASS/MISS per target (docs/benchmarks.md)
  fuzz [--seconds N] [--target NAME]...
                             run every cargo-fuzz target in fuzz/ (nightly; cargo install
                             cargo-fuzz) N seconds each (default 60) from the seed corpus, and
                             print the executions each reached (docs/testing.md)
  swarm [--scenarios N] [--seed S]
                             draw N random scenarios (default 1000) from seed S (default 0),
                             run each and check every invariant; print the seed and a shrunk
                             scenario of a failure (docs/testing.md)
";

/// A parsed command line.
#[derive(Debug)]
enum Command {
    Setup,
    Serve(ServeConfig),
    ServeDocs(u16),
    Docs(DocsConfig),
    Test(TestConfig),
    Bench(BenchConfig),
    Fuzz(FuzzConfig),
    Swarm(SwarmConfig),
    Help,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse(&args).and_then(run);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), Error> {
    let root = paths::project_root();
    match command {
        Command::Setup => setup::setup(&root, Needs::TOOLS),
        Command::Serve(config) => trunk::serve(&root, config),
        Command::ServeDocs(port) => docs::serve_docs(&root, port),
        Command::Docs(config) => docs::docs(&root, config).map(|_| ()),
        Command::Test(config) => ci::test(&root, &config),
        Command::Bench(config) => bench::bench(&root, &config),
        Command::Fuzz(config) => fuzz::fuzz(&root, &config),
        Command::Swarm(config) => swarm::swarm(&root, &config),
        Command::Help => {
            print!("{USAGE}");
            Ok(())
        }
    }
}

fn parse(args: &[String]) -> Result<Command, Error> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    let mut rest = rest.iter().map(String::as_str);
    match command.as_str() {
        "setup" => match rest.next() {
            None => Ok(Command::Setup),
            Some(arg) => Err(unknown(arg)),
        },
        "serve" if args.iter().any(|a| a == "--docs") => {
            let others: Vec<&str> = rest.filter(|a| *a != "--docs").collect();
            parse_serve(&mut others.into_iter()).map(|c| Command::ServeDocs(c.port))
        }
        "serve" => parse_serve(&mut rest).map(Command::Serve),
        "docs" => match rest.next() {
            None => Ok(Command::Docs(DocsConfig::default())),
            Some("--reuse-dist") => Ok(Command::Docs(DocsConfig { reuse_dist: true })),
            Some(arg) => Err(unknown(arg)),
        },
        "test" => parse_test(&mut rest).map(Command::Test),
        "bench" => parse_bench(&mut rest).map(Command::Bench),
        "fuzz" => parse_fuzz(&mut rest).map(Command::Fuzz),
        "swarm" => parse_swarm(&mut rest).map(Command::Swarm),
        "help" | "-h" | "--help" => Ok(Command::Help),
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

fn parse_serve<'a>(args: &mut impl Iterator<Item = &'a str>) -> Result<ServeConfig, Error> {
    let mut config = ServeConfig::default();
    while let Some(arg) = args.next() {
        match arg {
            "--port" => {
                let value = args.next().ok_or("--port needs a number")?;
                config.port = value
                    .parse()
                    .map_err(|_| format!("--port: `{value}` is not a port number"))?;
            }
            "--debug" => config.release = false,
            "--release" => config.release = true,
            other => return Err(unknown(other)),
        }
    }
    Ok(config)
}

fn parse_test<'a>(args: &mut impl Iterator<Item = &'a str>) -> Result<TestConfig, Error> {
    let mut config = TestConfig::default();
    while let Some(arg) = args.next() {
        match arg {
            "--skip-e2e" => config.skip_e2e = true,
            "--only" => {
                let value = args.next().ok_or("--only needs a step name")?;
                for name in value.split(',') {
                    let step = Step::from_name(name).ok_or_else(|| {
                        let names: Vec<_> = Step::ALL.iter().map(|step| step.name()).collect();
                        format!("unknown step `{name}`; steps: {}", names.join(", "))
                    })?;
                    config.only.push(step);
                }
            }
            other => return Err(unknown(other)),
        }
    }
    Ok(config)
}

fn parse_bench<'a>(args: &mut impl Iterator<Item = &'a str>) -> Result<BenchConfig, Error> {
    let mut config = BenchConfig::default();
    while let Some(arg) = args.next() {
        match arg {
            "--seeds" => {
                let value = args.next().ok_or("--seeds needs a number")?;
                config.seeds = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--seeds: `{value}` is not a positive number"))?;
            }
            "--skip-peer" => config.skip_peer = true,
            "--skip-wasm" => config.skip_wasm = true,
            "--skip-browser" => config.skip_browser = true,
            "--browser-only" => config.browser_only = true,
            "--presets" => {
                let value = args.next().ok_or("--presets needs preset names")?;
                config.browser.presets = value
                    .split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            "--changes" => {
                let value = args.next().ok_or("--changes needs a number")?;
                config.browser.changes = value
                    .parse()
                    .map_err(|_| format!("--changes: `{value}` is not a number"))?;
            }
            other => return Err(unknown(other)),
        }
    }
    Ok(config)
}

fn parse_fuzz<'a>(args: &mut impl Iterator<Item = &'a str>) -> Result<FuzzConfig, Error> {
    let mut config = FuzzConfig::default();
    while let Some(arg) = args.next() {
        match arg {
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a number")?;
                config.seconds = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--seconds: `{value}` is not a positive number"))?;
            }
            "--target" => {
                let value = args.next().ok_or("--target needs a target name")?;
                if !fuzz::TARGETS.contains(&value) {
                    return Err(format!(
                        "unknown fuzz target `{value}`; targets: {}",
                        fuzz::TARGETS.join(", ")
                    ));
                }
                config.only.push(value.to_string());
            }
            other => return Err(unknown(other)),
        }
    }
    Ok(config)
}

fn parse_swarm<'a>(args: &mut impl Iterator<Item = &'a str>) -> Result<SwarmConfig, Error> {
    let mut config = SwarmConfig::default();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, Error> {
            let value = args
                .next()
                .ok_or_else(|| format!("{name} needs a number"))?;
            value
                .parse()
                .map_err(|_| format!("{name}: `{value}` is not a whole number"))
        };
        match arg {
            "--scenarios" => config.scenarios = number("--scenarios")?,
            "--seed" => config.seed = number("--seed")?,
            other => return Err(unknown(other)),
        }
    }
    Ok(config)
}

fn unknown(arg: &str) -> Error {
    format!("unexpected argument `{arg}`\n\n{USAGE}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Command, Error> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    #[test]
    fn parses_commands() {
        assert!(matches!(parse_words(""), Ok(Command::Help)));
        assert!(matches!(parse_words("setup"), Ok(Command::Setup)));
        assert!(matches!(
            parse_words("serve --port 9000 --debug"),
            Ok(Command::Serve(ServeConfig {
                port: 9000,
                release: false
            }))
        ));
        assert!(matches!(
            parse_words("serve --docs --port 9001"),
            Ok(Command::ServeDocs(9001))
        ));
        assert!(matches!(
            parse_words("docs --reuse-dist"),
            Ok(Command::Docs(DocsConfig { reuse_dist: true }))
        ));
        let Ok(Command::Test(config)) = parse_words("test --skip-e2e --only fmt,clippy --only e2e")
        else {
            panic!("test command did not parse");
        };
        assert!(config.skip_e2e);
        assert_eq!(config.only, [Step::Fmt, Step::Clippy, Step::E2e]);
        assert!(matches!(
            parse_words("bench"),
            Ok(Command::Bench(config)) if config == BenchConfig::default()
        ));
        let Ok(Command::Bench(config)) = parse_words("bench --seeds 5 --skip-wasm") else {
            panic!("bench command did not parse");
        };
        assert_eq!(
            (config.seeds, config.skip_peer, config.skip_wasm),
            (5, false, true)
        );
        let Ok(Command::Bench(config)) =
            parse_words("bench --browser-only --presets a,b --changes 4")
        else {
            panic!("browser bench options did not parse");
        };
        assert!(config.browser_only && !config.skip_browser);
        assert_eq!(config.browser.presets, ["a", "b"]);
        assert_eq!(config.browser.changes, 4);
    }

    #[test]
    fn parses_fuzz() {
        let Ok(Command::Fuzz(config)) = parse_words("fuzz --seconds 5 --target url_query") else {
            panic!("fuzz command did not parse");
        };
        assert_eq!(
            (config.seconds, config.only),
            (5, vec!["url_query".to_string()])
        );
        let Ok(Command::Swarm(config)) = parse_words("swarm --scenarios 20 --seed 7") else {
            panic!("swarm command did not parse");
        };
        assert_eq!((config.scenarios, config.seed), (20, 7));
        assert!(parse_words("swarm --seed x").is_err());
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse_words("serve --port x").is_err());
        assert!(parse_words("serve --port").is_err());
        assert!(parse_words("test --only nope").is_err());
        assert!(parse_words("test --verbose").is_err());
        assert!(parse_words("setup extra").is_err());
        assert!(parse_words("deploy").is_err());
        assert!(parse_words("docs --fast").is_err());
        assert!(parse_words("bench --seeds 0").is_err());
        assert!(parse_words("bench --seeds").is_err());
        assert!(parse_words("bench --fast").is_err());
        assert!(parse_words("fuzz --seconds 0").is_err());
        assert!(parse_words("fuzz --target nope").is_err());
        assert!(parse_words("bench --presets").is_err());
        assert!(parse_words("bench --changes many").is_err());
    }
}
