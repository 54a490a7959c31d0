//! The standard streams as a Unix tool uses them: results on stdout, errors, warnings and progress
//! on stderr, and a reader that closes the pipe early (`stampede run … | head`) ends the command
//! quietly instead of a panic.
//!
//! Owns: every write of results to stdout and of messages to stderr.
//! Must not: decide what is written; the commands compose the text.

use std::io::{ErrorKind, Write};

use crate::error::{CliError, CliResult};

/// Writes `text` to stdout. A closed pipe is [`CliError::Closed`] (the command stops writing and
/// ends with its usual status); any other failure is a runtime error.
pub fn print(text: &str) -> CliResult<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            ErrorKind::BrokenPipe => CliError::Closed,
            _ => CliError::Runtime(format!("cannot write to stdout: {e}")),
        })
}

/// Writes `text` and a newline to stderr; a closed or failing stderr is ignored (there is nowhere
/// left to say so).
pub fn eprint_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}").and_then(|()| err.flush());
}
