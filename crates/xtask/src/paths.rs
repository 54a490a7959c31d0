//! Where things are: the repository root, Cargo's bin directory, the npm tools.
//!
//! Owns: path computation and the `PATH` that tool-running commands see.
//! Must not: touch the file system beyond reading environment variables.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The repository root (two levels above this crate's manifest).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask sits two levels below the repository root")
        .to_path_buf()
}

/// `$CARGO_HOME/bin`, or `~/.cargo/bin`: where `cargo install` puts Trunk and wasm-bindgen.
pub fn cargo_bin_dir() -> PathBuf {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/root/.cargo"));
    home.join("bin")
}

/// `e2e/node_modules/.bin`: the npm `wasm-opt` lives here.
pub fn npm_bin_dir(root: &Path) -> PathBuf {
    root.join("e2e").join("node_modules").join(".bin")
}

/// The build output of `trunk build`.
pub fn dist_dir(root: &Path) -> PathBuf {
    root.join("dist")
}

/// Screenshots and other outputs of the end-to-end tests.
pub fn artifacts_dir(root: &Path) -> PathBuf {
    root.join("artifacts")
}

/// `PATH` with the npm tools first, then Cargo's bin directory, then the inherited entries.
pub fn tool_path(root: &Path) -> OsString {
    let inherited = env::var_os("PATH").unwrap_or_default();
    let entries = [npm_bin_dir(root), cargo_bin_dir()]
        .into_iter()
        .chain(env::split_paths(&inherited));
    env::join_paths(entries).expect("PATH entries contain no separator")
}
