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
