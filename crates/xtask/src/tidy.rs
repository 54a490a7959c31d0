//! Architecture checks that run as tests (`cargo test -p xtask`), in the spirit of
//! rust-analyzer's `tidy.rs`: the invariants ARCHITECTURE.md states are enforced here.

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// Names of the dependencies a manifest lists (all tables, all targets).
    fn dependencies(manifest: &str) -> Vec<String> {
        let mut in_deps = false;
        let mut names = Vec::new();
        for line in fs::read_to_string(root().join(manifest)).unwrap().lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_deps = line.contains("dependencies");
                continue;
            }
            if in_deps && let Some((name, _)) = line.split_once('=') {
                names.push(name.trim().trim_end_matches(".workspace").to_string());
            }
        }
        names
    }

    /// The allowed direction: core ← charts ← {cli, web}; core ← lessons ← {cli, web};
    /// core ← bench; xtask depends on none of them.
    #[test]
    fn crate_dependencies_point_one_way() {
        let internal = [
            "stampede-core",
            "stampede-charts",
            "stampede-lessons",
            "stampede-cli",
            "stampede-web",
            "stampede-bench",
            "xtask",
        ];
        let allowed: [(&str, &[&str]); 7] = [
            ("crates/stampede-core/Cargo.toml", &[]),
            ("crates/stampede-charts/Cargo.toml", &["stampede-core"]),
            ("crates/stampede-lessons/Cargo.toml", &["stampede-core"]),
            (
                "crates/stampede-cli/Cargo.toml",
                &["stampede-core", "stampede-charts", "stampede-lessons"],
            ),
            (
                "web/Cargo.toml",
                &["stampede-core", "stampede-charts", "stampede-lessons"],
            ),
            ("crates/stampede-bench/Cargo.toml", &["stampede-core"]),
            ("crates/xtask/Cargo.toml", &[]),
        ];
        for (manifest, may_use) in allowed {
            for dep in dependencies(manifest) {
                if internal.contains(&dep.as_str()) {
                    assert!(
                        may_use.contains(&dep.as_str()),
                        "{manifest} must not depend on {dep}"
                    );
                }
            }
        }
    }

    /// The core is pure: no browser, clock, OS randomness or platform-dependent generator.
    #[test]
    fn core_has_no_io_clock_or_global_rng() {
        let deps = dependencies("crates/stampede-core/Cargo.toml");
        for banned in [
            "web-sys",
            "js-sys",
            "yew",
            "gloo-worker",
            "rand",
            "getrandom",
            "plotters",
        ] {
            // Exact names: `rand` (its `StdRng`/`SmallRng` and `thread_rng`) is banned, while
            // `rand_core` and `rand_xoshiro` (one named, value-stable generator) are the core's.
            let normal_dep = deps.iter().any(|d| d == banned);
            // wasm-bindgen-test is a dev-dependency for the wasm tests only; it is not banned.
            assert!(!normal_dep, "stampede-core must not depend on {banned}");
        }
        for rand_crate in deps.iter().filter(|d| d.starts_with("rand")) {
            assert!(
                ["rand_core", "rand_xoshiro"].contains(&rand_crate.as_str()),
                "stampede-core takes only rand_core and rand_xoshiro from rust-random, not {rand_crate}"
            );
        }
        let src = root().join("crates/stampede-core/src");
        let mut files = vec![src];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            for banned in [
                "std::time",
                "Instant::now",
                "SystemTime",
                "std::fs",
                "std::net",
                "std::env",
                "thread_rng",
                "StdRng",
                "SmallRng",
                "HashMap",
                "HashSet",
                "println!",
            ] {
                assert!(!text.contains(banned), "{} uses {banned}", path.display());
            }
        }
    }

    /// The lessons crate is pure like the core (the web app and the CLI both use it): no I/O,
    /// clock or printing in its sources, and no dependencies beyond the core, serde and toml.
    #[test]
    fn lessons_crate_is_pure() {
        let deps = dependencies("crates/stampede-lessons/Cargo.toml");
        for dep in &deps {
            assert!(
                ["stampede-core", "serde", "toml"].contains(&dep.as_str()),
                "stampede-lessons must not depend on {dep}"
            );
        }
        let src = root().join("crates/stampede-lessons/src");
        for entry in fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            let text = fs::read_to_string(&path).unwrap();
            for banned in [
                "std::time",
                "Instant::now",
                "std::fs",
                "std::net",
                "std::env",
                "println!",
                "HashMap",
            ] {
                assert!(!text.contains(banned), "{} uses {banned}", path.display());
            }
        }
    }

    /// PNG export and its embedded font stay in the CLI: the charts crate draws on any backend,
    /// the web app uses the browser's fonts, and plotters never looks for fonts of its own.
    #[test]
    fn only_the_cli_rasterises_or_embeds_fonts() {
        for manifest in [
            "crates/stampede-core/Cargo.toml",
            "crates/stampede-charts/Cargo.toml",
            "web/Cargo.toml",
        ] {
            let deps = dependencies(manifest);
            for banned in ["resvg", "usvg", "tiny-skia", "fontdb", "dejavu", "ab_glyph"] {
                let uses = deps.iter().any(|d| d == banned);
                assert!(!uses, "{manifest} must not depend on {banned}");
            }
        }
        for manifest in [
            "Cargo.toml",
            "crates/stampede-core/Cargo.toml",
            "crates/stampede-charts/Cargo.toml",
            "crates/stampede-cli/Cargo.toml",
            "crates/stampede-bench/Cargo.toml",
            "web/Cargo.toml",
        ] {
            let text = fs::read_to_string(root().join(manifest)).unwrap();
            for feature in ["\"ab_glyph\"", "\"ttf\""] {
                assert!(
                    !text.contains(feature),
                    "{manifest} enables plotters' {feature} font feature"
                );
            }
        }
    }

    /// Every `.rs` file under `dir`, sub-folders included, in a stable order.
    fn rust_files(dir: &str) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut pending = vec![root().join(dir)];
        while let Some(path) = pending.pop() {
            if path.is_dir() {
                pending.extend(fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
        found.sort();
        found
    }

    /// A source's code outside its tests and comments (doc comments may name anything).
    fn code_of(path: &Path) -> String {
        let text = fs::read_to_string(path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        code.lines()
            .map(|line| line.split(" // ").next().unwrap_or_default())
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Only the scenario module defines wire formats (serde derives, TOML, JSON, URL query):
    /// checked in every file of the core, sub-folders (engine/, model/) included.
    #[test]
    fn only_the_scenario_and_report_modules_define_wire_formats() {
        let src = root().join("crates/stampede-core/src");
        let files = rust_files("crates/stampede-core/src");
        assert!(files.iter().any(|f| f.starts_with(src.join("engine"))));
        for path in files {
            let name = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .to_string();
            if name.starts_with("scenario") || name.starts_with("report") || name == "presets.rs" {
                continue; // scenario/ is the wire-format module; report/ is its output form
            }
            let text = fs::read_to_string(&path).unwrap();
            for banned in ["toml::", "serde_json::", "Serialize", "Deserialize"] {
                assert!(
                    !text.contains(banned),
                    "{name} defines a wire format ({banned})"
                );
            }
        }
    }

    /// Models are simulated parts with private state that answer for a given `now`: they never
    /// schedule (they name neither the engine nor its event queue), so the engine alone holds
    /// the control flow.
    #[test]
    fn models_never_name_the_engine_or_the_event_queue() {
        let files = rust_files("crates/stampede-core/src/model");
        assert!(files.len() >= 5, "model/ has its models");
        for path in files {
            let code = code_of(&path);
            for banned in [
                "engine",
                "Engine",
                "Simulation",
                "crate::queue",
                "EventQueue",
                "Event::",
                "schedule(",
            ] {
                assert!(
                    !code.contains(banned),
                    "{} names `{banned}`: a model never schedules or reaches into the engine",
                    path.display()
                );
            }
        }
    }

    /// The scenario module is the input: it never names the presets (the policy catalogue is its
    /// own, `scenario/catalogue.rs`) nor the engine or the models that run a scenario.
    #[test]
    fn the_scenario_module_never_names_presets_or_the_engine() {
        let files = rust_files("crates/stampede-core/src/scenario");
        assert!(files.len() >= 5, "scenario/ has its modules");
        for path in files {
            let code = code_of(&path);
            for banned in [
                "crate::presets",
                "presets::",
                "PRESETS",
                "crate::engine",
                "Simulation",
                "crate::model",
            ] {
                assert!(
                    !code.contains(banned),
                    "{} names `{banned}`: the scenario module depends on neither presets nor the engine",
                    path.display()
                );
            }
        }
    }

    /// The engine and the models run only the validated scenario, which has one form of each
    /// thing (services, names and resolvers as lists, the main one first): outside tests they
    /// never name a raw type or read `Scenario::raw`, so no raw field decides a run.
    #[test]
    fn the_engine_and_models_read_only_the_validated_scenario() {
        let mut files = rust_files("crates/stampede-core/src/engine");
        files.extend(rust_files("crates/stampede-core/src/model"));
        assert!(files.len() >= 10, "engine/ and model/ have their files");
        for path in files.iter().filter(|p| !p.ends_with("tests.rs")) {
            let code = code_of(path);
            for banned in ["RawScenario", "Raw", ".raw.", ".raw;", ".raw)"] {
                assert!(
                    !code.contains(banned),
                    "{} names `{banned}`: the engine reads only the validated scenario",
                    path.display()
                );
            }
        }
    }

    /// The simulation never runs on the page's main thread: outside its tests, no file of the
    /// web app but the worker names the engine's entry points, so a change that would run a
    /// simulation on the page fails here, whatever the machine's load.
    #[test]
    fn the_simulation_runs_only_in_the_worker() {
        let mut files = vec![root().join("web/src")];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name == "worker.rs" || name == "pool_worker.rs" {
                // src/worker.rs and src/pool_worker.rs run the core; their bins register them
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for banned in [
                "Simulation",
                "run_to_end",
                "advance_to",
                "stampede_core::run(",
            ] {
                assert!(
                    !code.contains(banned),
                    "{} names `{banned}` outside its tests: the simulation runs only in the worker",
                    path.display()
                );
            }
        }
    }

    /// The files git tracks (every file below the root but build output, without git).
    fn tracked_files() -> Vec<PathBuf> {
        let listed = std::process::Command::new("git")
            .arg("ls-files")
            .current_dir(root())
            .output()
            .ok()
            .filter(|o| o.status.success());
        if let Some(out) = listed {
            return String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| root().join(l))
                .collect();
        }
        let skip = [
            "target",
            "node_modules",
            "dist",
            "artifacts",
            ".git",
            "book",
        ];
        let (mut files, mut dirs) = (Vec::new(), vec![root()]);
        while let Some(dir) = dirs.pop() {
            for entry in fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
                let name = entry.file_name().unwrap().to_string_lossy().to_string();
                if entry.is_dir() && !skip.contains(&name.as_str()) {
                    dirs.push(entry);
                } else if entry.is_file() {
                    files.push(entry);
                }
            }
        }
        files
    }

    /// Where a line cites a path outside the repository (reference notes, a machine's paths),
    /// which no reader can open: sources are public URLs or sections of docs/sources.md.
    fn outside_citation(line: &str) -> Option<&'static str> {
        const OUTSIDE: [&str; 10] = [
            "shared/reference",
            "shared/seed",
            "shared/style",
            "shared/hooks",
            "shared/peers/README",
            "resilience-semantics.md",
            "validation.md",
            "toolchain.md",
            "HOUSE_STYLE.md",
            // This workplace's checkouts live there; written in two parts so that this file
            // does not name a machine path itself.
            concat!("/", "work/"),
        ];
        // The one input the repository reads from outside: the bench's peer model (an input
        // location, not a source; docs/sources.md E describes the workload).
        let peer_input = line.trim_start().starts_with("const PEER_SCRIPT");
        OUTSIDE
            .into_iter()
            .find(|p| line.contains(p))
            .or((!peer_input && line.contains("../shared/")).then_some("../shared/"))
    }

    #[test]
    fn outside_citations_are_found() {
        for bad in [
            concat!(
                "# Source summary: shared",
                "/reference/resilience-semantics.md A1."
            ),
            "(resilience-semantics.md B2)",
            "see validation.md",
            "peer workload in ../shared/peers/",
            concat!("built in /", "work/main"),
        ] {
            assert!(outside_citation(bad).is_some(), "{bad}");
        }
        for good in [
            "# Source summary: docs/sources.md A1.",
            "(https://aws.amazon.com/message/101925/)",
            "const PEER_SCRIPT: &str = \"../shared/peers/simpy_retry_fleet.py\";",
            "tests/integration/validation.rs",
        ] {
            assert_eq!(outside_citation(good), None, "{good}");
        }
    }

    /// Every citation opens: no tracked file cites a path outside the repository.
    #[test]
    fn citations_stay_inside_the_repository() {
        let mut found = Vec::new();
        for path in tracked_files() {
            // This file names the patterns it looks for.
            if path.ends_with("crates/xtask/src/tidy.rs") {
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                continue; // binary files (images, fonts) cite nothing
            };
            for (number, line) in text.lines().enumerate() {
                if let Some(pattern) = outside_citation(line) {
                    found.push(format!("{}:{}: `{pattern}`", path.display(), number + 1));
                }
            }
        }
        assert!(
            found.is_empty(),
            "cite a public source or a section of docs/sources.md instead:\n{}",
            found.join("\n")
        );
    }
}
