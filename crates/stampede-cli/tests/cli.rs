//! End-to-end tests of the `stampede` binary: each runs the built binary in its own temporary
//! directory on small scenarios (short horizons, small fleets) so the suite stays fast.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, removed when the test passes.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("stampede-cli-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A small scenario: 120 s in 5 s buckets, 100 clients, a 5 s record TTL and an empty DNS answer
/// from 30 s to 60 s.
const SMALL: &str = r#"
version = 1
title = "small test"

[run]
duration_s = 120.0
bucket_s = 5.0
seed = 7

[fleet]
clients = 100

[dns]
record_ttl_s = 5.0

[[faults]]
kind = "dns_empty"
start_s = 30.0
end_s = 60.0
"#;

/// Runs the binary with `args`.
fn stampede<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_stampede"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs the binary with arguments of mixed types (`&str`, `PathBuf`, …).
macro_rules! sh {
    ($($arg:expr),* $(,)?) => {
        stampede([$(OsString::from(AsRef::<OsStr>::as_ref(&$arg))),*])
    };
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn run_prints_a_summary_and_writes_json_csv_and_svg() {
    let dir = TempDir::new("run");
    let scenario = dir.write("small.toml", SMALL);
    let (json, csv, svg) = (dir.path("r.json"), dir.path("r.csv"), dir.path("svg"));
    let o = sh!(
        "run",
        scenario,
        "--json",
        json,
        "--csv",
        csv,
        "--svg",
        svg,
        "--svg-size",
        "640x320",
    );
    assert_exit(&o, 0);
    let out = stdout(&o);
    for needle in [
        "small test",
        "availability",
        "DNS empty answer",
        "peak amplification",
        "peak backend load",
        "recovery",
        "SLO burn",
        "cost of downtime",
        "latency p50 / p90 / p99",
        "events",
        "seed",
    ] {
        assert!(out.contains(needle), "summary lacks {needle}:\n{out}");
    }

    let report: serde_json::Value = serde_json::from_str(&read(&json)).expect("JSON parses");
    assert_eq!(report["seed"], 7);
    let buckets = report["buckets_done"].as_u64().unwrap() as usize;
    assert_eq!(buckets, 24);

    let csv = read(&csv);
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("bucket,start_s,requests_per_bucket,"),
        "{header}"
    );
    assert!(header.contains("latency_p99_ms"), "{header}");
    let columns = header.split(',').count();
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), buckets);
    assert!(rows.iter().all(|r| r.split(',').count() == columns));

    for kind in ["load", "outcomes", "dns", "queue"] {
        let text = read(&svg.join(format!("{kind}.svg")));
        assert!(
            text.starts_with(r#"<svg width="640" height="320""#),
            "{kind}: {}",
            &text[..80.min(text.len())]
        );
        assert!(text.trim_end().ends_with("</svg>"));
    }
}

/// A decoded PNG: its size and every pixel as RGBA.
struct Png {
    width: u32,
    height: u32,
    rgba: Vec<[u8; 4]>,
}

/// Decodes a PNG file, failing the test if it is not a valid PNG.
fn read_png(path: &Path) -> Png {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{}: no PNG signature",
        path.display()
    );
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
    let info = reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let samples = info.color_type.samples();
    let rgba = buf[..info.buffer_size()]
        .chunks_exact(samples)
        .map(|p| match *p {
            [r, g, b, a] => [r, g, b, a],
            [r, g, b] => [r, g, b, 255],
            [l, a] => [l, l, l, a],
            [l] => [l, l, l, 255],
            _ => unreachable!("{samples} samples per pixel"),
        })
        .collect();
    Png {
        width: info.width,
        height: info.height,
        rgba,
    }
}

/// Checks that a PNG chart is `size` pixels and shows a drawing: many colours (anti-aliased
/// lines and text), a fair share of pixels unlike the background (the top-left pixel), and a
/// caption: dark grey text spread over many columns of the top twelfth, which stays empty when
/// the font is missing (an axis line is one or two columns; heatmap cells are not grey).
fn assert_png_chart(path: &Path, size: (u32, u32)) {
    let png = read_png(path);
    let name = path.display();
    assert_eq!((png.width, png.height), size, "{name}: size");
    assert_eq!(png.rgba.len(), (size.0 * size.1) as usize, "{name}: pixels");
    let colours: std::collections::HashSet<[u8; 4]> = png.rgba.iter().copied().collect();
    assert!(
        colours.len() >= 32,
        "{name}: only {} colours",
        colours.len()
    );
    let background = png.rgba[0];
    let drawn = png.rgba.iter().filter(|p| **p != background).count();
    assert!(
        drawn * 50 >= png.rgba.len(),
        "{name}: only {drawn} of {} pixels differ from the background",
        png.rgba.len()
    );
    let (w, h) = (png.width as usize, png.height as usize);
    let dark_grey = |[r, g, b, _]: [u8; 4]| {
        let (lo, hi) = (r.min(g).min(b), r.max(g).max(b));
        hi < 110 && hi - lo < 24
    };
    let caption_columns = (0..w)
        .filter(|&x| (0..h / 12).any(|y| dark_grey(png.rgba[y * w + x])))
        .count();
    assert!(
        caption_columns >= w / 16,
        "{name}: dark text in {caption_columns} of {w} caption columns; is the font there?"
    );
}

#[test]
fn run_writes_png_charts_of_the_chart_size_times_the_scale() {
    let dir = TempDir::new("run-png");
    let scenario = dir.write("small.toml", SMALL);
    let png = dir.path("png");
    let o = sh!(
        "run",
        scenario,
        "--png",
        png,
        "--chart-size",
        "640x320",
        "--png-scale",
        "2",
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("load.png"), "{}", stdout(&o));
    for kind in ["load", "outcomes", "dns", "queue", "latency", "breaker"] {
        assert_png_chart(&png.join(format!("{kind}.png")), (1280, 640));
    }

    for (flag, bad) in [
        ("--png-scale", "5"),
        ("--png-scale", "0"),
        ("--chart-size", "50x50"),
    ] {
        let o = sh!("run", scenario, "--png", png, flag, bad, "--quiet");
        assert_exit(&o, 2);
    }
    let o = sh!(
        "run",
        scenario,
        "--png",
        png,
        "--chart-size",
        "10000x10000",
        "--png-scale",
        "4",
        "--quiet",
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("pixels"), "{}", stderr(&o));
}

