//! The `stampede` binary as a Unix tool: a reader that closes the pipe early ends it quietly with
//! its usual status, results go to stdout and errors to stderr, and no figure reads "-0".

use std::process::{Command, Output, Stdio};

/// Runs the binary with `args` and closes its stdout before it writes anything (as `| true` or
/// `| head -c0` do), so every write to stdout meets a broken pipe.
fn with_stdout_closed(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stampede"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    child.wait_with_output().expect("the binary ends")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stampede"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_closed_stdout_ends_each_command_quietly_with_its_usual_status() {
    // (arguments, the status the command has with a reader that reads everything)
    let cases: &[(&[&str], i32)] = &[
        (&["run", "--preset", "naive-retry-storm"], 0),
        (&["presets"], 0),
        (&["schema"], 0),
        (&["reference"], 0),
        (&["validate", "preset:naive-retry-storm"], 0),
        (&["run", "--preset", "no-such-preset"], 2),
    ];
    for (args, status) in cases {
        let o = with_stdout_closed(args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(*status), "{args:?}: stderr {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: stderr {err}"
        );
    }
}

#[test]
fn results_go_to_stdout_and_errors_to_stderr() {
    let ok = run(&["validate", "preset:naive-retry-storm"]);
    assert_eq!(ok.status.code(), Some(0));
    assert!(text(&ok.stdout).contains("valid"), "{}", text(&ok.stdout));
    assert!(ok.stderr.is_empty(), "{}", text(&ok.stderr));

    let bad = run(&["run", "--preset", "no-such-preset"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty(), "{}", text(&bad.stdout));
    assert!(
        text(&bad.stderr).starts_with("error: "),
        "{}",
        text(&bad.stderr)
    );
}

/// Every whitespace-separated token of `text` that is a minus zero ("-0", "-0.0", "-0.00 %"…).
fn minus_zeros(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '"' | ':' | '['))
        .filter(|t| t.starts_with('-') && t.parse::<f64>().is_ok_and(|v| v == 0.0))
        .map(str::to_string)
        .collect()
}

#[test]
fn no_figure_reads_minus_zero() {
    let dir = std::env::temp_dir().join(format!("stampede-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("report.json");
    let csv = dir.join("series.csv");
    // A run without a fault has no downtime: the summary said "downtime -0 min".
    let scenario = dir.join("calm.toml");
    std::fs::write(
        &scenario,
        "version = 1\n[run]\nduration_s = 60.0\nbucket_s = 5.0\nseed = 3\n[fleet]\nclients = 50\n",
    )
    .unwrap();
    let o = run(&[
        "run",
        scenario.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let summary = text(&o.stdout);
    assert!(summary.contains("downtime"), "{summary}");
    for (name, body) in [
        ("summary", summary.clone()),
        ("json", std::fs::read_to_string(&json).unwrap()),
        ("csv", std::fs::read_to_string(&csv).unwrap()),
    ] {
        assert_eq!(minus_zeros(&body), Vec::<String>::new(), "{name}:\n{body}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_over_its_cost_is_refused_with_exit_3_and_one_stopped_at_its_bound_exits_4() {
    let refused = run(&[
        "run",
        "--preset",
        "october-2025-dns",
        "--set",
        "fleet.request_rate_per_client_per_s=10000",
    ]);
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused.stderr));
    assert!(refused.stdout.is_empty());
    // 2,000 clients × 10,000 requests/s × 1,500 s.
    assert!(
        text(&refused.stderr).contains("30,000,000,000 requests"),
        "{}",
        text(&refused.stderr)
    );

    // The memory scenario with its event budget raised: it stops at its memory bound.
    let dir = std::env::temp_dir().join(format!("stampede-unix-mem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("memory.toml");
    std::fs::write(
        &scenario,
        "version = 1\n[run]\nduration_s = 60.0\nevent_budget = 10000000000\n[fleet]\n\
         clients = 100000\nrequest_rate_per_client_per_s = 100.0\n[backend]\nworkers = 1\n\
         service_ms_mean = 60000.0\nqueue_capacity = 10000000\n[retry]\nattempts_max = 1\n",
    )
    .unwrap();
    let stopped = run(&["run", scenario.to_str().unwrap()]);
    assert_eq!(stopped.status.code(), Some(4), "{}", text(&stopped.stderr));
    assert!(
        text(&stopped.stdout).contains("PARTIAL"),
        "{}",
        text(&stopped.stdout)
    );
    assert!(
        text(&stopped.stderr).contains("memory bound"),
        "{}",
        text(&stopped.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sweep_specs_and_merge_csvs_over_their_limits_are_refused_with_the_limit() {
    let dir = std::env::temp_dir().join(format!("stampede-unix-lim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out.csv");
    let values: Vec<String> = (0..20_000).map(|i| (i % 8 + 1).to_string()).collect();
    let vary = format!("retry.attempts_max={}", values.join(","));
    let o = run(&[
        "sweep",
        "--preset",
        "naive-retry-storm",
        "--vary",
        &vary,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("20000 values; at most 10000 per --vary"),
        "{}",
        text(&o.stderr)
    );
    // A shard whose point index is absurd: it made merge list every missing point below it.
    let shard = dir.join("shard.csv");
    std::fs::write(
        &shard,
        "point,seed,availability\n18446744073709551615,1,0.5\n",
    )
    .unwrap();
    let o = run(&[
        "merge",
        shard.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("is not a point index (a whole number from 0 to 9999999)"),
        "{}",
        text(&o.stderr)
    );
    // A scenario file over 1 MiB is refused by its size without being read whole.
    let big = dir.join("big.toml");
    std::fs::write(&big, format!("version = 1\n#{}\n", "x".repeat(2 << 20))).unwrap();
    let o = run(&["validate", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stdout).contains("the limit is 1048576 bytes"),
        "{}",
        text(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
