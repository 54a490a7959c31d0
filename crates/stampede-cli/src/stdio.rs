//! The command line's conventions for standard streams that the binary and the library share.
//!
//! Owns: `-` as the name of standard input or output, and how deprecation notices are written.
//! Must not: write results (the binary's `out` module does).

use std::path::Path;

use stampede_core::scenario::Problem;

/// Path that means standard input where a file is read, and standard output where one is written.
pub const STDIO_PATH: &str = "-";

/// Whether `path` names standard output ([`STDIO_PATH`]).
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == STDIO_PATH
}

/// Prints deprecation notices (warnings: the input still works) on standard error.
pub fn warn(source: &str, notices: &[Problem]) {
    for notice in notices {
        eprintln!("warning: {source}: {}: {}", notice.path, notice.message);
    }
}
