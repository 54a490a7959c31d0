//! Transport: replay the run with a moving playhead, pause, speed, jump to end, and a scrubber.

use gloo_timers::callback::Interval;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Action, AppState, SPEEDS};

/// Wall time between replay frames, ms.
const FRAME_MS: u32 = 50;

/// Transport props.
#[derive(Properties, PartialEq)]
pub struct TransportProps {
    /// App state.
    pub state: UseReducerHandle<AppState>,
    /// Dispatches actions.
    pub dispatch: Callback<Action>,
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// The replay controls.
#[component]
pub fn Transport(props: &TransportProps) -> Html {
    {
        let dispatch = props.dispatch.clone();
        use_effect_with(props.state.playing, move |playing| {
            let interval = playing.then(|| {
                Interval::new(FRAME_MS, move || {
                    dispatch.emit(Action::Tick(f64::from(FRAME_MS)))
                })
            });
            move || drop(interval)
        });
    }
    let state = &props.state;
    let horizon_s = state.horizon_s();
    let position_s = state.playhead_s.unwrap_or(horizon_s);
    let play = if state.playing {
        props.dispatch.reform(|_: MouseEvent| Action::Pause)
    } else {
        props.dispatch.reform(|_: MouseEvent| Action::Play {
            reduced_motion: prefers_reduced_motion(),
        })
    };
    let end = props.dispatch.reform(|_: MouseEvent| Action::JumpToEnd);
    let scrub = props.dispatch.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        Action::Scrub(input.value_as_number())
    });
    let speed = props.dispatch.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        Action::Speed(select.value().parse().unwrap_or(SPEEDS[1]))
    });
    html! {
        <div class="transport" role="group" aria-label="Replay">
            <button type="button" onclick={play} aria-pressed={state.playing.to_string()}>
                { if state.playing { "Pause" } else { "Replay" } }
            </button>
            <button type="button" onclick={end}>{ "Jump to end" }</button>
            <label for="speed">{ "Speed" }</label>
            // `value` keeps the menu in step after the first draw (see `controls::control`).
            <select id="speed" ~value={state.speed.to_string()} onchange={speed}>
                { for SPEEDS.iter().map(|s| html! {
                    <option value={s.to_string()} selected={*s == state.speed}>{ format!("{s:.0} s/s") }</option>
                }) }
            </select>
            <label for="scrubber">{ "Time" }</label>
            <input type="range" id="scrubber" min="0" max={horizon_s.to_string()} step="1"
                value={position_s.to_string()} oninput={scrub}
                aria-valuetext={format!("{position_s:.0} of {horizon_s:.0} seconds")} />
            <output for="scrubber">{ format!("{position_s:.0} s") }</output>
        </div>
    }
}
