//! The note under the status line when the parameter just changed moved no KPI, and the notice
//! when the page's link used an old spelling (wording and rules in `crate::change_note`).
//! Must not: keep state the reducer needs; it only remembers the last finished run it saw.

use std::rc::Rc;

use stampede_core::{RawScenario, Summary};
use yew::prelude::*;

use crate::change_note::{note, old_spellings};
use crate::state::{AppState, Status};

/// Change-note props.
#[derive(Properties, PartialEq)]
pub struct ChangeNoteProps {
    /// App state.
    pub state: UseReducerHandle<AppState>,
}

/// "Retry attempts from 3 to 4 moved no KPI …" after a run that changed nothing on screen.
#[component]
pub fn ChangeNote(props: &ChangeNoteProps) -> Html {
    // The scenario and summary of the last finished run, and the note it gave.
    let last = use_mut_ref(|| None::<(RawScenario, Rc<Summary>)>);
    let text = use_state(|| None::<String>);
    let finished = props.state.status == Status::Done;
    let runs = props.state.runs_done;
    {
        let (last, text, state) = (last.clone(), text.clone(), props.state.clone());
        use_effect_with((runs, finished), move |&(_, finished)| {
            if finished && let Some(report) = state.report.as_ref() {
                let summary = Rc::new(report.summary.clone());
                let mut last = last.borrow_mut();
                let new = last
                    .as_ref()
                    .and_then(|(raw, before)| note((raw, before), (&state.raw, &summary)));
                text.set(new);
                *last = Some((state.raw.clone(), summary));
            }
        });
    }
    match (&*text, props.state.status) {
        (Some(t), Status::Done) => html! { <p class="change-note" role="note">{ t }</p> },
        _ => html! {},
    }
}

/// The old spellings of the link the page was opened with, listed once.
#[component]
pub fn OldSpellings() -> Html {
    let notes = use_state(|| {
        web_sys::window()
            .and_then(|w| w.location().search().ok())
            .map(|q| old_spellings(&q))
            .unwrap_or_default()
    });
    if notes.is_empty() {
        return html! {};
    }
    html! {
        <div class="banner old-spelling" role="status">
            <ul>{ for notes.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
        </div>
    }
}
