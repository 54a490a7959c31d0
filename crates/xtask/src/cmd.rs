//! Running child processes: echo the command line, inherit stdout/stderr, no stdin.
//!
//! Owns: the one place where xtask spawns programs, so every step prints the same way
//! and never waits for input (CI has no stdin and no TTY).
//! Must not: decide what to run (callers do).

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Error type of xtask: a message for the user.
pub type Error = String;

/// A program, its arguments, working directory and extra environment.
pub struct Cmd {
    command: Command,
    shown: String,
}

impl Cmd {
    /// Starts building `program` run from `dir`.
    pub fn new(program: impl AsRef<OsStr>, dir: &Path) -> Self {
        let mut command = Command::new(program.as_ref());
        command.current_dir(dir).stdin(Stdio::null());
        let shown = program.as_ref().to_string_lossy().into_owned();
        Cmd { command, shown }
    }

    /// `cargo`, the same binary that runs xtask when available.
    pub fn cargo(dir: &Path) -> Self {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        Cmd::new(cargo, dir).display_as("cargo")
    }

    fn display_as(mut self, name: &str) -> Self {
        self.shown = name.to_owned();
        self
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            self.shown.push(' ');
            self.shown.push_str(&arg.as_ref().to_string_lossy());
            self.command.arg(arg);
        }
        self
    }

    /// Sets an environment variable (shown before the command line).
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        if key != "PATH" {
            self.shown = format!("{key}={} {}", value.as_ref().to_string_lossy(), self.shown);
        }
        self.command.env(key, value);
        self
    }

    /// Runs with inherited stdout/stderr; an error unless it exits with status 0.
    pub fn run(mut self) -> Result<(), Error> {
        say(&format!("$ {}", self.shown));
        let status = self
            .command
            .status()
            .map_err(|error| format!("cannot start `{}`: {error}", self.shown))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` failed: {status}", self.shown))
        }
    }

    /// Runs with stdout captured and stderr inherited; returns stdout, or an error unless the
    /// exit status is 0.
    pub fn output(mut self) -> Result<String, Error> {
        say(&format!("$ {}", self.shown));
        let output = self
            .command
            .stderr(Stdio::inherit())
            .output()
            .map_err(|error| format!("cannot start `{}`: {error}", self.shown))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(format!("`{}` failed: {}", self.shown, output.status))
        }
    }

    /// Starts without waiting; pair with [`wait`].
    pub fn spawn(mut self) -> Result<Running, Error> {
        say(&format!("$ {} &", self.shown));
        let child = self
            .command
            .spawn()
            .map_err(|error| format!("cannot start `{}`: {error}", self.shown))?;
        Ok(Running {
            child,
            shown: self.shown,
        })
    }

    /// Runs quietly and returns stdout if it exits with status 0, `None` if it cannot run or fails.
    pub fn read(mut self) -> Option<String> {
        let output = self.command.stderr(Stdio::null()).output().ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

impl fmt::Debug for Cmd {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.shown)
    }
}

/// A child started by [`Cmd::spawn`].
#[derive(Debug)]
pub struct Running {
    child: Child,
    shown: String,
}

impl Running {
    /// Waits for the child; an error unless it exits with status 0.
    pub fn wait(mut self) -> Result<(), Error> {
        let status = self
            .child
            .wait()
            .map_err(|error| format!("cannot wait for `{}`: {error}", self.shown))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` failed: {status}", self.shown))
        }
    }
}

/// Prints one progress line, prefixed so it stands out among child output.
pub fn say(message: &str) {
    println!("xtask: {message}");
}
