//! `stampede lesson list` and `stampede lesson check`: the game-day lessons from the command line.
//!
//! Owns: the text of the lesson list and of a check's outcome, and running a check's jobs on
//! threads.
//! Must not: decide what a lesson or a goal is (`stampede-lessons` does) or model anything.

use std::path::Path;

use stampede_lessons::check::{self, StepCheck};
use stampede_lessons::{Lesson, LessonError, embedded};

use crate::error::{CliError, CliResult};

/// The lesson list: id, title, audience, duration and steps of every embedded lesson.
pub fn list_text() -> String {
    let mut out = String::new();
    for entry in embedded() {
        match entry {
            Ok(l) => out.push_str(&format!(
                "{}\n  {}\n  {} · {} min · {} step(s)\n\n",
                l.id,
                l.title,
                l.audience,
                l.duration_min,
                l.steps.len()
            )),
            Err(e) => out.push_str(&format!("{}: does not validate\n\n", e.file)),
        }
    }
    out
}

/// The lessons a check covers: every embedded lesson, one by id, or a lesson file.
fn selected(which: Option<&str>) -> CliResult<Vec<Lesson>> {
    let invalid = |e: &LessonError| CliError::Invalid {
        source: e.file.clone(),
        problems: e.problems.clone(),
    };
    match which {
        Some(path) if path.ends_with(".toml") => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::io("read", Path::new(path), &e))?;
            Lesson::decode(path, &text)
                .map(|l| vec![l])
                .map_err(|e| invalid(&e))
        }
        Some(id) => match embedded().iter().find(|l| match l {
            Ok(l) => l.id == id,
            Err(e) => e.file == format!("lessons/{id}.toml"),
        }) {
            Some(Ok(l)) => Ok(vec![l.clone()]),
            Some(Err(e)) => Err(invalid(e)),
            None => {
                let ids: Vec<&str> = stampede_lessons::lessons().map(|l| l.id.as_str()).collect();
                Err(CliError::invalid(
                    "lesson check",
                    "ID",
                    format!("no lesson `{id}`; known: {}", ids.join(", ")),
                ))
            }
        },
        None => {
            if let Some(Err(e)) = embedded().iter().find(|l| l.is_err()) {
                return Err(invalid(e));
            }
            Ok(stampede_lessons::lessons().cloned().collect())
        }
    }
}

/// Runs the check of `which` (every lesson, an id, or a `.toml` file) on `seeds` seeds over
/// `jobs` threads. Returns the report text and whether every check passed.
pub fn check(which: Option<&str>, seeds: u64, jobs: usize) -> CliResult<(String, bool)> {
    let lessons = selected(which)?;
    let all: Vec<check::Job<'_>> = lessons
        .iter()
        .flat_map(|l| check::lesson_jobs(l, seeds))
        .collect();
    let results = run_jobs(&all, jobs.max(1));
    let mut out = String::new();
    let mut passed = true;
    for lesson in &lessons {
        for (index, step) in lesson.steps.iter().enumerate() {
            let checks: Vec<&StepCheck> = results
                .iter()
                .filter(|c| c.lesson == lesson.id && c.step == index)
                .collect();
            let problems: Vec<String> = checks.iter().flat_map(|c| c.problems()).collect();
            if problems.is_empty() {
                // The closest the start came, and the solution's figures, on the first seed.
                let first = checks.first();
                let missed: Vec<&str> = first
                    .map(|c| {
                        c.start
                            .iter()
                            .filter(|v| !v.met)
                            .map(|v| v.text.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                out.push_str(&format!(
                    "ok    {} step {} \"{}\" ({} seeds): start misses: {}\n",
                    lesson.id,
                    index + 1,
                    step.title,
                    checks.len(),
                    missed.join("; ")
                ));
            } else {
                passed = false;
                for p in problems {
                    out.push_str(&format!("FAIL  {p}\n"));
                }
            }
        }
    }
    let steps: usize = lessons.iter().map(|l| l.steps.len()).sum();
    out.push_str(&format!(
        "\n{} lesson(s), {steps} step(s), {seeds} seed(s) each: {}\n",
        lessons.len(),
        if passed {
            "every goal is unmet at the start and met by the solution"
        } else {
            "some checks failed"
        }
    ));
    Ok((out, passed))
}

/// Runs the jobs on `threads` threads; results in job order.
fn run_jobs(jobs: &[check::Job<'_>], threads: usize) -> Vec<StepCheck> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, StepCheck)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.min(jobs.len()).max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        done.push((i, check::run(*job)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, c)| c).collect()
}
