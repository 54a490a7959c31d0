//! The documented commands are the test: every `console` block of README.md, docs/cli.md and
//! docs/cookbook.md is run, command by command, and what it prints is compared with the lines
//! under it in the doc, so a doc can never drift from the program.
//!
//! Owns: reading those blocks and running them. Must not: hold expected output of its own (the
//! docs are the only source), or skip a `stampede` command shown in a doc.
//!
//! The format of a block (the one `trycmd` reads from Markdown, with shell syntax):
//! - A ```` ```console ```` block holds commands, each on a `$ ` line (a trailing `\` continues it
//!   on the next line), each followed by what it prints: standard output and standard error
//!   together, as a terminal shows them. The command runs in `sh`, with `stampede` on the `PATH`,
//!   in a fresh directory per doc (blocks of one doc run in order and share it) holding
//!   `presets/`, an empty `docs/images/` and the files of `tests/docs/`.
//! - In the expected output, a line `...` stands for any number of lines and `[..]` for any
//!   text within a line (snapbox's matching, as trycmd's). The thread count and the wall time of
//!   a sweep's line (`on 2 thread(s) in 0.6 s`) are compared as `on N thread(s) in T s`.
//! - A command that exits with a status other than 0 must be followed by `$ echo $?` showing it.
//! - A block under the HTML comment `<!-- doc-test: slow -->` (a sweep of many full-size runs)
//!   runs only in the ignored test (`cargo test -p stampede-cli --test docs -- --ignored`, which
//!   `cargo xtask test` runs too); the default test runs the others, and
//!   `documented_commands_parse_and_name_what_exists` (in main.rs) checks the names of every one.
//! - Blocks in other languages hold no `stampede` command (checked), except synopses with
//!   placeholders (`stampede run SCENARIO|--preset NAME [--seed N]`) in ```` ```text ```` blocks.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The docs whose commands are tested.
const DOCS: [&str; 3] = ["README.md", "docs/cli.md", "docs/cookbook.md"];

/// The marker of a block that runs only in the ignored test.
const SLOW: &str = "<!-- doc-test: slow -->";

/// One `$ ` command of a doc and what the doc shows it printing.
#[derive(Debug)]
struct Step {
    /// The doc's path from the repository root.
    doc: &'static str,
    /// The line of the `$ ` in the doc, from 1.
    line: usize,
    /// The command as the shell reads it (continuation lines included).
    command: String,
    /// The expected output, lines joined by `\n`.
    expected: String,
    /// Whether its block is marked slow.
    slow: bool,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The steps of every `console` block of `text`, and the problems of its other blocks.
fn steps(doc: &'static str, text: &str) -> (Vec<Step>, Vec<String>) {
    let mut steps = Vec::new();
    let mut problems = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let lang = info.split([',', ' ']).next().unwrap_or("");
        let slow = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim() == SLOW);
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].trim_start().starts_with("```") {
            end += 1;
        }
        let body = &lines[start..end];
        if lang == "console" {
            read_block(doc, start, body, slow, &mut steps, &mut problems);
        } else if let Some(l) = body.iter().position(|l| {
            let l = l.trim_start().trim_start_matches("$ ");
            let command = l.starts_with("stampede ") || l == "stampede";
            // A synopsis has placeholders (`SCENARIO|--preset NAME [--seed N]`).
            let synopsis = lang == "text" && (l.contains('[') || l.contains('|'));
            command && !synopsis
        }) {
            problems.push(format!(
                "{doc}:{}: a `stampede` command in a ```{lang} block: write it in a ```console \
                 block (`$ stampede …`) so it runs in this test, or a synopsis in ```text",
                start + l + 1
            ));
        }
        i = end + 1;
    }
    (steps, problems)
}

/// Splits one `console` block (its lines `body`, the first at index `start` of the doc) into steps.
fn read_block(
    doc: &'static str,
    start: usize,
    body: &[&str],
    slow: bool,
    steps: &mut Vec<Step>,
    problems: &mut Vec<String>,
) {
    let mut j = 0;
    while j < body.len() {
        let Some(first) = body[j].strip_prefix("$ ") else {
            problems.push(format!(
                "{doc}:{}: a console block's first line is a `$ ` command",
                start + j + 1
            ));
            return;
        };
        let line = start + j + 1;
        let mut command = first.to_string();
        while command.ends_with('\\') && j + 1 < body.len() {
            j += 1;
            command.push('\n');
            command.push_str(body[j]);
        }
        j += 1;
        let from = j;
        while j < body.len() && !body[j].starts_with("$ ") {
            j += 1;
        }
        steps.push(Step {
            doc,
            line,
            command,
            expected: body[from..j].join("\n"),
            slow,
        });
    }
}

/// A fresh directory for one doc's commands, holding `presets/`, `docs/images/` and the
/// fixtures of `tests/docs/`; removed when the test passes.
struct Sandbox(PathBuf);