#[test]
fn sweep_and_merge_write_png_charts() {
    let dir = TempDir::new("sweep-png");
    let scenario = dir.write("small.toml", SMALL);
    let (csv, heat, bars) = (
        dir.path("s.csv"),
        dir.path("heat.png"),
        dir.path("bars.png"),
    );
    let heat_arg = heat.to_string_lossy();
    let args = sweep_args(
        &scenario,
        &csv,
        &["--png", &heat_arg, "--kpi", "peak_amplification"],
    );
    let o = stampede(args);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("heat.png"), "{}", stdout(&o));
    assert_png_chart(&heat, (900, 560));

    let o = sh!(
        "sweep",
        scenario,
        "--vary",
        "policy=retry-grpc-throttled,retry-envoy",
        "--out",
        dir.path("p.csv"),
        "--chart",
        dir.path("bars.svg"),
        "--png",
        bars,
        "--png-scale",
        "2",
        "--kpi",
        "availability",
        "--quiet",
    );
    assert_exit(&o, 0);
    assert!(read(&dir.path("bars.svg")).starts_with("<svg"));
    assert_png_chart(&bars, (1800, 1120));

    let merged = dir.path("merged.png");
    let o = sh!(
        "merge",
        csv,
        "--out",
        dir.path("m.csv"),
        "--png",
        merged,
        "--kpi",
        "availability",
    );
    assert_exit(&o, 0);
    assert_png_chart(&merged, (900, 560));

    // `--chart` writes SVG: a .png name there is refused rather than given SVG bytes.
    let o = sh!(
        "merge",
        csv,
        "--out",
        dir.path("m.csv"),
        "--chart",
        dir.path("wrong.png"),
        "--kpi",
        "availability",
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--png"), "{}", stderr(&o));
    assert!(!dir.path("wrong.png").exists());
}

fn sweep_args(scenario: &Path, out: &Path, extra: &[&str]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["sweep".into(), scenario.into()];
    args.extend(
        [
            "--vary",
            "dns.record_ttl_s=5..60:3",
            "--vary",
            "retry.attempts_max=1..3:2",
            "--seeds",
            "2",
            "--jobs",
            "2",
            "--out",
        ]
        .map(OsString::from),
    );
    args.push(out.into());
    args.extend(extra.iter().map(OsString::from));
    args
}

#[test]
fn sharded_sweep_merges_to_the_unsharded_bytes() {
    let dir = TempDir::new("sweep");
    let scenario = dir.write("small.toml", SMALL);
    let (full, merged) = (dir.path("full.csv"), dir.path("merged.csv"));
    let o = stampede(sweep_args(&scenario, &full, &[]));
    assert_exit(&o, 0);
    let full_text = read(&full);
    let lines: Vec<&str> = full_text.lines().collect();
    assert_eq!(
        lines[0],
        "point,dns.record_ttl_s,retry.attempts_max,seed,availability,failed,peak_amplification,\
         peak_backend_load_ratio,time_to_recover_s,metastable,slo_burn,cost"
    );
    assert_eq!(lines.len(), 1 + 3 * 2 * 2);
    for (i, line) in lines[1..].iter().enumerate() {
        assert!(line.starts_with(&format!("{i},")), "point order: {line}");
    }
    assert!(lines[1].starts_with("0,5,1,7,") && lines[2].starts_with("1,5,1,8,"));

    let mut shards = Vec::new();
    for shard in ["0/2", "1/2"] {
        let out = dir.path(&format!("shard{}.csv", &shard[..1]));
        assert_exit(
            &stampede(sweep_args(&scenario, &out, &["--shard", shard])),
            0,
        );
        shards.push(out);
    }
    let o = sh!("merge", shards[1], shards[0], "--out", merged);
    assert_exit(&o, 0);
    assert_eq!(
        read(&merged),
        full_text,
        "merged shards equal the unsharded sweep"
    );
}

#[test]
fn sweep_draws_line_and_heatmap_charts() {
    let dir = TempDir::new("chart");
    let scenario = dir.write("small.toml", SMALL);
    let (csv, line, heat) = (
        dir.path("s.csv"),
        dir.path("line.svg"),
        dir.path("heat.svg"),
    );
    let o = sh!(
        "sweep",
        scenario,
        "--vary",
        "retry.jitter=none,full",
        "--out",
        csv,
        "--chart",
        line,
        "--kpi",
        "peak_amplification",
        "--quiet",
    );
    assert_exit(&o, 0);
    assert!(read(&line).starts_with("<svg"));
    let heat_arg = heat.to_string_lossy();
    let args = sweep_args(
        &scenario,
        &csv,
        &["--chart", &heat_arg, "--kpi", "availability"],
    );
    assert_exit(&stampede(args), 0);
    let svg = read(&heat);
    assert!(svg.starts_with("<svg") && svg.contains("dns.record_ttl_s"));

    let o = sh!(
        "sweep",
        scenario,
        "--vary",
        "retry.jitter=none,full",
        "--out",
        csv,
        "--chart",
        line,
        "--kpi",
        "goodness",
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("time_to_recover_s"), "{}", stderr(&o));
}

#[test]
fn validate_lists_every_problem_with_its_path_and_exits_2() {
    let dir = TempDir::new("validate");
    let bad = dir.write(
        "bad.toml",
        "version = 1\n[run]\nduration_s = -5.0\n[fleet]\nclients = 0\n\
         [[faults]]\nkind = \"dns_empty\"\nstart_s = 50.0\nend_s = 10.0\n",
    );
    let o = sh!("validate", bad);
    assert_exit(&o, 2);
    let out = stdout(&o);
    for path in ["run.duration_s:", "fleet.clients:", "faults[0].end_s:"] {
        assert!(out.contains(path), "{path} missing from:\n{out}");
    }

    let good = dir.write("good.toml", SMALL);
    let o = sh!("validate", good);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("valid"));

    let json = dir.write(
        "bad.json",
        r#"{"version": 1, "fleet": {"clients": 0}, "run": {"bucket_s": 0}}"#,
    );
    let o = sh!("run", json);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("fleet.clients") && stderr(&o).contains("run.bucket_s"));
}

#[test]
fn bad_input_gives_clear_errors_and_exit_codes() {
    let dir = TempDir::new("errors");
    let o = sh!("run", dir.path("missing.toml"));
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("cannot read") && stderr(&o).contains("missing.toml"));

    let syntax = dir.write("syntax.toml", "version = 1\n[run\n");
    let o = sh!("run", syntax);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));

    let o = sh!("run", "--preset", "no-such-preset");
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("october-2025-dns"));
}

#[test]
fn set_with_an_unknown_key_suggests_the_nearest() {
    let dir = TempDir::new("set");
    let scenario = dir.write("small.toml", SMALL);
    let o = sh!("run", scenario, "--set", "retry.atempts_max=3");
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("did you mean `retry.attempts_max`?"),
        "{}",
        stderr(&o)
    );
    let o = sh!(
        "run",
        scenario,
        "--set",
        "retry.attempts_max=3",
        "--seed",
        "11",
        "-q",
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).is_empty());
}

