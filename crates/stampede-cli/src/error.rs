//! Errors of the command line and the exit code each one maps to.
//!
//! Owns: the split between invalid input (exit 2), runtime or I/O failures (exit 1), runs refused
//! for their cost (exit 3) and runs stopped at their budget (exit 4), and the wording of problems
//! for people.
//! Must not: print anything itself; `main` prints and exits.

use std::fmt;
use std::path::Path;

use stampede_core::{Problem, ScenarioError};

/// Exit code of a successful command.
pub const EXIT_OK: u8 = 0;
/// Exit code of a runtime or I/O failure (a file that cannot be read or written, a failed chart).
pub const EXIT_RUNTIME: u8 = 1;
/// Exit code of invalid input (bad arguments, a scenario with problems, an unknown preset or key).
pub const EXIT_INVALID: u8 = 2;
/// Exit code of a run or sweep refused before it started: its estimated cost is over its budget.
pub const EXIT_REFUSED: u8 = 3;
/// Exit code of a run that stopped at its event budget or memory bound: what was asked for was
/// written, with partial figures.
pub const EXIT_STOPPED: u8 = 4;

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// The input is wrong: every problem, each with its field path (or argument name).
    Invalid {
        /// Where the input came from (file name, preset, `--set`), for the heading.
        source: String,
        /// The problems, in the order found.
        problems: Vec<Problem>,
    },
    /// Something failed while running or writing: a message for people.
    Runtime(String),
    /// The estimated cost is over the budget: nothing ran. The message gives the numbers.
    Refused(String),
    /// The run stopped at its event budget or memory bound; its figures are partial.
    Stopped(String),
    /// Stdout was closed by its reader (`| head`): nothing more to write, and nothing to report.
    Closed,
}

impl CliError {
    /// One invalid-input problem.
    pub fn invalid(
        source: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> CliError {
        CliError::Invalid {
            source: source.into(),
            problems: vec![Problem {
                path: path.into(),
                message: message.into(),
            }],
        }
    }

    /// Every problem of a scenario.
    pub fn scenario(source: impl Into<String>, error: ScenarioError) -> CliError {
        CliError::Invalid {
            source: source.into(),
            problems: error.problems,
        }
    }

    /// A file that could not be read or written.
    pub fn io(action: &str, path: &Path, error: &std::io::Error) -> CliError {
        CliError::Runtime(format!("cannot {action} {}: {error}", path.display()))
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Invalid { .. } => EXIT_INVALID,
            CliError::Runtime(_) => EXIT_RUNTIME,
            CliError::Refused(_) => EXIT_REFUSED,
            CliError::Stopped(_) => EXIT_STOPPED,
            CliError::Closed => EXIT_OK,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Invalid { source, problems } => {
                let count = problems.len();
                let noun = if count == 1 { "problem" } else { "problems" };
                write!(f, "{source}: {count} {noun}")?;
                for p in problems {
                    write!(f, "\n  {}: {}", p.path, p.message)?;
                }
                Ok(())
            }
            CliError::Runtime(message)
            | CliError::Refused(message)
            | CliError::Stopped(message) => f.write_str(message),
            CliError::Closed => f.write_str("stdout closed"),
        }
    }
}

/// Shorthand for command results.
pub type CliResult<T> = Result<T, CliError>;
