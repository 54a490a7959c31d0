//! The root component: owns the state, the worker bridge and the effects (worker, URL).
//!
//! Owns: wiring. Layout of each part lives in `components/`.
//! Must not: run the simulation (the worker does) or compute figures (the core does).

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use gloo_worker::{Spawnable, WorkerBridge};
use yew::prelude::*;

use crate::components::{
    charts::Charts, controls::Controls, header::Header, kpis::Kpis, transport::Transport,
};
use crate::protocol::{RunRequest, RunUpdate, Slot};
use crate::state::{Action, AppState, Status};
use crate::worker::SimWorker;

/// Wait after the last parameter change before starting a run, ms (debounce while dragging).
const DEBOUNCE_MS: u32 = 120;

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
    let bridge = use_mut_ref(|| None::<WorkerBridge<SimWorker>>);

    {
        let bridge = bridge.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let spawned = SimWorker::spawner()
                .callback(move |update: RunUpdate| dispatcher.dispatch(action_for(update)))
                // Relative to the page, so the site also works under a sub-path.
                .spawn("./worker.js");
            *bridge.borrow_mut() = Some(spawned);
        });
    }

    // The address bar follows every change of the link, not only new runs: pinning or dropping a
    // baseline starts no run of the current design, and a value that cannot run yet is still
    // what the user typed (a reload shows it with its problem).
    use_effect_with(state.to_query(), |query| replace_url_query(query));

    {
        let bridge = bridge.clone();
        let raw = state.raw.clone();
        let valid = state.status != Status::Invalid;
        use_effect_with(state.run_id, move |run_id| {
            let run_id = *run_id;
            let pending = valid.then(|| {
                Timeout::new(DEBOUNCE_MS, move || {
                    if let Some(b) = bridge.borrow().as_ref() {
                        b.send(RunRequest {
                            slot: Slot::Current,
                            run_id,
                            raw,
                        });
                    }
                })
            });
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
        let full = format!("?{}", state.to_query().replace("&embed=1", ""));
        return html! {
            <div class={classes!("app", "embed", if dark { "dark" } else { "light" })}>
                <main data-status={status} data-run={state.runs_done.to_string()} aria-busy={(state.status == Status::Running).to_string()}>
                    <section class="results" aria-label="Results">
                        { banners(&state) }
                        // The figures stream in: say so while they do (a finished run needs no word).
                        <p class="run-status" role="status">
                            if state.status == Status::Running { { format!("Simulating… {progress:.0} %") } }
                        </p>
                        <Kpis state={state.clone()} />
                        <Charts state={state.clone()} dispatch={dispatch} dark={dark} />
                        <a class="embed-link" href={full} target="_blank" rel="noopener">{ "Open this scenario in Stampede" }</a>
                    </section>
                </main>
            </div>
        };
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
                            Status::Done => "Up to date.".to_string(),
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
            slot: Slot::Current,
            run_id,
            report,
        } => Action::Progress { run_id, report },
        RunUpdate::Finished {
            slot: Slot::Current,
            run_id,
            report,
        } => Action::Finished { run_id, report },
        RunUpdate::Invalid {
            slot: Slot::Current,
            run_id,
            problems,
        } => Action::Rejected { run_id, problems },
        RunUpdate::Progress {
            slot: Slot::Baseline,
            run_id,
            report,
        } => Action::BaselineReport {
            run_id,
            report,
            finished: false,
        },
        RunUpdate::Finished {
            slot: Slot::Baseline,
            run_id,
            report,
        } => Action::BaselineReport {
            run_id,
            report,
            finished: true,
        },
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
