//! Running Trunk the way this machine needs: offline, with our pinned tools first on PATH.
//!
//! Owns: `cargo xtask serve` and the `trunk build` used by `cargo xtask test`.
//! Must not: install tools (callers run `setup` first).
//!
//! Trunk downloads wasm-bindgen or wasm-opt when the ones on PATH do not match its
//! `Trunk.toml` pins, and downloads fail here. `TRUNK_OFFLINE=true` turns that into a clear
//! error, but also passes `--offline` to cargo, so `cargo fetch` runs first.

use std::path::Path;

use crate::cmd::{Cmd, Error, say};
use crate::paths::{dist_dir, tool_path};
use crate::setup::{Needs, setup};
use crate::tools::check_trunk_toml;

/// Options of `cargo xtask serve`.
#[derive(Debug, Clone, Copy)]
pub struct ServeConfig {
    /// TCP port on 127.0.0.1.
    pub port: u16,
    /// Build with `--release` (optimized, runs wasm-opt) instead of a debug build.
    pub release: bool,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            port: 8080,
            release: true,
        }
    }
}

/// `cargo xtask serve`: set up, then `trunk serve` until interrupted.
pub fn serve(root: &Path, config: ServeConfig) -> Result<(), Error> {
    setup(root, Needs::TOOLS)?;
    cargo_fetch(root)?;
    say(&format!("serving on http://127.0.0.1:{}/", config.port));
    let port = config.port.to_string();
    let mut command = trunk(root).args(["serve", "--port", port.as_str()]);
    if config.release {
        command = command.args(["--release"]);
    }
    command.run()
}

/// `trunk build --release` into `dist/`.
pub fn build_release(root: &Path) -> Result<(), Error> {
    cargo_fetch(root)?;
    let dist = dist_dir(root);
    trunk(root)
        .args(["build", "--release", "--dist"])
        .args([dist.as_os_str()])
        .run()
}

/// Checks Trunk.toml's tool pins, then downloads every crate so that Trunk can run cargo
/// with `--offline`.
fn cargo_fetch(root: &Path) -> Result<(), Error> {
    check_trunk_toml(root)?;
    Cmd::cargo(root).args(["fetch"]).run()
}

/// Trunk with the npm `wasm-opt` and Cargo's bin directory first on PATH, offline.
fn trunk(root: &Path) -> Cmd {
    Cmd::new("trunk", root)
        .env("PATH", tool_path(root))
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .env("TRUNK_OFFLINE", "true")
}