#[test]
fn diff_prints_both_columns_and_the_difference() {
    let dir = TempDir::new("diff");
    let a = dir.write("a.toml", SMALL);
    let b = dir.write("b.toml", &SMALL.replace("clients = 100", "clients = 150"));
    let o = sh!("diff", a, b, "--seed", "3");
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("seed 3"), "{out}");
    let header = out.lines().nth(1).unwrap();
    assert!(
        header.contains("A: ") && header.contains("B: ") && header.contains("B − A"),
        "{header}"
    );
    let failed = out
        .lines()
        .find(|l| l.starts_with("failed "))
        .expect("failed row");
    let cells: Vec<&str> = failed.split_whitespace().collect();
    assert!(cells.len() >= 4, "kpi, A, B, B − A: {failed}");
    assert_ne!(
        cells[1], cells[2],
        "different fleets fail differently: {failed}"
    );
}

#[test]
fn presets_lists_every_preset_and_policy() {
    let o = sh!("presets");
    assert_exit(&o, 0);
    let out = stdout(&o);
    for preset in stampede_core::presets::PRESETS {
        assert!(out.contains(preset.name), "{} missing", preset.name);
        assert!(
            out.contains(&preset.title()),
            "{} title missing",
            preset.name
        );
    }
    for policy in stampede_core::presets::POLICIES {
        assert!(
            out.contains(&format!("{}\n  {}", policy.name, policy.description())),
            "policy {} or its description missing",
            policy.name
        );
    }
}

#[test]
fn help_documents_the_exit_codes() {
    let o = sh!("--help");
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("Exit codes") && out.contains("2  invalid input"),
        "{out}"
    );
}

#[test]
fn schema_prints_the_json_schema_of_every_section() {
    let o = stampede(["schema"]);
    assert_exit(&o, 0);
    let schema: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("schema is JSON");
    let properties = schema["properties"]
        .as_object()
        .expect("top-level properties");
    for section in [
        "run",
        "fleet",
        "client_dns",
        "resolver",
        "retry",
        "retry_budget",
        "breaker",
        "backend",
        "faults",
    ] {
        assert!(properties.contains_key(section), "schema lacks `{section}`");
    }
}

#[test]
fn policies_apply_with_set_and_vary_and_unknown_ones_are_named() {
    let dir = TempDir::new("policy");
    let scenario = dir.write("small.toml", SMALL);
    let out = dir.path("policies.csv");
    let o = sh!(
        "sweep",
        scenario.clone(),
        "--vary",
        "policy=retry-grpc-throttled,retry-aws-standard-2026",
        "--out",
        out.clone(),
        "--chart",
        dir.path("bars.svg"),
        "--kpi",
        "availability",
    );
    assert_exit(&o, 0);
    let bars = read(&dir.path("bars.svg"));
    assert!(
        bars.starts_with("<svg") && bars.contains("retry-grpc-throttled"),
        "a bar per policy"
    );
    let csv = read(&out);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "header and one row per policy:\n{csv}");
    assert!(rows[0].starts_with("point,policy,"));
    assert!(
        rows[1].contains("retry-grpc-throttled") && rows[2].contains("retry-aws-standard-2026")
    );
    let bad = sh!("run", scenario, "--set", "policy=retry-nope");
    assert_exit(&bad, 2);
    assert!(
        stderr(&bad).contains("retry-grpc-throttled"),
        "lists known policies: {}",
        stderr(&bad)
    );
}

/// A sweep killed part-way (as Ctrl-C would end it) leaves a valid prefix: the header and complete
/// rows of points 0, 1, 2, … in order, because rows are written in point order and flushed one
/// complete row at a time. SIGKILL is used: it is harsher than SIGINT (no handler runs at all).
#[test]
fn an_interrupted_sweep_keeps_the_rows_already_written() {
    let dir = TempDir::new("interrupt");
    let out = dir.path("partial.csv");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stampede"))
        .args([
            "sweep",
            "--preset",
            "naive-retry-storm",
            "--vary",
            "retry.attempts_max=1..20:20",
        ])
        .args(["--seeds", "10", "--jobs", "2", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the sweep");
    let started = std::time::Instant::now();
    while std::fs::read_to_string(&out).map_or(0, |t| t.lines().count()) < 4 {
        assert!(started.elapsed().as_secs() < 120, "the sweep wrote no rows");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("kill the sweep");
    child.wait().expect("reap the sweep");
    let text = read(&out);
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let columns = header.split(',').count();
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.len() >= 3 && rows.len() < 200,
        "killed part-way: {} rows",
        rows.len()
    );
    assert!(text.ends_with('\n'), "the last row is complete");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(
            row.split(',').count(),
            columns,
            "row {i} is complete: {row}"
        );
        assert_eq!(
            row.split(',').next(),
            Some(i.to_string().as_str()),
            "rows are in point order"
        );
    }
}

/// Two client classes: a sweep writes one `availability.<class>` column each (the classes' own
/// ratios, which bracket the overall one), and `diff` compares them row by row.
#[test]
fn sweeps_and_diffs_report_each_client_class() {
    let dir = TempDir::new("classes");
    let scenario = dir.write(
        "classes.toml",
        &format!(
            "{SMALL}\n[[fleets]]\nname = \"cached\"\nclients = 60\npolicies = [\"dns-jvm\"]\n\n\
             [[fleets]]\nname = \"uncached\"\nclients = 40\npolicies = [\"dns-glibc-go\"]\n"
        ),
    );
    let out = dir.path("classes.csv");
    let o = stampede(sweep_args(&scenario, &out, &[]));
    assert_exit(&o, 0);
    let csv = read(&out);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    let (all, cached, uncached) = (
        column("availability"),
        column("availability.cached"),
        column("availability.uncached"),
    );
    for line in lines {
        let cells: Vec<f64> = line
            .split(',')
            .map(|c| c.parse().unwrap_or(f64::NAN))
            .collect();
        let (lo, hi) = (
            cells[cached].min(cells[uncached]),
            cells[cached].max(cells[uncached]),
        );
        assert!(
            lo <= cells[all] && cells[all] <= hi,
            "the overall availability lies between the classes': {line}"
        );
    }
    let o = sh!(
        "diff",
        &scenario,
        &scenario,
        "--set-b",
        "client_dns.negative_ttl_s=0"
    );
    assert_exit(&o, 0);
    let text = stdout(&o);
    assert!(
        text.lines().any(|l| l.starts_with("availability.cached "))
            && text
                .lines()
                .any(|l| l.starts_with("availability.uncached ")),
        "{text}"
    );
}

/// Two resolvers: `run` prints the overall resolver load and when it peaked, then one row per
/// resolver, with the figures of the JSON summary, and `diff` one
/// `peak_resolver_load_ratio.<resolver>` row each; one resolver prints no such row (its row
/// would repeat the overall one).
#[test]
fn runs_and_diffs_report_each_resolver_when_there_are_several() {
    use stampede_core::report::{number, thousands};
    let dir = TempDir::new("resolvers");
    let one = dir.write("one.toml", SMALL);
    let two = dir.write(
        "two.toml",
        &format!(
            "{SMALL}\n[[resolvers]]\ncapacity_qps = 30.0\n\n[[resolvers]]\ncapacity_qps = 500.0\n"
        ),
    );
    let json = dir.path("two.json");
    let o = sh!("run", &two, "--json", &json);
    assert_exit(&o, 0);
    let text = stdout(&o);
    let report: serde_json::Value = serde_json::from_str(&read(&json)).expect("JSON parses");
    let summary = &report["summary"];
    let overall = format!(
        "  {:<28}{} × capacity, at {} s",
        "peak resolver load",
        number(summary["peak_resolver_load_ratio"].as_f64().unwrap(), 2),
        number(summary["peak_resolver_load_at_s"].as_f64().unwrap(), 1),
    );
    assert!(text.lines().any(|l| l == overall), "{overall:?} in\n{text}");
    let resolvers = summary["resolvers"].as_array().unwrap();
    assert_eq!(resolvers.len(), 2, "one summary per resolver");
    for (i, r) in resolvers.iter().enumerate() {
        let name = format!("resolver:{i}");
        assert_eq!(r["name"], name.as_str());
        let expected = format!(
            "    {name:<26}peak {} × capacity at {} s; {} queries, {} dropped",
            number(r["peak_load_ratio"].as_f64().unwrap(), 2),
            number(r["peak_load_at_s"].as_f64().unwrap(), 1),
            thousands(r["queries"].as_u64().unwrap()),
            thousands(r["dropped"].as_u64().unwrap()),
        );
        assert!(
            text.lines().any(|l| l == expected),
            "{expected:?} in\n{text}"
        );
    }
    let o = sh!("run", &one);
    assert_exit(&o, 0);
    assert!(!stdout(&o).contains("resolver:0"), "{}", stdout(&o));

    let o = sh!("diff", &one, &two);
    assert_exit(&o, 0);
    let text = stdout(&o);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("peak_resolver_load_ratio.{name} ")))
            .unwrap_or_else(|| panic!("no row for {name} in\n{text}"))
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
    };
    // Resolver 1 exists only in B: A's cell is empty.
    assert_eq!(row("resolver:1")[0], "—", "{text}");
    let both = row("resolver:0");
    assert!(
        both[0].parse::<f64>().is_ok() && both[1].parse::<f64>().is_ok(),
        "{text}"
    );
}

