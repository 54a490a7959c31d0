//! Header: title, preset picker, resets and the dark-mode toggle.

use stampede_core::presets::{POLICIES, PRESETS};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::linked_text::LinkedText;
use crate::state::{Action, AppState};

/// Header props.
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// App state.
    pub state: UseReducerHandle<AppState>,
    /// Dispatches actions.
    pub dispatch: Callback<Action>,
    /// What the system prefers.
    pub system_dark: bool,
}

/// The header bar.
#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let on_preset = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(index) = select.value().parse::<usize>() {
                dispatch.emit(Action::LoadPreset(index));
            }
        })
    };
    let on_policy = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(index) = select.value().parse::<usize>() {
                dispatch.emit(Action::ApplyPolicy(index));
            }
            select.set_value("");
        })
    };
    let reset_preset = props.dispatch.reform(|_: MouseEvent| Action::ResetPreset);
    let reset_all = props.dispatch.reform(|_: MouseEvent| Action::ResetAll);
    let pin = props.dispatch.reform(|_: MouseEvent| Action::PinBaseline);
    let unpin = props.dispatch.reform(|_: MouseEvent| Action::ClearBaseline);
    let comparing = props.state.baseline.is_some();
    let system_dark = props.system_dark;
    let toggle_dark = props
        .dispatch
        .reform(move |_: MouseEvent| Action::ToggleDark { system_dark });
    let preset = PRESETS.get(props.state.preset);
    html! {
        <header class="top">
            <h1>{ "Stampede" }<span class="tagline">{ " — DNS outages, retry storms and recovery" }</span></h1>
            <div class="top-controls">
                <label for="preset">{ "Preset" }</label>
                // `value` keeps the menu in step after the first draw (see `controls::control`).
                <select id="preset" ~value={props.state.preset.to_string()} onchange={on_preset}>
                    { for PRESETS.iter().enumerate().map(|(i, p)| html! {
                        <option value={i.to_string()} selected={i == props.state.preset}>{ p.title() }</option>
                    }) }
                </select>
                <label for="policy">{ "Apply policy" }</label>
                <select id="policy" onchange={on_policy} title="Overlay a runtime's DNS caching, a retry library's policy and budget, or a breaker's defaults on the current scenario">
                    <option value="" selected=true>{ "choose…" }</option>
                    { for POLICIES.iter().enumerate().map(|(i, p)| html! {
                        <option value={i.to_string()} title={p.description()}>{ p.name }</option>
                    }) }
                </select>
                <button type="button" onclick={reset_preset}>{ "Reset to preset" }</button>
                <button type="button" onclick={reset_all}>{ "Reset all" }</button>
                <button type="button" onclick={pin} title="Keep this design as a baseline: its KPIs and headline lines stay on screen while you change parameters, and the link carries both designs.">
                    { if comparing { "Re-pin baseline" } else { "Pin as baseline" } }
                </button>
                if comparing {
                    <button type="button" onclick={unpin}>{ "Stop comparing" }</button>
                }
                <a class="lessons-link" href="?lessons">{ "Game-day lessons" }</a>
                <button type="button" onclick={toggle_dark} aria-pressed={props.state.dark.unwrap_or(system_dark).to_string()}>
                    { "Dark mode" }
                </button>
            </div>
            if let Some(p) = preset {
                { description(&p.description()) }
            }
        </header>
    }
}

/// Longest lead of a description, characters: about two lines on a phone.
const LEAD_CHARS: usize = 120;

/// The lead of a description (its first sentence, or its first words when that is long) and the
/// rest (empty when the lead is all of it).
pub fn split_description(text: &str) -> (String, String) {
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    if text[..end].chars().count() <= LEAD_CHARS {
        return (text[..end].to_string(), text[end..].trim().to_string());
    }
    let cut = text
        .char_indices()
        .take(LEAD_CHARS)
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| i)
        .last()
        .unwrap_or(end);
    (
        format!("{}…", &text[..cut]),
        format!("…{}", text[cut..].trim_start()),
    )
}

/// A preset's description: its first sentence, the rest behind "more" (on a phone the full text
/// would push the results off the first screen).
fn description(text: &str) -> Html {
    let (first, rest) = split_description(text);
    if rest.is_empty() {
        return html! { <p class="preset-help"><LinkedText text={first} /></p> };
    }
    html! {
        <details class="preset-help">
            <summary><LinkedText text={first} /><span class="more">{ " More" }</span></summary>
            <p><LinkedText text={rest} /></p>
        </details>
    }
}
