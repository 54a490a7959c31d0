//! Every external tool version the project pins, in one place.
//!
//! Owns: the version constants, and reading the versions that live in other files
//! (`Cargo.lock`, `Trunk.toml`, `e2e/package.json`) so tests can check they agree.
//! Must not: run any tool or install anything (that is `setup`).
//!
//! `e2e/package.json` repeats the npm versions (npm cannot read Rust); the tests at the
//! bottom of this file fail when the copies drift apart.

use std::fs;
use std::path::Path;

/// Trunk, installed with `cargo install trunk --version TRUNK_VERSION --locked`.
/// 0.22.x needs a newer rustc than the one we use (docs/sources.md F).
pub const TRUNK_VERSION: &str = "0.21.14";

/// npm `binaryen` package that provides `wasm-opt` (Debian's binaryen is too old).
/// Trunk.toml pins `wasm_opt = "version_<major>"` to match.
pub const BINARYEN_VERSION: &str = "132.0.0";

/// npm `playwright-core`, which drives the system Chromium in the end-to-end tests.
pub const PLAYWRIGHT_CORE_VERSION: &str = "1.65.1";

/// SimPy, installed with pip into `target/peer-venv` for the peer model `cargo xtask bench` runs
/// (the version docs/sources.md E names).
pub const SIMPY_VERSION: &str = "4.1.2";

/// mdBook, which builds the documentation site (`cargo xtask docs`), installed with
/// `cargo install mdbook --version MDBOOK_VERSION --locked` and [`MDBOOK_FEATURES`].
pub const MDBOOK_VERSION: &str = "0.5.4";

/// mdBook's features the site needs: search only (no `serve`/`watch`: a shorter compile).
pub const MDBOOK_FEATURES: &str = "search";

/// Rust target the web app and the wasm tests build for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// System Chromium (Debian package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// System chromedriver (Debian package `chromium-driver`), used by `wasm-bindgen-test-runner`.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Debian packages that provide [`CHROMIUM`] and [`CHROMEDRIVER`].
pub const CHROMIUM_APT_PACKAGES: &[&str] = &["chromium", "chromium-driver"];

/// Packages that must build and test on [`WASM_TARGET`] (clippy and `cargo test --target`).
pub const WASM_PACKAGES: &[&str] = &["stampede-core", "stampede-web"];

/// The `wasm-bindgen` version recorded in `Cargo.lock`; wasm-bindgen-cli must match it exactly.
pub fn wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let path = root.join("Cargo.lock");
    let text = fs::read_to_string(&path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    lock_package_version(&text, "wasm-bindgen").ok_or_else(|| {
        format!(
            "no `wasm-bindgen` package in {}: does a workspace crate depend on it?",
            path.display()
        )
    })
}

/// The version of package `name` in the text of a `Cargo.lock` (first match).
pub fn lock_package_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    lock.split("[[package]]")
        .filter(|block| block.lines().any(|line| line.trim() == wanted))
        .find_map(|block| toml_string_value(block, "version"))
}

/// The string value of `key` inside `[section]` of a simple TOML document.
pub fn toml_section_value(text: &str, section: &str, key: &str) -> Option<String> {
    let header = format!("[{section}]");
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == header;
        } else if inside && let Some(value) = toml_string_value(line, key) {
            return Some(value);
        }
    }
    None
}

/// The first `key = "value"` in `text` (one key per line, basic strings only).
fn toml_string_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (left, right) = line.split_once('=')?;
        if left.trim() != key {
            return None;
        }
        let value = right.trim().strip_prefix('"')?;
        Some(value[..value.find('"')?].to_owned())
    })
}

/// The version in the `package.json` text of an installed npm package.
pub fn npm_package_version(package_json: &str) -> Option<String> {
    package_json.lines().find_map(|line| {
        let value = line.trim().strip_prefix("\"version\":")?.trim();
        let value = value.strip_prefix('"')?;
        Some(value[..value.find('"')?].to_owned())
    })
}

