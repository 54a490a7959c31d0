//! Lesson files: the TOML form, and its validation into a [`Lesson`].
//!
//! Owns: the lesson file format (`lessons/*.toml`) and every check on it — unknown fields, control
//! keys that the core's parameter registry does not know, goals on unknown KPIs or with bad
//! operators, settings that do not apply, starting states and solutions that are not valid
//! scenarios — each reported with its field path.
//! Must not: run a simulation (`check.rs` does) or hold wording for the pages.

use serde::Deserialize;
use stampede_core::presets::PRESETS;
use stampede_core::scenario::params::{find, nearest};
use stampede_core::scenario::{POLICY_KEY, set_param};
use stampede_core::{Problem, RawScenario, Scenario};

use crate::goal::{Condition, Kpi, Op};

/// The lesson file as written: every field optional to the decoder, checked by [`Lesson::decode`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    id: String,
    title: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    duration_min: u32,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    facilitator_notes: String,
    #[serde(default)]
    discussion: Vec<String>,
    #[serde(default)]
    sources: Vec<RawSource>,
    start: RawStart,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStart {
    preset: String,
    #[serde(default)]
    set: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    title: String,
    #[serde(default)]
    narrative: String,
    #[serde(default)]
    controls: Vec<String>,
    #[serde(default)]
    locked: Vec<String>,
    #[serde(default)]
    set: Vec<String>,
    #[serde(default)]
    goal: Vec<RawCondition>,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    solution: Vec<String>,
    #[serde(default)]
    expected: String,
    #[serde(default)]
    debrief: String,
    #[serde(default)]
    sources: Vec<RawSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    kpi: String,
    #[serde(default)]
    class: Option<String>,
    op: String,
    value: toml::Value,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: String,
    url: String,
}

/// A public source a debrief cites.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// What it is, for people.
    pub title: String,
    /// Where to read it (an `https://` address).
    pub url: String,
}

/// One `key=value` setting, as `--set` and links write it (`retry.backoff=exponential`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// A key of the core's parameter registry, `resolver:<i>.<setting>`, or `policy`.
    pub key: String,
    /// The value as text (a number, `true`/`false`, or an option name).
    pub value: String,
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Short title.
    pub title: String,
    /// What the learner reads first: the situation and the question.
    pub narrative: String,
    /// Registry keys of the controls the step shows (every other control is hidden).
    pub controls: Vec<String>,
    /// Registry keys shown read-only (the learner sees them but cannot change them).
    pub locked: Vec<String>,
    /// Settings applied over the lesson's start for this step.
    pub set: Vec<Setting>,
    /// The conditions the learner must meet, all of them.
    pub goal: Vec<Condition>,
    /// Hints, revealed one at a time.
    pub hints: Vec<String>,
    /// Settings over the step's start that meet the goal.
    pub solution: Vec<Setting>,
    /// The expected answer, for the facilitator.
    pub expected: String,
    /// The mechanism, shown once the goal is met.
    pub debrief: String,
    /// Sources the debrief cites.
    pub sources: Vec<Source>,
    /// The scenario the step starts from (the lesson's preset, its `set`, the step's `set`).
    pub start: RawScenario,
    /// The start with the solution applied.
    pub solved: RawScenario,
}

/// A validated lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Stable id, the file's name without `.toml`; used in links (`?lesson=<id>`).
    pub id: String,
    /// Title.
    pub title: String,
    /// Who it is for.
    pub audience: String,
    /// How long it takes a group, minutes.
    pub duration_min: u32,
    /// One or two sentences for the lesson list.
    pub summary: String,
    /// Notes for the facilitator (not shown to learners).
    pub facilitator_notes: String,
    /// Questions for the group after the lesson.
    pub discussion: Vec<String>,
    /// Sources of the lesson as a whole.
    pub sources: Vec<Source>,
    /// Preset the lesson starts from.
    pub preset: String,
    /// Settings over the preset for every step.
    pub set: Vec<Setting>,
    /// The steps, in order (at least one).
    pub steps: Vec<Step>,
}

/// Every problem of one lesson file. Never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    /// The file (`lessons/<id>.toml`) or the name it was given.
    pub file: String,
    /// The problems, each with the field path of the offending entry.
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {p}", self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for LessonError {}

/// Collects problems with their paths while a lesson is validated.
struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }
}

impl Lesson {
    /// Decodes and validates the lesson file `file` (its name, for messages and the id check:
    /// `lessons/<id>.toml`) from TOML `text`.
    pub fn decode(file: &str, text: &str) -> Result<Lesson, LessonError> {
        let fail = |problems| LessonError {
            file: file.to_string(),
            problems,
        };
        let raw: RawLesson = toml::from_str(text).map_err(|e| {
            fail(vec![Problem {
                path: "(toml)".into(),
                message: e.to_string().trim_end().to_string(),
            }])
        })?;
        let mut problems = Problems(Vec::new());
        let lesson = validate(file, raw, &mut problems);
        if problems.0.is_empty() {
            Ok(lesson)
        } else {
            Err(fail(problems.0))
        }
    }

