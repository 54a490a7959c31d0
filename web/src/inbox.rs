//! The page's inbox for the worker's messages: a streaming run's progress reaches the reducer at
//! most once per animation frame.
//!
//! Owns: batching the [`Action`]s made from worker messages. Progress (deltas of a run still
//! going) waits for an animation frame at least [`PROGRESS_SPACING_MS`] after the previous batch
//! (a run's first report only for the next frame) and is merged into one action per run;
//! anything else (a run's final message, a rejection) is dispatched at once, after what waited
//! before it, so order is kept and a finished run is never held back by a hidden tab's paused
//! frames.
//! Must not: look inside reports (the reducer appends the deltas).

#[cfg(target_arch = "wasm32")]
use std::cell::RefCell;
#[cfg(target_arch = "wasm32")]
use std::rc::Rc;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

use crate::state::Action;

/// Least time between two batches of progress, ms: every batch re-renders the page (cards,
/// controls, charts on screen), and on a loaded 2-core machine that work competes with the
/// worker for the CPU; ten updates a second still stream.
#[cfg(target_arch = "wasm32")]
const PROGRESS_SPACING_MS: f64 = 100.0;

/// Actions waiting for the next frame, and whether a frame has been asked for.
#[cfg(target_arch = "wasm32")]
#[derive(Default)]
struct Waiting {
    actions: Vec<Action>,
    frame_asked: bool,
    on_frame: Option<Closure<dyn FnMut()>>,
    /// When the last batch went out (`performance.now()`), ms.
    flushed_ms: f64,
    /// A run's first report is waiting: it goes on the next frame.
    urgent: bool,
}

/// Batches worker actions per animation frame; cheap to clone (shared).
#[cfg(target_arch = "wasm32")]
#[derive(Clone)]
pub struct Inbox {
    dispatch: Rc<dyn Fn(Action)>,
    waiting: Rc<RefCell<Waiting>>,
}

#[cfg(target_arch = "wasm32")]
impl Inbox {
    /// An inbox that hands its batches to `dispatch`.
    pub fn new(dispatch: impl Fn(Action) + 'static) -> Inbox {
        Inbox {
            dispatch: Rc::new(dispatch),
            waiting: Rc::default(),
        }
    }

    /// Takes one action made from a worker message.
    pub fn push(&self, action: Action) {
        let streaming = can_wait(&action);
        {
            let mut waiting = self.waiting.borrow_mut();
            waiting.urgent |= matches!(action, Action::Progress { .. });
            waiting.actions.push(action);
        }
        if streaming {
            self.ask_for_frame();
        } else {
            self.flush();
        }
    }

    /// Dispatches everything waiting, adjacent deltas of one run merged into one action.
    fn flush(&self) {
        let actions = {
            let mut waiting = self.waiting.borrow_mut();
            waiting.flushed_ms = crate::perf::now_ms();
            waiting.urgent = false;
            std::mem::take(&mut waiting.actions)
        };
        for action in merge(actions) {
            (self.dispatch)(action);
        }
    }

    fn ask_for_frame(&self) {
        let asked = {
            let mut waiting = self.waiting.borrow_mut();
            if waiting.frame_asked {
                return;
            }
            let waiting = &mut *waiting;
            let inbox = self.clone();
            let callback = waiting.on_frame.get_or_insert_with(|| {
                Closure::new(move || {
                    let due = {
                        let mut waiting = inbox.waiting.borrow_mut();
                        waiting.frame_asked = false;
                        waiting.urgent
                            || crate::perf::now_ms() - waiting.flushed_ms >= PROGRESS_SPACING_MS
                    };
                    if due {
                        inbox.flush();
                    } else {
                        inbox.ask_for_frame();
                    }
                })
            });
            let asked = web_sys::window().is_some_and(|w| {
                w.request_animation_frame(callback.as_ref().unchecked_ref())
                    .is_ok()
            });
            waiting.frame_asked = asked;
            asked
        };
        if !asked {
            self.flush();
        }
    }
}

/// Whether an action may wait for the next frame: progress of a run still going.
#[cfg_attr(
    not(target_arch = "wasm32"),
    allow(dead_code, reason = "used by the wasm-only Inbox and by tests")
)]
fn can_wait(action: &Action) -> bool {
    match action {
        Action::Appended { deltas, .. } | Action::BaselineAppended { deltas, .. } => {
            !deltas.iter().any(|d| d.finished)
        }
        Action::Progress { .. } => true,
        Action::BaselineReport { finished, .. } => !finished,
        _ => false,
    }
}

/// Merges adjacent `Appended` actions of the same run (and `BaselineAppended` ones) into one.
#[cfg_attr(
    not(target_arch = "wasm32"),
    allow(dead_code, reason = "used by the wasm-only Inbox and by tests")
)]
fn merge(actions: Vec<Action>) -> Vec<Action> {
    let mut merged: Vec<Action> = Vec::with_capacity(actions.len());
    for action in actions {
        match (merged.last_mut(), action) {
            (
                Some(Action::Appended { run_id, deltas }),
                Action::Appended {
                    run_id: next,
                    deltas: more,
                },
            ) if *run_id == next => deltas.extend(more),
            (
                Some(Action::BaselineAppended { run_id, deltas }),
                Action::BaselineAppended {
                    run_id: next,
                    deltas: more,
                },
            ) if *run_id == next => deltas.extend(more),
            (_, action) => merged.push(action),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delta::ReportDelta;
    use crate::state::AppState;

    fn delta(finished: bool) -> ReportDelta {
        let sc = AppState::from_query("preset=naive-retry-storm")
            .scenario()
            .unwrap();
        let mut report = stampede_core::Simulation::new(&sc).report();
        report.finished = finished;
        ReportDelta::between(report, 0, 1)
    }

    fn appended(run_id: u64, n: usize) -> Action {
        Action::Appended {
            run_id,
            deltas: (0..n).map(|_| delta(false)).collect(),
        }
    }

    #[test]
    fn adjacent_deltas_of_one_run_merge_in_order_and_nothing_else_does() {
        let base = |run_id| Action::BaselineAppended {
            run_id,
            deltas: vec![delta(false)],
        };
        let merged = merge(vec![
            appended(1, 2),
            appended(1, 1),
            appended(2, 1),
            base(7),
            base(7),
            Action::Pause,
            appended(2, 1),
        ]);
        let shape: Vec<(u64, usize)> = merged
            .iter()
            .map(|a| match a {
                Action::Appended { run_id, deltas } => (*run_id, deltas.len()),
                Action::BaselineAppended { run_id, deltas } => (100 + run_id, deltas.len()),
                _ => (0, 0),
            })
            .collect();
        assert_eq!(shape, [(1, 3), (2, 1), (107, 2), (0, 0), (2, 1)]);
    }

    #[test]
    fn only_progress_of_a_run_still_going_waits_for_a_frame() {
        assert!(can_wait(&appended(1, 2)));
        let last = Action::Appended {
            run_id: 1,
            deltas: vec![delta(false), delta(true)],
        };
        assert!(!can_wait(&last), "a run's final delta goes at once");
        assert!(!can_wait(&Action::Rejected {
            run_id: 1,
            problems: Vec::new()
        }));
    }
}
