//! Scenario input: a file (TOML or JSON) or a preset, with `--set` and `--seed` applied on top.
//!
//! Owns: reading scenario files, choosing the decoder by extension, and turning every decoding,
//! override and validation problem into a [`CliError::Invalid`] that names its field path.
//! Must not: define a wire format; decoding and validation are the core's (`stampede_core::scenario`).

use std::path::{Path, PathBuf};

use stampede_core::scenario::{self, Problem};
use stampede_core::{RawScenario, Scenario, presets};

use crate::error::{CliError, CliResult};

/// Prefix that names a preset where a file path is expected (`preset:october-2025-dns`).
pub const PRESET_PREFIX: &str = "preset:";

/// Where a scenario comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A TOML or JSON file.
    File(PathBuf),
    /// A built-in preset, by name.
    Preset(String),
}

impl Source {
    /// A positional argument: `preset:NAME` or a file path.
    pub fn parse(text: &str) -> Source {
        match text.strip_prefix(PRESET_PREFIX) {
            Some(name) => Source::Preset(name.to_string()),
            None => Source::File(PathBuf::from(text)),
        }
    }

    /// A positional file or a `--preset` name, whichever was given (clap makes them exclusive).
    pub fn from_args(file: Option<&Path>, preset: Option<&str>) -> CliResult<Source> {
        match (file, preset) {
            (_, Some(name)) => Ok(Source::Preset(name.to_string())),
            (Some(path), None) => Ok(Source::parse(&path.to_string_lossy())),
            (None, None) => Err(CliError::invalid(
                "arguments",
                "SCENARIO",
                "give a scenario file or --preset NAME",
            )),
        }
    }

    /// How the source is named in messages.
    pub fn label(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Preset(name) => format!("{PRESET_PREFIX}{name}"),
        }
    }
}

/// Reads and decodes a scenario, without validating it.
pub fn load_raw(source: &Source) -> CliResult<RawScenario> {
    match source {
        Source::Preset(name) => {
            let Some(preset) = presets::find(name) else {
                let names: Vec<&str> = presets::PRESETS.iter().map(|p| p.name).collect();
                return Err(CliError::invalid(
                    "arguments",
                    "--preset",
                    format!("no preset named `{name}`; known: {}", names.join(", ")),
                ));
            };
            preset
                .raw()
                .map_err(|e| CliError::scenario(source.label(), e))
        }
        Source::File(path) => {
            let bytes = read_input(path, scenario::bounds::INPUT_BYTES_MAX as u64)?;
            let text = utf8(&bytes).map_err(|p| CliError::Invalid {
                source: source.label(),
                problems: vec![p],
            })?;
            let decoded = decode(path, text).map_err(|e| CliError::scenario(source.label(), e))?;
            warn(&source.label(), &decoded.notices);
            Ok(decoded.raw)
        }
    }
}

pub use stampede_cli::stdio::{STDIO_PATH, warn};

/// The bytes of a file, or of standard input for [`STDIO_PATH`], at most `bytes_max` of them: a
/// longer input (or a stream that goes on, such as `/dev/zero`) is refused after reading one byte
/// past the limit, never read whole.
pub fn read_input(path: &Path, bytes_max: u64) -> CliResult<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let (label, read) = if path.as_os_str() == STDIO_PATH {
        let label = Path::new("standard input");
        (
            label,
            std::io::stdin().take(bytes_max + 1).read_to_end(&mut bytes),
        )
    } else {
        let file = std::fs::File::open(path).map_err(|e| CliError::io("read", path, &e))?;
        (path, file.take(bytes_max + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| CliError::io("read", label, &e))?;
    if bytes.len() as u64 > bytes_max {
        return Err(CliError::invalid(
            label.display().to_string(),
            "(file)",
            format!("more than {bytes_max} bytes; the limit is {bytes_max} bytes"),
        ));
    }
    Ok(bytes)
}
/// Text of a file, or a problem naming the byte offset (and line) of the first byte that is
/// not UTF-8: a bad scenario (exit 2), not an I/O failure.
pub fn utf8(bytes: &[u8]) -> Result<&str, Problem> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
        Problem {
            path: "(file)".to_string(),
            message: format!(
                "not UTF-8 text: byte {offset} (line {line}) is 0x{:02x}; save the file as UTF-8",
                bytes[offset]
            ),
        }
    })
}

/// Decodes file text: JSON for `.json` files or text that starts with `{`, TOML otherwise.
fn decode(path: &Path, text: &str) -> Result<scenario::Decoded, stampede_core::ScenarioError> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    if is_json {
        scenario::decode_json(text)
    } else {
        scenario::decode_toml(text)
    }
}

/// Applies `key=value` overrides in order; reports every bad one, not just the first.
pub fn apply_sets(raw: &mut RawScenario, sets: &[String]) -> CliResult<()> {
    let mut problems = Vec::new();
    for set in sets {
        let Some((key, value)) = set.split_once('=') else {
            problems.push(Problem {
                path: set.clone(),
                message: "expected key=value".to_string(),
            });
            continue;
        };
        let mut notices = Vec::new();
        if let Err(problem) = scenario::set_param_noting(raw, key.trim(), value, &mut notices) {
            problems.push(problem);
        }
        warn("--set", &notices);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Invalid {
            source: "--set".to_string(),
            problems,
        })
    }
}

/// Validates a raw scenario.
pub fn validate(source: &Source, raw: RawScenario) -> CliResult<Scenario> {
    Scenario::try_from(raw).map_err(|e| CliError::scenario(source.label(), e))
}

/// A scenario from a source with overrides and a seed applied, validated.
pub fn prepare(source: &Source, sets: &[String], seed: Option<u64>) -> CliResult<Scenario> {
    let raw = prepare_raw(source, sets, seed)?;
    validate(source, raw)
}

/// A raw scenario from a source with overrides and a seed applied, not yet validated.
pub fn prepare_raw(source: &Source, sets: &[String], seed: Option<u64>) -> CliResult<RawScenario> {
    let mut raw = load_raw(source)?;
    apply_sets(&mut raw, sets)?;
    if let Some(seed) = seed {
        raw.run.seed = seed;
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse() {
        assert_eq!(Source::parse("preset:a"), Source::Preset("a".into()));
        assert_eq!(Source::parse("a.toml"), Source::File("a.toml".into()));
    }

    #[test]
    fn every_bad_set_is_reported() {
        let mut raw = RawScenario::default();
        let sets = ["retry.atempts_max=3".to_string(), "nokey".to_string()];
        let Err(CliError::Invalid { problems, .. }) = apply_sets(&mut raw, &sets) else {
            panic!("bad sets must fail");
        };
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.contains("retry.attempts_max"));
    }
}
