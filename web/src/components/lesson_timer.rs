//! The facilitator's timer: minutes spent on the lesson against its planned duration.
//!
//! Owns: its own running/elapsed state (wall-clock seconds, for the room; no figure of a run
//! depends on it).
//! Must not: touch the app state.

use gloo_timers::callback::Interval;
use yew::prelude::*;

/// Timer props.
#[derive(Properties, PartialEq)]
pub struct LessonTimerProps {
    /// The lesson's planned duration, minutes.
    pub planned_min: u32,
}

/// A start/pause/reset stopwatch showing `mm:ss of N min`.
#[component]
pub fn LessonTimer(props: &LessonTimerProps) -> Html {
    let elapsed_s = use_state(|| 0u32);
    let running = use_state(|| false);
    {
        let elapsed_s = elapsed_s.clone();
        use_effect_with(*running, move |running| {
            let interval = running.then(|| {
                let elapsed_s = elapsed_s.clone();
                // The handle reads the latest value through the setter's own state.
                let mut seconds = *elapsed_s;
                Interval::new(1000, move || {
                    seconds += 1;
                    elapsed_s.set(seconds);
                })
            });
            move || drop(interval)
        });
    }
    let toggle = {
        let running = running.clone();
        Callback::from(move |_: MouseEvent| running.set(!*running))
    };
    let reset = {
        let (running, elapsed_s) = (running.clone(), elapsed_s.clone());
        Callback::from(move |_: MouseEvent| {
            running.set(false);
            elapsed_s.set(0);
        })
    };
    let over = *elapsed_s > props.planned_min * 60;
    html! {
        <div class={classes!("timer", over.then_some("over"))} role="timer" aria-label="Lesson timer">
            <span class="timer-value">{ format!("{:02}:{:02}", *elapsed_s / 60, *elapsed_s % 60) }</span>
            <span class="timer-plan">{ format!(" of {} min planned", props.planned_min) }</span>
            <button type="button" onclick={toggle}>{ if *running { "Pause timer" } else { "Start timer" } }</button>
            <button type="button" onclick={reset}>{ "Reset timer" }</button>
        </div>
    }
}
