//! `cargo xtask setup`: install what is missing, skip what is already there.
//!
//! Owns: the wasm32 target, Trunk, wasm-bindgen-cli, the npm tools in `e2e/`, and
//! (for `test`) Debian's Chromium and chromedriver.
//! Must not: download anything except through cargo, npm, rustup and apt
//! (only package registries are reachable).

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use crate::cmd::{Cmd, Error, say};
use crate::paths::{npm_bin_dir, tool_path};
use crate::tools::{
    BINARYEN_VERSION, CHROMEDRIVER, CHROMIUM, CHROMIUM_APT_PACKAGES, PLAYWRIGHT_CORE_VERSION,
    TRUNK_VERSION, WASM_TARGET, binaryen_major, npm_package_version, version_output_matches,
    wasm_bindgen_version,
};

/// What a command needs installed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    /// The `wasm32-unknown-unknown` Rust target.
    pub wasm_target: bool,
    /// Trunk at [`TRUNK_VERSION`].
    pub trunk: bool,
    /// wasm-bindgen-cli at Cargo.lock's version (gives `wasm-bindgen-test-runner` too).
    pub wasm_bindgen: bool,
    /// `npm ci` in `e2e/` (wasm-opt and playwright-core).
    pub npm: bool,
    /// Debian's Chromium and chromedriver.
    pub browser: bool,
}

impl Needs {
    /// Everything `cargo xtask setup` installs (all but the browser).
    pub const TOOLS: Needs = Needs {
        wasm_target: true,
        trunk: true,
        wasm_bindgen: true,
        npm: true,
        browser: false,
    };

    /// The union of two sets of needs.
    pub fn or(self, other: Needs) -> Needs {
        Needs {
            wasm_target: self.wasm_target || other.wasm_target,
            trunk: self.trunk || other.trunk,
            wasm_bindgen: self.wasm_bindgen || other.wasm_bindgen,
            npm: self.npm || other.npm,
            browser: self.browser || other.browser,
        }
    }
}

/// Installs whatever `needs` asks for and is missing.
pub fn setup(root: &Path, needs: Needs) -> Result<(), Error> {
    if needs.wasm_target {
        ensure_wasm_target(root)?;
    }
    ensure_cargo_tools(root, needs.trunk, needs.wasm_bindgen)?;
    if needs.npm {
        ensure_npm(root)?;
    }
    if needs.browser {
        ensure_browser(root)?;
    }
    say("setup done");
    Ok(())
}

fn ensure_wasm_target(root: &Path) -> Result<(), Error> {
    let installed = Cmd::new("rustup", root)
        .args(["target", "list", "--installed"])
        .read()
        .ok_or("cannot run `rustup target list --installed`: is rustup installed?")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        say(&format!("{WASM_TARGET} target: present"));
        return Ok(());
    }
    Cmd::new("rustup", root)
        .args(["target", "add", WASM_TARGET])
        .run()
}

/// Installs Trunk and wasm-bindgen-cli in parallel (each compiles for 5–12 minutes).
fn ensure_cargo_tools(root: &Path, trunk: bool, wasm_bindgen: bool) -> Result<(), Error> {
    let mut installs = Vec::new();
    if trunk && !tool_has_version(root, "trunk", TRUNK_VERSION) {
        let install = Cmd::cargo(root).args(["install", "trunk", "--version", TRUNK_VERSION]);
        installs.push(install.args(["--locked"]));
    }
    if wasm_bindgen {
        let version = wasm_bindgen_version(root)?;
        if !tool_has_version(root, "wasm-bindgen", &version) {
            // Not `--locked`: its lock file asks for a webpki-roots release the registry lacks.
            let install = Cmd::cargo(root).args(["install", "wasm-bindgen-cli", "--version"]);
            installs.push(install.args([version.as_str()]));
        }
    }
    if !installs.is_empty() {
        say("installing cargo tools in parallel (5 to 15 minutes on 2 cores)");
    }
    let running: Vec<_> = installs.into_iter().map(Cmd::spawn).collect();
    let errors: Vec<Error> = running
        .into_iter()
        .filter_map(|child| child.and_then(|child| child.wait()).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// Whether `<tool> --version` (Cargo's bin dir first on PATH) prints `version`.
fn tool_has_version(root: &Path, tool: &str, version: &str) -> bool {
    let output = Cmd::new(tool, root)
        .env("PATH", tool_path(root))
        .args(["--version"])
        .read();
    let matches = output
        .as_deref()
        .is_some_and(|output| version_output_matches(output, version));
    if matches {
        say(&format!("{tool} {version}: present"));
    } else {
        let found = output.as_deref().map_or("none", str::trim);
        say(&format!("{tool}: need {version}, found {found}"));
    }
    matches
}

/// `npm ci` in `e2e/` unless `node_modules` is newer than the lock file and holds the
/// pinned versions; afterwards, checks the pins of `tools` are what npm installed.
fn ensure_npm(root: &Path) -> Result<(), Error> {
    let e2e = root.join("e2e");
    let lock = modified(&e2e.join("package-lock.json"))
        .ok_or("e2e/package-lock.json is missing: run `npm install` in e2e/ and commit it")?;
    let installed = modified(&e2e.join("node_modules").join(".package-lock.json"));
    if installed.is_some_and(|installed| installed >= lock) && check_npm_versions(root).is_ok() {
        say("e2e/node_modules: up to date");
        return Ok(());
    }
    Cmd::new("npm", &e2e)
        .args(["ci", "--no-audit", "--no-fund"])
        .run()?;
    check_npm_versions(root)
}

/// Checks the installed npm packages against [`BINARYEN_VERSION`] and
/// [`PLAYWRIGHT_CORE_VERSION`], and that `wasm-opt` runs.
fn check_npm_versions(root: &Path) -> Result<(), Error> {
    let modules = root.join("e2e").join("node_modules");
    for (package, want) in [
        ("binaryen", BINARYEN_VERSION),
        ("playwright-core", PLAYWRIGHT_CORE_VERSION),
    ] {
        let path = modules.join(package).join("package.json");
        let have = fs::read_to_string(&path)
            .ok()
            .and_then(|text| npm_package_version(&text));
        if have.as_deref() != Some(want) {
            return Err(format!(
                "e2e/node_modules has {package} {have:?}, crates/xtask/src/tools.rs pins {want}: \
                 make e2e/package.json agree and rerun `npm install` in e2e/"
            ));
        }
    }
    let wasm_opt = npm_bin_dir(root).join("wasm-opt");
    let version = Cmd::new(&wasm_opt, root).args(["--version"]).read();
    let want = format!("version {}", binaryen_major());
    match version {
        Some(version) if version.contains(&want) => Ok(()),
        other => Err(format!(
            "{} --version printed {other:?}, expected {want}",
            wasm_opt.display()
        )),
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|meta| meta.modified()).ok()
}

/// Debian's Chromium and chromedriver, installed with apt when we are root.
fn ensure_browser(root: &Path) -> Result<(), Error> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        say("chromium and chromedriver: present");
        return Ok(());
    }
    let packages = CHROMIUM_APT_PACKAGES.join(" ");
    let uid = Cmd::new("id", root).args(["-u"]).read().unwrap_or_default();
    if uid.trim() != "0" {
        return Err(format!(
            "{CHROMIUM} or {CHROMEDRIVER} is missing; install them with:\n  \
             sudo apt-get update && sudo apt-get install -y {packages}"
        ));
    }
    Cmd::new("apt-get", root)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["update"])
        .run()?;
    Cmd::new("apt-get", root)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y"])
        .args(CHROMIUM_APT_PACKAGES)
        .run()
}