/// Seconds a name answered a region other than its primary, from its switches in the JSON
/// summary, up to `end_s`.
fn secondary_s_from_switches(name: &serde_json::Value, end_s: f64) -> f64 {
    let (mut region, mut since, mut secondary) = (0, 0.0, 0.0);
    for switch in name["switches"].as_array().unwrap() {
        let at_s = switch["at_s"].as_f64().unwrap();
        if region != 0 {
            secondary += at_s - since;
        }
        region = switch["region"].as_u64().unwrap();
        since = at_s;
    }
    if region != 0 {
        secondary += end_s - since;
    }
    secondary
}

/// Two resolvers and a failover name (the `dependency-failover` preset, smaller): a sweep
/// writes each resolver's peak load and dropped queries and the failover name's time on its
/// secondary region, the figures `run --json` reports for the same scenario and seed; names
/// without failover routing get no column; `diff` has a row for each of those columns.
#[test]
fn sweeps_report_each_resolver_and_failover_name() {
    use stampede_core::scenario::raw::{RawResolver, RoutingPolicy};
    let dir = TempDir::new("entries");
    let mut raw = stampede_core::presets::find("dependency-failover")
        .expect("preset")
        .raw()
        .expect("parses");
    for class in &mut raw.fleets {
        class.clients = 40;
    }
    raw.resolvers = [30.0, 500.0]
        .map(|capacity_qps| RawResolver {
            capacity_qps,
            ..raw.resolver.clone()
        })
        .to_vec();
    let scenario = dir.write("entries.json", &serde_json::to_string(&raw).unwrap());
    let json = dir.path("entries-run.json");
    assert_exit(&sh!("run", &scenario, "--json", &json, "--quiet"), 0);
    let report: serde_json::Value = serde_json::from_str(&read(&json)).expect("JSON parses");
    let summary = &report["summary"];

    let out = dir.path("entries.csv");
    let o = sh!(
        "sweep",
        &scenario,
        "--vary",
        format!("retry.attempts_max={}", raw.retry.attempts_max),
        "--seeds",
        "2",
        "--out",
        &out,
        "--quiet"
    );
    assert_exit(&o, 0);
    let csv = read(&out);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    // Point 0 is the scenario's own run.
    let cell = |column: &str| {
        let i = header
            .iter()
            .position(|h| *h == column)
            .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
        rows[0][i]
    };
    let resolvers = summary["resolvers"].as_array().unwrap();
    assert_eq!(resolvers.len(), raw.resolvers.len());
    for r in resolvers {
        let name = r["name"].as_str().unwrap();
        assert_eq!(
            cell(&format!("peak_resolver_load_ratio.{name}")),
            r["peak_load_ratio"].as_f64().unwrap().to_string()
        );
        assert_eq!(
            cell(&format!("dns_dropped.{name}")),
            r["dropped"].as_u64().unwrap().to_string()
        );
    }
    let end_s = report["buckets_done"].as_f64().unwrap() * report["bucket_s"].as_f64().unwrap();
    let end_s = end_s.min(raw.run.duration_s);
    for (i, name) in summary["names"].as_array().unwrap().iter().enumerate() {
        let column = format!("time_on_secondary_s.{}", name["name"].as_str().unwrap());
        let routing = if i == 0 {
            raw.dns.routing
        } else {
            raw.names[i - 1].routing
        };
        let failover = routing == RoutingPolicy::Failover;
        assert_eq!(header.contains(&column.as_str()), failover, "{header:?}");
        if failover {
            let secondary_s: f64 = cell(&column).parse().unwrap();
            let expected_s = secondary_s_from_switches(name, end_s);
            assert!(
                expected_s > 0.0 && (secondary_s - expected_s).abs() < 1e-6,
                "{column}: {secondary_s} vs {expected_s} from the switches"
            );
        }
    }
    // `diff` compares the same entries, named and ordered as the sweep's columns after `cost`.
    let o = sh!("diff", &scenario, &scenario);
    assert_exit(&o, 0);
    let text = stdout(&o);
    let diff_rows: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|kpi| kpi.contains('.'))
        .collect();
    let cost = header
        .iter()
        .position(|h| *h == "cost")
        .expect("a cost column");
    assert_eq!(diff_rows, header[cost + 1..], "{text}");
}