/// Checks that `Trunk.toml` pins the wasm-bindgen of `Cargo.lock` and the wasm-opt of
/// [`BINARYEN_VERSION`]; otherwise Trunk would try (and fail) to download its own.
pub fn check_trunk_toml(root: &Path) -> Result<(), String> {
    let path = root.join("Trunk.toml");
    let trunk = fs::read_to_string(&path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let expected = [
        ("wasm_bindgen", wasm_bindgen_version(root)?),
        ("wasm_opt", format!("version_{}", binaryen_major())),
    ];
    for (key, want) in expected {
        let have = toml_section_value(&trunk, "tools", key);
        if have.as_deref() != Some(want.as_str()) {
            return Err(format!(
                "Trunk.toml [tools] {key} is {have:?}, expected \"{want}\" \
                 (from Cargo.lock / crates/xtask/src/tools.rs)"
            ));
        }
    }
    Ok(())
}

/// The major version of [`BINARYEN_VERSION`], which is what `wasm-opt --version` prints.
pub fn binaryen_major() -> &'static str {
    BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION)
}

/// Whether the first line of `<tool> --version` output names exactly `version`.
pub fn version_output_matches(output: &str, version: &str) -> bool {
    output
        .lines()
        .next()
        .is_some_and(|line| line.split_whitespace().any(|word| word == version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::project_root;

    #[test]
    fn reads_lock_package_version() {
        let lock = r#"
[[package]]
name = "wasm-bindgen-macro"
version = "0.2.999"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        assert_eq!(
            lock_package_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(lock_package_version(lock, "trunk"), None);
    }

    #[test]
    fn reads_section_values() {
        let toml = "[build]\nwasm_bindgen = \"no\"\n[tools]\nwasm_bindgen = \"0.2.130\" # pinned\nwasm_opt = \"version_132\"\n";
        assert_eq!(
            toml_section_value(toml, "tools", "wasm_bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            toml_section_value(toml, "tools", "wasm_opt").as_deref(),
            Some("version_132")
        );
        assert_eq!(toml_section_value(toml, "serve", "port"), None);
    }

    #[test]
    fn matches_tool_version_output() {
        assert!(version_output_matches("trunk 0.21.14\n", "0.21.14"));
        assert!(!version_output_matches("trunk 0.21.140\n", "0.21.14"));
        assert!(version_output_matches("wasm-bindgen 0.2.130", "0.2.130"));
        assert!(!version_output_matches("", "0.2.130"));
    }

    /// Trunk must ask for the same wasm-bindgen-cli that `setup` installs (Cargo.lock's).
    #[test]
    fn trunk_toml_pins_lockfile_wasm_bindgen_and_binaryen() {
        let root = project_root();
        if !root.join("Trunk.toml").exists() {
            eprintln!("SKIPPED: Trunk.toml does not exist yet; nothing to compare");
            return;
        }
        if let Err(error) = check_trunk_toml(&root) {
            panic!("{error}");
        }
    }

    #[test]
    fn reads_npm_package_version() {
        let json = "{\n  \"name\": \"binaryen\",\n  \"version\": \"132.0.0\",\n}";
        assert_eq!(npm_package_version(json).as_deref(), Some("132.0.0"));
    }

    /// `e2e/package.json` must pin exactly the npm versions declared here.
    #[test]
    fn package_json_pins_npm_versions() {
        let text = fs::read_to_string(project_root().join("e2e/package.json")).unwrap();
        for (name, version) in [
            ("binaryen", BINARYEN_VERSION),
            ("playwright-core", PLAYWRIGHT_CORE_VERSION),
        ] {
            let entry = format!("\"{name}\": \"{version}\"");
            assert!(text.contains(&entry), "e2e/package.json lacks {entry}");
        }
    }

    /// Every name in `WASM_PACKAGES` is a workspace member's package name.
    #[test]
    fn wasm_packages_are_workspace_members() {
        let root = project_root();
        let workspace = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let members = workspace_members(&workspace);
        assert!(
            !members.is_empty(),
            "no members found in the root Cargo.toml"
        );
        let names: Vec<String> = members
            .iter()
            .filter_map(|member| fs::read_to_string(root.join(member).join("Cargo.toml")).ok())
            .filter_map(|manifest| toml_section_value(&manifest, "package", "name"))
            .collect();
        for package in WASM_PACKAGES {
            assert!(
                names.iter().any(|name| name == package),
                "tools::WASM_PACKAGES names `{package}`, but the workspace has only {names:?}"
            );
        }
    }

    /// The quoted entries of `members = [...]` in the root manifest.
    fn workspace_members(workspace: &str) -> Vec<String> {
        let Some(start) = workspace.find("members") else {
            return Vec::new();
        };
        let list = &workspace[start..];
        let list = &list[list.find('[').unwrap_or(0)..list.find(']').unwrap_or(0)];
        list.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }
}
