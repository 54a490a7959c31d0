//! The root component: owns the state, the worker bridge and the effects (worker, URL).
//!
//! Owns: wiring. Layout of each part lives in `components/`.
//! Must not: run the simulation (the worker does) or compute figures (the core does).

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::components::{
    charts::Charts, controls::Controls, embed::EmbedView, header::Header, kpis::Kpis,
    lesson_list::LessonList, lesson_view::LessonView, transport::Transport,
};
use crate::inbox::Inbox;
use crate::lesson::Page;
use crate::protocol::{ReportUpdate, RunRequest, RunUpdate, Slot};
use crate::state::{Action, AppState, Status};
use crate::supervisor::Supervisor;

/// Least time between two runs the page asks for, ms: a change starts its run at once, unless
/// the previous run started less than this ago (a dragged slider), then when this has passed
/// (the worker drops a replaced run between two slices anyway).
const RUN_SPACING_MS: f64 = 120.0;

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

fn location_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

fn replace_url_query(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("?{query}")),
        );
    }
}

/// The playground.
#[component]
pub fn App() -> Html {
    let state = use_reducer(|| AppState::from_query(&location_query()));
    // The worker behind its supervisor, which replaces it when it fails (`supervisor.rs`).
    let bridge = use_mut_ref(|| None::<Rc<Supervisor>>);

    {
        let bridge = bridge.clone();
        let dispatcher = state.dispatcher();
        let failures = state.dispatcher();
        use_effect_with((), move |_| {
            let inbox = Inbox::new(move |action| dispatcher.dispatch(action));
            let spawned = Supervisor::start(
                Callback::from(move |update: RunUpdate| inbox.push(action_for(update))),
                Callback::from(move |detail: String| {
                    failures.dispatch(Action::WorkerFailed { detail })
                }),
            );
            *bridge.borrow_mut() = Some(spawned);
        });
    }

    // The address bar follows every change of the link, not only new runs: pinning or dropping a
    // baseline starts no run of the current design, and a value that cannot run yet is still
    // what the user typed (a reload shows it with its problem).
    use_effect_with(state.to_query(), |query| replace_url_query(query));

    {
        let bridge = bridge.clone();
        let last_sent_ms = use_mut_ref(|| f64::NEG_INFINITY);
        let raw = state.raw.clone();
        // The lesson list shows no run: it starts none.
        let valid =
            state.status != Status::Invalid && !matches!(state.page, Page::LessonList { .. });
        use_effect_with(state.run_id, move |run_id| {
            let run_id = *run_id;
            let wait_ms = RUN_SPACING_MS - (crate::perf::now_ms() - *last_sent_ms.borrow());
            let send = move || {
                *last_sent_ms.borrow_mut() = crate::perf::now_ms();
                if let Some(b) = bridge.borrow().as_ref() {
                    b.send(RunRequest {
                        slot: Slot::Current,
                        run_id,
                        raw,
                    });
                }
            };
            let pending = match (valid, wait_ms > 0.0) {
                (false, _) => None,
                (true, false) => {
                    send();
                    None
                }
                (true, true) => Some(Timeout::new(wait_ms.ceil() as u32, send)),
            };
            move || drop(pending)
        });
    }

    {
        let bridge = bridge.clone();
        let baseline = state.baseline.as_ref().map(|b| (b.run_id, b.raw.clone()));
        use_effect_with(baseline.as_ref().map(|b| b.0), move |_| {
            // The worker is spawned by the first effect, which runs before this one.
            if let (Some((run_id, raw)), Some(b)) = (baseline, bridge.borrow().as_ref()) {
                b.send(RunRequest {
                    slot: Slot::Baseline,
                    run_id,
                    raw,
                });
            }
        });
    }

    {
        // For the browser benchmark: when a report of the current run reached the screen.
        let (run_id, done) = (state.run_id, state.status == Status::Done);
        let shown = state.report.is_some();
        use_effect_with(state.report_seq, move |_| {
            if shown {
                crate::perf::mark_kpis_shown(run_id, done);
            }
        });
    }

    let system_dark = system_prefers_dark();
    let dark = state.dark.unwrap_or(system_dark);
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    let status = match state.status {
        Status::Running => "running",
        Status::Done => "done",
        Status::Invalid => "invalid",
    };
    let progress = state.report.as_ref().map_or(0.0, |r| {
        r.buckets_done as f64 / r.buckets_total.max(1) as f64 * 100.0
    });
    if state.embed {
        return html! { <EmbedView state={state.clone()} dispatch={dispatch} dark={dark} banner={banners(&state)} /> };
    }
    match &state.page {
        Page::Lesson(_) => {
            return html! { <LessonView state={state.clone()} dispatch={dispatch} dark={dark} system_dark={system_dark} /> };
        }
        Page::LessonList { .. } => {
            return html! { <LessonList state={state.clone()} dispatch={dispatch} dark={dark} system_dark={system_dark} /> };
        }
        Page::Playground => {}
    }
    html! {
        <div class={classes!("app", if dark { "dark" } else { "light" })}>
            <nav class="skip-links" aria-label="Skip links">
                <a href="#charts">{ "Skip to charts" }</a>
                <a href="#controls">{ "Skip to controls" }</a>
            </nav>
            <Header state={state.clone()} dispatch={dispatch.clone()} system_dark={system_dark} />
            <main data-status={status} data-run={state.runs_done.to_string()} aria-busy={(state.status == Status::Running).to_string()}>
                <aside class="panel-column" id="controls" tabindex="-1" aria-label="Parameters">
                    <Controls state={state.clone()} dispatch={dispatch.clone()} />
                </aside>
                <section class="results" aria-label="Results">
                    { banners(&state) }
                    <p class="run-status" role="status">
                        { match state.status {
                            Status::Running => format!("Simulating… {progress:.0} %"),
                            Status::Done if state.report.as_ref().is_some_and(|r| r.stopped_early()) => partial_text(&state),
                            Status::Done => "Up to date.".to_string(),
                            Status::Invalid if state.problems.is_empty() => "Not run: see the message above.".to_string(),
                            Status::Invalid if state.report.is_none() => "Fix the highlighted parameters to run the scenario.".to_string(),
                            Status::Invalid => "Fix the highlighted parameters; the last good result stays on screen.".to_string(),
                        } }
                    </p>
                    <Kpis state={state.clone()} />
                    <Transport state={state.clone()} dispatch={dispatch.clone()} />
                    <Charts state={state.clone()} dispatch={dispatch} dark={dark} />
                </section>
            </main>
        </div>
    }
}

