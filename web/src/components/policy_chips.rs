//! The policies applied on the design being edited, as removable chips naming what each set.
//!
//! Owns: drawing `AppState::applied`.
//! Must not: work out what a policy set (`crate::policies` does) or change values itself (it
//! dispatches `Action::RemovePolicy`).

use yew::prelude::*;

use crate::state::{Action, AppState};

/// Policy chips props.
#[derive(Properties, PartialEq)]
pub struct PolicyChipsProps {
    /// App state.
    pub state: UseReducerHandle<AppState>,
    /// Dispatches actions.
    pub dispatch: Callback<Action>,
}

/// One chip per applied policy; its button undoes the policy.
#[component]
pub fn PolicyChips(props: &PolicyChipsProps) -> Html {
    if props.state.applied.is_empty() {
        return html! {};
    }
    html! {
        <div class="policy-chips" aria-label="Applied policies" role="group">
            <span class="chips-title">{ "Applied policies" }</span>
            <ul>
                { for props.state.applied.iter().enumerate().map(|(i, a)| {
                    let remove = props.dispatch.reform(move |_: MouseEvent| Action::RemovePolicy(i));
                    let summary = a.summary();
                    html! {
                        <li class="chip" data-policy={a.name}>
                            <span class="chip-name">{ a.name }</span>
                            <span class="chip-sets">{ format!("sets {summary}") }</span>
                            <button type="button" class="chip-remove" onclick={remove}
                                aria-label={format!("Remove {}: put back what it set", a.name)}
                                title="Remove: put back the values it set">{ "×" }</button>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