impl Sandbox {
    fn new(doc: &str) -> Sandbox {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = doc.replace(['/', '.'], "-");
        let dir =
            std::env::temp_dir().join(format!("stampede-docs-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("docs/images")).unwrap();
        copy_dir(&root().join("presets"), &dir.join("presets"));
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs");
        for entry in std::fs::read_dir(fixtures).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
        Sandbox(dir)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Masks the two figures of a sweep's line that depend on the machine: the thread count and the
/// wall time (`on 2 thread(s) in 0.6 s` becomes `on N thread(s) in T s`).
fn mask_machine(text: &str) -> String {
    text.lines()
        .map(|line| {
            let Some(at) = line.find(" thread(s) in ") else {
                return line.to_string();
            };
            let Some(on) = line[..at].rfind(" on ") else {
                return line.to_string();
            };
            let rest = &line[at + " thread(s) in ".len()..];
            let Some(s) = rest.find(" s") else {
                return line.to_string();
            };
            format!(
                "{} on N thread(s) in T s{}",
                &line[..on],
                &rest[s + " s".len()..]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the steps of `doc` that are `slow` or not and returns how many ran and what went wrong.
fn check_doc(doc: &'static str, slow: bool) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(root().join(doc)).expect("the doc exists");
    let (steps, mut problems) = steps(doc, &text);
    let sandbox = Sandbox::new(doc);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_stampede")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut status = 0;
    let mut ran = 0;
    for (k, step) in steps.iter().enumerate() {
        if step.slow != slow {
            continue;
        }
        ran += 1;
        // `(exit N)` gives `echo $?` the previous command's status, as in one shell session.
        let script = format!("(exit {status}); {{ {}\n}} 2>&1", step.command);
        let started = std::time::Instant::now();
        let output = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .current_dir(&sandbox.0)
            .env("PATH", &path)
            .output()
            .expect("sh runs");
        status = output.status.code().unwrap_or(-1);
        // Printed for whoever runs with --nocapture; never asserted.
        println!(
            "{:>6.2} s  {}:{}",
            started.elapsed().as_secs_f64(),
            step.doc,
            step.line
        );
        let shows_status = steps
            .get(k + 1)
            .is_some_and(|next| next.command.trim() == "echo $?");
        if status != 0 && !shows_status && step.command.trim() != "echo $?" {
            problems.push(format!(
                "{}:{}: `{}` exited with status {status} (show it with `$ echo $?`):\n{}",
                step.doc,
                step.line,
                step.command,
                String::from_utf8_lossy(&output.stdout)
            ));
        }
        let actual = mask_machine(&String::from_utf8_lossy(&output.stdout));
        let expected = mask_machine(&step.expected);
        let name = format!("{}:{} `{}`", step.doc, step.line, step.command);
        if let Err(e) = snapbox::Assert::new().try_eq(
            Some(&name),
            snapbox::Data::text(actual.trim_end().to_string()),
            snapbox::Data::text(expected.trim_end().to_string()),
        ) {
            problems.push(format!(
                "{}:{}: output differs from the doc:\n{e}",
                step.doc, step.line
            ));
        }
    }
    (ran, problems)
}

fn check(slow: bool) {
    let mut ran = 0;
    let mut problems = Vec::new();
    for doc in DOCS {
        let (n, p) = check_doc(doc, slow);
        ran += n;
        problems.extend(p);
    }
    assert!(ran >= 5, "only {ran} documented commands ran");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Every documented command not marked slow prints what its doc shows.
#[test]
fn documented_commands_print_what_the_docs_show() {
    check(false);
}

/// The documented commands marked slow print what the docs show (about a minute of CPU).
#[test]
#[ignore = "the slow documented sweeps: cargo test -p stampede-cli --test docs -- --ignored"]
fn slow_documented_commands_print_what_the_docs_show() {
    check(true);
}

#[test]
fn blocks_split_into_commands_and_outputs() {
    let doc = "text\n\n<!-- doc-test: slow -->\n```console\n$ stampede a \\\n  --b\nout 1\n...\n$ echo $?\n0\n```\n\n```text\nstampede run SCENARIO [--seed N]\n```\n\n```text\nstampede presets\n```\n\n```sh\nstampede run x\n```\n";
    let (steps, problems) = steps("x.md", doc);
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].command, "stampede a \\\n  --b");
    assert_eq!(steps[0].expected, "out 1\n...");
    assert_eq!(steps[0].line, 5);
    assert!(steps[0].slow && steps[1].slow);
    assert_eq!(steps[1].command, "echo $?");
    // The synopsis passes; a plain command in a text or sh block does not.
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("x.md:18"), "{problems:?}");
    assert!(problems[1].contains("x.md:22"), "{problems:?}");
}

#[test]
fn sweep_lines_are_compared_without_threads_and_time() {
    assert_eq!(
        mask_machine("sweep: 8 points, shard 0/2 ran 4 on 2 thread(s) in 0.6 s; wrote a.csv"),
        "sweep: 8 points, shard 0/2 ran 4 on N thread(s) in T s; wrote a.csv"
    );
    assert_eq!(mask_machine("no sweep here"), "no sweep here");
}