    /// The step at `index` (0-based), if there is one.
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index)
    }
}

fn validate(file: &str, raw: RawLesson, problems: &mut Problems) -> Lesson {
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".toml");
    if raw.id != stem {
        problems.push(
            "id",
            format!("`{}` must match the file name `{stem}`", raw.id),
        );
    }
    if raw.id.is_empty()
        || !raw
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.push(
            "id",
            "use lowercase letters, digits and `-` (it goes in links)",
        );
    }
    for (field, text) in [
        ("title", &raw.title),
        ("summary", &raw.summary),
        ("audience", &raw.audience),
    ] {
        if text.trim().is_empty() {
            problems.push(field, "must not be empty");
        }
    }
    if !(1..=240).contains(&raw.duration_min) {
        problems.push(
            "duration_min",
            format!("{} is outside 1..=240 minutes", raw.duration_min),
        );
    }
    let sources = sources(&raw.sources, "sources", problems);
    let base = match PRESETS.iter().find(|p| p.name == raw.start.preset) {
        Some(p) => p.raw().unwrap_or_default(),
        None => {
            let known: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
            problems.push(
                "start.preset",
                format!(
                    "no preset named `{}`; known: {}",
                    raw.start.preset,
                    known.join(", ")
                ),
            );
            RawScenario::default()
        }
    };
    let set = settings(&raw.start.set, "start.set", problems);
    let start = applied(&base, &set, "start.set", problems);
    if raw.steps.is_empty() {
        problems.push("steps", "a lesson needs at least one step");
    }
    let steps = raw
        .steps
        .into_iter()
        .enumerate()
        .map(|(i, step)| validate_step(step, &format!("steps[{i}]"), &start, problems))
        .collect();
    Lesson {
        id: raw.id,
        title: raw.title,
        audience: raw.audience,
        duration_min: raw.duration_min,
        summary: raw.summary,
        facilitator_notes: raw.facilitator_notes,
        discussion: raw.discussion,
        sources,
        preset: raw.start.preset,
        set,
        steps,
    }
}

fn validate_step(
    raw: RawStep,
    path: &str,
    lesson_start: &RawScenario,
    problems: &mut Problems,
) -> Step {
    for (field, text) in [
        ("title", &raw.title),
        ("narrative", &raw.narrative),
        ("debrief", &raw.debrief),
        ("expected", &raw.expected),
    ] {
        if text.trim().is_empty() {
            problems.push(format!("{path}.{field}"), "must not be empty");
        }
    }
    for (field, keys) in [("controls", &raw.controls), ("locked", &raw.locked)] {
        for (i, key) in keys.iter().enumerate() {
            if find(key).is_none() {
                let hint = nearest(key).map_or(String::new(), |k| format!("; did you mean `{k}`?"));
                problems.push(
                    format!("{path}.{field}[{i}]"),
                    format!("unknown control key `{key}` (not in the parameter registry){hint}"),
                );
            }
        }
    }
    if raw.controls.is_empty() {
        problems.push(
            format!("{path}.controls"),
            "a step shows at least one control",
        );
    }
    if raw.goal.is_empty() {
        problems.push(
            format!("{path}.goal"),
            "a step needs at least one condition",
        );
    }
    let goal = raw
        .goal
        .iter()
        .enumerate()
        .filter_map(|(i, c)| condition(c, &format!("{path}.goal[{i}]"), problems))
        .collect::<Vec<_>>();
    if raw.hints.is_empty() {
        problems.push(format!("{path}.hints"), "a step needs at least one hint");
    }
    let set = settings(&raw.set, &format!("{path}.set"), problems);
    let start = applied(lesson_start, &set, &format!("{path}.set"), problems);
    let solution = settings(&raw.solution, &format!("{path}.solution"), problems);
    if solution.is_empty() {
        problems.push(format!("{path}.solution"), "a step needs a solution");
    }
    for (i, s) in solution.iter().enumerate() {
        // The learner reaches the solution through the step's controls: each key must be one.
        if !raw.controls.contains(&s.key) {
            problems.push(
                format!("{path}.solution[{i}]"),
                format!(
                    "`{}` is not among the step's controls ({})",
                    s.key,
                    raw.controls.join(", ")
                ),
            );
        }
    }
    let solved = applied(&start, &solution, &format!("{path}.solution"), problems);
    let classes: Vec<&str> = start.fleets.iter().map(|f| f.name.as_str()).collect();
    for (i, c) in goal.iter().enumerate() {
        if let Some(class) = &c.class
            && !classes.contains(&class.as_str())
        {
            problems.push(
                format!("{path}.goal[{i}].class"),
                format!(
                    "no client class `{class}` in the step's scenario; it has: {}",
                    if classes.is_empty() {
                        "none".to_string()
                    } else {
                        classes.join(", ")
                    }
                ),
            );
        }
    }
    Step {
        title: raw.title,
        narrative: raw.narrative,
        controls: raw.controls,
        locked: raw.locked,
        set,
        goal,
        hints: raw.hints,
        solution,
        expected: raw.expected,
        debrief: raw.debrief,
        sources: sources(&raw.sources, &format!("{path}.sources"), problems),
        start,
        solved,
    }
}

