//! Which page the app shows (the playground, the lesson list or one lesson's step) and the
//! lesson's progress: plain Rust, unit-tested natively.
//!
//! Owns: the lesson part of the link (`?lessons`, `?lesson=<id>&step=N&attempts=K&hints=H`,
//! `&facilitator=1`, `&challenge=1`), the step's progress (attempts, hints shown) and its
//! transitions ([`LessonAction`]).
//! Must not: touch the DOM, run anything or decide goals (`stampede_lessons` does).

use stampede_core::RawScenario;
use stampede_lessons::{Lesson, Step, find};

/// The page the app shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    /// The playground with every control.
    Playground,
    /// The lesson list, with a notice when a link named a lesson or step that does not exist.
    LessonList {
        /// Why the list opened instead of the lesson the link asked for.
        notice: Option<String>,
    },
    /// One step of a lesson.
    Lesson(LessonProgress),
}

/// Where a learner is in a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonProgress {
    /// The lesson.
    pub lesson: &'static Lesson,
    /// Step index, 0-based (the link writes it 1-based: `step=1` is the first).
    pub step: usize,
    /// Runs the learner has checked in this step.
    pub attempts: u32,
    /// Hints revealed, in order.
    pub hints: usize,
    /// Facilitator mode: the expected answer, the solution and discussion prompts are shown.
    pub facilitator: bool,
    /// Challenge mode: only the goal and the controls (no narrative, no hints).
    pub challenge: bool,
    /// A control changed since the last finished run: that run counts as an attempt.
    pub changed: bool,
}

impl LessonProgress {
    /// The current step.
    pub fn step(&self) -> &'static Step {
        &self.lesson.steps[self.step]
    }

    /// The link part of the progress (without the learner's settings).
    pub fn query(&self) -> String {
        let mut query = format!(
            "lesson={}&step={}&attempts={}",
            self.lesson.id,
            self.step + 1,
            self.attempts
        );
        if self.hints > 0 {
            query.push_str(&format!("&hints={}", self.hints));
        }
        if self.facilitator {
            query.push_str("&facilitator=1");
        }
        if self.challenge {
            query.push_str("&challenge=1");
        }
        query
    }

    /// The link to another step of the same lesson, in the same mode, from its start.
    pub fn step_link(&self, step: usize) -> String {
        let other = LessonProgress {
            step,
            attempts: 0,
            hints: 0,
            changed: false,
            ..self.clone()
        };
        format!("?{}", other.query())
    }

    /// The same step in another mode (facilitator or challenge), from its start.
    pub fn mode_link(&self, facilitator: bool, challenge: bool) -> String {
        let other = LessonProgress {
            facilitator,
            challenge,
            attempts: 0,
            hints: 0,
            changed: false,
            ..self.clone()
        };
        format!("?{}", other.query())
    }
}

/// What a learner or facilitator does in a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonAction {
    /// Reveal the next hint.
    Hint,
    /// Back to the step's starting settings.
    Restart,
    /// Apply the recorded solution (facilitator mode).
    ApplySolution,
}

/// The keys of a link that belong to the lesson, not to the scenario.
const LESSON_KEYS: [&str; 7] = [
    "lessons",
    "lesson",
    "step",
    "attempts",
    "hints",
    "facilitator",
    "challenge",
];

/// Whether a `key=value` pair of a link is a lesson key.
pub fn is_lesson_pair(pair: &str) -> bool {
    let key = pair.split_once('=').map_or(pair, |(k, _)| k);
    LESSON_KEYS.contains(&key)
}