/// A load spike into a queue whose wait crosses the clients' timeout: the survival boundary is
/// known from queueing theory.
///
/// Numbers: λ = 1800 clients × 1 request/s = 1800 requests/s; the backend has c = 200 workers
/// with a constant service time s = 100 ms, so it serves μ = c/s = 2000 requests/s (ρ = 0.9,
/// an M/D/200 queue whose wait is a few ms before the fault). The spike multiplies arrivals
/// by F = 1.5 to Fλ = 2700/s, so the queue grows at Fλ − μ = 700 requests/s, deterministically
/// up to Poisson noise, and an attempt that finds Q waiting waits Q/μ. The attempt timeout
/// T = 2 s covers wait plus service (the engine times out an attempt whose service would end at
/// or after T), so attempts fail once the wait exceeds T − s = 1.9 s, i.e. once the queue holds
/// μ(T − s) = 3800 requests. The spike of length D reaches that iff 700 · D > 3800:
///
///   D* = μ(T − s) / (Fλ − μ) = 3800 / 700 = 5.43 s,   and for a spike of D = 5 s,
///   F* = (μ(T − s)/D + μ) / λ = (760 + 2000) / 1800 = 1.533.
///
/// Along the worker count c (a 5 s spike) more workers help: μ = c/s = 10c per second, the
/// queue grows at 2700 − 10c and collapses the run once it holds 10c · 1.9 = 19c, so it
/// collapses iff 5 · (2700 − 10c) > 19c ⇔ c < 13500/69 = 195.7: the design recovers from
/// c* = 196 workers on (σ ≈ 116/69 ≈ 1.7 workers). Far above c* the queue drains within a
/// bucket or two and goodput falls back to λ, where a bucket of 1800 ± 42 requests misses
/// 95 % of the baseline by Poisson noise alone about once in 40 buckets: a seed of ten may
/// then read metastable, which a 50 % share absorbs.
///
/// Why crossing it is the verdict: without retries (attempts_max = 1) the attempts that waited
/// too long are served, wasted, about T after they arrived, i.e. right after the spike ends, so
/// goodput in the first metric buckets after the fault drops below 95 % of the baseline (1800/s:
/// the queue drains at μ = 2000/s, so losing 0.15 s of a 1 s bucket suffices, a few dozen
/// requests past the threshold: +0.05 s at most). With a 1 s recovery window, recovery must
/// start in the first bucket after the fault: a dip there makes the run metastable, no dip
/// recovers. Seed noise: the queue at D* varies by √(Fλ · D*) ≈ 121 requests, σ ≈ 0.17 s of
/// spike, so at a 50 % share the boundary is D* within ±0.25 s (the median of 10 seeds varies
/// by about 0.07 s), and at 90 % it is lower.
const QUEUE_TIMEOUT: &str = r#"
version = 1
title = "queue wait crosses the timeout"

[run]
duration_s = 40.0
bucket_s = 1.0
seed = 1
recovery_window_s = 1.0

[fleet]
clients = 1800
request_rate_per_client_per_s = 1.0
attempt_timeout_ms = 2000.0

[retry]
attempts_max = 1

[dns]
record_ttl_s = 3600.0

[backend]
workers = 200
service_time = "constant"
service_ms_mean = 100.0
queue_capacity = 1000000

[[faults]]
kind = "load_spike"
start_s = 10.0
end_s = 15.0
factor = 1.5
"#;

/// The `(holds, fails)` values of a boundary answer ("… (5.5–5.53 s: 5.5 holds, 5.53 does
/// not)"), or `None` when it states there is none in the range.
fn boundary_values(o: &Output) -> Option<(f64, f64)> {
    assert_exit(o, 0);
    let text = stdout(o);
    let last = text.lines().last().unwrap_or_default();
    if last.contains("no boundary in range") {
        return None;
    }
    let number = |word: &str| {
        let (before, _) = last.split_once(word).unwrap_or_else(|| panic!("{text}"));
        before.rsplit(" ").next().unwrap().parse::<f64>().unwrap()
    };
    Some((number(" holds"), number(" does not")))
}

