//! Limits up front: every decoder of outside input refuses an input over its size, nesting or
//! list limits before doing work per entry, with one message naming the limit; problem lists
//! are capped; a run whose estimated cost is over its budget is refused, and one that would
//! outgrow its memory bound stops with a diagnostic instead of aborting the process. The inputs
//! are those the mutation runs found (issue 18).

use stampede_core::cost::{self, MEMORY_ENTRIES_ABSOLUTE_MAX};
use stampede_core::scenario::bounds::{self, INPUT_BYTES_MAX, PROBLEMS_LISTED_MAX};
use stampede_core::scenario::raw::{RawFleetClass, RawName, RawResolver, RawService};
use stampede_core::scenario::{apply_query, raw_from_json, raw_from_toml};
use stampede_core::{RawScenario, Scenario, ScenarioError};

/// The problems of `text` decoded as TOML (`json` false) or JSON and validated.
fn problems_of(text: &str, json: bool) -> Vec<String> {
    let raw = if json {
        raw_from_json(text)
    } else {
        raw_from_toml(text)
    };
    let result: Result<Scenario, ScenarioError> = raw.and_then(Scenario::try_from);
    result.err().map_or_else(Vec::new, |e| {
        e.problems.iter().map(ToString::to_string).collect()
    })
}

#[test]
fn oversized_or_deep_text_is_refused_before_decoding() {
    let names_64k: String = (0..64_000)
        .map(|i| format!("[[names]]\nname = \"n{i}.example\"\nservice = \"api\"\n"))
        .collect();
    let deep_toml = format!(
        "version = 1\nx = {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_json = format!(
        "{{\"version\": 1, \"x\": {}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let dotted = format!("version = 1\n{} = 1\n", vec!["a"; 50_000].join("."));
    // (input, JSON?, the one problem expected, as a fragment)
    let cases: [(&str, String, bool, &str); 5] = [
        (
            "64,000 [[names]] (1.9 MB)",
            names_64k,
            false,
            "the limit is 1048576 bytes",
        ),
        (
            "a 2 MB comment",
            format!("version = 1\n#{}\n", "x".repeat(2 << 20)),
            false,
            "the limit is 1048576 bytes",
        ),
        (
            "100,000 nested TOML arrays",
            deep_toml,
            false,
            "nest more than 32 deep",
        ),
        (
            "100,000 nested JSON arrays",
            deep_json,
            true,
            "nest more than 32 deep",
        ),
        (
            "a dotted key of 50,000 parts",
            dotted,
            false,
            "more than 8 parts",
        ),
    ];
    for (what, text, json, expected) in cases {
        let problems = problems_of(&text, json);
        assert_eq!(problems.len(), 1, "{what}: {problems:?}");
        assert!(problems[0].contains(expected), "{what}: {problems:?}");
    }
    // Every preset is far inside the limits.
    for p in stampede_core::presets::PRESETS {
        assert!(p.toml.len() < INPUT_BYTES_MAX / 64, "{}", p.name);
        assert_eq!(
            problems_of(p.toml, false),
            Vec::<String>::new(),
            "{}",
            p.name
        );
    }
}

#[test]
fn long_lists_are_refused_with_one_problem_each_before_per_entry_checks() {
    // (what, the edit, the problem expected)
    type Edit = fn(&mut RawScenario);
    let cases: [(&str, Edit, &str); 6] = [
        (
            "64,000 further names (validation compared each with every earlier one: 6.3 s)",
            |r| {
                r.names = (0..64_000)
                    .map(|i| RawName {
                        name: format!("n{i}.example"),
                        service: "api".into(),
                        ..RawName::default()
                    })
                    .collect()
            },
            "names: at most 8 further names, got 64000",
        ),
        (
            // The list had 3.5 M entries (a file of that size is now refused by its size).
            "350,000 resolvers (3.5 M printed 3.5 M problem lines)",
            |r| r.resolvers = vec![RawResolver::default(); 350_000],
            "resolvers: at most 3 resolvers (glibc MAXNS), got 350000",
        ),
        (
            "953,000 policies in one class (accepted in 23 s)",
            |r| {
                r.fleets = vec![RawFleetClass {
                    name: "a".into(),
                    policies: vec!["dns-jvm".into(); 953_000],
                    ..RawFleetClass::default()
                }]
            },
            "fleets[0].policies: at most 16 policies, got 953000",
        ),
        (
            "100,000 services",
            |r| r.services = vec![RawService::default(); 100_000],
            "services: at most 8 further services, got 100000",
        ),
        (
            "1,000 classes",
            |r| {
                r.fleets = (0..1000)
                    .map(|i| RawFleetClass {
                        name: format!("c{i}"),
                        ..RawFleetClass::default()
                    })
                    .collect()
            },
            "fleets: at most 8 client classes, got 1000",
        ),
        (
            "a forwarding list of 10,000 resolvers",
            |r| r.dns.resolvers = Some(vec![0; 10_000]),
            "dns.resolvers: at most 3 resolvers in a forwarding list, got 10000",
        ),
    ];
    for (what, edit, expected) in cases {
        let mut raw = RawScenario::default();
        edit(&mut raw);
        let problems: Vec<String> = Scenario::try_from(raw)
            .err()
            .map(|e| e.problems.iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        assert_eq!(problems, [expected.to_string()], "{what}");
    }
}

#[test]
fn problem_lists_are_capped_with_a_count_of_the_rest() {
    // 400 unknown keys in a link: the first 50 problems, then one line counting 350 more.
    let query: String = (0..400).map(|i| format!("nope{i}=1&")).collect();
    let (_, problems) = apply_query(&RawScenario::default(), &query);
    assert_eq!(problems.len(), PROBLEMS_LISTED_MAX + 1);
    assert_eq!(
        problems[PROBLEMS_LISTED_MAX].message,
        "and 350 more problems"
    );
    // A link over the size limit is not applied at all, in one problem.
    let (raw, problems) = apply_query(
        &RawScenario::default(),
        &"retry.attempts_max=2&".repeat(5000),
    );
    assert_eq!(raw, RawScenario::default());
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("the limit is 32768 bytes"),
        "{problems:?}"
    );
    // A 10 kB key is refused by its length, not compared with every registry key.
    let (_, problems) = apply_query(
        &RawScenario::default(),
        &format!("{}=1", "k".repeat(10_000)),
    );
    assert!(
        problems[0].message.contains("keys are at most 128 bytes"),
        "{problems:?}"
    );
    assert_eq!(bounds::cap_problems(Vec::new()), Vec::new());
}

#[test]
fn runs_over_their_cost_are_refused_and_presets_are_not() {
    let refused = |edit: fn(&mut RawScenario)| {
        let mut raw = RawScenario::default();
        edit(&mut raw);
        let sc = Scenario::try_from(raw).expect("valid");
        cost::estimate(&sc).check(sc.event_budget).is_err()
    };
    // A million individually simulated clients at the default 1 request/s for 600 s: 6 × 10⁸
    // requests, about 1.8 × 10⁹ events, over the default budget of 2 × 10⁸.
    assert!(refused(|r| {
        r.fleet.clients = 1_000_000;
        r.fleet.scale_max_clients = 1_000_000;
    }));
    // Eight classes of a million.
    assert!(refused(|r| {
        r.fleets = (0..8)
            .map(|i| RawFleetClass {
                name: format!("c{i}"),
                clients: 1_000_000,
                ..RawFleetClass::default()
            })
            .collect();
    }));
    // The defaults: 1,000 clients × 1 request/s × 600 s = 600,000 requests.
    assert!(!refused(|_| {}));
}

#[test]
fn a_run_that_would_outgrow_memory_stops_at_its_bound_with_a_diagnostic() {
    // The scenario (it aborted the process at 2.4 GB in `Engine::schedule`): 100,000
    // clients × 100 requests/s, one worker with a 60 s service time, a queue of 10,000,000 and
    // one attempt, here with the event budget raised so only the memory bound can stop it.
    let mut raw = RawScenario::default();
    raw.run.duration_s = 60.0;
    raw.run.event_budget = 10_000_000_000;
    raw.fleet.clients = 100_000;
    raw.fleet.request_rate_per_client_per_s = 100.0;
    raw.backend.workers = 1;
    raw.backend.service_ms_mean = 60_000.0;
    raw.backend.queue_capacity = 10_000_000;
    raw.retry.attempts_max = 1;
    let sc = Scenario::try_from(raw).expect("valid");
    assert_eq!(
        cost::estimate(&sc).memory_entries_max,
        MEMORY_ENTRIES_ABSOLUTE_MAX
    );
    let report = stampede_core::run(&sc);
    assert!(report.stopped_early(), "stopped at {} s", report.now_s);
    assert!(report.is_partial());
    assert!(
        report.diagnostics[0].contains("memory bound of 8,388,608"),
        "{:?}",
        report.diagnostics
    );
    // Every request it started is still accounted for.
    let started: u64 = report.series.requests.iter().sum();
    let s = &report.summary;
    assert_eq!(started, s.success + s.failed + s.requests_in_flight);
}

#[test]
fn the_link_that_trapped_the_worker_stops_at_its_memory_bound() {
    // `?preset=october-2025-dns&fleet.clients=1000000&fleet.request_rate_per_client_per_s=10000`
    // made the playground's worker trap (`RuntimeError: unreachable`: wasm's abort when an
    // allocation fails) after 18 s of a request table and event queue growing without bound.
    // The page now refuses it for its cost; run anyway (budget at its maximum), the engine stops
    // it at its memory bound.
    let mut raw = stampede_core::presets::find("october-2025-dns")
        .unwrap()
        .raw()
        .unwrap();
    raw.fleet.clients = 1_000_000;
    raw.fleet.request_rate_per_client_per_s = 10_000.0;
    raw.run.event_budget = 10_000_000_000;
    let sc = Scenario::try_from(raw).expect("valid");
    assert!(cost::estimate(&sc).check(cost::WEB_EVENTS_MAX).is_err());
    let report = stampede_core::run(&sc);
    assert!(report.stopped_early(), "stopped at {} s", report.now_s);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.contains("memory bound")),
        "{:?}",
        report.diagnostics
    );
}