/// The page a link asks for, from its lesson pairs (see [`is_lesson_pair`]); a lesson or step
/// that does not exist opens the list with a notice.
pub fn page_from_pairs(pairs: &[&str]) -> Page {
    let value = |key: &str| {
        pairs
            .iter()
            .filter_map(|p| p.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
            .next_back()
    };
    let Some(id) = value("lesson") else {
        return if pairs.iter().any(|p| p.split('=').next() == Some("lessons")) {
            Page::LessonList { notice: None }
        } else {
            Page::Playground
        };
    };
    let Some(lesson) = find(id) else {
        return Page::LessonList {
            notice: Some(format!(
                "There is no lesson `{id}`; here are the lessons there are."
            )),
        };
    };
    let count = lesson.steps.len();
    let step = match value("step").map(|s| s.parse::<usize>()) {
        None => 1,
        Some(Ok(n)) if (1..=count).contains(&n) => n,
        Some(_) => {
            return Page::LessonList {
                notice: Some(format!(
                    "“{}” has no step {}: it has {count} (numbered from 1).",
                    lesson.title,
                    value("step").unwrap_or_default()
                )),
            };
        }
    };
    let number = |key: &str| value(key).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
    let hints = (number("hints") as usize).min(lesson.steps[step - 1].hints.len());
    Page::Lesson(LessonProgress {
        lesson,
        step: step - 1,
        attempts: number("attempts"),
        hints,
        facilitator: value("facilitator") == Some("1"),
        challenge: value("challenge") == Some("1"),
        changed: false,
    })
}

/// The scenario a page starts from before the link's own settings: the step's start in a lesson.
pub fn base_raw(page: &Page) -> Option<RawScenario> {
    match page {
        Page::Lesson(progress) => Some(progress.step().start.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(query: &str) -> Page {
        let pairs: Vec<&str> = query.split('&').collect();
        page_from_pairs(&pairs)
    }

    fn first() -> &'static Lesson {
        stampede_lessons::lessons().next().expect("a lesson")
    }

    #[test]
    fn a_link_opens_the_step_it_names() {
        let lesson = first();
        let Page::Lesson(p) = page(&format!(
            "lesson={}&step=1&attempts=4&hints=1&facilitator=1",
            lesson.id
        )) else {
            panic!("expected a lesson page");
        };
        assert_eq!(
            (p.step, p.attempts, p.hints, p.facilitator, p.challenge),
            (0, 4, 1, true, false)
        );
        assert_eq!(
            p.query(),
            format!(
                "lesson={}&step=1&attempts=4&hints=1&facilitator=1",
                lesson.id
            )
        );
    }

    #[test]
    fn a_missing_lesson_or_step_opens_the_list_with_a_notice() {
        let lesson = first();
        for query in [
            "lesson=no-such-lesson".to_string(),
            format!("lesson={}&step={}", lesson.id, lesson.steps.len() + 1),
            format!("lesson={}&step=0", lesson.id),
            format!("lesson={}&step=two", lesson.id),
        ] {
            match page(&query) {
                Page::LessonList { notice: Some(n) } => assert!(!n.is_empty(), "{query}"),
                other => panic!("{query}: expected the list with a notice, got {other:?}"),
            }
        }
        assert_eq!(page("lessons"), Page::LessonList { notice: None });
        assert_eq!(page("preset=serve-stale"), Page::Playground);
    }

    #[test]
    fn hints_in_a_link_never_exceed_the_steps_hints() {
        let lesson = first();
        let Page::Lesson(p) = page(&format!("lesson={}&hints=99", lesson.id)) else {
            panic!("expected a lesson page");
        };
        assert_eq!(p.hints, lesson.steps[0].hints.len());
    }

    use crate::state::{Action, AppState};

    /// A short report for the run in flight (its figures do not matter to these tests).
    fn finish(state: &mut AppState) {
        let sc = state.scenario().expect("valid");
        let mut sim = stampede_core::Simulation::new(&sc);
        sim.advance_to(stampede_core::SimTime::from_s(1.0));
        let report = Box::new(sim.report());
        state.apply(Action::Finished {
            run_id: state.run_id,
            report,
        });
    }

    fn progress(state: &AppState) -> &LessonProgress {
        match &state.page {
            Page::Lesson(p) => p,
            other => panic!("expected a lesson page, got {other:?}"),
        }
    }

    #[test]
    fn a_lesson_link_starts_from_the_step_and_keeps_the_learners_changes() {
        let lesson = find("caches-repopulate").expect("the lesson");
        let query = "lesson=caches-repopulate&step=2&attempts=3&resolver.negative_ttl_s=5";
        let state = AppState::from_query(query);
        let mut expected = lesson.steps[1].start.clone();
        expected.first_resolver_mut().negative_ttl_s = 5.0;
        assert_eq!(state.raw, expected);
        assert_eq!(progress(&state).attempts, 3);
        assert_eq!(state.to_query(), query);
        assert!(state.url_problems.is_empty(), "{:?}", state.url_problems);
        // The playground link carries the same design over the lesson's preset.
        let playground = AppState::from_query(&state.playground_query());
        assert_eq!(playground.page, Page::Playground);
        assert_eq!(playground.raw, state.raw);
    }

    #[test]
    fn a_run_after_a_change_is_an_attempt_and_a_rerun_is_not() {
        let mut state = AppState::from_query("lesson=caches-repopulate&step=1&attempts=0");
        finish(&mut state);
        assert_eq!(
            progress(&state).attempts,
            0,
            "the starting run is no attempt"
        );
        state.apply(Action::SetParam {
            key: "resolver.serve_stale".into(),
            value: 1.0,
        });
        finish(&mut state);
        assert_eq!(progress(&state).attempts, 1);
        finish(&mut state);
        assert_eq!(progress(&state).attempts, 1);
        assert!(
            state
                .to_query()
                .starts_with("lesson=caches-repopulate&step=1&attempts=1&")
        );
    }

    #[test]
    fn the_solution_and_restart_set_the_steps_recorded_settings() {
        let lesson = find("caches-repopulate").expect("the lesson");
        let mut state = AppState::from_query("lesson=caches-repopulate&step=1&facilitator=1");
        state.apply(Action::Lesson(LessonAction::ApplySolution));
        assert_eq!(state.raw, lesson.steps[0].solved);
        assert!(state.raw.resolver.serve_stale);
        state.apply(Action::Lesson(LessonAction::Restart));
        assert_eq!(state.raw, lesson.steps[0].start);
        state.apply(Action::Lesson(LessonAction::Hint));
        state.apply(Action::Lesson(LessonAction::Hint));
        state.apply(Action::Lesson(LessonAction::Hint));
        assert_eq!(progress(&state).hints, lesson.steps[0].hints.len());
    }
}