#[test]
fn boundary_finds_where_the_queue_wait_crosses_the_timeout() {
    let dir = TempDir::new("boundary");
    let scenario = dir.write("queue.toml", QUEUE_TIMEOUT);
    let search = |trigger: &str, share: &str, resolution: &str| {
        sh!(
            "boundary",
            scenario,
            "--trigger",
            trigger,
            "--share",
            share,
            "--seeds",
            "10",
            "--resolution",
            resolution,
            "--jobs",
            "2"
        )
    };
    let duration_star = 2000.0 * 1.9 / 700.0;
    let o = search("outage.duration_s=2..10", "0.5", "0.05");
    let (holds, fails) = boundary_values(&o).expect("a boundary");
    assert!(holds < fails && fails - holds <= 0.05, "{}", stdout(&o));
    assert!(
        (holds - duration_star).abs() < 0.25 && (fails - duration_star).abs() < 0.3,
        "D* = {duration_star:.3} s from theory: {}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("up to"), "{}", stdout(&o));
    // Each probe is the sweep's points at that value: the seeds recovered at 5.5 s (a probe of
    // this search, halfway between 5 and 6) are the sweep's rows there that are not metastable.
    let probe_row = stdout(&o)
        .lines()
        .find(|l| l.starts_with("5.5 s "))
        .map(|l| {
            l.split_whitespace()
                .nth(2)
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .expect("a probe at 5.5 s");
    let csv = dir.path("at-5.5.csv");
    let sweep = sh!(
        "sweep",
        scenario,
        "--vary",
        "outage.duration_s=5.5",
        "--seeds",
        "10",
        "--out",
        csv
    );
    assert_exit(&sweep, 0);
    let recovered = read(&csv)
        .lines()
        .skip(1)
        .filter(|l| l.contains(",false,"))
        .count();
    assert_eq!(probe_row, recovered, "{}", read(&csv));
    // A larger share of seeds holds only for shorter spikes.
    let (holds_90, _) = boundary_values(&search("outage.duration_s=2..10", "0.9", "0.05")).unwrap();
    assert!(holds_90 <= holds, "90 %: {holds_90} s, 50 %: {holds} s");

    // More workers help: the low end fails, the high end holds, the answer reads "from".
    let o = search("backend.workers=150..250", "0.5", "1");
    let (holds, fails) = boundary_values(&o).expect("a boundary");
    assert!(
        fails + 1.0 == holds && (holds - 196.0).abs() <= 4.0 && stdout(&o).contains("from"),
        "c* = 196 workers from theory: {}",
        stdout(&o)
    );

    // The same boundary along the spike's factor, for a spike of 5 s.
    let factor_star = (2000.0 * 1.9 / 5.0 + 2000.0) / 1800.0;
    let o = search("outage.factor=1..3", "0.5", "0.005");
    let (holds, fails) = boundary_values(&o).expect("a boundary");
    // σ of the queue ≈ √(2760 · 5) ≈ 117 requests ≈ 117 / (5 s · 1800/s) ≈ 0.013 in F.
    assert!(
        (holds - factor_star).abs() < 0.04 && fails > holds,
        "F* = {factor_star:.4} from theory: {}",
        stdout(&o)
    );
}

#[test]
fn boundary_says_when_the_range_holds_none_and_refuses_bad_input() {
    let dir = TempDir::new("boundary-none");
    let scenario = dir.write("queue.toml", QUEUE_TIMEOUT);
    // Fλ ≤ 1.1 · 1800 = 1980/s stays below μ = 2000/s: the queue never grows.
    let o = sh!(
        "boundary",
        scenario,
        "--trigger",
        "outage.factor=1..1.1",
        "--seeds",
        "3"
    );
    assert_eq!(boundary_values(&o), None);
    assert!(
        stdout(&o).contains("recovers in at least 90 % of 3 seeds everywhere"),
        "{}",
        stdout(&o)
    );
    // From 8 s the queue always passes 3800 requests (700 · 8 = 5600, 20 σ above).
    let o = sh!(
        "boundary",
        scenario,
        "--trigger",
        "outage.duration_s=8..10",
        "--seeds",
        "3"
    );
    assert_eq!(boundary_values(&o), None);
    assert!(stdout(&o).contains("fails to recover"), "{}", stdout(&o));

    // Without a fault there is nothing to recover from: said, not counted as recovered.
    let no_fault = dir.write(
        "no-fault.toml",
        QUEUE_TIMEOUT.split("[[faults]]").next().unwrap(),
    );
    let o = sh!(
        "boundary",
        no_fault,
        "--trigger",
        "backend.workers=100..200",
        "--seeds",
        "2"
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("no fault"), "{}", stderr(&o));

    for (args, expected) in [
        (&["--trigger", "outage.kind=0..2"][..], "numeric parameter"),
        (
            &["--trigger", "outage.duraton_s=1..2"],
            "did you mean `outage.duration_s`",
        ),
        (&["--trigger", "outage.duration_s=5..1"], "must be below"),
        (
            &["--trigger", "outage.duration_s=1..5", "--share", "1.5"],
            "--share",
        ),
        (
            &["--trigger", "outage.duration_s=1..5", "--seeds", "0"],
            "--seeds",
        ),
        // A 35 s spike from 10 s outlasts the 40 s run: no verdict.
        (&["--trigger", "outage.duration_s=1..35"], "run.duration_s"),
    ] {
        let o = stampede(
            ["boundary".as_ref(), scenario.as_os_str()]
                .into_iter()
                .chain(args.iter().map(OsStr::new)),
        );
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
}

/// Every variable `--shard auto` reads, cleared before each run so the machine's own (a CI
/// job running under Slurm) cannot leak in.
const BATCH_VARS: &[&str] = &[
    "JOB_COMPLETION_INDEX",
    "STAMPEDE_SHARD_COUNT",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "AWS_BATCH_JOB_ARRAY_SIZE",
];

/// A batch engine's variables for task `i` of `n`.
type EngineVars = fn(usize, usize) -> Vec<(&'static str, String)>;

/// Runs the binary with `args` and exactly the batch variables `vars`.
fn stampede_under(args: &[OsString], vars: &[(&str, String)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stampede"));
    command.args(args);
    for var in BATCH_VARS {
        command.env_remove(var);
    }
    command.envs(vars.iter().map(|(k, v)| (k, v)));
    command.output().expect("the binary runs")
}

#[test]
fn shard_auto_under_each_batch_engine_merges_to_the_unsharded_sweep() {
    let dir = TempDir::new("shard-auto");
    let scenario = dir.write("small.toml", SMALL);
    let full = dir.path("full.csv");
    assert_exit(&stampede_under(&sweep_args(&scenario, &full, &[]), &[]), 0);
    let full_text = read(&full);
    let count = 3;
    // Each engine's variables for task `i` of `count`: Slurm's array is --array=1-3 (IDs from 1).
    let engines: [(&str, EngineVars); 3] = [
        ("kubernetes", |i, n| {
            vec![
                ("JOB_COMPLETION_INDEX", i.to_string()),
                ("STAMPEDE_SHARD_COUNT", n.to_string()),
            ]
        }),
        ("slurm", |i, n| {
            vec![
                ("SLURM_ARRAY_TASK_ID", (i + 1).to_string()),
                ("SLURM_ARRAY_TASK_COUNT", n.to_string()),
                ("SLURM_ARRAY_TASK_MIN", "1".to_string()),
                ("SLURM_ARRAY_TASK_MAX", n.to_string()),
                ("SLURM_ARRAY_TASK_STEP", "1".to_string()),
            ]
        }),
        ("aws", |i, n| {
            vec![
                ("AWS_BATCH_JOB_ARRAY_INDEX", i.to_string()),
                ("AWS_BATCH_JOB_ARRAY_SIZE", n.to_string()),
            ]
        }),
    ];
    for (engine, vars) in engines {
        let mut parts = Vec::new();
        for i in 0..count {
            let out = dir.path(&format!("{engine}-{i}.csv"));
            let o = stampede_under(
                &sweep_args(&scenario, &out, &["--shard", "auto"]),
                &vars(i, count),
            );
            assert_exit(&o, 0);
            assert!(
                stdout(&o).contains(&format!("shard {i}/{count} ran 4 ")),
                "{engine}: {}",
                stdout(&o)
            );
            parts.push(out);
        }
        let merged = dir.path(&format!("{engine}-merged.csv"));
        let mut args: Vec<OsString> = vec!["merge".into()];
        args.extend(parts.iter().rev().map(OsString::from));
        args.extend(["--out".into(), merged.clone().into()]);
        assert_exit(&stampede_under(&args, &[]), 0);
        assert_eq!(
            read(&merged),
            full_text,
            "{engine}: merged shards equal the unsharded sweep"
        );
    }
    // No engine, a partial one, or two that disagree: exit 2 with the variables named.
    let out = dir.path("refused.csv");
    let args = sweep_args(&scenario, &out, &["--shard", "auto"]);
    for (vars, expected) in [
        (vec![], "no batch engine found"),
        (
            vec![("JOB_COMPLETION_INDEX", "0".to_string())],
            "STAMPEDE_SHARD_COUNT is not set",
        ),
        (
            vec![
                ("AWS_BATCH_JOB_ARRAY_INDEX", "0".to_string()),
                ("AWS_BATCH_JOB_ARRAY_SIZE", "2".to_string()),
                ("JOB_COMPLETION_INDEX", "1".to_string()),
                ("STAMPEDE_SHARD_COUNT", "2".to_string()),
            ],
            "says shard",
        ),
    ] {
        let o = stampede_under(&args, &vars);
        assert_exit(&o, 2);
        assert!(
            stderr(&o).contains("--shard auto") && stderr(&o).contains(expected),
            "{}",
            stderr(&o)
        );
    }
}

/// Type-7 quantile (R's default) of sorted values, written out here independently of the core.
fn quantile_7(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - h.floor()) * (sorted[hi] - sorted[lo])
}

#[test]
fn bands_give_the_median_and_interval_of_the_sweeps_seeds_and_draw_them() {
    let dir = TempDir::new("bands");
    // A slowdown right at the naive retry storm's capacity: some seeds collapse, others not.
    let set = ["--set", "outage.factor=1.25"];
    let csv = dir.path("seeds.csv");
    let o = sh!(
        "sweep",
        "--preset",
        "naive-retry-storm",
        set[0],
        set[1],
        "--vary",
        "outage.factor=1.25",
        "--seeds",
        "10",
        "--out",
        csv
    );
    assert_exit(&o, 0);
    let text = read(&csv);
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let mut availability: Vec<f64> = rows
        .iter()
        .map(|r| r[column("availability")].parse::<f64>().unwrap() * 100.0)
        .collect();
    availability.sort_by(f64::total_cmp);
    let metastable = rows
        .iter()
        .filter(|r| r[column("metastable")] == "true")
        .count();

    let charts = dir.path("charts");
    let o = sh!(
        "bands",
        "--preset",
        "naive-retry-storm",
        set[0],
        set[1],
        "--seeds",
        "10",
        "--svg",
        charts
    );
    assert_exit(&o, 0);
    let out = stdout(&o);
    // "availability M % (L–H %, 10 seeds)", each to two decimals.
    let line = out
        .lines()
        .find(|l| l.trim().starts_with("availability"))
        .unwrap();
    let numbers: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|t| t.parse().ok())
        .collect();
    let expected = [0.5, 0.1, 0.9].map(|q| quantile_7(&availability, q));
    for (shown, expected) in numbers.iter().zip(expected) {
        assert!(
            (shown - expected).abs() <= 0.05 + 1e-9,
            "{line}: expected {expected:?}"
        );
    }
    assert!(line.ends_with("10 seeds)"), "{line}");
    assert!(
        out.contains(&format!("metastable in {metastable} of 10 seeds")),
        "{out}\n{metastable} metastable in the sweep"
    );
    assert!(
        metastable > 0 && metastable < 10,
        "the preset at 1.25 should split the seeds"
    );
    let svg = read(&charts.join("outcomes.svg"));
    assert!(svg.contains("median of 10 seeds") && svg.contains("<polygon"));
}

/// Every built-in lesson, every step, three seeds: the goal is unmet at the start and met by the
/// recorded solution (a model change that breaks a lesson fails here).
#[test]
fn lesson_check_passes_for_every_built_in_lesson() {
    let o = stampede(["lesson", "check"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(!out.contains("FAIL"), "{out}");
    let list = stdout(&stampede(["lesson", "list"]));
    let ids: Vec<&str> = list
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .collect();
    assert!(ids.len() >= 10, "{list}");
    for id in ids {
        assert!(
            out.contains(&format!("ok    {id} step 1 ")),
            "{id} not checked:\n{out}"
        );
    }
    assert!(
        out.contains("3 seed(s) each: every goal is unmet at the start and met by the solution"),
        "{out}"
    );
}

/// A lesson file whose solution does not reach its goal: exit 1, the failing condition with its
/// measured figure and the goal.
#[test]
fn lesson_check_names_the_condition_a_solution_misses() {
    let dir = TempDir::new("lesson");
    let lesson = r#"
id = "bad-solution"
title = "A solution that misses"
audience = "tests"
duration_min = 5
summary = "The solution changes nothing that matters."

[start]
preset = "serve-stale"
set = ["run.duration_s=180", "outage.start_s=60", "outage.duration_s=60", "fleet.clients=100"]

[[steps]]
title = "Step one"
narrative = "The zone times out; serve-stale is off."
controls = ["resolver.serve_stale", "resolver.stale_answer_ttl_s"]
set = ["resolver.serve_stale=false"]
goal = [{ kpi = "availability", op = ">=", value = 0.99 }]
hints = ["Serve stale answers."]
solution = ["resolver.stale_answer_ttl_s=60"]
expected = "It does not work."
debrief = "RFC 8767."
"#;
    let path = dir.write("bad-solution.toml", lesson);
    let o = stampede([
        OsStr::new("lesson"),
        OsStr::new("check"),
        path.as_os_str(),
        OsStr::new("--seeds"),
        OsStr::new("2"),
    ]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    let fails: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fails.len(), 2, "one line per seed:\n{out}");
    for line in fails {
        assert!(line.contains("bad-solution step 1 (seed "), "{line}");
        assert!(
            line.contains("the solution misses the goal: availability "),
            "{line}"
        );
        assert!(line.ends_with(" %, goal ≥ 99 %"), "{line}");
    }
    assert!(
        stderr(&o).contains("a lesson check failed"),
        "{}",
        stderr(&o)
    );
}

/// Runs the binary with `args` and `input` on standard input.
fn stampede_with_stdin(args: &[OsString], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_stampede"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input)
        .expect("stdin takes the input");
    child.wait_with_output().expect("the binary ends")
}

/// One bad input of the issue's list: the arguments (`{small}` is the small scenario's path,
/// `{csv}` a sweep CSV's), what goes to standard input, the exit status, and what the output
/// must say (stdout and stderr together).
struct Case {
    args: &'static str,
    stdin: &'static [u8],
    exit: i32,
    says: &'static [&'static str],
}

/// Every documented command-line contract on bad (or unusual) input, one row each: what a user
/// types and what they must be told, with the exit status docs/cli.md promises.
#[test]
fn bad_input_is_named_and_exits_as_documented() {
    let dir = TempDir::new("contract");
    let small = dir.write("small.toml", SMALL);
    let csv = dir.path("sweep.csv");
    assert_exit(
        &sh!(
            "sweep",
            &small,
            "--vary",
            "retry.attempts_max=1,2",
            "--out",
            &csv,
            "--quiet"
        ),
        0,
    );
    let header = read(&csv).lines().next().unwrap().to_string();
    let columns = header.split(',').count() - 1;
    for (name, point) in [("minus", "-1"), ("abc", "abc"), ("huge", "99999999999")] {
        let row = format!("{point}{}", ",1".repeat(columns));
        dir.write(&format!("{name}.csv"), &format!("{header}\n{row}\n"));
    }
    let cases = [
        Case {
            args: "merge {dir}/minus.csv --out {dir}/m.csv",
            stdin: b"",
            exit: 2,
            says: &["line 2", "point `-1`"],
        },
        Case {
            args: "merge {dir}/abc.csv --out {dir}/m.csv",
            stdin: b"",
            exit: 2,
            says: &["line 2", "point `abc`"],
        },
        Case {
            args: "merge {dir}/huge.csv --out {dir}/m.csv",
            stdin: b"",
            exit: 2,
            says: &["point `99999999999`"],
        },
        Case {
            args: "sweep {small} --vary retry.attempts_max=1,2 --vary retry.attempts_max=3 --out {dir}/x.csv",
            stdin: b"",
            exit: 2,
            says: &["--vary retry.attempts_max", "varied twice"],
        },
        Case {
            args: "sweep {small} --vary dns.record_ttl_s=1 --seeds 1000000000 --out {dir}/x.csv",
            stdin: b"",
            exit: 2,
            says: &["--seeds: must be from 1 to 10000000, got 1000000000"],
        },
        Case {
            args: "sweep {small} --vary dns.record_ttl_s=1 --jobs 0 --out {dir}/x.csv",
            stdin: b"",
            exit: 2,
            says: &["--jobs: must be at least 1"],
        },
        Case {
            args: "sweep {small} --vary dns.record_ttl_s=5..60:1 --out {dir}/x.csv",
            stdin: b"",
            exit: 2,
            says: &["would keep only 5"],
        },
        Case {
            args: "run {small} --set =5",
            stdin: b"",
            exit: 2,
            says: &["the parameter name is empty"],
        },
        Case {
            args: "run {small} --set client_dns.cold_start=true --quiet",
            stdin: b"",
            exit: 0,
            says: &[
                "warning: --set: client_dns.cold_start: deprecated name, use `fleet.cold_start`",
            ],
        },
        Case {
            args: "run {small} --set retry_budget.kind=aws_standard2026 --quiet",
            stdin: b"",
            exit: 0,
            says: &["`aws_standard2026` is a deprecated spelling, use `aws_standard_2026`"],
        },
        Case {
            args: "run {small} --set retry.deadline_ms=5",
            stdin: b"",
            exit: 2,
            says: &["did you mean `fleet.deadline_ms`"],
        },
        Case {
            args: "validate -",
            stdin: b"[run]\ntitle = \"\xff\"\n",
            exit: 2,
            says: &["not UTF-8 text: byte 15 (line 2)"],
        },
        Case {
            args: "validate -",
            stdin: b"{\"retry_budget\": {\"kind\": 5}}",
            exit: 2,
            says: &[
                "retry_budget.kind: not an option name; expected one of: none, aws_standard, aws_standard_2026",
            ],
        },
        Case {
            args: "validate {dir}/top.json",
            stdin: b"",
            exit: 2,
            says: &["(scenario): invalid type: boolean `true`, expected a table of settings"],
        },
        Case {
            args: "validate -",
            stdin: b"[client_dns]\ncold_start = true\n",
            exit: 2,
            says: &[
                "client_dns.cold_start: unknown field `cold_start`; did you mean `fleet.cold_start`?",
            ],
        },
        Case {
            args: "validate -",
            stdin: b"[run]\nduration_s = 1e308\n",
            exit: 2,
            says: &["got 1e308 s"],
        },
        Case {
            args: "validate -",
            stdin: b"[[resolvers]]\ncapacity_qps = 0\n[[resolvers]]\ncapacity_qps = 0\n",
            exit: 2,
            says: &["resolvers[0].capacity_qps", "resolvers[1].capacity_qps"],
        },
        Case {
            args: "validate -",
            stdin: b"[retry_budget]\nkind = \"aws_standard2026\"\n",
            exit: 0,
            says: &[
                "retry_budget.kind: `aws_standard2026` is a deprecated spelling",
                "valid",
            ],
        },
        Case {
            args: "run {small} --csv - --quiet",
            stdin: b"",
            exit: 0,
            says: &["bucket,start_s,"],
        },
        Case {
            args: "sweep {small} --set resolvers.count=2 --vary resolver:1.capacity_qps=500,1000 --out - --quiet",
            stdin: b"",
            exit: 0,
            says: &["point,resolver:1.capacity_qps,seed,", "\n1,1000,7,"],
        },
    ];
    dir.write("top.json", "true");
    let dir_text = dir.0.display().to_string();
    let mut wrong = Vec::new();
    for case in &cases {
        let args: Vec<OsString> = case
            .args
            .split(' ')
            .map(|a| {
                a.replace("{small}", &small.display().to_string())
                    .replace("{dir}", &dir_text)
                    .into()
            })
            .collect();
        let o = stampede_with_stdin(&args, case.stdin);
        let said = format!("{}{}", stdout(&o), stderr(&o));
        if o.status.code() != Some(case.exit) || case.says.iter().any(|s| !said.contains(s)) {
            wrong.push(format!(
                "`{}` exit {:?}:\n{said}",
                case.args,
                o.status.code()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
    // A huge value is echoed in short form, never as hundreds of digits or a caret line.
    let long = format!("[run]\nduration_s = {}\n", "9".repeat(100_000));
    let o = stampede_with_stdin(&["validate".into(), "-".into()], long.as_bytes());
    assert_exit(&o, 2);
    assert!(stdout(&o).len() < 400, "{}", stdout(&o));
}

/// Saved reports compare with `diff`; a report of another format version is refused, naming
/// both versions.
#[test]
fn diff_compares_saved_reports_and_refuses_another_format_version() {
    let dir = TempDir::new("report-version");
    let small = dir.write("small.toml", SMALL);
    let (a, b) = (dir.path("a.json"), dir.path("b.json"));
    assert_exit(&sh!("run", &small, "--json", &a, "--quiet"), 0);
    assert_exit(
        &sh!(
            "run",
            &small,
            "--set",
            "dns.record_ttl_s=60",
            "--json",
            &b,
            "--quiet"
        ),
        0,
    );
    let report: serde_json::Value = serde_json::from_str(&read(&a)).unwrap();
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["stampede_version"], env!("CARGO_PKG_VERSION"));
    assert!(report["summary"]["failed_by_cause"]["dns_empty"].is_u64());
    assert!(report["series"]["failed"]["dns_empty"].is_array());
    let o = sh!("diff", &a, &b);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("availability"), "{}", stdout(&o));

    let mut old = report.clone();
    old["format_version"] = 0.into();
    let old_path = dir.write("old.json", &old.to_string());
    let o = sh!("diff", &old_path, &b);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("report format version 0") && stderr(&o).contains("reads version 1"),
        "{}",
        stderr(&o)
    );
}

/// An unknown lesson id and a lesson file with an unknown control key are invalid input (exit 2),
/// each reported with what is known or the field path.
#[test]
fn lesson_check_refuses_unknown_ids_and_bad_files() {
    let o = stampede(["lesson", "check", "no-such-lesson"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("no lesson `no-such-lesson`; known: dns-cascade"),
        "{}",
        stderr(&o)
    );
    let dir = TempDir::new("lesson-bad");
    let path = dir.write(
        "bad.toml",
        "id = \"bad\"\ntitle = \"t\"\naudience = \"a\"\nduration_min = 5\nsummary = \"s\"\n[start]\npreset = \"serve-stale\"\n[[steps]]\ntitle = \"t\"\nnarrative = \"n\"\ncontrols = [\"retry.bakoff\"]\ngoal = [{ kpi = \"availability\", op = \">=\", value = 0.99 }]\nhints = [\"h\"]\nsolution = [\"retry.bakoff=exponential\"]\nexpected = \"e\"\ndebrief = \"d\"\n",
    );
    let o = stampede([OsStr::new("lesson"), OsStr::new("check"), path.as_os_str()]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("steps[0].controls[0]: unknown control key `retry.bakoff`"),
        "{err}"
    );
    assert!(err.contains("did you mean `retry.backoff`?"), "{err}");
}
