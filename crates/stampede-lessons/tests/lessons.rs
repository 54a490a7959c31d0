//! The lesson files and their validation: every embedded lesson decodes, every file in
//! `lessons/` is embedded, and a bad lesson file is reported with the field path and the numbers.

use stampede_lessons::check::{self, Job};
use stampede_lessons::{LESSON_FILES, Lesson, embedded};

/// A valid one-step lesson over a short scenario (a 60 s resolver timeout in a 180 s run, every
/// client without a DNS cache), with `{…}` markers a test replaces.
const TEMPLATE: &str = r#"
id = "test-lesson"
title = "A test lesson"
audience = "tests"
duration_min = 5
summary = "A short scenario for the validation tests."

[start]
preset = "serve-stale"
set = ["run.duration_s=180", "outage.start_s=60", "outage.duration_s=60", "fleet.clients=100"]

[[steps]]
title = "Step one"
narrative = "The resolver cannot reach the zone."
controls = [CONTROLS]
set = ["resolver.serve_stale=false"]
goal = [{ kpi = "KPI", op = "OP", value = VALUE }]
hints = ["Serve stale answers."]
solution = [SOLUTION]
expected = "Serve-stale rides out the timeout."
debrief = "RFC 8767."
"#;

fn lesson(replacements: &[(&str, &str)]) -> String {
    let mut text = TEMPLATE.to_string();
    for (from, to) in replacements {
        text = text.replace(from, to);
    }
    text.replace(
        "CONTROLS",
        r#""resolver.serve_stale", "resolver.stale_answer_ttl_s""#,
    )
    .replace("SOLUTION", r#""resolver.serve_stale=true""#)
    .replace("KPI", "availability")
    .replace("OP", ">=")
    .replace("VALUE", "0.99")
}

fn decode(text: &str) -> Result<Lesson, stampede_lessons::LessonError> {
    Lesson::decode("lessons/test-lesson.toml", text)
}

#[test]
fn every_embedded_lesson_validates_and_ids_are_unique() {
    let mut ids = Vec::new();
    for entry in embedded() {
        match entry {
            Ok(l) => ids.push(l.id.clone()),
            Err(e) => panic!("{e}"),
        }
    }
    assert!(ids.len() >= 10, "at least ten lessons, got {}", ids.len());
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "duplicate ids in {ids:?}");
}

#[test]
fn every_file_in_lessons_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| format!("lessons/{n}"))
        .collect();
    files.sort();
    let mut embedded: Vec<String> = LESSON_FILES.iter().map(|f| f.path.to_string()).collect();
    embedded.sort();
    assert_eq!(files, embedded);
}

#[test]
fn the_template_is_valid() {
    let l = decode(&lesson(&[])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(l.steps.len(), 1);
    assert!(!l.steps[0].start.resolver.serve_stale);
    assert!(l.steps[0].solved.resolver.serve_stale);
}

/// Replacements in the template, the field path of the problem, and the start of its message.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

#[test]
fn bad_lesson_files_name_the_field_and_what_is_wrong() {
    let cases: &[Case] = &[
        (
            &[
                ("CONTROLS", r#""retry.bakoff""#),
                ("SOLUTION", r#""retry.bakoff=exponential""#),
            ],
            "steps[0].controls[0]",
            "unknown control key `retry.bakoff` (not in the parameter registry); did you mean `retry.backoff`?",
        ),
        (
            &[("KPI", "avail")],
            "steps[0].goal[0].kpi",
            "unknown KPI `avail`; known: availability, failed,",
        ),
        (
            &[("OP", "=>")],
            "steps[0].goal[0].op",
            "`=>` is not one of >=, <=, >, <, ==",
        ),
        (
            &[("VALUE", "99")],
            "steps[0].goal[0].value",
            "availability is a ratio from 0 to 1 (write 0.99 for 99 %), got 99",
        ),
        (
            &[("KPI", "metastable")],
            "steps[0].goal[0].value",
            "metastable is a yes/no verdict: write true or false",
        ),
        (
            &[("SOLUTION", r#""retry.attempts_max=2""#)],
            "steps[0].solution[0]",
            "`retry.attempts_max` is not among the step's controls (resolver.serve_stale, resolver.stale_answer_ttl_s)",
        ),
        (
            &[
                ("CONTROLS", r#""retry.attempts_max""#),
                ("SOLUTION", r#""retry.attempts_max=99""#),
            ],
            "steps[0].solution[0]",
            "retry.attempts_max=99: ",
        ),
        (
            &[("preset = \"serve-stale\"", "preset = \"serve-stael\"")],
            "start.preset",
            "no preset named `serve-stael`; known: october-2025-dns",
        ),
        (
            &[("id = \"test-lesson\"", "id = \"other\"")],
            "id",
            "`other` must match the file name `test-lesson`",
        ),
        (
            &[(
                "title = \"Step one\"",
                "title = \"Step one\"\ncolour = \"red\"",
            )],
            "(toml)",
            "unknown field `colour`",
        ),
        (
            &[("kpi = \"KPI\"", "kpi = \"KPI\", class = \"ledger\"")],
            "steps[0].goal[0].class",
            "no client class `ledger` in the step's scenario; it has: none",
        ),
        (
            &[("duration_min = 5", "duration_min = 0")],
            "duration_min",
            "0 is outside 1..=240 minutes",
        ),
    ];
    for (replacements, path, message) in cases {
        let text = lesson(replacements);
        let error = decode(&text).expect_err(&format!("{replacements:?} must be refused"));
        let found = error
            .problems
            .iter()
            .any(|p| p.path == *path && p.message.contains(message));
        assert!(
            found,
            "{replacements:?}: expected `{path}: {message}…`, got:\n{error}"
        );
        // Every message says which file it is about.
        assert!(
            error.to_string().starts_with("lessons/test-lesson.toml: "),
            "{error}"
        );
    }
}

/// Runs the check of a decoded lesson on one seed.
fn check_one(text: &str) -> check::StepCheck {
    let lesson = decode(text).unwrap_or_else(|e| panic!("{e}"));
    check::run(Job {
        lesson: &lesson,
        step: 0,
        seed_offset: 0,
    })
}

#[test]
fn a_solvable_step_passes_the_check() {
    let result = check_one(&lesson(&[]));
    assert!(result.passed(), "{:?}", result.problems());
    assert!(result.problems().is_empty());
}

#[test]
fn a_solution_that_misses_the_goal_is_reported_with_its_numbers() {
    // A longer stale TTL does nothing while serve-stale is off: the solution cannot reach 99 %.
    let result = check_one(&lesson(&[(
        "SOLUTION",
        r#""resolver.stale_answer_ttl_s=60""#,
    )]));
    assert!(!result.passed());
    let problems = result.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let text = &problems[0];
    assert!(text.starts_with("test-lesson step 1 (seed "), "{text}");
    assert!(
        text.contains("the solution misses the goal: availability "),
        "{text}"
    );
    assert!(text.ends_with(" %, goal ≥ 99 %"), "{text}");
    // The measured figure is in the message, and it is below the goal.
    let measured: f64 = text
        .split("availability ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no figure in {text}"));
    assert!(measured < 99.0, "{text}");
}

#[test]
fn a_pre_solved_step_is_reported() {
    // Availability ≥ 10 % holds even with the outage: the start already meets the goal.
    let result = check_one(&lesson(&[("VALUE", "0.1")]));
    assert!(!result.passed());
    let problems = result.problems();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("the starting state already meets the goal (availability ")),
        "{problems:?}"
    );
}
