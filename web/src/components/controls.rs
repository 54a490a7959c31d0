//! Parameter panels, generated from the core's parameter registry.

use stampede_core::scenario::params::{Category, PARAMS, Param, ParamKind};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Action, AppState};

/// Controls props.
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// App state.
    pub state: UseReducerHandle<AppState>,
    /// Dispatches actions.
    pub dispatch: Callback<Action>,
}

/// Every parameter, grouped by category.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    html! {
        <form class="controls" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            { for Category::ALL.iter().map(|category| html! {
                <fieldset>
                    <legend>{ category.label() }</legend>
                    { for PARAMS.iter().filter(|p| p.category == *category).map(|p| control(p, props)) }
                </fieldset>
            }) }
        </form>
    }
}

fn control(param: &'static Param, props: &ControlsProps) -> Html {
    let value = (param.get)(&props.state.raw);
    let id = format!("p-{}", param.key.replace('.', "-"));
    let help_id = format!("{id}-help");
    let problem = props.state.problem_for(param.key);
    let key = param.key;
    let dispatch = props.dispatch.clone();
    let input = match param.kind {
        ParamKind::Choice(options) => {
            let onchange = Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                if let Ok(v) = select.value().parse::<f64>() {
                    dispatch.emit(Action::SetParam {
                        key: key.to_string(),
                        value: v,
                    });
                }
            });
            html! {
                <select id={id.clone()} data-key={key} aria-describedby={help_id.clone()} {onchange}>
                    { for options.iter().enumerate().map(|(i, o)| html! {
                        <option value={i.to_string()} selected={i as f64 == value}>{ *o }</option>
                    }) }
                </select>
            }
        }
        ParamKind::Bool => {
            let onchange = Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let v = if input.checked() { 1.0 } else { 0.0 };
                dispatch.emit(Action::SetParam {
                    key: key.to_string(),
                    value: v,
                });
            });
            html! {
                <input type="checkbox" id={id.clone()} data-key={key} checked={value != 0.0}
                    aria-describedby={help_id.clone()} {onchange} />
            }
        }
        ParamKind::Number | ParamKind::Integer => {
            let oninput = Callback::from(move |e: InputEvent| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let v = input.value_as_number();
                if v.is_finite() {
                    dispatch.emit(Action::SetParam {
                        key: key.to_string(),
                        value: v,
                    });
                }
            });
            html! {
                <input type="range" id={id.clone()} data-key={key}
                    min={param.min.to_string()} max={param.max.to_string()} step={param.step.to_string()}
                    value={value.to_string()} aria-describedby={help_id.clone()}
                    aria-valuetext={param.format(value)} aria-invalid={problem.is_some().to_string()} {oninput} />
            }
        }
    };
    html! {
        <div class={classes!("control", problem.is_some().then_some("invalid"))} title={param.why}>
            <div class="control-head">
                <label for={id.clone()}>{ param.label }</label>
                <output for={id}>{ param.format(value) }</output>
            </div>
            { input }
            <small id={help_id}>{ param.help }</small>
            if let Some(p) = problem {
                <small class="error" role="alert">{ &p.message }</small>
            }
        </div>
    }
}
