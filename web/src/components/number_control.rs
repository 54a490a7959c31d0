//! One numeric parameter: a slider whose positions are the registry's stops (so a logarithmic
//! scale moves by ratios and every position is a round value), a number box beside it for exact
//! values, and for a parameter without a slider (the seed) a "new seed" button.
//!
//! Owns: mapping between slider positions and values (through `Param::slider_steps`,
//! `Param::position` and `Param::step_from`), and the arrow keys on both inputs.
//! Must not: decide a parameter's stops or range (the registry does) or keep state of its own:
//! the value shown is always the scenario's.

use stampede_core::scenario::params::{Ladder, find};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::Action;

/// Number control props.
#[derive(Properties, PartialEq)]
pub struct NumberControlProps {
    /// Registry key of the parameter.
    pub param_key: &'static str,
    /// Its value in the scenario being edited, in its unit.
    pub value: f64,
    /// Its value in the preset the design started from: the slider's range is derived from it.
    pub anchor: f64,
    /// Element id of the slider (the number box adds `-value`).
    pub id: AttrValue,
    /// Id of the help text.
    pub help_id: AttrValue,
    /// The value has a problem.
    pub invalid: bool,
    /// The control acts on nothing (the reason is shown beside it).
    pub disabled: bool,
    /// Dispatches actions.
    pub dispatch: Callback<Action>,
}

/// How many stops an arrow key moves: one, or five with PageUp/PageDown.
fn arrow_steps(key: &str) -> Option<i32> {
    match key {
        "ArrowRight" | "ArrowUp" => Some(1),
        "ArrowLeft" | "ArrowDown" => Some(-1),
        "PageUp" => Some(5),
        "PageDown" => Some(-5),
        _ => None,
    }
}

/// A slider and a number box for one numeric parameter.
#[component]
pub fn NumberControl(props: &NumberControlProps) -> Html {
    let box_ref = use_node_ref();
    let Some(param) = find(props.param_key) else {
        return html! {};
    };
    let key = param.key;
    let value = props.value;
    let set = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |v: f64| {
            dispatch.emit(Action::SetParam {
                key: key.to_string(),
                value: v,
            })
        })
    };
    // Arrows move between stops from the scenario's value, also from a typed value between stops.
    let onkeydown = {
        let set = set.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(count) = arrow_steps(&e.key()) {
                e.prevent_default();
                let next = param.step_from(value, count);
                if next != value {
                    set.emit(next);
                }
            }
        })
    };
    let onchange = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let v = input.value_as_number();
            if v.is_finite() {
                set.emit(v);
            }
        })
    };
    let entry = param.scale.ladder == Ladder::Entry;
    // The label points at the slider, or at the box when there is no slider.
    let box_id = if entry {
        props.id.to_string()
    } else {
        format!("{}-value", props.id)
    };
    // The box is not bound to the value on every render (a run's progress re-renders the page,
    // which would overwrite what the user is typing): it takes the scenario's value when that
    // changes, and keeps a rejected entry on screen beside its problem.
    {
        let box_ref = box_ref.clone();
        let text = stampede_core::scenario::params::trim_number(value);
        use_effect_with(text, move |text| {
            if let Some(input) = box_ref.cast::<HtmlInputElement>() {
                input.set_value(text);
            }
        });
    }
    let number_box = html! {
        <input type="number" class="number" id={box_id} data-key={key} ref={box_ref}
            min={param.min.to_string()} max={param.max.to_string()} step="any"
            aria-label={format!("{} ({}), exact value", param.label, if param.unit.is_empty() { "number" } else { param.unit })}
            aria-describedby={props.help_id.clone()} aria-invalid={props.invalid.to_string()}
            disabled={props.disabled} onchange={onchange} onkeydown={onkeydown.clone()} />
    };
    let unit = (!param.unit.is_empty()).then(|| html! { <span class="unit">{ param.unit }</span> });
    if entry {
        // No slider: the whole range is too wide to point at. A seed gets a fresh one on demand.
        let renew = {
            let set = set.clone();
            Callback::from(move |_: MouseEvent| {
                let fresh = (js_sys::Math::random() * param.max).floor();
                set.emit(fresh.clamp(param.min, param.max));
            })
        };
        return html! {
            <div class="control-row">
                { number_box }
                { for unit }
                <button type="button" data-new={key} onclick={renew} disabled={props.disabled}>{ "New seed" }</button>
            </div>
        };
    }
    let stops = param.slider_steps(props.anchor);
    let position = param.position(value, &stops);
    let oninput = {
        let stops = stops.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let index = input.value_as_number();
            if let Some(v) = (index.is_finite() && index >= 0.0)
                .then(|| stops.get(index as usize).copied())
                .flatten()
                .filter(|v| *v != value)
            {
                set.emit(v);
            }
        })
    };
    let (low, high) = (stops.first().copied(), stops.last().copied());
    let outside = low.zip(high).is_some_and(|(l, h)| value < l || value > h);
    html! {
        <>
            <div class="control-row">
                <input type="range" id={props.id.clone()} data-key={key} data-scale={if param.scale.is_logarithmic() { "log" } else { "linear" }}
                    min="0" max={stops.len().saturating_sub(1).to_string()} step="1"
                    value={position.to_string()} aria-describedby={props.help_id.clone()}
                    aria-valuetext={param.format(value)} aria-invalid={props.invalid.to_string()}
                    disabled={props.disabled} {oninput} {onkeydown} />
                { number_box }
                { for unit }
            </div>
            <div class="range-ends" aria-hidden="true">
                <span>{ low.map(|l| param.format(l)) }</span>
                if outside { <span class="outside">{ "beyond the slider: kept as typed" }</span> }
                <span>{ high.map(|h| param.format(h)) }</span>
            </div>
        </>
    }
}