fn condition(raw: &RawCondition, path: &str, problems: &mut Problems) -> Option<Condition> {
    let kpi = Kpi::from_name(&raw.kpi);
    if kpi.is_none() {
        problems.push(
            format!("{path}.kpi"),
            format!("unknown KPI `{}`; known: {}", raw.kpi, Kpi::names()),
        );
    }
    let op = Op::from_text(&raw.op);
    if op.is_none() {
        let known: Vec<&str> = crate::goal::OPS.iter().map(|(_, t)| *t).collect();
        problems.push(
            format!("{path}.op"),
            format!("`{}` is not one of {}", raw.op, known.join(", ")),
        );
    }
    let (kpi, op) = (kpi?, op?);
    let value = match (&raw.value, kpi.is_flag()) {
        (toml::Value::Boolean(b), true) => f64::from(u8::from(*b)),
        (toml::Value::Integer(n), false) => *n as f64,
        (toml::Value::Float(x), false) if x.is_finite() => *x,
        (_, true) => {
            problems.push(
                format!("{path}.value"),
                format!("{} is a yes/no verdict: write true or false", kpi.name()),
            );
            return None;
        }
        (other, false) => {
            problems.push(
                format!("{path}.value"),
                format!("expected a number, got `{other}`"),
            );
            return None;
        }
    };
    if kpi.is_flag() && op != Op::Equal {
        problems.push(
            format!("{path}.op"),
            format!("{} is a yes/no verdict: compare it with ==", kpi.name()),
        );
    }
    if kpi == Kpi::Availability && !(0.0..=1.0).contains(&value) {
        problems.push(
            format!("{path}.value"),
            format!("availability is a ratio from 0 to 1 (write 0.99 for 99 %), got {value}"),
        );
    }
    if raw.class.is_some() && kpi != Kpi::Availability {
        problems.push(
            format!("{path}.class"),
            format!(
                "only availability is measured per class, not {}",
                kpi.name()
            ),
        );
    }
    Some(Condition {
        kpi,
        class: raw.class.clone(),
        op,
        value,
    })
}

fn settings(texts: &[String], path: &str, problems: &mut Problems) -> Vec<Setting> {
    texts
        .iter()
        .enumerate()
        .filter_map(|(i, text)| match text.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => Some(Setting {
                key: key.trim().to_string(),
                value: value.trim().to_string(),
            }),
            _ => {
                problems.push(
                    format!("{path}[{i}]"),
                    format!("expected key=value, got `{text}`"),
                );
                None
            }
        })
        .collect()
}

/// `base` with `settings` applied in order; each one that does not apply, and the result when it
/// is not a valid scenario, is a problem under `path`.
fn applied(
    base: &RawScenario,
    settings: &[Setting],
    path: &str,
    problems: &mut Problems,
) -> RawScenario {
    let mut raw = base.clone();
    for (i, s) in settings.iter().enumerate() {
        if s.key != POLICY_KEY && find(&s.key).is_none() && !s.key.starts_with("resolver:") {
            let hint = nearest(&s.key).map_or(String::new(), |k| format!("; did you mean `{k}`?"));
            problems.push(
                format!("{path}[{i}]"),
                format!("unknown parameter `{}`{hint}", s.key),
            );
            continue;
        }
        if let Err(p) = set_param(&mut raw, &s.key, &s.value) {
            problems.push(format!("{path}[{i}]"), format!("{s}: {}", p.message));
        }
    }
    if let Err(e) = Scenario::try_from(raw.clone()) {
        for p in e.problems {
            problems.push(path, format!("the scenario is not valid: {p}"));
        }
    }
    raw
}

fn sources(raw: &[RawSource], path: &str, problems: &mut Problems) -> Vec<Source> {
    raw.iter()
        .enumerate()
        .map(|(i, s)| {
            if !s.url.starts_with("https://") {
                problems.push(
                    format!("{path}[{i}].url"),
                    format!("`{}` is not a public https:// address", s.url),
                );
            }
            Source {
                title: s.title.clone(),
                url: s.url.clone(),
            }
        })
        .collect()
}