fn action_for(update: RunUpdate) -> Action {
    match update {
        RunUpdate::Progress {
            slot,
            run_id,
            update,
        } => report_action(slot, run_id, update, false),
        RunUpdate::Finished {
            slot,
            run_id,
            update,
            timings,
        } => {
            if slot == Slot::Current {
                crate::perf::mark_worker_finished(run_id, &timings);
            }
            report_action(slot, run_id, update, true)
        }
        RunUpdate::Invalid {
            slot: Slot::Current,
            run_id,
            problems,
        } => Action::Rejected { run_id, problems },
        RunUpdate::Invalid {
            slot: Slot::Baseline,
            problems,
            ..
        } => Action::Rejected {
            run_id: u64::MAX,
            problems,
        },
    }
}

/// The status line of a run that stopped at its budget: its figures are partial.
pub(crate) fn partial_text(state: &AppState) -> String {
    let now_s = state.report.as_ref().map_or(0.0, |r| r.now_s);
    format!(
        "Partial: the run stopped at its budget; every figure covers only the first {} s.",
        stampede_core::report::number(now_s, 1)
    )
}

/// The action for a report message of `slot`: a whole report replaces the one on screen, a
/// delta appends to it (its `finished` flag ends the run).
fn report_action(slot: Slot, run_id: u64, update: ReportUpdate, finished: bool) -> Action {
    match (slot, update) {
        (Slot::Current, ReportUpdate::Whole(report)) if finished => {
            Action::Finished { run_id, report }
        }
        (Slot::Current, ReportUpdate::Whole(report)) => Action::Progress { run_id, report },
        (Slot::Current, ReportUpdate::Delta(delta)) => Action::Appended {
            run_id,
            deltas: vec![*delta],
        },
        (Slot::Baseline, ReportUpdate::Whole(report)) => Action::BaselineReport {
            run_id,
            report,
            finished,
        },
        (Slot::Baseline, ReportUpdate::Delta(delta)) => Action::BaselineAppended {
            run_id,
            deltas: vec![*delta],
        },
    }
}

fn banners(state: &AppState) -> Html {
    let items = state.notices();
    if items.is_empty() {
        return html! {};
    }
    html! {
        <div class="banner" role="alert">
            <ul>{ for items.iter().map(|i| html! { <li>{ i }</li> }) }</ul>
        </div>
    }
}
