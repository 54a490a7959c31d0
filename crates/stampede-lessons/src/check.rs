//! Checks that a lesson is solvable and not pre-solved: for each step and seed, the goal is not
//! met by the step's starting state and is met by its recorded solution.
//!
//! Owns: which runs a check makes (seeds: the scenario's seed plus 0..N) and the wording of a
//! failed check, with the conditions and their numbers.
//! Must not: print or choose threads (the CLI does); it runs the core's pure engine only.

use stampede_core::{RawScenario, Scenario};

use crate::goal::{Verdict, all_met, evaluate};
use crate::lesson::Lesson;

/// One check: a step of a lesson on one seed.
#[derive(Clone, Copy, Debug)]
pub struct Job<'a> {
    /// The lesson.
    pub lesson: &'a Lesson,
    /// Step index, 0-based.
    pub step: usize,
    /// Seed offset added to the scenario's seed (0..N).
    pub seed_offset: u64,
}

/// What one check found.
#[derive(Clone, Debug, PartialEq)]
pub struct StepCheck {
    /// Lesson id.
    pub lesson: String,
    /// Step index, 0-based.
    pub step: usize,
    /// Seed of both runs.
    pub seed: u64,
    /// The goal's verdicts on the step's starting state.
    pub start: Vec<Verdict>,
    /// The goal's verdicts on the solution.
    pub solved: Vec<Verdict>,
    /// A scenario that could not run (it validated when the lesson was decoded: never expected).
    pub invalid: Option<String>,
}

impl StepCheck {
    /// Whether the start misses the goal and the solution meets it.
    pub fn passed(&self) -> bool {
        self.invalid.is_none() && !all_met(&self.start) && all_met(&self.solved)
    }

    /// What went wrong, in words with the numbers; empty when the check passed.
    pub fn problems(&self) -> Vec<String> {
        let at = format!(
            "{} step {} (seed {})",
            self.lesson,
            self.step + 1,
            self.seed
        );
        let mut out = Vec::new();
        if let Some(e) = &self.invalid {
            out.push(format!("{at}: cannot run: {e}"));
            return out;
        }
        if all_met(&self.start) {
            let met: Vec<&str> = self.start.iter().map(|v| v.text.as_str()).collect();
            out.push(format!(
                "{at}: the starting state already meets the goal ({})",
                met.join("; ")
            ));
        }
        for v in self.solved.iter().filter(|v| !v.met) {
            out.push(format!("{at}: the solution misses the goal: {}", v.text));
        }
        out
    }
}

/// Every job of one lesson over `seeds` seeds, step by step.
pub fn lesson_jobs(lesson: &Lesson, seeds: u64) -> Vec<Job<'_>> {
    (0..lesson.steps.len())
        .flat_map(|step| {
            (0..seeds).map(move |seed_offset| Job {
                lesson,
                step,
                seed_offset,
            })
        })
        .collect()
}

/// Runs one job: the step's start and its solution on the same seed.
pub fn run(job: Job<'_>) -> StepCheck {
    let step = &job.lesson.steps[job.step];
    let seed = step.start.run.seed.wrapping_add(job.seed_offset);
    let mut check = StepCheck {
        lesson: job.lesson.id.clone(),
        step: job.step,
        seed,
        start: Vec::new(),
        solved: Vec::new(),
        invalid: None,
    };
    let run_one = |raw: &RawScenario| -> Result<Vec<Verdict>, String> {
        let mut raw = raw.clone();
        raw.run.seed = seed;
        let scenario = Scenario::try_from(raw).map_err(|e| e.to_string())?;
        Ok(evaluate(&step.goal, &stampede_core::run(&scenario)))
    };
    match (run_one(&step.start), run_one(&step.solved)) {
        (Ok(start), Ok(solved)) => {
            check.start = start;
            check.solved = solved;
        }
        (Err(e), _) | (_, Err(e)) => check.invalid = Some(e),
    }
    check
}
